"""full text search

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:30:00.000000

Full-text search and list filters: opportunities.search_text (what the index holds) and
search_version, host_country and coverage; the public list's partial indexes (closing soonest,
newest); the full-text index over public calls (SQLite: the FTS5 table opportunity_search kept by
triggers; PostgreSQL: the generated column search_vector = to_tsvector('simple', search_text) and a
GIN index on it); and the list generation,
a number that changes with every write to opportunities, so that each web worker knows when what
it cached is stale (SQLite: the one-row table list_generation, bumped by triggers; PostgreSQL: the
sequence list_generation_seq, advanced by a statement trigger, which takes no row lock).

Existing calls get storage's plain search text (version 0) here; the next tagging run writes the
full one (storage/search.py, pipeline.index_stale_calls).

A later migration that rebuilds the opportunities table on SQLite (Alembic's batch mode "move
and copy") drops its triggers: it must run fursa.storage.search.create_sqlite_search(op) again.
"""
from alembic import op
import sqlalchemy as sa

from fursa.storage.search import PUBLIC_PREDICATE, drop_search_objects, create_search_objects


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host_country', sa.String(length=2), server_default='', nullable=False))
        batch_op.add_column(sa.Column('coverage', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_version', sa.Integer(), server_default='0', nullable=False))
    # storage's plain stand-in: the call's own words, lower case (ASCII on SQLite)
    op.execute("UPDATE opportunities SET search_text = lower(coalesce(title, '') || ' ' || coalesce(summary, '') "
               "|| ' ' || coalesce(provider, '') || ' ' || coalesce(text, ''))")
    predicate = sa.text(PUBLIC_PREDICATE)
    op.create_index('ix_opportunities_public_closing',  'opportunities',
                    [sa.text('featured DESC'), sa.text('(deadline_at IS NULL)'), 'deadline_at', 'id'],
                    sqlite_where=predicate, postgresql_where=predicate)
    op.create_index('ix_opportunities_public_newest', 'opportunities', ['approved_at', 'id'],
                    sqlite_where=predicate, postgresql_where=predicate)
    create_search_objects(op.get_bind())


def downgrade() -> None:
    drop_search_objects(op.get_bind())
    op.drop_index('ix_opportunities_public_newest', 'opportunities')
    op.drop_index('ix_opportunities_public_closing', 'opportunities')
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_column('search_version')
        batch_op.drop_column('search_text')
        batch_op.drop_column('coverage')
        batch_op.drop_column('host_country')
