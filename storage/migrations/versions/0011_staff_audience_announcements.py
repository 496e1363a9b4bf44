"""staff audience announcements

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:15:00.000000

Administrative staff profiles and announcements to a segment.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
