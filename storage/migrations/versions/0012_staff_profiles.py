"""staff profiles

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:40:00.000000

Administrative staff as an audience: a staff profile (unit, role) on subscribers, the staff audience on calls. (issue 15.4)
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
