"""Rendering a Digest: subject, HTML with CSS inlined, plain text and the deadlines calendar."""
from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from fursa.matching import load_taxonomy
from fursa.storage import zone_label

from fursa.digests.config import DeliveryConfig
from fursa.digests.formatting import Formatter, ItemView, clean_text, safe_url
from fursa.digests.ics import build_calendar
from fursa.digests.records import Digest, DigestItem, RenderedDigest
from fursa.digests.translations import BABEL_LOCALES, LANGUAGES, is_rtl, load_translations
from fursa.digests.wording import ROLE_LABELS, UNIT_LABELS

log = logging.getLogger(__name__)
# Remote stylesheets are never fetched: a digest renders the same offline, and no scraped URL is followed.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@lru_cache(maxsize=None)
def template_environment(language: str) -> Environment:
    """One Jinja environment per language, with that language's catalogue installed (compiled once)."""
    environment = Environment(
        loader=PackageLoader("fursa.digests", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # packaged templates do not change under a running process; checking costs a stat() each
    )
    environment.install_gettext_translations(load_translations(language), newstyle=True)
    environment.globals.update(clean=clean_text, safe_url=safe_url)
    return environment


@lru_cache(maxsize=1)
def _taxonomy():
    return load_taxonomy()


@lru_cache(maxsize=4096)  # also logs an unknown code once, not once per digest
def field_name(code: str, language: str) -> str:
    """The taxonomy's name of a field in `language`, or the code itself if the taxonomy does not know it."""
    try:
        return _taxonomy().name(code, language) or code
    except (KeyError, LookupError, ValueError):
        log.warning("field code %r is not in the taxonomy; showing the code", code)
        return code


@lru_cache(maxsize=None)
def _zone_name(timezone: str, language: str) -> str:
    """"Hebron time" / "بتوقيت الخليل": the zone the e-mail's times are in, as a reader names it."""
    return zone_label(timezone, BABEL_LOCALES[language], load_translations(language).gettext)


@lru_cache(maxsize=64)
def _formatter(language: str, zone: ZoneInfo, now: datetime) -> Formatter:
    return Formatter(language, zone, now, load_translations(language), field_name)


@lru_cache(maxsize=8192)
def _item_view(item: DigestItem, language: str, zone: ZoneInfo, now: datetime) -> ItemView:
    """Cached per run: ten thousand digests share a few hundred calls, and wording one costs more than printing it."""
    return _formatter(language, zone, now).view(item)


def render_digest(digest: Digest, config: DeliveryConfig) -> RenderedDigest:
    """The e-mail's contents in the subscriber's language; an unknown language falls back to English."""
    language = digest.language if digest.language in LANGUAGES else "en"
    translations = load_translations(language)
    formatter = _formatter(language, config.zone, digest.generated_at)
    rtl = is_rtl(language)
    views = {item: _item_view(item, language, config.zone, digest.generated_at)
             for item in digest.closing_soon + digest.items}
    context = {
        "digest": digest,
        "intent_links": dict(digest.intent_urls),
        "read_links": dict(digest.read_urls),
        "applied_links": dict(digest.applied_urls),
        "fmt": formatter,
        "sections": [("closing", [views[item] for item in digest.closing_soon]),
                     ("new", [views[item] for item in digest.items])],
        "lang": language,
        "dir": "rtl" if rtl else "ltr",
        "start": "right" if rtl else "left",
        "end": "left" if rtl else "right",
        "n_items": len(digest.items),
        "closing_days": config.closing_soon_days,
        "zone_name": _zone_name(config.timezone, language),
        "role_label": ROLE_LABELS.get(digest.role, ROLE_LABELS["student"]),
        "unit_label": UNIT_LABELS.get(digest.unit, "") if digest.role == "staff" else "",
    }
    environment = template_environment(language)
    subject = " ".join(environment.get_template("subject.txt").render(context).split())
    html = environment.get_template("digest.html").render(context, subject=subject)
    text = environment.get_template("digest.txt").render(context)
    ics = build_calendar(digest, config, translations) if config.attach_calendar else None
    return RenderedDigest(subject=subject, html=_INLINER.inline(html), text=text, ics=ics,
                          language=language, digest=digest)
