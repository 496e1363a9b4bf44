"""lock leases

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 09:00:00.000000

The scheduler's lock moves from a file under the working folder into the database, so that one
scheduler runs per database wherever it is started. PostgreSQL keeps using an advisory lock;
SQLite keeps a row here naming the holder and when its lease ends unless renewed.
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lock_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('lock_leases')
