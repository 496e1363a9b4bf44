"""Field extraction from HTML pages: titles, main text, labelled fields, JSON-LD, amounts, links.

All structural: a value is taken from where the page says it is (a `<dt>Closing date</dt>`, a
`<time datetime>`, a schema.org object), never guessed from prose — prose is matching/'s job.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from parsel import Selector, SelectorList

from fursa.crawlers.text import clean_title, html_to_text
from fursa.crawlers.urls import absolute_url, host_of, is_http_url

DEADLINE_LABELS = ("application deadline", "closing date", "deadline", "apply by", "closes", "submission deadline",
                   "آخر موعد", "اخر موعد", "الموعد النهائي", "موعد التقديم", "آخر موعد للتقديم", "تاريخ الإغلاق")
OPENING_LABELS = ("opening date", "open date", "opens", "تاريخ الفتح", "بداية التقديم")
_NOISE = "script, style, noscript, svg, template, iframe, nav, header, footer, aside, form"
_MAIN = ("main", "[role=main]", "article", "#main-content", "#content", ".content", ".entry-content")
_CALL_WORDS = re.compile(
    r"scholarship|fellowship|grant|funding|call for|bursar|stipend|award|internship|exchange|opportunit|"
    r"منحة|منح|زمالة|تدريب|دعوة|إعلان|اعلان|فرصة|فرص", re.IGNORECASE)
_CURRENCIES = {"£": "GBP", "€": "EUR", "$": "USD", "us$": "USD", "usd": "USD", "eur": "EUR", "gbp": "GBP",
               "chf": "CHF", "jpy": "JPY", "¥": "JPY", "cad": "CAD", "aud": "AUD", "ils": "ILS", "₪": "ILS",
               "jod": "JOD", "qar": "QAR", "sar": "SAR", "aed": "AED", "try": "TRY", "huf": "HUF"}
_AMOUNT = re.compile(r"(£|€|\$|¥|₪|US\$|[A-Z]{3})?\s?(\d[\d,.\s]*\d|\d)\s?(million|m|k|[A-Z]{3})?", re.IGNORECASE)


def is_xpath(expression: str) -> bool:
    stripped = expression.strip()
    return stripped == "." or stripped.startswith(("/", "./", "(", "descendant", "following", "ancestor"))


def selector_problem(expression: str) -> str | None:
    """Why `expression` is not a usable CSS selector or XPath, or None when it is."""
    try:
        select(Selector(text="<html><body></body></html>"), expression)
    except (ValueError, SyntaxError) as exc:
        kind = "XPath" if is_xpath(expression) else "CSS selector"
        return f"not a valid {kind} ({exc})"
    return None


def select(node: Selector, expression: str) -> SelectorList:
    return node.xpath(expression) if is_xpath(expression) else node.css(expression)


def select_text(node: Selector, expression: str) -> str:
    """Text of the first match (an element's text, or a ::text / ::attr() value)."""
    found = select(node, expression)
    if not found:
        return ""
    first = found[0]
    value = first.get()
    if "::text" in expression or "::attr" in expression or "@" in expression:
        return clean_title(" ".join(found.getall()) if "::text" in expression else value)
    return html_to_text(value)


def select_all_texts(node: Selector, expression: str) -> list[str]:
    return [text for text in (clean_title(html_to_text(value)) for value in select(node, expression).getall()) if text]


def select_link(node: Selector, expression: str, base: str) -> str:
    """An absolute link: the matched attribute, the matched element's href, or its first <a href>."""
    found = select(node, expression) if expression else node.css("a[href]")
    if not found:
        return ""
    first = found[0]
    if "::attr" in expression or "@" in expression:
        href = first.get() or ""
    else:
        href = first.attrib.get("href") or first.css("a[href]::attr(href)").get() or ""
    return absolute_url(base, href) if href.strip() else ""


def date_value(node: Selector) -> tuple[str, str]:
    """(value, shown text): a machine date where the page gives one (<time datetime>), else the
    element's text; the shown text keeps what a reader sees, zone names included."""
    shown = clean_title(html_to_text(node.get()))
    stamp = node.attrib.get("datetime") or node.css("time::attr(datetime)").get()
    return (stamp.strip() if stamp else shown), shown


def select_date(node: Selector, expression: str) -> tuple[str, str]:
    found = select(node, expression)
    if not found:
        return "", ""
    if "::text" in expression or "::attr" in expression:
        value = clean_title(found[0].get())
        return value, value
    return date_value(found[0])


def labelled_all(node: Selector, labels: tuple[str, ...]) -> list[Selector]:
    """The value elements of fields labelled with one of `labels` (dt→dd, th→td, label → next)."""
    wanted = [label.lower().rstrip(":") for label in labels]
    found: list[Selector] = []
    for term in node.css("dt, th, strong, b, label, .label, span, h3, h4"):
        label = " ".join(term.xpath("string(.)").get("").split()).lower().rstrip(": ")
        if not label or len(label) > 60 or not any(label == want or label.startswith(want) for want in wanted):
            continue
        following = term.xpath("following-sibling::*[1]") or term.xpath("../following-sibling::*[1]")
        if following:
            found.append(following[0])
    return found


def labelled(node: Selector, labels: tuple[str, ...]) -> Selector | None:
    found = labelled_all(node, labels)
    return found[0] if found else None


def labelled_date(node: Selector, labels: tuple[str, ...]) -> tuple[str, str]:
    value = labelled(node, labels)
    return date_value(value) if value is not None else ("", "")


def page_title(page: Selector) -> str:
    for expression in ('meta[property="og:title"]::attr(content)', "h1", "title::text"):
        value = select_text(page, expression)
        if value:
            return value
    return ""


def main_text(page: Selector, expression: str = "") -> str:
    """The page's main text: the `expression` match, or the first main/article container with
    substance, noise (scripts, navigation, forms) removed."""
    if expression:
        return "\n\n".join(html_to_text(value) for value in select(page, expression).getall()).strip()
    cleaned = Selector(text=_without_noise(page))
    for candidate in _MAIN:
        texts = [html_to_text(value) for value in cleaned.css(candidate).getall()]
        best = max(texts, key=len, default="")
        if len(best) >= 200:
            return best
    return html_to_text(cleaned.css("body").get() or "")


def _without_noise(page: Selector) -> str:
    copy = Selector(text=page.get())
    for element in copy.css(_NOISE):
        element.drop()
    return copy.get()


def canonical_link(page: Selector, url: str) -> str:
    for expression in ('link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)'):
        href = (page.css(expression).get() or "").strip()
        if href and is_http_url(absolute_url(url, href)) and host_of(absolute_url(url, href)) == host_of(url):
            return absolute_url(url, href)
    return url


def json_ld_objects(page: Selector) -> Iterator[dict[str, Any]]:
    """Every schema.org object in the page's JSON-LD scripts (@graph and lists flattened)."""
    for raw in page.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            current = stack.pop(0)
            if isinstance(current, list):
                stack.extend(current)
            elif isinstance(current, dict):
                stack.extend(current.get("@graph", []) if isinstance(current.get("@graph"), list) else [])
                if "@type" in current:
                    yield current


def schema_types(obj: dict[str, Any]) -> set[str]:
    kinds = obj.get("@type")
    return {str(kind) for kind in (kinds if isinstance(kinds, list) else [kinds])}


def call_links(page: Selector, url: str, limit: int = 30) -> list[tuple[str, str]]:
    """(link, text) of same-site links whose text or address reads like a call (scholarship, منحة …)."""
    found: dict[str, str] = {}
    for anchor in Selector(text=_without_noise(page)).css("a[href]"):  # menus and footers are not calls
        href = absolute_url(url, anchor.attrib["href"])
        text = clean_title(anchor.xpath("string(.)").get(""))
        if (is_http_url(href) and host_of(href) == host_of(url) and href.split("#")[0] != url.split("#")[0]
                and len(text) >= 12 and (_CALL_WORDS.search(text) or _CALL_WORDS.search(href))):
            found.setdefault(href.split("#")[0], text)
        if len(found) >= limit:
            break
    return list(found.items())


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    """(amount, ISO currency) from a money field ("£4,700,000", "EUR 60 000", "$1.5 million")."""
    match = _AMOUNT.search(text or "")
    if not match or not (match.group(1) or match.group(3)):
        return None, ""
    symbol, digits, scale = match.group(1) or "", match.group(2), (match.group(3) or "").lower()
    currency = _CURRENCIES.get(symbol.lower(), symbol.upper() if len(symbol) == 3 else "")
    if not currency and len(scale) == 3 and scale not in ("mil",):
        currency, scale = scale.upper(), ""
    try:
        value = Decimal(re.sub(r"[,\s]", "", digits))
    except InvalidOperation:
        return None, ""
    value *= {"million": 1_000_000, "m": 1_000_000, "k": 1_000}.get(scale, 1)
    return (value, currency) if currency else (None, "")
