"""telegram posts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:40:00.000000

Telegram channel posts: one row per (call, channel), the ledger that makes a post exactly-once. (issue 16.1)
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('telegram_channels',
    sa.Column('chat', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('failed_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.Column('first_seen_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('checked_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('chat')
    )
    op.create_table('telegram_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('plain', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('posted_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('opportunity_id', 'channel', name='uq_telegram_post_call_channel')
    )
    op.create_index(op.f('ix_telegram_posts_opportunity_id'), 'telegram_posts', ['opportunity_id'], unique=False)
    op.create_index(op.f('ix_telegram_posts_channel'), 'telegram_posts', ['channel'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_telegram_posts_channel'), table_name='telegram_posts')
    op.drop_index(op.f('ix_telegram_posts_opportunity_id'), table_name='telegram_posts')
    op.drop_table('telegram_posts')
    op.drop_table('telegram_channels')
