"""A public Telegram channel read through its web mirror, `https://t.me/s/{channel}`.

Many Arabic scholarship channels publish only on Telegram; the mirror is a plain HTML page of the
latest posts (oldest first), no account needed. Each post is a `.tgme_widget_message` whose
`data-post` ("channel/123") names its own page `https://t.me/channel/123`; its text is in
`.tgme_widget_message_text`, its time in `time[datetime]`, and an `a.tme_messages_more` with
`data-before` leads to older posts. A post has no title: its first line stands for one. Posts
without text (a photo alone, "channel created") are not calls and are passed over.
"""
from __future__ import annotations

from parsel import Selector

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.dates import instant_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.html_pages import read_page
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results, with_flags
from fursa.crawlers.text import clean_title, html_to_text, summarize
from fursa.crawlers.urls import absolute_url, host_of, is_http_url

POST = ".tgme_widget_message[data-post]"
TITLE_LENGTH = 160


def first_request(spec: SourceSpec) -> PageRequest:
    return PageRequest(url=spec.url)


def title_of(text: str) -> str:
    """The post's first line, cut at a word near TITLE_LENGTH characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= TITLE_LENGTH:
        return line
    return line[:TITLE_LENGTH].rsplit(" ", 1)[0] + " …"


def _message_text(post: Selector) -> Selector | None:
    # A reply carries the quoted post's text too (js-message_reply_text); the post's own is js-message_text.
    found = post.css(".tgme_widget_message_text.js-message_text") or post.css(".tgme_widget_message_text")
    return found[0] if found else None


def draft_from_post(post: Selector, spec: SourceSpec, url: str, where: str) -> Draft | ItemError | None:
    body = _message_text(post)
    text = html_to_text(body.get()) if body is not None else ""
    if not text.strip():
        return None
    link = f"https://t.me/{post.attrib['data-post'].strip('/')}"
    dated = post.css("a.tgme_widget_message_date::attr(href)").get()
    if dated and is_http_url(absolute_url(url, dated)):
        link = absolute_url(url, dated)
    problem = check_item(link, title_of(text), where)
    if problem:
        return problem
    # Links in the post are where the call lives (the funder's page, the form); keep them visible.
    outside = [href for href in dict.fromkeys(body.css("a::attr(href)").getall())
               if is_http_url(href) and host_of(href) not in ("t.me", "telegram.me")]
    full = "\n\n".join([text] + outside) if outside else text
    return new_draft(spec, link, clean_title(title_of(text)), text=full, summary=summarize(text),
                     external_id=post.attrib["data-post"],
                     published_at=instant_from(post.css("time::attr(datetime)").get() or "", "UTC", "iso"))


def parse_telegram_page(body: bytes, spec: SourceSpec, url: str | None = None, request: PageRequest | None = None,
                        content_type: str | None = None) -> ParsedPage:
    """Drafts from one page of a channel's web mirror, and the page of older posts."""
    url = url or spec.url
    page, flags = read_page(body, content_type)
    posts = page.css(POST)
    if not posts and not page.css(".tgme_channel_info, .tgme_page"):
        raise FormatError(f"{url} is not a Telegram channel's web page (no .tgme_widget_message posts); "
                          "the address must be https://t.me/s/CHANNEL of a public channel")
    found = (draft_from_post(post, spec, url, f"{url} post {number}") for number, post in enumerate(posts, start=1))
    drafts, errors = sort_results(spec, (item for item in found if item is not None))
    number = request.page if request else 1
    older = page.css("a.tme_messages_more[data-before]::attr(href)").get()
    next_request = None
    if older and number < int(spec.options.get("max_pages", 1)):
        next_request = PageRequest(url=absolute_url(url, older), page=number + 1)
    return ParsedPage(drafts=tuple(with_flags(draft, flags) for draft in drafts), item_errors=errors,
                      next_request=next_request)
