"""staff profiles

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:40:00.000000

Administrative staff as an audience: a staff profile (unit, role) on subscribers, the staff audience on calls. (issue 15.4)

- `subscribers.unit`: the administrative unit of a staff subscriber (a code of storage.STAFF_UNITS:
  "registration", "finance", "library" …; '' for students, faculty and staff who gave none).
- `subscribers.job_title`: their role or job title as they write it (short free text; '' when none).
- `opportunities.audiences`: who a call is for as the tagger reads it ("student", "faculty", "staff").
  NULL on the rows stored before: "not read yet". The next tagging run reads them
  (pipeline.read_stale_audiences), so an existing install's staff digest is not empty; a call read
  as for no one in particular holds [].
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('job_title', sa.String(length=120), nullable=False, server_default=''))
    # A plain ADD COLUMN: a batch "move and copy" of opportunities on SQLite drops 0008's search triggers
    # and 0009's closing-soonest index (the public list then fails with "no such index").
    op.add_column('opportunities', sa.Column('audiences', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not a batch rebuild: SQLite (3.35 and later) drops a column in place and keeps the triggers and indexes.
    op.execute('ALTER TABLE opportunities DROP COLUMN audiences')
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('job_title')
        batch_op.drop_column('unit')
