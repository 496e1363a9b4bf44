"""staff audience announcements

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:15:00.000000

Shipped empty at the end of the stop that reserved it, so a database may already be stamped 0011:
it stays a no-op for good, and its work lives in 0012 (staff profiles) and 0013 (announcements).
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
