"""A deadline in a reader's words, by the rules of `records.Deadline` (apart from it: crawls never need Babel)."""
from __future__ import annotations

from datetime import datetime, timezone as dt_timezone
from typing import Callable

from babel.dates import format_date, format_time, get_timezone_location

from fursa.storage.records import CLOSING_ZONE, Deadline, zone_named


def zone_label(name: str, locale: str, gettext: Callable[[str], str]) -> str:
    """"Hebron time" / "بتوقيت الخليل", "Brussels time", "UTC time": a zone as a reader names it."""
    if name == CLOSING_ZONE:
        city = gettext("Hebron")
    elif zone_named(name) is dt_timezone.utc:
        city = "UTC"
    else:
        city = get_timezone_location(name, locale=locale, return_city=True)
    return gettext("%(city)s time") % {"city": city}


def describe_deadline(deadline: Deadline, zone: str, locale: str, gettext: Callable[[str], str],
                      date_format: str = "d MMMM y") -> str:
    """A dated deadline in words for a reader in `zone`: the date alone, or the time in `zone` with the
    funder's wall time beside it when it reads differently ("16 January 2027, 00:59 Hebron time
    (15 January 2027, 17:00 New York time)"). '' when the deadline has no date."""
    if not deadline.dated:
        return ""
    if deadline.day is not None:
        return format_date(deadline.day, date_format, locale=locale)
    here = deadline.local(zone)
    shown = _wall(here, zone, locale, gettext, date_format, with_date=True)
    funder = deadline.funder_wall()
    if (funder is not None and deadline.timezone and deadline.timezone != zone
            and funder.replace(tzinfo=None) != here.replace(tzinfo=None)):
        there = _wall(funder, deadline.timezone, locale, gettext, date_format, with_date=funder.date() != here.date())
        shown = gettext("%(here)s (%(there)s)") % {"here": shown, "there": there}
    return shown


def _wall(at: datetime, zone: str, locale: str, gettext: Callable[[str], str], date_format: str, *,
          with_date: bool) -> str:
    clock = format_time(at, "HH:mm", locale=locale)
    label = zone_label(zone, locale, gettext)
    if not with_date:
        return f"{clock} {label}"
    return gettext("%(date)s, %(time)s") % {"date": format_date(at.date(), date_format, locale=locale),
                                              "time": f"{clock} {label}"}
