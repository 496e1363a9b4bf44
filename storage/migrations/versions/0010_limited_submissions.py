"""limited submissions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:15:00.000000

Limited submissions: slots, internal deadlines and intentions to apply.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
