"""limited submissions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:15:00.000000

Limited submissions: slots, internal deadlines and intentions to apply.
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('limited_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('internal_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('internal_tz', sa.String(length=60), nullable=True),
    sa.Column('internal_date', sa.Date(), nullable=True),
    sa.Column('contact', sa.String(length=320), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('closed_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('opportunity_id')
    )
    op.create_index(op.f('ix_limited_submissions_internal_at'), 'limited_submissions', ['internal_at'], unique=False)
    op.create_table('intents_to_apply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('limited_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['limited_id'], ['limited_submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('limited_id', 'subscriber_id', name='uq_intent_limited_subscriber')
    )
    op.create_index(op.f('ix_intents_to_apply_limited_id'), 'intents_to_apply', ['limited_id'], unique=False)
    op.create_index(op.f('ix_intents_to_apply_subscriber_id'), 'intents_to_apply', ['subscriber_id'], unique=False)
    op.create_table('limited_reminders',
    sa.Column('limited_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['limited_id'], ['limited_submissions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('limited_id', 'subscriber_id')
    )


def downgrade() -> None:
    op.drop_table('limited_reminders')
    op.drop_index(op.f('ix_intents_to_apply_subscriber_id'), table_name='intents_to_apply')
    op.drop_index(op.f('ix_intents_to_apply_limited_id'), table_name='intents_to_apply')
    op.drop_table('intents_to_apply')
    op.drop_index(op.f('ix_limited_submissions_internal_at'), table_name='limited_submissions')
    op.drop_table('limited_submissions')
