from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fursa import storage
from fursa.storage import Deadline, Draft, SourceSpec


def _source(session, name="feed-a"):
    storage.sync_catalogue(session, [SourceSpec(name=name, type="feed", url=f"http://example.org/{name}")])
    return storage.get_source(session, name)


def _draft(url="http://example.org/call/1", title="Master's scholarship in mechatronics", text="Open to all."):
    at = datetime(2027, 1, 15, 23, 59, tzinfo=timezone.utc)
    return Draft(source_name="feed-a", url=url, title=title, text=text,
                 deadline=Deadline(kind="date", at=at, timezone="Asia/Hebron", text="15 January 2027"))


def test_ingesting_the_same_drafts_twice_stores_nothing_new(sessions, now):
    drafts = [_draft(), _draft(url="http://example.org/call/2", title="PhD fellowship in chemistry")]
    with sessions.begin() as session:
        first = storage.ingest_drafts(session, _source(session), drafts, now)
    with sessions.begin() as session:
        second = storage.ingest_drafts(session, storage.get_source(session, "feed-a"), drafts, now + timedelta(hours=1))
    with sessions() as session:
        count = session.query(storage.Opportunity).count()
        sightings = session.query(storage.Sighting).count()
    assert len(first.new) == 2
    assert second.new == () and second.updated == ()
    assert (count, sightings) == (2, 2)


def test_the_same_call_from_two_sources_is_one_opportunity_with_two_sightings(sessions, now):
    with sessions.begin() as session:
        a, b = _source(session, "feed-a"), _source(session, "feed-b")
        storage.ingest_drafts(session, a, [_draft()], now)
        result = storage.ingest_drafts(session, b, [_draft(url="http://mirror.example.net/post/77")], now)
        opportunities = session.query(storage.Opportunity).all()
        assert result.new == ()
        assert len(opportunities) == 1
        assert sorted(s.source.name for s in opportunities[0].sightings) == ["feed-a", "feed-b"]


def test_changed_content_is_updated_and_queued_for_tagging_again(sessions, now):
    with sessions.begin() as session:
        source = _source(session)
        (row,) = storage.ingest_drafts(session, source, [_draft()], now).new
        row.tagged_at = now
        result = storage.ingest_drafts(session, source, [_draft(text="Now open to PhD students too.")], now)
        assert [o.id for o in result.updated] == [row.id]
        assert row.text == "Now open to PhD students too."
        assert row.tagged_at is None


def test_deadline_round_trips_as_aware_utc(sessions, now):
    with sessions.begin() as session:
        storage.ingest_drafts(session, _source(session), [_draft()], now)
    with sessions() as session:
        row = session.query(storage.Opportunity).one()
    assert row.deadline_at == datetime(2027, 1, 15, 23, 59, tzinfo=timezone.utc)
    assert row.deadline_tz == "Asia/Hebron" and row.deadline_kind == "date"


def test_expire_passed_marks_only_calls_whose_deadline_is_gone(sessions, now):
    with sessions.begin() as session:
        source = _source(session)
        storage.ingest_drafts(session, source, [_draft(), _draft(url="http://example.org/x", title="Other")], now)
        late, open_ = session.query(storage.Opportunity).order_by(storage.Opportunity.id).all()
        late.deadline_at = now - timedelta(days=1)
        expired = storage.expire_passed(session, now)
        assert expired == 1
        assert (late.status, open_.status) == ("expired", "new")


def test_exclusions_and_eligibility_evidence_round_trip_and_default_to_empty(sessions, now):
    with sessions.begin() as session:
        source = _source(session)
        closed, plain = storage.ingest_drafts(
            session, source, [_draft(), _draft(url="http://example.org/call/2", title="Plain call")], now).new
        closed.disciplines, closed.excluded = ["any"], ["09", "10"]
        closed.palestinian_eligible, closed.eligibility_evidence = False, ["Saudi nationality", "سعودي الجنسية"]
    with sessions() as session:
        closed, plain = session.query(storage.Opportunity).order_by(storage.Opportunity.id).all()
        assert (closed.disciplines, closed.excluded) == (["any"], ["09", "10"])
        assert closed.palestinian_eligible is False
        assert closed.eligibility_evidence == ["Saudi nationality", "سعودي الجنسية"]
        assert (plain.excluded, plain.eligibility_evidence) == ([], [])


def test_job_and_admission_are_kinds_a_call_and_a_source_may_have(sessions, now):
    """A source of each kind, a call of each kind and a subscriber asking for both are stored as given."""
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SourceSpec(name=f"{kind}s", type="feed", url=f"http://example.org/{kind}",
                                                    kind=kind) for kind in ("job", "admission")])
        for kind in ("job", "admission"):
            storage.ingest_drafts(session, storage.get_source(session, f"{kind}s"), [Draft(
                source_name=f"{kind}s", url=f"http://example.org/{kind}/1", title=f"A {kind} call", text="Apply.",
                kind=kind)], now)
        storage.add_subscriber(session, storage.SubscriberInput(email="rana@ppu.edu", kinds=("job", "admission"),
                                                                confirmed=True), now)
    with sessions() as session:
        assert {row.name: row.kind for row in session.query(storage.Source)} == {"jobs": "job", "admissions": "admission"}
        assert {row.title: row.kind for row in session.query(storage.Opportunity)} == {
            "A job call": "job", "A admission call": "admission"}
        assert session.query(storage.Subscriber).one().kinds == ["job", "admission"]
    assert storage.KINDS[-1] == "other"   # the catch-all stays last in every list of kinds
