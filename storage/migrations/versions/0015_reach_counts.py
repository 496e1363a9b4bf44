"""reach counts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:40:00.000000

Reach: click and applied counts per call, segment and month; opt-in to per-person counting. (issue 15.6)
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subscribers') as batch:
        batch.add_column(sa.Column('reach_counting', sa.String(length=10), server_default='group', nullable=False))
    op.create_table('reach_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('college', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('applied', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('opportunity_id', 'month', 'college', 'level', 'role', name='uq_reach_call_month_segment')
    )
    op.create_index(op.f('ix_reach_counts_month'), 'reach_counts', ['month'], unique=False)
    op.create_table('reach_people',
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'subscriber_id', 'month')
    )
    op.create_index(op.f('ix_reach_people_subscriber_id'), 'reach_people', ['subscriber_id'], unique=False)
    op.create_table('applied_marks',
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('mark', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'mark')
    )


def downgrade() -> None:
    op.drop_table('applied_marks')
    op.drop_index(op.f('ix_reach_people_subscriber_id'), table_name='reach_people')
    op.drop_table('reach_people')
    op.drop_index(op.f('ix_reach_counts_month'), table_name='reach_counts')
    op.drop_table('reach_counts')
    with op.batch_alter_table('subscribers') as batch:
        batch.drop_column('reach_counting')
