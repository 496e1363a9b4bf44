"""student lists

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:40:00.000000

A student's own list: bookmarks, applied marks, closing reminders, saved searches. (issue 16.4)
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bookmarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('applied_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscriber_id', 'opportunity_id', name='uq_bookmark_subscriber_call')
    )
    op.create_index(op.f('ix_bookmarks_opportunity_id'), 'bookmarks', ['opportunity_id'], unique=False)
    op.create_table('bookmark_reminders',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id', 'opportunity_id', 'days_before', 'channel')
    )
    op.create_table('telegram_chats',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.String(length=40), nullable=False),
    sa.Column('linked_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id')
    )


def downgrade() -> None:
    op.drop_table('telegram_chats')
    op.drop_table('bookmark_reminders')
    op.drop_index(op.f('ix_bookmarks_opportunity_id'), table_name='bookmarks')
    op.drop_table('bookmarks')
