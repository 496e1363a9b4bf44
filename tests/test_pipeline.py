"""Pipeline steps between crawler and storage: one call announced by several sources is one Opportunity."""
from __future__ import annotations

import itertools
import json
import zlib

from datetime import datetime, timezone

import pytest

from fursa import matching, pipeline, storage
from fursa.settings import load_settings
from tests.crawlers.server import LocalServer, Reply
from tests.databases import test_database_url

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
CALL = ("The Foundation invites applications for fully funded doctoral scholarships in renewable energy "
        "engineering and power systems at partner universities. Candidates from the West Bank and Gaza are "
        "eligible. The award covers tuition, a monthly stipend, travel and health insurance for four years.")


def _rss(title: str, link: str, text: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>{title}</title>'
            f"<link>{link}</link><description>{text}</description></item></channel></rss>").encode()


CATALOGUE = """
[[source]]
name = "Aggregator one"
type = "feed"
url = "{base}/agg1.xml"
[source.options]
aggregator = true

[[source]]
name = "Aggregator two"
type = "feed"
url = "{base}/agg2.xml"
[source.options]
aggregator = true

[[source]]
name = "Funder"
type = "feed"
url = "{base}/funder.xml"
"""


@pytest.fixture
def ctx_and_server(tmp_path):
    with LocalServer() as server:
        server.add("/agg1.xml", Reply(200, _rss("Doctoral scholarships in renewable energy (fully funded)",
                                                "http://agg1.example/post/991?utm_source=feed", CALL)))
        server.add("/agg2.xml", Reply(200, _rss("Doctoral scholarships in renewable energy engineering, fully funded",
                                                "http://agg2.example/2026/11/phd-renewable",
                                                CALL + " Apply before the deadline.")))
        server.add("/funder.xml", Reply(200, _rss("Doctoral Scholarships in Renewable Energy Engineering",
                                                  "http://funder.example/calls/phd-energy", CALL)))
        (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base))
        ctx = pipeline.make_context(load_settings(
            database_url=test_database_url(tmp_path), catalogue=tmp_path / "catalogue.toml",
            allow_private_addresses=True, model_dir=tmp_path / ".fursa", outbox_dir=tmp_path / "outbox"))
        pipeline.init_database(ctx)
        yield ctx, server


def test_one_call_from_three_sources_is_one_opportunity_linking_to_the_funder(ctx_and_server):
    ctx, _ = ctx_and_server
    for name in ("Aggregator one", "Aggregator two", "Funder"):
        pipeline.crawl_due(ctx, NOW, source_name=name)
    with ctx.sessions() as session:
        (opportunity,) = session.query(storage.Opportunity).all()
        sightings = sorted(s.source.name for s in opportunity.sightings)
        assert sightings == ["Aggregator one", "Aggregator two", "Funder"]
        assert opportunity.url == "http://funder.example/calls/phd-energy"


def test_the_aggregators_tracking_parameters_are_dropped(ctx_and_server):
    ctx, _ = ctx_and_server
    pipeline.crawl_due(ctx, NOW, source_name="Aggregator one")
    with ctx.sessions() as session:
        (opportunity,) = session.query(storage.Opportunity).all()
        assert opportunity.url == "http://agg1.example/post/991"


def _reviewed_calls(ctx, count: int) -> None:
    subjects = [("nursing and midwifery care", ["09"]), ("civil engineering and construction", ["07"]),
                ("software development and databases", ["06"]), ("crop production and agronomy", ["08"]),
                ("accounting, finance and management", ["04"])]
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="desk", type="feed", url="http://example.org/f")])
        source = storage.get_source(session, "desk")
        drafts = [storage.Draft(source_name="desk", url=f"http://example.org/c/{i}",
                                title=f"Call {i}: grants in {subjects[i % 5][0]}",
                                text=f"Support for projects in {subjects[i % 5][0]}, round {i}.") for i in range(count)]
        for row, i in zip(storage.ingest_drafts(session, source, drafts, NOW).new, range(count)):
            row.disciplines = subjects[i % 5][1]
            row.tags_edited = True


def test_retrain_needs_enough_reviewed_calls_then_writes_a_model_the_tagger_uses(tmp_path):
    ctx = pipeline.make_context(load_settings(
        database_url=test_database_url(tmp_path), catalogue=tmp_path / "c.toml", model_dir=tmp_path / ".fursa",
        outbox_dir=tmp_path / "outbox"))
    (tmp_path / "c.toml").write_text("")
    pipeline.init_database(ctx)
    _reviewed_calls(ctx, 5)
    early = pipeline.retrain_matcher(ctx, NOW)
    assert not early.trained and "needs" in early.reason and not ctx.model_path.exists()

    _reviewed_calls(ctx, 40)
    outcome = pipeline.run_job(ctx, "retrain", NOW)
    assert outcome.status == "ok" and outcome.result.trained and outcome.result.examples >= 40
    model = pipeline.load_model(ctx)
    assert model is not None
    probabilities = model.predict("Scholarships in nursing and midwifery care", "")
    assert max(probabilities, key=probabilities.get) == "09"


def test_a_stored_model_that_cannot_be_read_leaves_tagging_to_the_rules(tmp_path, caplog):
    """After an upgrade the stored model may have an older format: the crawl job still tags every new
    call, with the rules alone (their fields and evidence), and the log says to retrain."""
    ctx = _tagging_context(tmp_path)
    ctx.model_path.parent.mkdir(parents=True, exist_ok=True)
    ctx.model_path.write_bytes(zlib.compress(json.dumps({"format": "fursa-broad-logreg/1"}).encode()))
    calls = (("Scholarships in nursing and midwifery care", "Support for master students in nursing and midwifery care."),
             ("Grants in civil engineering and construction", "Support for projects in civil engineering and construction."))
    ids = _store(ctx, *calls)
    with ctx.sessions.begin() as session:
        storage.get_source(session, "feed").enabled = False   # no crawl: the job's tagging is what is tested
    with caplog.at_level("WARNING", logger="fursa.pipeline"):
        assert pipeline.load_model(ctx) is None
        outcome = pipeline.run_job(ctx, "crawl", NOW)
    assert outcome.status == "ok" and outcome.result.tags.tagged == 2
    assert "fursa job retrain" in caplog.text
    with ctx.sessions() as session:
        rows = [session.get(storage.Opportunity, i) for i in ids]
        assert [row.tagged_at for row in rows] == [NOW, NOW]
        assert [row.disciplines for row in rows] == [["0913"], ["0732"]]   # nursing; civil engineering
        for row, (title, text) in zip(rows, calls):
            rules = matching.tag_item(title, text, model=None)
            assert row.disciplines == [tag.code for tag in rules.disciplines]
            assert row.evidence == rules.as_dict()["evidence"] and row.evidence


def _tagging_context(tmp_path) -> pipeline.Context:
    ctx = pipeline.make_context(load_settings(
        database_url=test_database_url(tmp_path), catalogue=tmp_path / "c.toml", model_dir=tmp_path / ".fursa",
        outbox_dir=tmp_path / "outbox"))
    (tmp_path / "c.toml").write_text("")
    pipeline.init_database(ctx)
    return ctx


_numbers = itertools.count()


def _store(ctx, *calls: tuple[str, str], published: datetime | None = None) -> list[int]:
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="feed", type="feed", url="http://example.org/f")])
        drafts = [storage.Draft(source_name="feed", url=f"http://example.org/t/{next(_numbers)}", title=title, text=text,
                                published_at=published) for i, (title, text) in enumerate(calls)]
        return [row.id for row in storage.ingest_drafts(session, storage.get_source(session, "feed"), drafts, NOW).new]


def test_tagging_stores_exclusions_eligibility_evidence_and_no_field_as_found(tmp_path):
    ctx = _tagging_context(tmp_path)
    except_medicine, saudi, no_field = _store(
        ctx,
        ("Scholarships in all fields except medicine", "Open to all fields of study except medicine and nursing."),
        ("منحة دراسية للطلاب السعوديين", "يشترط أن يكون المتقدم سعودي الجنسية. جميع التخصصات."),
        ("Call for applications", "Applications are welcome. Send your CV."))
    summary = pipeline.tag_new(ctx, NOW)
    assert summary.tagged == 3
    with ctx.sessions() as session:
        first, second, third = (session.get(storage.Opportunity, i) for i in (except_medicine, saudi, no_field))
        assert (first.disciplines, first.excluded) == (["any"], ["09"])
        assert second.palestinian_eligible is False and second.eligibility_evidence
        assert any("سعودي" in words or "سعود" in words for words in second.eligibility_evidence)
        assert third.disciplines == [] and "no_field_found" in third.flags   # not "any"
        assert third.excluded == [] and third.eligibility_evidence == []


def test_tagging_keeps_what_staff_set_and_still_refreshes_flags(tmp_path):
    ctx = _tagging_context(tmp_path)
    (call_id,) = _store(ctx, ("Scholarships in all fields except medicine",
                              "Open to all fields of study except medicine. Applicants must hold Saudi nationality."))
    with ctx.sessions.begin() as session:
        row = session.get(storage.Opportunity, call_id)
        row.disciplines, row.excluded, row.palestinian_eligible = ["0912"], [], True
        row.tags_edited = True
    pipeline.tag_new(ctx, NOW)
    with ctx.sessions() as session:
        row = session.get(storage.Opportunity, call_id)
        assert (row.disciplines, row.excluded, row.palestinian_eligible) == (["0912"], [], True)
        assert row.eligibility_evidence == [] and row.tagged_at == NOW


def test_a_deadline_without_a_year_is_read_against_the_publication_date_or_flagged(tmp_path):
    ctx = _tagging_context(tmp_path)
    text = "Scholarships for master's students in engineering. Deadline: 15 March."
    (dated,) = _store(ctx, ("Engineering master scholarships", text), published=datetime(2026, 11, 2, tzinfo=timezone.utc))
    pipeline.tag_new(ctx, NOW)
    (undated,) = _store(ctx, ("Engineering master scholarships, second round", text + " Second round."))
    pipeline.tag_new(ctx, NOW)
    with ctx.sessions() as session:
        dated_row, undated_row = session.get(storage.Opportunity, dated), session.get(storage.Opportunity, undated)
        assert dated_row.deadline_kind == "date" and dated_row.deadline_at.date().isoformat() == "2027-03-15"
        assert undated_row.deadline_kind == "unknown" and undated_row.deadline_at is None
        assert "deadline_year_unknown" in undated_row.flags and "15 March" in undated_row.deadline_text


def test_a_guessed_encoding_stays_on_the_stored_call_beside_the_taggers_flags(tmp_path):
    """A draft flagged by the crawl (encoding_guessed) keeps the flag once tagged, for staff, followed
    by what the tagger flags (here: no field named, a deadline without a year)."""
    ctx = _tagging_context(tmp_path)
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="s", type="feed", url="https://example.org/feed")])
        draft = storage.Draft(source_name="s", title="Call for applications", url="https://example.org/c/1",
                              text="Applications are welcome. Send your CV. Deadline: 15 March.",
                              flags=("encoding_guessed",))
        storage.ingest_drafts(session, storage.get_source(session, "s"), [draft], NOW)
    assert pipeline.tag_new(ctx, NOW).flagged == 1
    with ctx.sessions() as session:
        (call,) = session.query(storage.Opportunity).all()
        assert call.flags[0] == "encoding_guessed"
        assert sorted(call.flags[1:]) == ["deadline_year_unknown", "no_field_found"]
