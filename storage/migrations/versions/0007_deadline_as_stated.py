"""deadline as stated

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:30:00.000000

Deadlines kept as the source states them: `opportunities.deadline_date` holds the date of a date-only
deadline. Rows stored before it were date-only when their time, in the zone they were read in, is the
end of day the crawlers and the tagger used to invent (23:59:59, 23:59); those get their date back and
close, like every date-only deadline now, at the end of that date in Hebron.
"""
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_INVENTED_END_OF_DAY = (time(23, 59, 59), time(23, 59))
# As storage.records.CLOSING_ZONE when this was written; kept here so the migration never changes.
_CLOSING_ZONE = ZoneInfo("Asia/Hebron")


def _zone(name):
    if not name or name.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def upgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_date', sa.Date(), nullable=True))
    connection = op.get_bind()
    table = sa.table('opportunities', sa.column('id', sa.Integer), sa.column('deadline_kind', sa.String),
                     sa.column('deadline_at', sa.DateTime), sa.column('deadline_tz', sa.String),
                     sa.column('deadline_date', sa.Date))
    rows = connection.execute(sa.select(table.c.id, table.c.deadline_at, table.c.deadline_tz).where(
        table.c.deadline_kind == 'date', table.c.deadline_at.is_not(None))).all()
    for row_id, at, zone in rows:
        stored = at if at.tzinfo else at.replace(tzinfo=timezone.utc)   # stored naive UTC (storage/types.py)
        local = stored.astimezone(_zone(zone))
        if local.time().replace(microsecond=0) not in _INVENTED_END_OF_DAY:
            continue
        day = local.date()
        closes = datetime.combine(day, time(23, 59, 59), tzinfo=_CLOSING_ZONE).astimezone(timezone.utc).replace(tzinfo=None)
        connection.execute(table.update().where(table.c.id == row_id).values(deadline_date=day, deadline_at=closes))


def downgrade() -> None:
    # Date-only deadlines keep their closing instant (end of the day in Hebron) in deadline_at.
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_column('deadline_date')
