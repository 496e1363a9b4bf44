"""source overrides

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:30:00.000000

Desk edits to catalogue sources kept as overrides on top of the catalogue: `sources.overrides` maps
each field staff changed to what the catalogue file says for it (storage/source_changes.py).

Edits saved before this revision are found in the audit log ("source:edit"): a field whose value
still differs from the one it had before its first desk edit becomes an override, with that first
value as the catalogue's, so the next `fursa init` keeps it instead of undoing it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_EDITABLE = ("url", "kind", "language", "every_hours", "provider", "description")


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overrides', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
    _overrides_from_audit(op.get_bind())


def _overrides_from_audit(bind) -> None:
    audit = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('action', sa.String),
                     sa.column('target_type', sa.String), sa.column('target_id', sa.Integer),
                     sa.column('details', sa.JSON))
    sources = sa.table('sources', sa.column('id', sa.Integer), sa.column('origin', sa.String),
                       sa.column('overrides', sa.JSON), *(sa.column(name) for name in _EDITABLE))
    first_before: dict[int, dict[str, object]] = {}
    edits = bind.execute(sa.select(audit.c.target_id, audit.c.details)
                         .where(audit.c.action == 'source:edit', audit.c.target_type == 'source')
                         .order_by(audit.c.id))
    for source_id, details in edits:
        for name, change in (details or {}).items():
            if name in _EDITABLE and isinstance(change, dict) and 'before' in change:
                first_before.setdefault(source_id, {}).setdefault(name, change['before'])
    for source_id, befores in first_before.items():
        row = bind.execute(sa.select(sources).where(sources.c.id == source_id)).mappings().first()
        if row is None or row['origin'] != 'catalogue':
            continue
        kept = {name: value for name, value in befores.items() if row[name] != value}
        if kept:
            bind.execute(sources.update().where(sources.c.id == source_id).values(overrides=kept))


def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('overrides')
