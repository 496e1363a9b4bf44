"""What the matcher now says reaches the right inboxes over real SMTP: "all fields except …" calls skip
the excluded fields' subscribers, calls closed to Palestinians reach nobody (every subscriber is
Palestinian by default), and a call with no field found goes only to subscribers who chose no field."""
from __future__ import annotations

from fursa.digests import send_digests
from fursa.digests.selection import profile_of
from tests.digests.conftest import NOW, add_call, add_person


def _plain(message) -> str:
    return message.parsed().get_body(preferencelist=("plain",)).get_content()


def _received(sink) -> dict[str, str]:
    return {address: _plain(messages[0]) for address, messages in sink.by_recipient().items()}


def test_an_all_fields_except_medicine_call_never_reaches_a_medicine_student(session, sink, smtp_config):
    add_person(session, "doctor@ppu.edu", disciplines=("0912",))
    add_person(session, "nurse.and.medic@ppu.edu", disciplines=("0912", "0913"))
    add_person(session, "coder@ppu.edu", disciplines=("0613",))
    add_person(session, "arabic.coder@ppu.edu", disciplines=("0613",), language="ar")
    add_call(session, "Scholarships in all fields except medicine", disciplines=("any",), excluded=("09",))

    report = send_digests(session, now=NOW, config=smtp_config)

    received = _received(sink)
    assert report.failed == 0, report.describe()
    # the call is their only one, so the medics get no digest at all (an empty one is never sent)
    assert set(received) == {"coder@ppu.edu", "arabic.coder@ppu.edu"}
    assert report.sent == 2 and report.skipped_empty == 2, report.describe()
    assert "Scholarships in all fields except medicine" in received["coder@ppu.edu"]
    assert "All fields except Health and welfare" in received["coder@ppu.edu"]
    assert "جميع التخصصات ما عدا الصحة والرفاه" in received["arabic.coder@ppu.edu"]


def test_a_call_closed_to_palestinians_reaches_no_subscriber(session, sink, smtp_config):
    # a student who chose nothing (a staff subscriber now gets only the calls for staff: issue 15.4)
    everyone = add_person(session, "everything@ppu.edu", disciplines=(), levels=())
    add_person(session, "coder@ppu.edu", disciplines=("0613",))
    add_call(session, "Scholarship for Saudi nationals in software engineering", palestinian_eligible=False)
    add_call(session, "Software scholarship open to all nationalities")

    send_digests(session, now=NOW, config=smtp_config)

    assert profile_of(everyone).palestinian is True
    received = _received(sink)
    assert set(received) == {"everything@ppu.edu", "coder@ppu.edu"}
    for text in received.values():
        assert "open to all nationalities" in text and "Saudi nationals" not in text


def test_a_call_with_no_field_found_goes_only_to_subscribers_who_chose_no_field(session, sink, smtp_config):
    add_person(session, "everything@ppu.edu", disciplines=())
    add_person(session, "coder@ppu.edu", disciplines=("0613",))
    add_call(session, "Call for applications, field not stated", disciplines=())
    add_call(session, "Software master scholarship")

    send_digests(session, now=NOW, config=smtp_config)

    received = _received(sink)
    assert "field not stated" in received["everything@ppu.edu"]
    assert "field not stated" not in received["coder@ppu.edu"]
    assert "Software master scholarship" in received["coder@ppu.edu"]


def test_students_get_admission_notices_and_faculty_get_academic_jobs_by_default(session, sink, smtp_config):
    add_person(session, "student@ppu.edu", disciplines=(), levels=())
    add_person(session, "lecturer@ppu.edu", disciplines=(), levels=(), role="faculty", language="ar")
    add_call(session, "Admission to the MSc in software engineering", kind="admission", levels=())
    add_call(session, "Lecturer in software engineering", kind="job", levels=())

    send_digests(session, now=NOW, config=smtp_config)

    received = _received(sink)
    assert "Admission to the MSc" in received["student@ppu.edu"] and "Lecturer" not in received["student@ppu.edu"]
    assert "Admission" in received["student@ppu.edu"].split("Admission to the MSc")[1]   # the kind's label
    assert "Lecturer in software" in received["lecturer@ppu.edu"] and "Admission to" not in received["lecturer@ppu.edu"]
    assert "وظيفة" in received["lecturer@ppu.edu"]
