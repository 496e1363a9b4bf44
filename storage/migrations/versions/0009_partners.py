"""partners

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:15:00.000000

A register of partner institutions and the calls that name them: partners (names in English and
Arabic, country, agreement type, start and end dates, areas of cooperation, contact),
partner_aliases (other names a partner goes by in calls), partner_calls (call <-> partner, with the
name that matched and the words quoted), and opportunities.partnered, true while a call names a
partner, put in front of the public list's closing-soonest index so partner calls come first
without a sort. Existing calls are matched against the register when a partner is added (an empty
register links nothing).
"""
from alembic import op
import sqlalchemy as sa
import fursa.storage.types

from fursa.storage.search import PUBLIC_PREDICATE


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _closing_index(*columns: str) -> None:
    predicate = sa.text(PUBLIC_PREDICATE)
    op.create_index('ix_opportunities_public_closing', 'opportunities',
                    [*(sa.text(c) for c in columns), sa.text('featured DESC'), sa.text('(deadline_at IS NULL)'),
                     'deadline_at', 'id'],
                    sqlite_where=predicate, postgresql_where=predicate)


def upgrade() -> None:
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('name_ar', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('agreement', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_partners_ends_on'), 'partners', ['ends_on'], unique=False)
    op.create_table('partner_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_partner_aliases_partner_id'), 'partner_aliases', ['partner_id'], unique=False)
    op.create_table('partner_calls',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('matched_name', sa.String(length=300), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('found_at', fursa.storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partner_id', 'opportunity_id')
    )
    op.create_index(op.f('ix_partner_calls_opportunity_id'), 'partner_calls', ['opportunity_id'], unique=False)
    # A plain ADD COLUMN (no batch "move and copy"), so SQLite keeps the search triggers of 0008.
    op.add_column('opportunities', sa.Column('partnered', sa.Boolean(), server_default=sa.text('false'),
                                             nullable=False))
    op.drop_index('ix_opportunities_public_closing', 'opportunities')
    _closing_index('partnered DESC')


def downgrade() -> None:
    op.drop_index('ix_opportunities_public_closing', 'opportunities')
    _closing_index()
    # Not a batch rebuild: SQLite (3.35 and later) drops a column in place and keeps 0008's triggers.
    op.execute('ALTER TABLE opportunities DROP COLUMN partnered')
    op.drop_index(op.f('ix_partner_calls_opportunity_id'), table_name='partner_calls')
    op.drop_table('partner_calls')
    op.drop_index(op.f('ix_partner_aliases_partner_id'), table_name='partner_aliases')
    op.drop_table('partner_aliases')
    op.drop_index(op.f('ix_partners_ends_on'), table_name='partners')
    op.drop_table('partners')
