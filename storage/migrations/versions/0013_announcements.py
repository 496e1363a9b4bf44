"""announcements

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:40:00.000000

Announcements to a segment, with their own exactly-once ledger. (issue 15.5)
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('subject_ar', sa.String(length=200), nullable=False),
    sa.Column('body_ar', sa.Text(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('send_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('started_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_announcements_status'), 'announcements', ['status'], unique=False)
    op.create_table('announcement_deliveries',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'subscriber_id')
    )
    op.create_index(op.f('ix_announcement_deliveries_subscriber_id'), 'announcement_deliveries', ['subscriber_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_announcement_deliveries_subscriber_id'), table_name='announcement_deliveries')
    op.drop_table('announcement_deliveries')
    op.drop_index(op.f('ix_announcements_status'), table_name='announcements')
    op.drop_table('announcements')
