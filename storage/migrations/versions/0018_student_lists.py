"""student lists

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:40:00.000000

A student's own list: bookmarks, applied marks, closing reminders, saved searches. (issue 16.4)
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
