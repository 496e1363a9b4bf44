"""Arabic and Palestinian sources of the catalogue (issue 16, item 6).

Each entry added for the students' calls is read through the real spider, from a server on
127.0.0.1, with its own catalogue options: For9a and Al-Quds University from the real pages in
../shared/corpus/arabic-calls (their addresses, titles and texts put back into pages of the
sites' shape), the others from pages this project writes in the documented shape
(tests/crawlers/data/sources/). The catalogue's counts are checked last.
"""
from __future__ import annotations

import html
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from w3lib.url import safe_url_string

from fursa.storage import Deadline, Draft, FetchResult, SourceSpec, Validators

from fursa.crawlers import crawl_sources, default_catalogue_path, load_catalogue
from fursa.crawlers.errors import FormatError
from fursa.crawlers.for9a import DETAIL_OBJECT, LISTING_ITEMS, parse_for9a_listing
from fursa.crawlers.telegram import parse_telegram_page
from fursa.crawlers.text import clean_title
from fursa.crawlers.urls import host_of
from tests.crawlers.conftest import loopback_config
from tests.crawlers.server import LocalServer, Reply

CATALOGUE = load_catalogue(default_catalogue_path())
ENTRIES = {source.name: source for source in CATALOGUE}
PAGES = Path(__file__).parent / "data" / "sources"
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
FOR9A_SECTIONS = ("وصف الفرصة", "المنافع والفوائد", "معايير التقديم")

# "Palestinian" by address: the catalogue has no country field, so a source is Palestinian when
# its host is under .ps or is one of the Palestinian universities' own domains.
PALESTINIAN_HOSTS = ("ppu.edu", "birzeit.edu", "najah.edu", "alquds.edu", "hebron.edu", "aaup.edu", "bethlehem.edu")


def is_arabic_or_palestinian(source: SourceSpec) -> bool:
    host = host_of(source.url)
    return (source.language == "ar" or host.endswith(".ps")
            or any(host == known or host.endswith("." + known) for known in PALESTINIAN_HOSTS))


def crawl_one(source: SourceSpec) -> FetchResult:
    """One crawl through the real spider; drafts in listing order (detail pages answer in any order)."""
    (result,) = crawl_sources([(source, Validators())], loopback_config())
    assert result.ok, result.error
    return result


def in_order(result: FetchResult, paths: list[str]) -> list[Draft]:
    """The drafts sorted as `paths` (the listing's order); a draft for any other page fails."""
    rank = {path: number for number, path in enumerate(paths)}
    return sorted(result.drafts, key=lambda draft: rank[urlsplit(draft.url).path])


def request_path(url: str) -> str:
    """The path (with query) the crawler asks for when it follows `url` (Scrapy's escaping)."""
    parts = urlsplit(safe_url_string(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def local_day(deadline: Deadline) -> date | None:
    """The closing day as the source's zone reads it."""
    return deadline.at.astimezone(ZoneInfo(deadline.timezone or "UTC")).date() if deadline.at else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def next_data(data: dict[str, Any]) -> str:
    # "</" must not end the script early; JSON allows the escaped slash.
    return ('<script id="__NEXT_DATA__" type="application/json">'
            + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>")


# ─── For9a: the real for9a pages of corpus/arabic-calls ─────────────────────────────────────────

def for9a_sections(text: str) -> list[dict[str, str]]:
    """The corpus text cut back into For9a's sections (each starts with its header line)."""
    sections: list[dict[str, str]] = []
    for line in text.split("\n"):
        if line.strip() in FOR9A_SECTIONS:
            sections.append({"header": line.strip(), "body": ""})
        elif sections and line.strip():
            sections[-1]["body"] += f"<p>{html.escape(line.strip())}</p>"
    return sections


def for9a_listing(records: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    cards = "".join(
        f'<div class="p-4 flex flex-col flex-grow"><a href="{quote(urlsplit(record["url"]).path)}"><img alt=""></a>'
        f'<a class="editor_page" href="{quote(urlsplit(record["url"]).path)}">{html.escape(record["title"])}</a></div>'
        for record in records)
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>منح دراسية</title></head><body>'
            f'<header><a href="/opportunity/category/%D9%85%D9%86%D8%AD-%D8%AF%D8%B1%D8%A7%D8%B3%D9%8A%D8%A9">منح دراسية</a>'
            f'<a href="/learn/%D9%83%D9%8A%D9%81">كيف اقدم على منحة</a></header><section>{cards}</section>'
            + next_data({"props": {"pageProps": {"opportunities": {"data": rows}}}}) + "</body></html>").encode()


def for9a_page(record: dict[str, Any]) -> bytes:
    opportunity = {"title": record["title"], "descriptions": for9a_sections(record["text"]),
                   "organization": {"name": "جهة مانحة"}}
    data: dict[str, Any] = {}
    node = data
    for key in DETAIL_OBJECT.split(".")[:-1]:
        node = node.setdefault(key, {})
    node[DETAIL_OBJECT.split(".")[-1]] = opportunity
    return ('<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"></head><body><div id="__next"></div>'
            + next_data(data) + "</body></html>").encode()


def test_for9a_arabic_category_reads_the_real_for9a_pages(corpus_dir: Path) -> None:
    records = read_jsonl(corpus_dir / "arabic-calls" / "AbdallahGO-beacon-scholarships.jsonl")
    palestinian = [record for record in records if "الفلسطيني" in record["title"]]
    chosen = palestinian + [record for record in records[:12] if record not in palestinian][:6]
    first, second = chosen[:5], chosen[5:]
    closed, dated, open_ended = first[4], first[0], first[1]
    assert LISTING_ITEMS == "props.pageProps.opportunities.data"
    rows = [{"title": closed["title"], "closed": True, "deadline": "2019-05-01T00:00:00.000000Z"},
            {"title": dated["title"], "closed": False, "deadline": "2027-02-01T00:00:00.000000Z", "no_deadline": 0},
            {"title": open_ended["title"], "closed": False, "deadline": "1970-01-01T00:00:00.000000Z", "no_deadline": 1}]
    source = ENTRIES["For9a: منح دراسية (Arabic scholarships)"]
    with LocalServer() as server:
        listing_path = urlsplit(source.url).path
        pages = {1: for9a_listing(first, rows), 2: for9a_listing(second, [])}
        server.add(listing_path, lambda request: Reply(200, pages[2 if request.path.endswith("page=2") else 1], HTML))
        for record in chosen:
            server.add(quote(urlsplit(record["url"]).path), Reply(200, for9a_page(record), HTML))
        result = crawl_one(replace(source, url=server.url(listing_path)))
        base = server.base

    expected = [record for record in chosen if record is not closed]
    by_title = {draft.title: draft for draft in result.drafts}
    assert sorted(by_title) == sorted(clean_title(record["title"]) for record in expected)   # the closed one dropped
    assert len(result.drafts) == len(expected) and result.item_errors == ()
    for record in expected:
        draft = by_title[clean_title(record["title"])]
        assert draft.url == base + quote(urlsplit(record["url"]).path)
        assert draft.language == "ar" and draft.kind == "scholarship" and draft.levels == source.levels
        assert draft.text.startswith("وصف الفرصة\n") and draft.provider == "جهة مانحة"
        assert record["text"].split("\n")[1].strip()[:40] in draft.text
    assert any("الفلسطينيين" in title for title in by_title)
    assert local_day(by_title[clean_title(dated["title"])].deadline) == date(2027, 2, 1)
    assert by_title[clean_title(open_ended["title"])].deadline.kind == "rolling"      # no_deadline, not 1970
    assert all(draft.deadline.kind == "unknown" for draft in result.drafts
               if draft.title not in (clean_title(dated["title"]), clean_title(open_ended["title"])))


# ─── Al-Quds University: the real admission notices of corpus/arabic-calls ──────────────────────

def alquds_listing(records: list[dict[str, Any]]) -> bytes:
    items = "".join(f'<li><a href="{html.escape(urlsplit(record["url"]).path)}">{html.escape(record["title"])}</a>'
                    f'<span>{html.escape(record["published"] or "")}</span></li>' for record in records)
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>إعلانات القبول</title></head>'
            f'<body><nav><a href="/ar/news-ar/admissions-announcnments/">إعلانات القبول</a></nav><main><ul>{items}</ul>'
            f'<a class="next" href="/ar/news-ar/admissions-announcnments/page/2/">التالي</a></main></body></html>').encode()


def alquds_page(record: dict[str, Any]) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>" for line in record["text"].split("\n") if line.strip())
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>جامعة القدس</title></head>'
            f'<body><header><nav><a href="/ar/">الرئيسية</a></nav></header><main><article>'
            f'<h1>{html.escape(record["title"])}</h1><span>نشر بتاريخ {html.escape(record["published"] or "")}</span>'
            f'{paragraphs}<p>شارك المقال عبر:</p></article></main></body></html>').encode()


def test_al_quds_admission_announcements_read_the_real_notices(corpus_dir: Path) -> None:
    records = read_jsonl(corpus_dir / "arabic-calls" / "mohammed-husain24-aqu-student-chatbot.jsonl")
    source = ENTRIES["Al-Quds University: admission announcements (إعلانات القبول)"]
    with LocalServer() as server:
        listing = server.add("/ar/news-ar/admissions-announcnments/", Reply(200, alquds_listing(records), HTML))
        for record in records:
            server.add(request_path(server.url(urlsplit(record["url"]).path)), Reply(200, alquds_page(record), HTML))
        result = crawl_one(replace(source, url=listing))
        asked = [request.path for request in server.requests]
        base = server.base

    assert "/ar/news-ar/admissions-announcnments/page/2/" not in asked          # pagination is not a call
    assert asked.count("/ar/news-ar/admissions-announcnments/") == 1           # nor is the breadcrumb
    assert result.item_errors == () and len(result.drafts) == len(records)
    by_url = {draft.url: draft for draft in result.drafts}
    for record in records:
        draft = by_url[base + urlsplit(record["url"]).path]
        assert draft.title == clean_title(record["title"])
        assert draft.language == "ar" and draft.provider == "جامعة القدس" and draft.levels == ("bachelor", "master")
        assert next(line.strip() for line in record["text"].split("\n") if len(line.strip()) > 30)[:30] in draft.text
        assert draft.deadline.kind == "unknown"     # these notices state deadlines in prose: matching/ reads them


# ─── Pages this project writes in each source's documented shape ────────────────────────────────

def serve_listing_and_details(server: LocalServer, listing_path: str, listing_file: str,
                              detail_file: str, detail_paths: list[str]) -> str:
    for path in detail_paths:
        server.add(request_path(server.url(path)), Reply(200, (PAGES / detail_file).read_bytes(), HTML))
    return server.add(listing_path, Reply(200, (PAGES / listing_file).read_bytes(), HTML))


def test_ppu_arabic_news_keeps_the_calls_and_reads_their_deadlines() -> None:
    source = ENTRIES["PPU news in Arabic (أخبار الجامعة)"]
    with LocalServer() as server:
        listing = serve_listing_and_details(server, "/p/ar/news", "ppu_ar_news.html", "ppu_ar_node.html",
                                            ["/p/ar/node/9101", "/p/ar/node/9102"])
        result = crawl_one(replace(source, url=listing))
        base = server.base
    drafts = in_order(result, ["/p/ar/node/9101", "/p/ar/node/9102"])
    assert [(draft.title, draft.url) for draft in drafts] == [
        ("منح ماجستير ممولة بالكامل في هنغاريا لخريجي الجامعة للعام 2027/2028", base + "/p/ar/node/9101"),
        ("فتح باب التقديم لبرنامج التبادل الطلابي إيراسموس+ مع جامعات إسبانيا", base + "/p/ar/node/9102")]
    hungary = drafts[0]
    assert hungary.language == "ar" and hungary.provider == "جامعة بوليتكنك فلسطين"
    assert hungary.deadline.kind == "date" and local_day(hungary.deadline) == date(2027, 1, 15)
    assert hungary.deadline.timezone == "Asia/Hebron" and "ستيبنديوم هنغاريكوم" in hungary.text


def test_an_najah_arabic_announcements_keep_calls_with_their_deadline() -> None:
    source = ENTRIES["An-Najah announcements in Arabic (إعلانات جامعة النجاح)"]
    fellowship = "/ar/about/announcements/2027/02/20/منحة-زمالة-بحثية-لأعضاء-الهيئة-التدريسية-في-ألمانيا/"
    training = "/ar/about/announcements/2027/02/15/برنامج-تدريب-صيفي-في-الأردن/"
    with LocalServer() as server:
        listing = serve_listing_and_details(server, "/ar/about/announcements/", "najah_ar_announcements.html",
                                            "najah_ar_announcement.html", [fellowship, training])
        result = crawl_one(replace(source, url=listing))
        base = server.base
    drafts = in_order(result, [fellowship, training])
    assert [draft.title for draft in drafts] == ["منحة زمالة بحثية لأعضاء الهيئة التدريسية في ألمانيا",
                                                        "برنامج تدريب صيفي لطلبة الهندسة في الأردن"]
    assert [draft.url for draft in drafts] == [base + fellowship, base + training]   # exam notice left out
    assert all(draft.language == "ar" and local_day(draft.deadline) == date(2027, 2, 28) for draft in result.drafts)
    assert "زمالة بحثية قصيرة المدى" in drafts[0].text


def test_birzeit_news_keeps_calls() -> None:
    source = ENTRIES["Birzeit University news"]
    with LocalServer() as server:
        listing = serve_listing_and_details(server, "/en/news", "birzeit_news.html", "birzeit_news_item.html",
                                            ["/en/news/call-erasmus-mobility-spring-2027",
                                             "/en/news/daad-scholarships-graduates-2027"])
        result = crawl_one(replace(source, url=listing))
        base = server.base
    paths = ["/en/news/call-erasmus-mobility-spring-2027", "/en/news/daad-scholarships-graduates-2027"]
    drafts = in_order(result, paths)
    assert [draft.url for draft in drafts] == [base + path for path in paths]
    erasmus = drafts[0]
    assert erasmus.title == "Call for applications: Erasmus+ mobility to Europe, spring 2027"
    assert erasmus.language == "en" and erasmus.provider == "Birzeit University"
    assert local_day(erasmus.deadline) == date(2027, 3, 15) and "credit mobility places" in erasmus.text


@pytest.mark.parametrize("name, home, listing_file, detail_file, calls, deadline", [
    ("Islamic University of Gaza: external relations", "/en/", "iug_exrelation.html", "iug_exrelation_item.html",
     ["/en/news/turkiye-scholarships-2027-call", "/en/news/erasmus-staff-exchange-poland",
      "/en/news/research-grant-water-gaza"], date(2027, 3, 31)),
    ("Erasmus+ National Office in Palestine", "/", "erasmus_ps_home.html", "erasmus_ps_item.html",
     ["/news/cbhe-call-2027", "/news/ikm-mobility-2027", "/news/jean-monnet-2027"], date(2027, 2, 26)),
])
def test_generic_reader_sources_follow_their_call_links(name: str, home: str, listing_file: str, detail_file: str,
                                                        calls: list[str], deadline: date) -> None:
    source = ENTRIES[name]
    with LocalServer() as server:
        listing = serve_listing_and_details(server, home, listing_file, detail_file, calls)
        result = crawl_one(replace(source, url=listing))
        base = server.base
    assert [draft.url for draft in in_order(result, calls)] == [base + path for path in calls]   # menus, notices left out
    assert all(draft.title and draft.language == "en" and draft.provider == source.provider for draft in result.drafts)
    assert all(local_day(draft.deadline) == deadline for draft in result.drafts)


@pytest.mark.parametrize("name, feed, titles", [
    ("Google News (Arabic): scholarships for Palestinian students", "google_news_ar_scholarships.rss",
     ["التعليم العالي تعلن عن منح دراسية في هنغاريا للطلبة الفلسطينيين - وزارة التعليم العالي والبحث العلمي",
      "منح الحكومة الصينية لطلبة البكالوريوس والماجستير من فلسطين 2027 - وكالة وفا"]),
    ("Google News (Arabic): Palestinian universities' calls", "google_news_ar_universities.rss",
     ["بوليتكنك فلسطين تعلن عن منحة تبادل طلابي إلى إيطاليا - جامعة بوليتكنك فلسطين"]),
])
def test_google_news_arabic_queries(name: str, feed: str, titles: list[str]) -> None:
    source = ENTRIES[name]
    assert urlsplit(source.url).path == "/rss/search" and "hl=ar" in source.url
    with LocalServer() as server:
        url = server.add("/rss/search", Reply(200, (PAGES / feed).read_bytes(), RSS))
        result = crawl_one(replace(source, url=url))
    assert [draft.title for draft in result.drafts] == titles
    assert all(draft.url.startswith("https://news.google.com/rss/articles/") for draft in result.drafts)
    assert all(draft.language == "ar" and draft.published_at is not None for draft in result.drafts)
    assert result.drafts[0].published_at.date() == date(2027, 3, 1)


@pytest.mark.parametrize("name", ["For9a fellowships (فرصة)", "For9a grants", "For9a trainings and workshops",
                                  "For9a residencies and exchange programmes"])
def test_for9a_english_categories(name: str) -> None:
    source = ENTRIES[name]
    category = urlsplit(source.url).path
    assert category.startswith("/en/opportunity/category/") and source.parser == "for9a"
    plain = b"<html><body><main><h1>Opportunity</h1></main></body></html>"
    with LocalServer() as server:
        listing = server.add(category, Reply(200, (PAGES / "for9a_en_category.html").read_bytes(), HTML))
        server.add("/en/opportunity/arab-women-in-science-fellowship-2027",
                   Reply(200, (PAGES / "for9a_en_opportunity.html").read_bytes(), HTML))
        for slug in ("open-call-postdoctoral-fellowships-in-climate-research", "young-researchers-exchange-programme"):
            server.add(f"/en/opportunity/{slug}", Reply(200, plain, HTML))
        result = crawl_one(replace(source, url=listing))
        asked = [request.path for request in server.requests]
        base = server.base
    drafts = in_order(result, ["/en/opportunity/arab-women-in-science-fellowship-2027",
                               "/en/opportunity/open-call-postdoctoral-fellowships-in-climate-research",
                               "/en/opportunity/young-researchers-exchange-programme"])
    fellowship, postdoc, exchange = drafts
    assert [draft.url for draft in drafts] == [
        base + "/en/opportunity/arab-women-in-science-fellowship-2027",
        base + "/en/opportunity/open-call-postdoctoral-fellowships-in-climate-research",
        base + "/en/opportunity/young-researchers-exchange-programme"]      # the closed one is not followed
    assert "/en/opportunity/journalism-fellowship-2026-closed" not in asked
    assert f"{category}?page=2" in asked                                     # max_pages = 2
    assert fellowship.title == "Arab Women in Science Fellowship 2027" and fellowship.provider == "Arab Science Foundation"
    assert local_day(fellowship.deadline) == date(2027, 1, 15) and fellowship.language == "en"
    assert fellowship.text.startswith("Opportunity description\nThe Arab Science Foundation offers")
    assert "https://www.arabsciencefoundation.example.org/fellowship-2027" in fellowship.text   # the funder's page
    assert postdoc.title == "Postdoctoral Fellowships in Climate Research" and postdoc.deadline.kind == "rolling"
    assert exchange.deadline.kind == "unknown" and exchange.deadline.text == ""   # 1969: For9a's "no date"
    assert all(draft.kind == source.kind for draft in result.drafts)


def test_ppu_english_news_keeps_calls() -> None:
    source = ENTRIES["PPU news: calls and scholarships"]
    listing = b"""<html lang="en"><body><nav><a href="/p/en/news">News</a></nav><main>
      <div class="views-row"><a href="/p/en/news/2027-erasmus-mobility-call">Erasmus+ mobility call for PPU students, spring 2027</a></div>
      <div class="views-row"><a href="/p/en/news/2027-graduation-ceremony">PPU celebrates its graduation ceremony</a></div>
      <div class="views-row"><a href="/p/en/news/2027-daad-scholarship">DAAD scholarship information day at PPU</a></div>
    </main></body></html>"""
    detail = (b"<html><body><main><article><h1>PPU</h1><p>" + b"Students of engineering and IT may apply through the International Office. " * 4
              + b"</p><dl><dt>Deadline</dt><dd>20 March 2027</dd></dl></article></main></body></html>")
    calls = ["/p/en/news/2027-erasmus-mobility-call", "/p/en/news/2027-daad-scholarship"]
    with LocalServer() as server:
        for path in calls:
            server.add(path, Reply(200, detail, HTML))
        result = crawl_one(replace(source, url=server.add("/p/en/news", Reply(200, listing, HTML))))
        base = server.base
    drafts = in_order(result, calls)                                    # the ceremony is not a call
    assert [draft.url for draft in drafts] == [base + path for path in calls]
    assert drafts[0].title == "Erasmus+ mobility call for PPU students, spring 2027"
    assert all(local_day(draft.deadline) == date(2027, 3, 20) and draft.provider == "Palestine Polytechnic University"
               for draft in drafts)


def test_iug_arabic_announcements_keep_scholarships_and_trainings() -> None:
    source = ENTRIES["Islamic University of Gaza: announcements"]
    listing = """<html lang="ar" dir="rtl"><head><meta charset="utf-8"></head><body><main><ul>
      <li><a href="/e3lan/e4101/">إعلان عن منح دراسية لدرجة الماجستير في ماليزيا</a></li>
      <li><a href="/e3lan/e4102/">إعلان عن مواعيد التسجيل للفصل الصيفي</a></li>
      <li><a href="/e3lan/e4103/">دورة تدريب في إدارة المشاريع لطلبة الهندسة</a></li>
      <li><a href="/news/n77/">خبر عن زيارة وفد</a></li>
    </ul></main></body></html>""".encode()
    detail = ("<html lang='ar' dir='rtl'><head><meta charset='utf-8'></head><body><main><article><h1>إعلان</h1><p>"
              + "تعلن الجامعة الإسلامية بغزة عن فتح باب التقديم للطلبة والخريجين وفق الشروط المعلنة. " * 4
              + "</p><dl><dt>آخر موعد للتقديم</dt><dd>١٥ كانون الثاني ٢٠٢٧</dd></dl></article></main></body></html>").encode()
    calls = ["/e3lan/e4101/", "/e3lan/e4103/"]
    with LocalServer() as server:
        for path in calls:
            server.add(path, Reply(200, detail, HTML))
        result = crawl_one(replace(source, url=server.add("/e3lan/", Reply(200, listing, HTML))))
        base = server.base
    drafts = in_order(result, calls)                                    # the registration notice is not a call
    assert [draft.url for draft in drafts] == [base + path for path in calls]
    assert drafts[0].title == "إعلان عن منح دراسية لدرجة الماجستير في ماليزيا"
    assert all(draft.language == "ar" and local_day(draft.deadline) == date(2027, 1, 15)
               and draft.deadline.timezone == "Asia/Gaza" for draft in drafts)


# ─── The catalogue's counts ─────────────────────────────────────────────────────────────────────

def test_catalogue_has_sixty_sources_and_twelve_enabled_arabic_or_palestinian() -> None:
    enabled = [source for source in CATALOGUE if source.enabled]
    arabic_or_palestinian = [source for source in enabled if is_arabic_or_palestinian(source)]
    assert len(CATALOGUE) >= 60
    assert len(arabic_or_palestinian) >= 12, [source.name for source in arabic_or_palestinian]
    assert sum(source.language == "ar" for source in enabled) >= 12      # Arabic alone reaches it too
    for9a = [source for source in CATALOGUE if host_of(source.url) == "www.for9a.com"]
    assert for9a and all(source.enabled and source.parser == "for9a" for source in for9a)


def test_is_arabic_or_palestinian_reads_language_and_address() -> None:
    assert is_arabic_or_palestinian(SourceSpec(name="a", type="feed", url="https://example.org/feed", language="ar"))
    assert is_arabic_or_palestinian(SourceSpec(name="b", type="html", url="https://www.ppu.edu/p/en/news"))
    assert is_arabic_or_palestinian(SourceSpec(name="c", type="html", url="https://exrelation.iugaza.edu.ps/en/"))
    assert not is_arabic_or_palestinian(SourceSpec(name="d", type="html", url="https://www.chevening.org/"))
    assert not is_arabic_or_palestinian(SourceSpec(name="e", type="html", url="https://notppu.edu.example.org/"))


# ─── Telegram channels' web mirrors (parser only: no channel is in the catalogue yet) ──────────

def test_telegram_web_mirror_posts_become_calls() -> None:
    source = SourceSpec(name="Scholarship channel", type="html", parser="telegram", language="ar", kind="scholarship",
                        url="https://t.me/s/example_scholarships_ar",
                        options={"title_include": ["منح", "منحة", "تدريب", "زمالة"], "max_pages": 2})
    page = (PAGES / "telegram_channel.html").read_bytes()
    older = page.replace(b'data-post="example_scholarships_ar/12', b'data-post="example_scholarships_ar/11').replace(
        b"t.me/example_scholarships_ar/12", b"t.me/example_scholarships_ar/11")
    with LocalServer() as server:
        url = server.add("/s/example_scholarships_ar",
                         lambda request: Reply(200, older if "before=1201" in request.path else page, HTML))
        result = crawl_one(replace(source, url=url))
        asked = [request.path for request in server.requests if request.path.startswith("/s/")]
    assert asked == ["/s/example_scholarships_ar", "/s/example_scholarships_ar?before=1201"]   # max_pages = 2
    by_url = {draft.url: draft for draft in result.drafts}
    assert sorted(by_url) == [f"https://t.me/example_scholarships_ar/{post}" for post in (1101, 1103, 1201, 1203)]
    hungary = by_url["https://t.me/example_scholarships_ar/1201"]                 # photo and greeting passed over
    assert hungary.title == "🎓 منح ماجستير ممولة بالكامل في المجر للطلبة الفلسطينيين 2027"
    assert hungary.language == "ar" and hungary.published_at.isoformat() == "2026-12-01T08:15:00+00:00"
    assert "آخر موعد للتقديم: 15 كانون الثاني 2027" in hungary.text              # the deadline in prose, for matching/
    assert hungary.text.endswith("https://stipendiumhungaricum.hu/apply/")      # the funder's page kept, not t.me
    training = by_url["https://t.me/example_scholarships_ar/1203"]
    assert training.title.startswith("تدريب صيفي مدفوع") and "منح ماجستير" not in training.text   # not the quoted reply


def test_a_page_that_is_not_a_channel_mirror_is_a_clear_error() -> None:
    source = SourceSpec(name="channel", type="html", parser="telegram", url="https://t.me/s/missing")
    with pytest.raises(FormatError, match=r"not a Telegram channel's web page .* https://t.me/s/CHANNEL"):
        parse_telegram_page(b"<html><body><h1>Login</h1></body></html>", source)


def test_for9a_listing_without_links_uses_its_page_data_or_says_what_is_missing() -> None:
    source = ENTRIES["For9a grants"]
    rows = [{"title": "Travel Grants for Arab Researchers", "slug": "travel-grants-for-arab-researchers", "closed": False,
             "deadline": "2027-05-01T00:00:00.000000Z"},
            {"title": "Closed Grant", "slug": "closed-grant", "closed": True}]
    page = ("<html><body><div id='__next'></div>" + next_data({"props": {"pageProps": {"opportunities": {"data": rows}}}})
            + "</body></html>").encode()
    parsed = parse_for9a_listing(page, source, source.url)
    (request,) = parsed.detail_requests
    assert request.url == "https://www.for9a.com/en/opportunity/travel-grants-for-arab-researchers"
    assert request.draft.title == "Travel Grants for Arab Researchers" and local_day(request.draft.deadline) == date(2027, 5, 1)
    for row in rows:
        del row["slug"]
    bare = ("<html><body>" + next_data({"props": {"pageProps": {"opportunities": {"data": rows}}}}) + "</body></html>").encode()
    with pytest.raises(FormatError, match="links to no For9a opportunity page .* names no slug"):
        parse_for9a_listing(bare, source, source.url)
