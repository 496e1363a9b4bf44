"""A faculty member's digest over real SMTP leads with the call that shares their research profile's
words, and says which words ("shares: …", Arabic too); without a profile the order is the usual one."""
from __future__ import annotations

from datetime import timedelta

from fursa import matching, storage
from fursa.digests import send_digests
from tests.digests.conftest import NOW, add_call, add_person

WATER = ("Seed grants for water research", "Funding for brackish water desalination with membranes and solar "
         "energy in arid regions; membrane fouling and reverse osmosis pilots are welcome.")
ROADS = ("Seed grants for transport research", "Funding for road safety, traffic engineering and bridges.")
CONCRETE = ("Seed grants for building research", "Funding for concrete durability and earthquake resistant buildings.")


def _body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def _calls(session) -> None:
    # the water call closes last, so without a research profile it comes last
    for (title, text), days in ((ROADS, 5), (CONCRETE, 8), (WATER, 40)):
        row = add_call(session, title, disciplines=("07",), levels=("faculty",), kind="research_funding",
                       deadline=NOW + timedelta(days=days))
        row.text = text
    session.commit()


def _describe(session, person, keywords: str) -> None:
    profile = matching.build_research_profile(keywords, "Membrane distillation of brackish groundwater.")
    storage.save_research_profile(session, person, storage.ResearchEntry(
        keywords=keywords, fields=profile.fields, ford=profile.ford,
        terms=tuple((t.term, t.weight, t.label) for t in profile.terms)), actor="test", now=NOW)
    session.commit()


def test_the_faculty_digest_leads_with_the_best_match_and_its_reason(session, sink, smtp_config):
    huda = add_person(session, "huda@ppu.edu", role="faculty", disciplines=("07",), levels=("faculty",), name="Huda")
    samir = add_person(session, "samir@ppu.edu", role="faculty", disciplines=("07",), levels=("faculty",),
                       language="ar", name="سمير")
    add_person(session, "omar@ppu.edu", role="faculty", disciplines=("07",), levels=("faculty",), name="Omar")
    _calls(session)
    _describe(session, huda, "water desalination, membranes, brackish water")
    _describe(session, samir, "تحلية المياه، الأغشية")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.sent == 3, report.describe()
    received = sink.by_recipient()
    english = _body(received["huda@ppu.edu"][0].parsed(), "plain")
    first = english.index("== New for you ==")
    assert english.index(WATER[0], first) < english.index(ROADS[0], first) < english.index(CONCRETE[0], first)
    why = next(line for line in english.splitlines() if line.strip().startswith("Why you:"))
    assert "shares: " in why
    shared = why.split("shares: ", 1)[1].split(";")[0]
    assert {"brackish water", "membranes"} & set(shared.split(", ")), why
    html = _body(received["huda@ppu.edu"][0].parsed(), "html")
    assert html.index(WATER[0]) < html.index(ROADS[0]) and "shares: " in html

    arabic = _body(received["samir@ppu.edu"][0].parsed(), "plain")
    assert arabic.index(WATER[0]) < arabic.index(ROADS[0])
    assert "مواضيع مشتركة: " in arabic and "تحلية المياه" in arabic

    plain = _body(received["omar@ppu.edu"][0].parsed(), "plain")    # no profile: soonest deadline first
    assert plain.index(ROADS[0]) < plain.index(CONCRETE[0]) < plain.index(WATER[0])
    assert "shares: " not in plain
