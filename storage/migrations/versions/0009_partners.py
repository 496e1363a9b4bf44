"""partners

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:15:00.000000

A register of partner institutions and the calls that name them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
