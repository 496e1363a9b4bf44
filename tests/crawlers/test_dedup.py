"""Near-duplicate detection across sources (MinHash/LSH) and the funder's link winning."""
from __future__ import annotations

from fursa.storage import Draft, SourceSpec

from fursa.crawlers import find_near_duplicates, pick_canonical_url

CALL = ("The Ministry of Higher Education announces fully funded scholarships offered by the Government of "
        "Hungary for Palestinian students for bachelor, master and doctoral studies in all fields for the "
        "academic year 2026/2027. Applicants must hold a secondary school certificate or a university degree "
        "and apply online through the Stipendium Hungaricum portal before the deadline.")


def draft(source: str, url: str, title: str, text: str) -> Draft:
    return Draft(source_name=source, url=url, title=title, text=text)


def test_the_same_call_from_an_aggregator_matches_the_stored_call() -> None:
    reposted = draft("aggregator", "https://agg.example.org/hungary-2026/?utm_source=feed", "Stipendium Hungaricum 2026/2027 for Palestinians",
                     "Great news! " + CALL + " Share with your friends.")
    other = draft("aggregator", "https://agg.example.org/other", "Summer school on robotics in Japan",
                  "A two-week summer school on robotics and automation for engineering students, hosted in Tokyo, "
                  "with travel grants for participants from developing countries and a certificate at the end.")
    found = find_near_duplicates([reposted, other], [(41, "Hungarian Government Scholarships 2026/2027", CALL)], threshold=0.6)
    assert set(found) == {0}
    assert found[0].known_id == 41 and found[0].reason == "text" and found[0].similarity >= 0.6


def test_duplicates_inside_one_batch_and_by_canonical_url() -> None:
    first = draft("mohe", "https://mohe.example.ps/scholarships/Post/5012", "Hungary scholarships", CALL)
    second = draft("almin7", "https://almin7.example/p/1", "منح هنغاريا 2026", CALL + " Good luck.")
    same_link = draft("google-news", "https://MOHE.example.ps/scholarships/Post/5012?utm_medium=news", "Hungary", "short")
    found = find_near_duplicates([first, second, same_link], [], threshold=0.7)
    assert found[1].draft_index == 0 and found[1].known_id is None and found[1].reason == "text"
    assert found[2].draft_index == 0 and found[2].reason == "url" and found[2].similarity == 1.0
    assert 0 not in found


def test_short_generic_titles_are_not_called_duplicates() -> None:
    one = draft("euraxess", "https://euraxess.example/jobs/1", "PhD Candidate", "")
    two = draft("euraxess", "https://euraxess.example/jobs/2", "PhD Candidate", "")
    assert find_near_duplicates([one, two], [(1, "PhD Candidate", "")]) == {}


def test_arabic_spelling_variants_still_match() -> None:
    text = ("تعلن وزارة التعليم العالي والبحث العلمي عن منح دراسية مقدمة من الحكومة الهنغارية للطلبة الفلسطينيين "
            "لدرجة البكالوريوس والماجستير والدكتوراه في جميع التخصصات للعام الأكاديمي القادم")
    variant = text.replace("الهنغارية", "الهنغاريه").replace("الأكاديمي", "الاكاديمي")
    found = find_near_duplicates([draft("agg", "https://a.example/1", "منحة", variant)], [(7, "منحة", text)], threshold=0.8)
    assert found[0].known_id == 7


def test_the_funders_page_wins_over_an_aggregators_post() -> None:
    funder = SourceSpec(name="UKRI", type="feed", url="https://www.ukri.org/opportunity/feed/")
    aggregator = SourceSpec(name="Agg", type="feed", url="https://agg.example/feed/", options={"aggregator": True})
    assert pick_canonical_url([("https://agg.example/post?utm_source=x", aggregator),
                               ("https://www.ukri.org/opportunity/flf/", funder)]) == "https://www.ukri.org/opportunity/flf/"
    assert pick_canonical_url([("https://agg.example/post?utm_source=x", aggregator)]) == "https://agg.example/post"


def test_a_batched_signature_equals_one_built_gram_by_gram() -> None:
    from datasketch import MinHash

    from fursa.crawlers.dedup import NUM_PERM, _minhash, shingles
    grams = shingles("Hungary scholarships", CALL)
    one_by_one = MinHash(num_perm=NUM_PERM)
    for gram in grams:
        one_by_one.update(gram.encode("utf-8"))
    assert (_minhash(grams).hashvalues == one_by_one.hashvalues).all()


def test_one_cache_computes_each_known_signature_once_across_sources() -> None:
    from fursa.crawlers import SignatureCache
    known = [(41, "Hungarian Government Scholarships 2026/2027", CALL),
             (42, "Robotics summer school", "A two-week summer school on robotics and automation for engineering "
                                            "students, hosted in Tokyo, with travel grants for participants.")]
    reposted = draft("agg", "https://agg.example.org/hu", "Stipendium Hungaricum", "News: " + CALL)
    cache = SignatureCache()
    first = find_near_duplicates([reposted], known, threshold=0.6, cache=cache)
    second = find_near_duplicates([reposted], known, threshold=0.6, cache=cache)
    assert first == second == find_near_duplicates([reposted], known, threshold=0.6)
    assert first[0].known_id == 41
    assert cache.computed == 2
    changed = [(41, known[0][1], CALL + " Deadline extended to 30 June.")] + known[1:]
    find_near_duplicates([reposted], changed, threshold=0.6, cache=cache)
    assert cache.computed == 3   # a stored call whose text changed is signed again
