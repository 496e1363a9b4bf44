"""research profiles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:40:00.000000

Faculty research profiles: keywords, pasted publications, ORCID iD, derived fields and term profile. (issue 15.1)
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('research_profiles',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('publications', sa.Text(), nullable=False),
    sa.Column('orcid', sa.String(length=19), nullable=False),
    sa.Column('orcid_works', sa.JSON(), nullable=False),
    sa.Column('orcid_fetched_at', fursa.storage.types.UTCDateTime(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('ford', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('updated_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id')
    )


def downgrade() -> None:
    op.drop_table('research_profiles')
