"""Profile scoring: hard exclusions, ranking and readable reasons in both languages."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from fursa.matching import MatchItem, Profile, Reason, load_taxonomy, score_profile, tag_item

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)
STUDENT = Profile(disciplines=load_taxonomy().codes_for_programme("mechatronics"), levels=("master",),
                  kinds=("scholarship",), language="en")
CALL = MatchItem(title="MSc scholarships in mechatronics", disciplines=("0714",), levels=("master",),
                 kind="scholarship", palestinian_eligible=True, regions=("palestine",),
                 deadline_at=NOW + timedelta(days=12, hours=3), deadline_kind="date")


def test_a_fitting_call_scores_with_reasons_a_person_can_read():
    match = score_profile(STUDENT, CALL, now=NOW)
    assert match is not None and 0 < match.score <= 1
    assert match.reasons == ("matches your field Electronics and automation", "open to master's students",
                             "a scholarship call, as you asked", "open to Palestinians", "closes in 12 days")
    assert match.details[0] == Reason("field", (("code", "0714"),))


def test_reasons_in_arabic():
    match = score_profile(replace(STUDENT, language="ar"), CALL, now=NOW)
    assert match.reasons[0] == "يطابق تخصصك: الإلكترونيات والأتمتة"
    assert "متاحة للفلسطينيين" in match.reasons
    assert match.details[0].text("en") == "matches your field Electronics and automation"


def test_expired_calls_are_excluded():
    assert score_profile(STUDENT, replace(CALL, deadline_at=NOW - timedelta(minutes=1)), now=NOW) is None


def test_wrong_level_is_excluded():
    assert score_profile(STUDENT, replace(CALL, levels=("phd",)), now=NOW) is None


def test_calls_that_exclude_palestinians_are_excluded_for_palestinians_only():
    closed = replace(CALL, palestinian_eligible=False, regions=("australia",))
    assert score_profile(STUDENT, closed, now=NOW) is None
    assert score_profile(replace(STUDENT, palestinian=False), closed, now=NOW) is not None


def test_other_fields_are_excluded_but_any_field_calls_are_not():
    assert score_profile(STUDENT, replace(CALL, disciplines=("0912",)), now=NOW) is None
    open_call = score_profile(STUDENT, replace(CALL, disciplines=("any",)), now=NOW)
    assert open_call is not None and "open to all fields" in open_call.reasons


def test_a_closer_field_ranks_higher():
    detailed = score_profile(STUDENT, CALL, now=NOW)
    broad_only = score_profile(STUDENT, replace(CALL, disciplines=("07",)), now=NOW)
    any_field = score_profile(STUDENT, replace(CALL, disciplines=("any",)), now=NOW)
    assert detailed.score > broad_only.score > any_field.score


def test_profile_in_research_terms_via_ford():
    researcher = Profile(disciplines=load_taxonomy().codes_for_ford("2.2"), levels=("faculty",),
                         kinds=(), language="en")
    call = replace(CALL, levels=("faculty", "postdoc"), kind="research_funding", disciplines=("0713",))
    match = score_profile(researcher, call, now=NOW)
    assert match is not None and match.reasons[:2] == ("matches your field Electricity and energy", "open to faculty")


def test_unknown_level_or_kind_is_not_excluded_but_ranks_lower():
    unknown = score_profile(STUDENT, replace(CALL, levels=(), kind=None), now=NOW)
    assert unknown is not None and unknown.score < score_profile(STUDENT, CALL, now=NOW).score
    other_kind = score_profile(STUDENT, replace(CALL, kind="conference"), now=NOW)
    assert other_kind is not None and other_kind.score < unknown.score + 0.2


def test_rolling_and_tomorrow_reasons():
    assert "applications accepted on a rolling basis" in score_profile(
        STUDENT, replace(CALL, deadline_kind="rolling", deadline_at=None), now=NOW).reasons
    assert score_profile(STUDENT, replace(CALL, deadline_at=NOW + timedelta(hours=30)), now=NOW).reasons[-1] == "closes tomorrow"


def test_a_tagged_call_flows_into_matching():
    tagging = tag_item("منحة ماجستير في هندسة الميكاترونكس للطلبة الفلسطينيين",
                       "آخر موعد للتقديم 22 كانون الثاني 2025", published=NOW)
    item = MatchItem(title="", disciplines=tagging.codes, levels=tagging.levels, kind=tagging.kind,
                     palestinian_eligible=tagging.palestinian_eligible, regions=tagging.regions,
                     deadline_at=tagging.deadline.at, deadline_kind=tagging.deadline.kind)
    match = score_profile(STUDENT, item, now=NOW)
    assert match is not None
    assert match.reasons[-1] == "closes in 12 days"


MEDICINE = Profile(disciplines=("0912",), levels=("bachelor",), kinds=(), language="en")
ALL_BUT_HEALTH = replace(CALL, disciplines=("any",), excluded=("09",), levels=("bachelor", "master"))


def test_an_all_fields_except_call_is_not_sent_to_a_subscriber_of_only_the_excluded_fields():
    assert score_profile(MEDICINE, ALL_BUT_HEALTH, now=NOW) is None
    assert score_profile(replace(MEDICINE, disciplines=("09",)), ALL_BUT_HEALTH, now=NOW) is None
    assert score_profile(replace(MEDICINE, disciplines=("0912", "0913")), ALL_BUT_HEALTH, now=NOW) is None


def test_an_all_fields_except_call_still_reaches_other_fields_and_subscribers_of_every_field():
    both = score_profile(replace(MEDICINE, disciplines=("0912", "0613")), ALL_BUT_HEALTH, now=NOW)
    assert both is not None and "open to all fields" in both.reasons
    assert score_profile(STUDENT, ALL_BUT_HEALTH, now=NOW) is not None
    assert score_profile(replace(MEDICINE, disciplines=()), ALL_BUT_HEALTH, now=NOW) is not None


def test_a_call_with_no_field_found_goes_only_to_subscribers_who_chose_no_field():
    unplaced = replace(CALL, disciplines=())
    assert score_profile(STUDENT, unplaced, now=NOW) is None
    everything = score_profile(replace(STUDENT, disciplines=()), unplaced, now=NOW)
    assert everything is not None and "open to all fields" not in everything.reasons


def test_the_new_kinds_have_names_in_both_languages():
    for kind, english, arabic in (("job", "a job call, as you asked", "وظيفة، كما طلبت"),
                                  ("admission", "an admission call, as you asked", "قبول جامعي، كما طلبت")):
        reason = Reason("kind", (("kind", kind),))
        assert (reason.text("en"), reason.text("ar")) == (english, arabic)
