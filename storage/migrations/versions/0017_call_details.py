"""call details

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:40:00.000000

What a call pays and asks: coverage items, amount, duration, host institution, language requirements, age limit, documents. (issue 16.3)
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch "move and copy"), so SQLite keeps the search triggers of 0008.
    op.add_column('opportunities', sa.Column('details', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
    op.add_column('opportunities', sa.Column('study_languages', sa.JSON(), server_default=sa.text("'[]'"),
                                             nullable=False))


def downgrade() -> None:
    # Not a batch rebuild: SQLite (3.35 and later) drops a column in place and keeps 0008's triggers.
    op.execute('ALTER TABLE opportunities DROP COLUMN study_languages')
    op.execute('ALTER TABLE opportunities DROP COLUMN details')
