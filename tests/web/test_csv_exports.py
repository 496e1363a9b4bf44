"""Every CSV the desk writes opens in a spreadsheet with its Arabic intact: UTF-8 with a byte-order mark."""
from __future__ import annotations

import csv
import io

from fursa import storage
from fursa.matching import load_taxonomy
from fursa.storage.roster_files import read_roster

BOM = b"\xef\xbb\xbf"
ARABIC_NAME = "ليلى الخطيب"


def test_the_subscriber_export_starts_with_a_bom_and_keeps_arabic(admin_client, ctx, now):
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(
            email="layla@ppu.edu", name=ARABIC_NAME, confirmed=True, language="ar", levels=("master",)), now)
    response = admin_client.get("/desk/subscribers/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM) and not response.content[len(BOM):].startswith(BOM)
    # Excel takes the BOM as the sign of UTF-8; the Arabic bytes follow it unchanged
    assert ARABIC_NAME.encode("utf-8") in response.content
    text = response.content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["email"], row["name"], row["language"]) == ("layla@ppu.edu", ARABIC_NAME, "ar")
    # and the file goes back in through the import as it came out
    rows, problems = read_roster(response.content, confirmed=True, known_fields=frozenset(load_taxonomy().fields))
    assert problems == [] and [(r.data.email, r.data.name) for r in rows] == [("layla@ppu.edu", ARABIC_NAME)]
