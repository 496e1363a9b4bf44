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
    pass


def downgrade() -> None:
    pass
