"""Calls from publishers the matcher was not tuned on, for an honest held-out evaluation.

    python bench/publishers.py                    # per publisher: candidates, selected, labeled
    python bench/publishers.py --unlabeled        # selected items that still lack a label

The matcher was developed against ``australian-scholarships`` and ``nsf-awards-2017`` (see
``../shared/labels``). A score on those says little about calls written by anyone else, so this
module reads thirteen other publishers from ``../shared/corpus`` at run time. The project keeps
only ids and hand labels (``bench/data/other-publishers.labels.jsonl``); the corpus text is never
copied into the repository, because it belongs to the sites that published it.

Texts are built from what a crawler of each source would see: the call's own prose plus the
publisher's listing metadata (research topics, funders, categories, level). Publisher categories
are kept on purpose: California's and Pennsylvania's are policy sectors, not study fields, and a
matcher that trusts them blindly should pay for it here.

How items were chosen for labeling (``select_items``), deterministically:
  - an item is a candidate when its title and text together hold at least three words;
  - a candidate is selected when ``zlib.crc32(id) % SAMPLE_MODULUS[publisher] == 0``; publishers
    missing from ``SAMPLE_MODULUS`` are taken whole. The moduli keep the big files (Pennsylvania,
    Opportunity Desk, Scholarships Cafe) to roughly 30-40 items each, so the small publishers
    still weigh in the micro-averaged score.

The labels were written blind to the matcher, from each title and text alone: ISCED-F broad
fields of who may apply or what is funded, ``["any"]`` when no field is named (an acronym alone
names none); "graduate"/"postgraduate" is read as master + phd.
"""
from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_LABELS = Path(__file__).resolve().parent / "data" / "other-publishers.labels.jsonl"
SAMPLE_MODULUS = {"careeronestop": 2, "daad": 4, "california": 3, "pennsylvania": 9,
                  "opportunitydesk": 60, "scholarshipscafe": 6}
BROAD_FIELDS = {f"{code:02d}" for code in range(11)}
LEVELS = {"bachelor", "master", "phd", "postdoc", "faculty", "staff"}
FUNDING_STATUS = re.compile(r"^(Not )?Fully Funded;")


class CorpusMissingError(FileNotFoundError):
    """Raised by the readers when the shared corpus, or one of its files, is not where expected."""


class LabelError(ValueError):
    """Raised by load_labeled when a label line is malformed or names an id the corpus lacks."""


@dataclass(frozen=True)
class CorpusItem:
    """One call as the benchmark sees it: a stable id, its publisher, and the text to tag."""

    id: str
    publisher: str
    title: str
    text: str


# ---------------------------------------------------------------- helpers

def strip_html(markup: str | None) -> str:
    """Plain text from an HTML fragment; fixtures are small, so a regex pass is enough."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", markup or "", flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>|</p>|</li>|</h\d>", "\n", text, flags=re.I)
    text = html.unescape(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def join_text(*parts: str | None) -> str:
    """Join non-empty parts, one per line, dropping exact repeats (sources often echo a field)."""
    seen: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and part not in seen:
            seen.append(part)
    return "\n".join(seen)


def labelled(name: str, value: str | None) -> str:
    """``"Name: value"`` when there is a value, so metadata reads like the page it came from."""
    value = (value or "").strip()
    return f"{name}: {value}" if value else ""


def short_hash(*parts: str) -> str:
    """A stable 8-hex key for sources whose rows carry no id of their own."""
    return format(zlib.crc32("\n".join(parts).encode("utf-8")), "08x")


def read_json(path: Path) -> object:
    """Load one corpus JSON file, saying which file is missing if it is."""
    return json.loads(require(path).read_text(encoding="utf-8"))


def read_csv_rows(path: Path) -> list[list[str]]:
    """All rows of one corpus CSV file (header included, if it has one)."""
    with require(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def require(path: Path) -> Path:
    """Return path if it exists; otherwise explain what is missing and what to do."""
    if not path.exists():
        raise CorpusMissingError(f"corpus file {path} is missing; the shared corpus should hold it "
                                 "(see shared/corpus/README.md), or pass --corpus with the right folder")
    return path


# ---------------------------------------------------------------- one reader per publisher

def read_careeronestop(corpus: Path) -> Iterator[CorpusItem]:
    """US scholarships; the id is CareerOneStop's scholarshipId, the level list is kept as text."""
    for number, row in enumerate(read_json(corpus / "careeronestop" / "scholarships.json")):
        found = re.search(r"scholarshipId=(\d+)", row.get("Link", ""))
        key = found.group(1) if found else f"n{number}"
        levels = "; ".join(row.get("Categories", "").split("\n"))
        text = join_text(row.get("Description"), labelled("Levels", levels))
        yield CorpusItem(f"careeronestop:{key}", "careeronestop", row.get("ScholarshipName", ""), text)


def read_official_pages(corpus: Path) -> Iterator[CorpusItem]:
    """Items extracted from official scholarship pages (Chevening, DAAD, KAUST ...)."""
    for row in read_json(corpus / "official-scholarship-pages" / "scholarships.json")["items"]:
        text = join_text(row.get("summary"), row.get("eligibility"), *row.get("requirements", []),
                         *row.get("criteria", []), labelled("Benefits", row.get("benefits")))
        yield CorpusItem(f"official-pages:{row['id']}", "official-pages", row.get("title", ""), text)


def read_arabic_scholarships(corpus: Path) -> Iterator[CorpusItem]:
    """Hand-written Arabic (and two English) scholarship summaries."""
    data = read_json(corpus / "arabic-scholarships" / "scholarships.excerpt.json")
    for row in data["scholarships"]:
        text = join_text(*(labelled(name, row.get(name)) for name in
                           ("level", "funding_type", "country", "university", "requirements", "benefits")))
        yield CorpusItem(f"arabic-scholarships:{row['id']}", "arabic-scholarships", row.get("title", ""), text)


def read_scholarshipscafe(corpus: Path) -> Iterator[CorpusItem]:
    """PhD/postdoc positions merged from three CSV scrapes of the same listing.

    ``output.csv`` has a header and full descriptions; ``scholarships.csv`` and
    ``scholarships1.csv`` have none, and in ``scholarships.csv`` the third column holds either
    a truncated description or a funding status ("Not Fully Funded; ..."). A position is keyed
    by (title, apply link) and keeps the longest description any file gives it.
    """
    folder = corpus / "scholarshipscafe"
    best: dict[tuple[str, str], tuple[str, str]] = {}

    def offer(title: str, location: str, description: str, link: str) -> None:
        key = (title.strip(), link.strip())
        description = "" if FUNDING_STATUS.match(description) else description.strip()
        if key[0] and (key not in best or len(description) > len(best[key][1])):
            best[key] = (location.strip(), description)

    header, *rows = read_csv_rows(folder / "output.csv")
    for row in rows:
        record = dict(zip(header, row))
        offer(record.get("Title", ""), record.get("Location", ""),
              join_text(record.get("Description"), record.get("Qualifications")), record.get("Apply Link", ""))
    for name in ("scholarships.csv", "scholarships1.csv"):
        for row in read_csv_rows(folder / name):
            if len(row) >= 4:
                offer(row[0], row[1], row[2], row[3])
    for (title, link), (location, description) in best.items():
        text = join_text(description, labelled("Location", location))
        yield CorpusItem(f"scholarshipscafe:{short_hash(title, link)}", "scholarshipscafe", title, text)


def read_opportunitydesk(corpus: Path) -> Iterator[CorpusItem]:
    """Opportunity Desk post titles (2012-2020): the title is all the text there is."""
    path = require(corpus / "opportunitydesk-2020" / "opportunitydesk_2020_union.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            slug = row.get("Link", "").rstrip("/").rsplit("/", 1)[-1] or short_hash(row.get("Name", ""))
            yield CorpusItem(f"opportunitydesk:{slug}", "opportunitydesk", row.get("Name", ""), "")


def read_daad(corpus: Path) -> Iterator[CorpusItem]:
    """DAAD degree programmes from a markdown table; the id is DAAD's hec-id."""
    for line in require(corpus / "daad-programmes" / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        found = re.search(r"hec-id=(\w+)", line)
        if len(cells) < 5 or not found:
            continue
        university, programme, degree, location = cells[:4]
        text = f"{degree} programme at {university}, {location}"
        yield CorpusItem(f"daad:{found.group(1)}", "daad", f"{programme} ({degree})", text)


def read_grants_gov(corpus: Path) -> Iterator[CorpusItem]:
    """Grants.gov search hits (three captured responses), with the one fetched synopsis."""
    folder = corpus / "grants-gov-api"
    synopsis = read_json(folder / "grants_gov_fetchOpportunity.json")["data"]
    details = {str(synopsis["id"]): synopsis.get("synopsis", {})}
    seen: set[str] = set()
    for name in ("grants_gov_search2.json", "grants_gov_search2_page1.json", "grants_gov_search2_page2.json"):
        for hit in read_json(folder / name)["data"]["oppHits"]:
            if hit["id"] in seen:
                continue
            seen.add(hit["id"])
            detail = details.get(hit["id"], {})
            categories = "; ".join(c["description"] for c in detail.get("fundingActivityCategories", []))
            text = join_text(labelled("Agency", hit.get("agency")), strip_html(detail.get("synopsisDesc")),
                             strip_html(detail.get("applicantEligibilityDesc")),
                             labelled("Funding activity", categories))
            yield CorpusItem(f"grants-gov:{hit['id']}", "grants-gov", strip_html(hit.get("title")), text)


def read_eu_funding(corpus: Path) -> Iterator[CorpusItem]:
    """EU Funding & Tenders topics; the id is the topic identifier (it names the cluster)."""
    for row in read_json(corpus / "eu-funding-tenders" / "sedia-search-page.json")["results"]:
        meta = row.get("metadata", {})
        identifier = (meta.get("identifier") or [row.get("reference", "")])[0]
        title = (meta.get("title") or [row.get("summary", "")])[0]
        actions = ", ".join(meta.get("typesOfAction", []))
        text = join_text(labelled("Call", identifier), labelled("Type of action", actions),
                         *(strip_html(part) for part in meta.get("descriptionByte", [])))
        yield CorpusItem(f"eu-funding:{identifier}", "eu-funding", title, text)


def read_ukri(corpus: Path) -> Iterator[CorpusItem]:
    """UKRI listing entries, with the longer description where the opportunity page was captured."""
    folder = corpus / "ukri"
    listing = require(folder / "ukri-listing-page.html").read_text(encoding="utf-8")
    pages = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("ukri-opportunity-*.html"))]
    for post in re.findall(r'<div id="post-\d+".*?<!-- #post -->', listing, flags=re.S):
        link = re.search(r'class="ukri-funding-opp__link" href="([^"]+)"[^>]*>(.*?)</a>', post, flags=re.S)
        if not link:
            continue
        url, title = link.group(1), strip_html(link.group(2))
        summary = re.search(r'<div class="entry-content">(.*?)</div>', post, flags=re.S)
        page = next((p for p in pages if title in p), "")
        description = re.search(r'<div class="description">(.*?)</div>', page, flags=re.S)
        funders = re.search(r"Funders: </dt>\s*<dd[^>]*>(.*?)</dd>", post, flags=re.S)
        text = join_text(strip_html(description.group(1)) if description else strip_html(summary and summary.group(1)),
                         labelled("Funders", strip_html(funders and funders.group(1))))
        yield CorpusItem(f"ukri:{url.rstrip('/').rsplit('/', 1)[-1]}", "ukri", title, text)


def read_darpa(corpus: Path) -> Iterator[CorpusItem]:
    """DARPA opportunities; every row comes twice and one copy is empty, so keep the fuller one."""
    best: dict[str, dict] = {}

    def body_length(row: dict) -> int:
        return len(row.get("field_body_with_summary") or "")

    for row in read_json(corpus / "darpa" / "darpa.json"):
        if row["nid"] not in best or body_length(row) > body_length(best[row["nid"]]):
            best[row["nid"]] = row
    for nid, row in best.items():
        body = strip_html(row.get("field_body_with_summary")).split(" | See ")[0]
        topics = "; ".join(filter(None, (row.get("field_research_topics") or "").split("|")))
        text = join_text(body, labelled("Office", row.get("field_taxonomy_office")),
                         labelled("Research topics", topics))
        yield CorpusItem(f"darpa:{nid}", "darpa", row.get("title", ""), text)


def read_euraxess(corpus: Path) -> Iterator[CorpusItem]:
    """EURAXESS job teasers from a search-results page, with their research fields."""
    page = require(corpus / "euraxess" / "search_results_page.html").read_text(encoding="utf-8")
    for article in re.findall(r'<article class="ecl-content-item">(.*?)</article>', page, flags=re.S):
        job = re.search(r'href="/jobs/(\d+)"', article)
        title = re.search(r'<h3 class="ecl-content-block__title">(.*?)</h3>', article, flags=re.S)
        if not (job and title):
            continue
        teaser = re.search(r'<div class="ecl-content-block__description">(.*?)</div>', article, flags=re.S)
        text = join_text(strip_html(teaser and teaser.group(1)),
                         labelled("Research field", "; ".join(facet(article, "Research-Field"))),
                         labelled("Researcher profile", "; ".join(facet(article, "Researcher-Profile"))))
        yield CorpusItem(f"euraxess:{job.group(1)}", "euraxess", strip_html(title.group(1)), text)


def facet(article: str, name: str) -> list[str]:
    """The filter links inside one EURAXESS teaser block (e.g. its research fields)."""
    block = re.search(rf'class="id-{name} .*?(?=<div class="id-|$)', article, flags=re.S)
    return re.findall(r'aria-label="Filter by ([^"]*)"', block.group(0)) if block else []


def read_california(corpus: Path) -> Iterator[CorpusItem]:
    """California Grants Portal records (CKAN dump: field names, then rows); the id is PortalID."""
    data = read_json(corpus / "california-grants-portal" / "111c8c88-21f6-453c-ae2c-b4785a0624f5.json")
    names = [field["id"] for field in data["fields"]]
    for values in data["records"]:
        row = dict(zip(names, values))
        text = join_text(strip_html(row.get("Purpose")), strip_html(row.get("Description")),
                         labelled("Categories", row.get("Categories")),
                         labelled("Applicants", row.get("ApplicantType")), labelled("Agency", row.get("AgencyDept")))
        yield CorpusItem(f"california:{row['PortalID']}", "california", row.get("Title") or "", text)


def read_pennsylvania(corpus: Path) -> Iterator[CorpusItem]:
    """Pennsylvania eGrants; the id is the grant's slug (agency code + number, e.g. ``pda1``)."""
    for row in read_json(corpus / "pennsylvania-egrants" / "PA-grant-data.sample.json")["grants"]:
        overview = strip_html(row.get("overview") or row.get("shortDescription"))
        text = join_text(overview, strip_html(row.get("eligibility")),
                         labelled("Category", row.get("category")), labelled("Agency", row.get("issuingAgency")))
        yield CorpusItem(f"pennsylvania:{row['slug']}", "pennsylvania", row.get("title") or "", text)


READERS: dict[str, Callable[[Path], Iterable[CorpusItem]]] = {
    "careeronestop": read_careeronestop, "official-pages": read_official_pages,
    "arabic-scholarships": read_arabic_scholarships, "scholarshipscafe": read_scholarshipscafe,
    "opportunitydesk": read_opportunitydesk, "daad": read_daad, "grants-gov": read_grants_gov,
    "eu-funding": read_eu_funding, "ukri": read_ukri, "darpa": read_darpa, "euraxess": read_euraxess,
    "california": read_california, "pennsylvania": read_pennsylvania,
}


# ---------------------------------------------------------------- public surface

def is_usable(item: CorpusItem) -> bool:
    """An item can be labeled only if its title and text say something (three words or more)."""
    return len(item.title.split()) + len(item.text.split()) >= 3


def read_corpus_items(corpus: Path | None = None) -> list[CorpusItem]:
    """Every usable item of the held-out publishers, in corpus order, ids unique."""
    corpus = Path(corpus) if corpus is not None else DEFAULT_CORPUS
    if not corpus.is_dir():
        raise CorpusMissingError(f"corpus folder not found: looked in {corpus}; put the shared corpus "
                                 "there (shared/corpus beside the repository) or pass its path")
    items: dict[str, CorpusItem] = {}
    for reader in READERS.values():
        for item in reader(corpus):
            if is_usable(item) and item.id not in items:
                items[item.id] = item
    return list(items.values())


def select_items(items: Iterable[CorpusItem]) -> list[CorpusItem]:
    """The deterministic labeling sample: crc32(id) % SAMPLE_MODULUS[publisher] == 0."""
    return [item for item in items
            if zlib.crc32(item.id.encode("utf-8")) % SAMPLE_MODULUS.get(item.publisher, 1) == 0]


def read_labels(labels_path: Path) -> list[dict]:
    """Parse and check the label lines; any fault names the line and the id."""
    return read_checked_lines(Path(labels_path), check_label, LabelError)


def read_checked_lines(path: Path, check: Callable[[dict, str], None], error: type[Exception]) -> list[dict]:
    """JSON lines, each passed to `check` with where it stands; a missing file, a line that is not
    JSON or one `check` refuses raises `error` naming the file and line."""
    if not path.exists():
        raise error(f"labels file not found: {path}")
    labels: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{number}: not JSON ({exc})") from exc
        check(label, f"{path}:{number}")
        labels.append(label)
    return labels


def check_label(label: dict, where: str) -> None:
    """Reject labels the scorer would misread: unknown codes, "any" mixed with a field, bad levels."""
    disciplines, levels = label.get("disciplines"), label.get("levels")
    if not isinstance(label.get("id"), str) or not isinstance(disciplines, list) or not isinstance(levels, list):
        raise LabelError(f"{where}: need a string id and lists of disciplines and levels")
    mixed_any = "any" in disciplines and len(disciplines) > 1
    if not disciplines or not set(disciplines) <= BROAD_FIELDS | {"any"} or mixed_any:
        raise LabelError(f"{where} ({label['id']}): disciplines must be broad codes '00'..'10' or ['any'] alone")
    if not set(levels) <= LEVELS:
        raise LabelError(f"{where} ({label['id']}): levels must be among {sorted(LEVELS)}")


def load_labeled(labels_path: Path, corpus: Path | None = None) -> list[dict]:
    """Labels joined to their corpus text, shaped like the files in shared/labels."""
    items = {item.id: item for item in read_corpus_items(corpus)}
    joined: list[dict] = []
    for label in read_labels(labels_path):
        item = items.get(label["id"])
        if item is None:
            raise LabelError(f"labeled id {label['id']!r} is not in the corpus; check that the corpus "
                             "is the shared one and that the id is spelled as read_corpus_items gives it")
        joined.append({"id": item.id, "source": item.publisher, "title": item.title, "text": item.text,
                       "disciplines": list(label["disciplines"]), "levels": list(label["levels"])})
    return joined


def main(argv: list[str] | None = None) -> int:
    """Print per-publisher counts; with --unlabeled, list selected items that still need a label."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--unlabeled", action="store_true", help="list selected items without a label")
    args = parser.parse_args(argv)
    try:
        items = read_corpus_items(args.corpus)
        labeled = load_labeled(args.labels, args.corpus) if args.labels.exists() else []
    except (CorpusMissingError, LabelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    selected = select_items(items)
    candidates, chosen = Counter(i.publisher for i in items), Counter(i.publisher for i in selected)
    done = Counter(row["source"] for row in labeled)
    print(f"{'publisher':<22}{'candidates':>11}{'selected':>10}{'labeled':>9}")
    for publisher in READERS:
        print(f"{publisher:<22}{candidates[publisher]:>11}{chosen[publisher]:>10}{done[publisher]:>9}")
    print(f"{'total':<22}{sum(candidates.values()):>11}{sum(chosen.values()):>10}{sum(done.values()):>9}")
    if args.unlabeled:
        have = {row["id"] for row in labeled}
        for item in selected:
            if item.id not in have:
                print(f"\n## {item.id}\n{item.title}\n{item.text[:1500]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
