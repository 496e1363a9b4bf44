"""The weekly post for WhatsApp groups and Facebook pages: the week's approved calls for one audience,
in one language, as text to paste (WhatsApp's *bold* and _italic_, short links) and, through
digests/cards.py, as an image card.

"The week" is the seven calendar days, in the configured zone, that end today; its calls are the ones
staff approved in it that are still open, chosen for the audience as a digest chooses them for a
subscriber of that role (its kinds, its levels, the calls tagged for it, open to Palestinians),
partner and featured calls first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_interval
from sqlalchemy.orm import Session

from fursa.matching import Profile
from fursa.storage import approved_open, describe_deadline

from fursa.digests.formatting import Formatter, clean_text
from fursa.digests.records import DigestItem
from fursa.digests.render import field_name, template_environment
from fursa.digests.selection import ROLE_KINDS, OpenCalls
from fursa.digests.short_links import short_link
from fursa.digests.translations import BABEL_LOCALES, LANGUAGES, load_translations
from fursa.digests.wording import KIND_LABELS, N_

WEEK_DAYS = 7
# A WhatsApp message is read on a phone: ten calls is already a long scroll.
POST_ITEMS = 10
# The levels each audience reads: a student is not sent a postdoc fellowship, nor a faculty member a
# bachelor's exchange; a call that names no level is for everyone. Staff name no level: the calls for
# them are the ones tagged for staff (matching.fits_audience), whatever levels they name.
AUDIENCE_LEVELS: dict[str, tuple[str, ...]] = {
    "student": ("bachelor", "master", "phd"),
    "faculty": ("phd", "postdoc", "faculty"),
    "staff": (),
}
AUDIENCE_HEADINGS = {
    "student": N_("Opportunities of the week for students"),
    "faculty": N_("Opportunities of the week for faculty and researchers"),
    "staff": N_("Opportunities of the week for university staff"),
}
# The right-to-left mark: WhatsApp sets each line's direction from its first strong letter, so an
# Arabic post's line that opens with a number or an English title would run left to right.
RLM = "\u200f"
# WhatsApp's markup characters: inside a title they would end the bold early or start a strike-through.
_MARKUP = re.compile(r"[*_~`]+")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class WeeklyPost:
    """The calls of one week for one audience, and what is needed to word them in one language."""

    audience: str
    language: str
    first_day: date
    last_day: date
    items: tuple[DigestItem, ...]
    more: int                 # calls of the week that fit the audience but are not in `items`
    base_url: str
    timezone: str
    generated_at: datetime

    def link(self, item: DigestItem) -> str:
        return short_link(self.base_url, item.opportunity_id)

    @property
    def site(self) -> str:
        """The site's address as people type it: host (and path), no scheme."""
        parts = urlsplit(self.base_url)
        return (parts.netloc + parts.path).rstrip("/")


@dataclass(frozen=True)
class PostLine:
    """One call as a post words it."""

    title: str
    kind: str
    provider: str
    deadline: str         # the date alone ("15 January 2027"), or what stands for it (rolling, not given)
    countdown: str        # "in 12 days", "" without a date
    link: str


@dataclass(frozen=True)
class PostView:
    """A WeeklyPost worded in its language: what the text and the card print."""

    language: str
    rtl: bool
    brand: str
    heading: str
    week: str
    lines: tuple[PostLine, ...]
    more: str             # "…and 3 more calls", "" when every call is shown
    empty: str            # what an empty week says, "" when it has calls
    footer: str
    site: str             # the site's host, for the card
    home: str             # the site's address, for the text


def week_bounds(now: datetime, timezone: str) -> tuple[date, date, datetime]:
    """The week that ends today in `timezone`: its first and last day, and the instant it began."""
    zone = ZoneInfo(timezone)
    last = now.astimezone(zone).date()
    first = last - timedelta(days=WEEK_DAYS - 1)
    return first, last, datetime.combine(first, time(0), tzinfo=zone)


def audience_profile(audience: str, language: str) -> Profile:
    """The matching profile of an audience: its role's kinds and its levels, every field."""
    if audience not in AUDIENCE_LEVELS:
        raise ValueError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCE_LEVELS)}")
    return Profile(disciplines=(), levels=AUDIENCE_LEVELS[audience], kinds=ROLE_KINDS.get(audience, ()),
                   language=language, audience=audience)


def weekly_post(session: Session, audience: str, language: str, *, now: datetime, base_url: str,
                timezone: str, limit: int = POST_ITEMS) -> WeeklyPost:
    """The week's approved, still open calls that fit `audience`, best first, at most `limit`."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; posts exist in {', '.join(LANGUAGES)}")
    first, last, since = week_bounds(now, timezone)
    rows = [row for row in approved_open(session, now) if row.approved_at is not None and row.approved_at >= since]
    ranked = OpenCalls(rows, now=now).ranking(audience_profile(audience, language))
    return WeeklyPost(audience=audience, language=language, first_day=first, last_day=last,
                      items=tuple(ranked[:limit]), more=max(0, len(ranked) - limit), base_url=base_url.rstrip("/"),
                      timezone=timezone, generated_at=now)


def view_post(post: WeeklyPost, limit: int | None = None) -> PostView:
    """The post's words in its language, with its first `limit` calls (all of them by default) and a count of
    the rest."""
    language = post.language
    translations = load_translations(language)
    _, ngettext = translations.gettext, translations.ngettext
    formatter = Formatter(language, ZoneInfo(post.timezone), post.generated_at, translations, field_name)
    lines = tuple(PostLine(title=clean_text(item.title, 200) or _("(untitled call)"),
                           kind=_(KIND_LABELS.get(item.kind, KIND_LABELS["other"])),
                           provider=clean_text(item.provider, 80),
                           deadline=_deadline_words(item, language, post.timezone, _),
                           countdown=formatter.countdown(item), link=post.link(item))
                  for item in post.items[:limit])
    hidden = post.more + len(post.items) - len(lines)
    more = ngettext("…and %(num)s more call on the site", "…and %(num)s more calls on the site",
                    hidden) % {"num": formatter.number(hidden)} if hidden else ""
    return PostView(
        language=language, rtl=language == "ar", brand=_("Fursa"),
        heading=_(AUDIENCE_HEADINGS.get(post.audience, AUDIENCE_HEADINGS["student"])),
        week=_number_words(format_interval(post.first_day, post.last_day, "yMMMMd",
                                           locale=BABEL_LOCALES[language]), language),
        lines=lines, more=more,
        empty=_("No new calls were approved this week.") if not post.items else "",
        footer=_("Every open call, and a weekly e-mail of those that fit you:"),
        site=post.site, home=post.base_url + "/",
    )


def post_text(post: WeeklyPost) -> str:
    """The post as WhatsApp text: *bold* titles, line breaks, short links; no HTML."""
    view = view_post(post)
    text = template_environment(post.language).get_template("weekly_post.txt").render(
        post=view, whatsapp=whatsapp_plain, mark=RLM if view.rtl else "")
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def whatsapp_plain(text: str) -> str:
    """`text` with WhatsApp's markup characters taken out, so a title cannot end the bold around it."""
    return " ".join(_MARKUP.sub(" ", text).split())


def _deadline_words(item: DigestItem, language: str, timezone: str, gettext) -> str:
    deadline = item.deadline
    if deadline.kind == "rolling":
        return gettext("Rolling")
    if not deadline.dated:
        return gettext("Not given: check the call")
    words = describe_deadline(deadline, timezone, BABEL_LOCALES[language], gettext, "d MMMM y")
    return _number_words(words, language)


def _number_words(text: str, language: str) -> str:
    """Digits as an Arabic reader writes them in an Arabic post, as the e-mails do."""
    return text.translate(_ARABIC_DIGITS) if language == "ar" else text


def first_strong_direction(text: str, default: str = "ltr") -> str:
    """"rtl" or "ltr" by the first letter with a direction of its own (as HTML's dir="auto" decides)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default
