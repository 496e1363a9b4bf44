"""excluded fields and eligibility evidence

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 16:00:00.000000

An "all fields except medicine" call keeps the broad fields it leaves out, and the words that
decided whether Palestinians may apply are kept for staff. Both are JSON lists; rows stored
before this migration get an empty list from the server default.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('eligibility_evidence', sa.JSON(), server_default=sa.text("'[]'"),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_column('eligibility_evidence')
        batch_op.drop_column('excluded')
