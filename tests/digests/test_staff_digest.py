"""The staff digest over real SMTP (issue 15.4): calls are tagged by the tagger as the pipeline tags
them, and a staff subscriber gets the staff training week and not the student scholarship, with the
staff wording and their unit, in English and Arabic; a student gets the opposite. The ledger sends
each once. Before this change a staff subscriber got every call (ROLE_KINDS gave staff every kind)
and a student got the staff training week too, so these assertions failed."""
from __future__ import annotations

from sqlalchemy import select

from fursa import matching
from fursa.digests import send_digests
from fursa.pipeline import apply_tagging
from fursa.storage import Delivery, SubscriberInput, add_subscriber
from tests.digests.conftest import NOW, add_call

STAFF_WEEK = "Erasmus+ Staff Training Week 2027 at the University of Porto"
STAFF_TEXT = ("The International Relations Office invites administrative staff of partner universities "
              "(registration, finance, library, IT) to a week of job shadowing and workshops under "
              "Erasmus+ staff mobility for training.")
SCHOLARSHIP = "Master's scholarships in Germany for international students"
SCHOLARSHIP_TEXT = ("The programme contributes to capacity building in developing countries. Applications are "
                    "reviewed by university staff; administrative staff will contact shortlisted master's students.")


def _tagged_call(session, title: str, text: str):
    row = add_call(session, title, disciplines=(), levels=(), kind="other")
    row.text = text
    apply_tagging(row, matching.tag_item(title, text), NOW)
    session.commit()
    return row


def _person(session, email: str, role: str, language: str = "en", unit: str = "", job_title: str = ""):
    row, _ = add_subscriber(session, SubscriberInput(
        email=email, name="Test Person", role=role, language=language, confirmed=True, unit=unit,
        job_title=job_title), NOW)
    session.commit()
    return row


def _plain(message) -> str:
    return message.parsed().get_body(preferencelist=("plain",)).get_content()


def test_staff_get_the_staff_programme_and_students_the_scholarship(session, sink, smtp_config):
    week = _tagged_call(session, STAFF_WEEK, STAFF_TEXT)
    scholarship = _tagged_call(session, SCHOLARSHIP, SCHOLARSHIP_TEXT)
    assert week.audiences == ["staff"] and scholarship.audiences == ["student"]
    staff = _person(session, "registrar@ppu.edu", "staff", unit="finance", job_title="Accountant")
    _person(session, "amina@ppu.edu", "staff", language="ar", unit="library")
    _person(session, "student@ppu.edu", "student")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.failed == 0 and report.sent == 3, report.describe()
    received = {address: messages[0] for address, messages in sink.by_recipient().items()}
    english, arabic, student = (_plain(received[a]) for a in ("registrar@ppu.edu", "amina@ppu.edu", "student@ppu.edu"))
    assert STAFF_WEEK in english and SCHOLARSHIP not in english
    assert STAFF_WEEK in arabic and SCHOLARSHIP not in arabic
    assert SCHOLARSHIP in student and STAFF_WEEK not in student
    # the staff digest's own wording, and the reader's unit
    assert received["registrar@ppu.edu"].parsed()["Subject"].startswith("Fursa for staff:")
    assert "New for staff" in english and "capacity-building call for university staff" in english
    assert "Your unit: Finance." in english
    assert "جديد للموظفين" in arabic and "دائرتك: المكتبة" in arabic
    assert "New for you" in student and "New for staff" not in student and "Your unit" not in student
    ledger = {row.subscriber_id: row for row in session.scalars(select(Delivery))}
    assert ledger[staff.id].state == "sent" and ledger[staff.id].items == [week.id]

    again = send_digests(session, now=NOW, config=smtp_config)
    assert again.sent == 0 and len(sink.messages) == 3, "the ledger sends each digest once"
