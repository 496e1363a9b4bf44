"""HTML sources: a listing read with the catalogue's CSS selectors (following each item to its
detail page), and a generic fallback for a page with no selectors (JSON-LD, call-like links, or
the page itself as one call).

Listing options: `item` (one item), `title`, `link`, `summary`, `deadline`, `opens`, `provider`,
`categories` (selectors inside the item; XPath when they start with "/" or "./"),
`deadline_label` / `provider_label` / `amount_label` (the text of a dt/th label inside the item),
`category_class_prefixes` (item classes such as "category-" name the funder), `link_contains`,
`next` (the next page's link), `max_pages`, `detail` (follow items), `max_items`, `detail_text`,
`detail_title`, `detail_deadline`, `timezone`, `date_languages`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from parsel import Selector

from fursa.storage import Deadline, Draft, ItemError, SourceSpec

from fursa.crawlers import extract
from fursa.crawlers.dates import deadline_from, instant_from
from fursa.crawlers.charsets import decode_body
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, keep_by_title, new_draft, sort_results, with_flags
from fursa.crawlers.text import summarize
from fursa.crawlers.urls import absolute_url, is_http_url

CALL_TYPES = {"Grant", "MonetaryGrant", "FundingScheme", "JobPosting", "Event", "EducationEvent", "Course",
              "EducationalOccupationalProgram", "Scholarship"}


def first_request(spec: SourceSpec) -> PageRequest:
    return PageRequest(url=spec.url)


def _zone(spec: SourceSpec) -> str:
    return str(spec.options.get("timezone", "UTC"))


def _languages(spec: SourceSpec) -> tuple[str, ...]:
    return tuple(spec.options.get("date_languages") or (spec.language, "en"))


def _deadline(node: Selector, spec: SourceSpec, expression: str, label: str) -> Deadline:
    if expression:
        raw, shown = extract.select_date(node, expression)
    else:
        raw, shown = extract.labelled_date(node, (label,) if label else extract.DEADLINE_LABELS)
    return deadline_from(raw, _zone(spec), "auto", _languages(spec), shown=shown)


def _categories(item: Selector, options: Any) -> tuple[str, ...]:
    found: list[str] = []
    if options.get("categories"):
        found += extract.select_all_texts(item, str(options["categories"]))
    classes = (item.attrib.get("class") or "").split()
    for prefix in options.get("category_class_prefixes") or ():
        found += [name[len(prefix):] for name in classes if name.startswith(prefix) and len(name) > len(prefix)]
    return tuple(dict.fromkeys(found))


def draft_from_item(item: Selector, spec: SourceSpec, url: str, where: str) -> Draft | ItemError:
    options = spec.options
    title = extract.select_text(item, str(options.get("title", "h1, h2, h3, h4, a")))
    link = extract.select_link(item, str(options.get("link", options.get("title", ""))), url)
    problem = check_item(link, title, where)
    if problem:
        return problem
    summary = extract.select_text(item, str(options["summary"])) if options.get("summary") else ""
    provider = ""
    if options.get("provider"):
        provider = extract.select_text(item, str(options["provider"]))
    elif options.get("provider_label"):
        value = extract.labelled(item, (str(options["provider_label"]),))
        provider = extract.html_to_text(value.get()) if value is not None else ""
    amount, currency = None, ""
    if options.get("amount_label"):
        value = extract.labelled(item, (str(options["amount_label"]),))
        amount, currency = extract.parse_amount(extract.html_to_text(value.get())) if value is not None else (None, "")
    opens_raw = (extract.select_date(item, str(options["opens"])) if options.get("opens")
                 else extract.labelled_date(item, extract.OPENING_LABELS))[0]
    return new_draft(
        spec, link, title, text=summary, summary=summarize(summary), provider=provider,
        deadline=_deadline(item, spec, str(options.get("deadline", "")), str(options.get("deadline_label", ""))),
        opens_at=instant_from(opens_raw, _zone(spec), "auto", _languages(spec)),
        amount=amount, currency=currency, categories=_categories(item, options))


def read_page(body: bytes, content_type: str | None) -> tuple[Selector, tuple[str, ...]]:
    """The page, decoded once (`crawlers.charsets`), and the flags of what its reading had to guess."""
    decoded = decode_body(body, content_type, "html")
    return Selector(text=decoded.text), decoded.flags


def parse_html_listing(body: bytes, spec: SourceSpec, url: str | None = None, request: PageRequest | None = None,
                       content_type: str | None = None) -> ParsedPage:
    """Drafts from a listing page read with `spec.options` selectors; with `detail = true` each
    draft comes back through its detail page. Without an `item` selector, the generic reader runs."""
    url = url or spec.url
    if not spec.options.get("item"):
        return parse_html_page(body, spec, url, request, content_type)
    page, flags = read_page(body, content_type)
    must_contain = str(spec.options.get("link_contains", "")).lower()
    items = extract.select(page, str(spec.options["item"]))
    drafts, errors = sort_results(spec, (draft_from_item(item, spec, url, f"{url} item {number}")
                                         for number, item in enumerate(items, start=1)))
    drafts = tuple(with_flags(d, flags) for d in drafts
                   if must_contain in d.url.lower())[: int(spec.options.get("max_items", 50))]
    number = request.page if request else 1
    next_request = None
    if spec.options.get("next") and number < int(spec.options.get("max_pages", 1)):
        link = extract.select_link(page, str(spec.options["next"]), url)
        next_request = PageRequest(url=link, page=number + 1) if is_http_url(link) and link != url else None
    if spec.options.get("detail"):
        details = tuple(PageRequest(url=draft.url, role="detail", draft=draft) for draft in drafts)
        return ParsedPage(item_errors=errors, next_request=next_request, detail_requests=details)
    return ParsedPage(drafts=drafts, item_errors=errors, next_request=next_request)


def parse_html_detail(body: bytes, spec: SourceSpec, draft: Draft, url: str | None = None,
                      content_type: str | None = None) -> Draft:
    """`draft` completed from its detail page: main text, and any field the listing lacked."""
    page, flags = read_page(body, content_type)
    return complete_draft(page, spec, with_flags(draft, flags))


def complete_draft(page: Selector, spec: SourceSpec, draft: Draft) -> Draft:
    """`draft` completed from its (decoded) detail page: main text, and any field the listing lacked."""
    options = spec.options
    text = extract.main_text(page, str(options.get("detail_text", "")))
    title = extract.select_text(page, str(options["detail_title"])) if options.get("detail_title") else ""
    deadline = draft.deadline
    if deadline.kind == "unknown":
        found = _deadline(page, spec, str(options.get("detail_deadline", "")), str(options.get("deadline_label", "")))
        deadline = found if found.kind != "unknown" or found.text else deadline
    opens_at = draft.opens_at or instant_from(extract.labelled_date(page, extract.OPENING_LABELS)[0], _zone(spec),
                                              "auto", _languages(spec))
    ld = _first_call_object(page)
    if ld and deadline.kind == "unknown":
        deadline = deadline_from(_ld_deadline(ld), _zone(spec), "auto", _languages(spec))
    return replace(draft, title=title or draft.title, text=text or draft.text,
                   summary=draft.summary or summarize(text), deadline=deadline, opens_at=opens_at)


def _first_call_object(page: Selector) -> dict[str, Any] | None:
    return next((obj for obj in extract.json_ld_objects(page) if extract.schema_types(obj) & CALL_TYPES), None)


def _ld_deadline(obj: dict[str, Any]) -> str:
    for key in ("applicationDeadline", "validThrough", "endDate", "expires"):
        if isinstance(obj.get(key), str):
            return obj[key]
    return ""


def _ld_name(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list) and value:
        return _ld_name(value[0])
    return str(value or "")


def draft_from_json_ld(obj: dict[str, Any], spec: SourceSpec, url: str, where: str) -> Draft | ItemError:
    link = absolute_url(url, str(obj.get("url") or url))
    title = str(obj.get("name") or obj.get("title") or obj.get("headline") or "")
    problem = check_item(link, title, where)
    if problem:
        return problem
    text = extract.html_to_text(str(obj.get("description") or ""))
    provider = _ld_name(obj.get("funder") or obj.get("hiringOrganization") or obj.get("organizer")
                        or obj.get("provider") or obj.get("sponsor"))
    zone = _zone(spec)
    return new_draft(
        spec, link, title, text=text, summary=summarize(text), provider=extract.clean_title(provider),
        deadline=deadline_from(_ld_deadline(obj), zone, "auto", _languages(spec)),
        opens_at=instant_from(str(obj.get("startDate") or obj.get("datePosted") or ""), zone),
        categories=tuple(sorted(extract.schema_types(obj) & CALL_TYPES)))


def parse_html_page(body: bytes, spec: SourceSpec, url: str | None = None, request: PageRequest | None = None,
                    content_type: str | None = None) -> ParsedPage:
    """The generic reader: schema.org objects that describe calls; else, unless the page labels a
    deadline of its own, links that read like calls (followed as detail pages); else the page
    itself as one call."""
    url = url or spec.url
    page, flags = read_page(body, content_type)
    objects = [obj for obj in extract.json_ld_objects(page) if extract.schema_types(obj) & CALL_TYPES]
    if objects:
        drafts, errors = sort_results(spec, (draft_from_json_ld(obj, spec, url, f"{url} JSON-LD {n}")
                                             for n, obj in enumerate(objects, 1)))
        return ParsedPage(drafts=tuple(with_flags(draft, flags) for draft in drafts), item_errors=errors)
    # A page that labels its own deadline describes one call, however many links it has.
    single = len(extract.labelled_all(page, extract.DEADLINE_LABELS)) == 1
    links = [] if single else extract.call_links(page, url, int(spec.options.get("max_items", 30)))
    if len(links) >= 3 and (request is None or request.role == "page"):
        details = tuple(PageRequest(url=link, role="detail", draft=with_flags(new_draft(spec, link, text), flags))
                        for link, text in links)
        return ParsedPage(detail_requests=tuple(d for d in details if d.draft and keep_by_title(spec, d.draft)))
    return ParsedPage(drafts=(with_flags(page_as_draft(page, spec, url), flags),))


def page_as_draft(page: Selector, spec: SourceSpec, url: str) -> Draft:
    """The page itself as one call (read from the decoded page, never from re-encoded bytes)."""
    link = extract.canonical_link(page, url)
    draft = new_draft(spec, link, extract.page_title(page) or link)
    published = page.css('meta[property="article:published_time"]::attr(content)').get() or ""
    return complete_draft(page, spec, replace(draft, published_at=instant_from(published, _zone(spec))))
