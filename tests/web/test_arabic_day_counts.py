"""Arabic number agreement for day counts (issue 14): "خلال 7 أيام", never "خلال 7 يومًا" — the
noun follows Arabic's six plural forms on the pages, in the matcher's reasons and in the digests."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup

from fursa.digests.formatting import Formatter
from fursa.digests.records import DigestItem
from fursa.digests.translations import load_translations
from fursa.matching.profiles import Reason, arabic_days
from zoneinfo import ZoneInfo

WORDED = {1: "يوم واحد", 2: "يومين", 3: "3 أيام", 7: "7 أيام", 10: "10 أيام", 11: "11 يومًا", 30: "30 يومًا",
          90: "90 يومًا", 100: "100 يوم", 101: "101 يوم", 103: "103 أيام", 111: "111 يومًا"}


def test_the_deadline_filter_words_its_day_counts_in_arabic(client):
    soup = BeautifulSoup(client.get("/", headers={"Accept-Language": "ar"}).text, "html.parser")
    options = {option["value"]: " ".join(option.get_text().split()) for option in soup.select("select#within option")
               if option["value"]}
    assert options == {"7": "خلال 7 أيام", "30": "خلال 30 يومًا", "90": "خلال 90 يومًا"}


@pytest.mark.parametrize("count", sorted(WORDED))
def test_the_matcher_words_day_counts_with_agreement(count):
    assert arabic_days(count) == WORDED[count]
    if count >= 2:
        assert Reason("closes_in", (("days", str(count)),)).text("ar") == f"تغلق بعد {WORDED[count]}"


@pytest.mark.parametrize("count", [3, 7, 11, 30, 100])
def test_the_digest_countdown_agrees_with_its_number(count):
    now = datetime(2027, 1, 3, 7, 0, tzinfo=timezone.utc)
    formatter = Formatter("ar", ZoneInfo("Asia/Hebron"), now, load_translations("ar"), lambda code, lang: code)
    item = DigestItem(opportunity_id=1, title="x", url="", deadline_kind="date",
                      deadline_date=date(2027, 1, 3) + timedelta(days=count), deadline_at=now + timedelta(days=count))
    expected = "خلال " + WORDED[count].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert formatter.countdown(item) == expected
