"""Digests at the desk: preview for a subscriber or a profile, send now, and the send log."""
from __future__ import annotations

from sqlalchemy import select

from fursa import storage
from tests.web.conftest import CURATOR, csrf_of, log_in


def _subscriber(ctx, now) -> None:
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(
            email="nour@ppu.edu", name="Nour", confirmed=True, levels=("master",), kinds=("scholarship",),
            disciplines=("07",)), now)


def test_preview_for_a_subscriber_shows_the_digest_they_would_get(admin_client, ctx, now, make_call):
    make_call("Engineering master scholarship in Berlin", status="approved", kind="scholarship", levels=["master"],
              disciplines=["071"])
    _subscriber(ctx, now)
    page = admin_client.get("/desk/digests?email=nour@ppu.edu")
    assert page.status_code == 200
    assert '<iframe class="preview"' in page.text and "sandbox" in page.text
    assert "Engineering master scholarship in Berlin" in page.text  # in the plain-text version
    frame = admin_client.get("/desk/digests/preview.html?email=nour@ppu.edu")
    assert "Engineering master scholarship in Berlin" in frame.text
    policy = frame.headers["content-security-policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"


def test_preview_for_a_profile_needs_no_subscriber(admin_client, make_call):
    make_call("Research grant for physicists", status="approved", kind="research_funding", levels=["faculty"],
              disciplines=["053"])
    page = admin_client.get("/desk/digests?role=faculty&levels=faculty&kinds=research_funding&fields=05&language=ar")
    assert page.status_code == 200 and "Research grant for physicists" in page.text


def test_preview_for_an_unknown_address_says_so(admin_client):
    page = admin_client.get("/desk/digests?email=nobody@ppu.edu")
    assert "No subscriber has this address." in page.text


def test_send_now_sends_and_the_send_log_shows_it(admin_client, ctx, now, make_call):
    make_call("Engineering master scholarship in Berlin", status="approved", kind="scholarship", levels=["master"],
              disciplines=["071"])
    _subscriber(ctx, now)
    token = csrf_of(admin_client.get("/desk/digests").text)
    response = admin_client.post("/desk/digests/send", data={"csrf_token": token})
    assert response.status_code == 200 and "1 sent" in response.text
    with ctx.sessions() as session:
        delivery = session.scalars(select(storage.Delivery)).one()
    assert delivery.state == "sent"
    log = admin_client.get("/desk/digests?state=sent").text
    assert "nour@ppu.edu" in log and delivery.period in log
    assert len(list(ctx.delivery_config.outbox_dir.glob("*.eml"))) == 1
    again = admin_client.post("/desk/digests/send", data={"csrf_token": token})
    assert "0 sent" in again.text  # the ledger makes a second press harmless


def test_curators_preview_but_do_not_send(client, users):
    log_in(client, CURATOR)
    page = client.get("/desk/digests")
    assert page.status_code == 200 and "/desk/digests/send" not in page.text
    response = client.post("/desk/digests/send", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 403


def test_a_preview_with_no_calls_says_there_is_nothing_to_send_in_english_and_arabic(admin_client, ctx, now, make_call):
    make_call("Research grant for physicists", status="approved", kind="research_funding", levels=["faculty"],
              disciplines=["053"])
    _subscriber(ctx, now)   # a master's student in engineering: the physics grant is not for her
    for query in ("email=nour@ppu.edu", "role=student&levels=bachelor&kinds=exchange&language=en"):
        page = admin_client.get(f"/desk/digests?{query}").text
        assert "Nothing to send this week" in page, query
        assert '<iframe class="preview"' not in page, query   # no empty frame
        frame = admin_client.get(f"/desk/digests/preview.html?{query}").text
        assert "Nothing to send this week" in frame and "Research grant for physicists" not in frame
    admin_client.get("/language/ar")
    page = admin_client.get("/desk/digests?email=nour@ppu.edu").text
    assert 'lang="ar"' in page and "لا شيء يُرسل هذا الأسبوع" in page
    assert "لا شيء يُرسل هذا الأسبوع" in admin_client.get("/desk/digests/preview.html?email=nour@ppu.edu").text
    # a profile the call fits still gets the digest in its frame
    page = admin_client.get("/desk/digests?role=faculty&levels=faculty&kinds=research_funding&fields=05").text
    assert '<iframe class="preview"' in page and "لا شيء يُرسل هذا الأسبوع" not in page
