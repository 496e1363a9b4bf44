"""The rule tagger on call sentences written in the style of real English and Arabic calls."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from fursa.matching import Tagging, tag_item

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)


def broad(tagging: Tagging) -> set[str]:
    return {t.broad for t in tagging.disciplines}


# (title, text, expected broad fields)
FIELD_TABLE = [
    ("Master's Scholarships in Mechatronics Engineering", "Open to graduates of engineering.", {"07"}),
    ("PhD position in Computational Linguistics", "The candidate will work on syntax and semantics of Arabic dialects.", {"02"}),
    ("Fully funded MSc in Public Health", "Applicants should hold a degree in medicine, nursing or pharmacy.", {"09"}),
    ("Research grants in agronomy and crop science", "Projects on irrigation, soil fertility and crop yield.", {"08"}),
    ("Chevening Scholarships", "Study any subject at any UK university. Open to all fields of study.", {"any"}),
    ("Erasmus+ exchange for students", "The exchange is open to students of all disciplines.", {"any"}),
    ("Travel grant for young researchers", "Support to attend an international meeting.", set()),
    ("Call for proposals: water treatment and desalination technologies", "", {"07"}),
    ("Fellowship in international relations and political science", "", {"03"}),
    ("LLM scholarship in international law", "", {"04"}),
    ("منحة ماجستير في الهندسة الميكانيكية", "تقدم الجامعة منحا لدراسة الماجستير في الهندسة الميكانيكية.", {"07"}),
    ("منح دراسية في الطب البشري والصيدلة", "يشترط أن يكون المتقدم حاصلا على شهادة الثانوية العامة.", {"09"}),
    ("منحة الحكومة التركية", "المنحة متاحة في جميع التخصصات لجميع المراحل الدراسية.", {"any"}),
    ("برنامج تبادل طلابي", "يفتح باب التقديم لطلبة البكالوريوس في كافة التخصصات.", {"any"}),
    ("منح لدراسة علم الحاسوب وهندسة البرمجيات", "", {"06"}),
    ("دورة تدريبية في المحاسبة والتدقيق", "", {"04"}),
    ("منحة دكتوراه في الفيزياء التطبيقية", "بحث في الفيزياء الفلكية وعلم الفلك.", {"05"}),
    ("Scholarship in Law and Business", "For students of law or business administration.", {"04"}),
    ("STEM Scholarship", "To support students pursuing degrees in STEM fields.", {"05", "06", "07"}),
    ("Education Scholarship", "To provide educational assistance for students with cystic fibrosis.", {"any"}),
    ("Scholars Funding", "Funding for up to three years for any graduate degree at the university.", {"any"}),
    # ISCED-F places criminology with police work (1032) and actuarial science under statistics
    ("Scholarship for Criminal Justice Majors", "For students majoring in criminal justice or criminology.", {"10"}),
    ("Actuarial Science (Master)", "Master programme at the University of Ulm.", {"05"}),
    ("Quantum computing benchmarking initiative", "Approaches to build a fault-tolerant quantum computer.", {"05", "06"}),
    ("Masters scholarships at the Institute of Education", "Towards a Masters Degree in Education and related fields.", {"01"}),
]


# Arabic call wording, one or more rows per PPU college and ISCED-F broad field, as ministries,
# embassies and universities write it (degree names, "كليات الهندسة", "مختلف التخصصات").
ARABIC_FIELD_TABLE = [
 ("منح ماجستير في هندسة الحاسوب والاتصالات", "تعلن الجامعة عن منح لدراسة الماجستير في هندسة الحاسوب وهندسة الاتصالات.", {"07"}),
 ("منحة لدراسة الهندسة المدنية", "يشترط أن يكون المتقدم من خريجي كليات الهندسة بتخصص الهندسة المدنية أو المعمارية.", {"07"}),
 ("منح في تكنولوجيا المعلومات", "برنامج منح لطلبة تكنولوجيا المعلومات وأمن المعلومات والشبكات.", {"06"}),
 ("منحة دراسية في علم البيانات والذكاء الاصطناعي", "للطلبة المتميزين في علوم الحاسوب والذكاء الاصطناعي.", {"06"}),
 ("منح دكتوراه في الكيمياء الحيوية", "أبحاث في الكيمياء الحيوية والأحياء الدقيقة.", {"05"}),
 ("منحة ماجستير في الرياضيات التطبيقية والإحصاء", "", {"05"}),
 ("منح لدراسة التمريض والقبالة", "تقدم وزارة الصحة منحا لدراسة التمريض والقبالة في الجامعات الأردنية.", {"09"}),
 ("منح دراسية في الصيدلة وطب الأسنان", "", {"09"}),
 ("منحة في العلوم الطبية المخبرية", "لخريجي المختبرات الطبية والتحاليل الطبية.", {"09"}),
 ("منح ماجستير إدارة الأعمال", "منح لدراسة ماجستير إدارة الأعمال والمحاسبة والتمويل.", {"04"}),
 ("منحة في القانون الدولي", "لطلبة كليات الحقوق والقانون.", {"04"}),
 ("منح في العلوم السياسية والاقتصاد", "برنامج منح لدراسة الاقتصاد والعلوم السياسية والعلاقات الدولية.", {"03"}),
 ("منحة في الصحافة والإعلام", "لطلبة الصحافة والإعلام الرقمي.", {"03"}),
 ("منح لدراسة اللغة العربية وآدابها", "", {"02"}),
 ("منحة في التصميم الجرافيكي والفنون الجميلة", "", {"02"}),
 ("منح في الهندسة الزراعية والإنتاج النباتي", "", {"08"}),
 ("منحة للطب البيطري", "للطلبة الراغبين بدراسة الطب البيطري.", {"08"}),
 ("منح لإعداد المعلمين", "برنامج لتأهيل المعلمين في مجال أساليب التدريس والمناهج.", {"01"}),
 ("منحة في إدارة الفنادق والسياحة", "", {"10"}),
 ("منحة السفارة المجرية للطلبة الفلسطينيين", "المنحة مفتوحة لجميع التخصصات باستثناء الطب.", {"any"}),
 ("منح الحكومة الصينية", "تشمل المنحة جميع التخصصات ولجميع المراحل: بكالوريوس وماجستير ودكتوراه.", {"any"}),
 ("منحة التبادل الطلابي إيراسموس", "يحق لطلبة الجامعة من مختلف التخصصات التقدم للمنحة.", {"any"}),
 ("منحة لدراسة الطاقة المتجددة", "برنامج ماجستير في هندسة الطاقة المتجددة وأنظمة الطاقة الشمسية.", {"07"}),
 ("منح في هندسة الميكاترونكس", "", {"07"}),
 ("منح في العلاج الطبيعي", "لطلبة العلاج الطبيعي والعلاج الوظيفي.", {"09"}),
]


@pytest.mark.parametrize("title, text, expected", ARABIC_FIELD_TABLE)
def test_fields_from_arabic_call_sentences(title, text, expected):
    assert broad(tag_item(title, text, published=NOW)) == expected


@pytest.mark.parametrize("title, text, expected", FIELD_TABLE)
def test_fields_from_call_sentences(title, text, expected):
    assert broad(tag_item(title, text, published=NOW)) == expected


LEVEL_TABLE = [
    ("Undergraduate scholarship", "For first-year bachelor students.", {"bachelor"}),
    ("Master's and PhD scholarships", "For master's and doctoral studies.", {"master", "phd"}),
    ("Postdoctoral fellowship in chemistry", "Open to early career researchers.", {"postdoc"}),
    ("Visiting professor programme", "For faculty members and lecturers.", {"faculty"}),
    ("Staff mobility for training", "For administrative staff of partner universities.", {"staff"}),
    ("منحة لطلبة البكالوريوس", "للطلبة في المرحلة الجامعية الأولى", {"bachelor"}),
    ("منح الماجستير والدكتوراه", "لطلبة الدراسات العليا", {"master", "phd"}),
    ("زمالة ما بعد الدكتوراه", "", {"postdoc"}),
    ("منحة لأعضاء هيئة التدريس", "", {"faculty"}),
    ("منح دراسية لحملة شهادة الثانوية العامة", "للطلبة الراغبين بالالتحاق بمرحلة البكالوريوس", {"bachelor"}),
    ("منحة لطلبة الدبلوم العالي والماجستير", "", {"master"}),
    ("برنامج الزمالات البحثية لما بعد الدكتوراه", "للباحثين الحاصلين على الدكتوراه حديثا", {"postdoc"}),
    ("تبادل أكاديمي للموظفين الإداريين", "", {"staff"}),
    ("Research fellowship", "Applicants must hold a PhD in chemistry.", {"postdoc"}),
]


@pytest.mark.parametrize("title, text, expected", LEVEL_TABLE)
def test_levels_from_call_sentences(title, text, expected):
    assert set(tag_item(title, text, published=NOW).levels) == expected


def test_faculty_of_a_college_is_not_a_level():
    tagging = tag_item("Scholarship at the Faculty of Engineering", "For bachelor students.", published=NOW)
    assert tagging.levels == ("bachelor",)


KIND_TABLE = [
    ("Undergraduate scholarships 2025", "", "scholarship"),
    ("Erasmus+ student exchange with Spain", "A semester abroad for students.", "exchange"),
    ("Call for proposals: research grants in energy", "", "research_funding"),
    ("Marie Curie postdoctoral fellowship", "", "fellowship"),
    ("Summer school on renewable energy", "A two-week training programme.", "training"),
    ("International conference on water: call for papers", "", "conference"),
    ("منحة دراسية لطلبة الماجستير", "", "scholarship"),
    ("برنامج التبادل الطلابي", "", "exchange"),
    ("دعوة لتقديم مقترحات بحثية", "تمويل الأبحاث في مجال المياه", "research_funding"),
    ("ورشة عمل حول كتابة المقترحات", "", "training"),
    ("المؤتمر الدولي للهندسة", "", "conference"),
]


@pytest.mark.parametrize("title, text, expected", KIND_TABLE)
def test_kinds_from_call_sentences(title, text, expected):
    assert tag_item(title, text, published=NOW).kind == expected


ELIGIBILITY_TABLE = [
    ("Applicants must live in the West Bank or Gaza.", True, "palestine"),
    ("Open to legal residents of the West Bank (including East Jerusalem) or Gaza Strip.", True, "palestine"),
    ("Nationals of the Occupied Palestinian Territory (OPT) may apply.", True, "palestine"),
    ("Palestinian refugees residing in Jordan, Lebanon or Syria are eligible.", True, "palestine"),
    ("Open to citizens of developing countries on the OECD DAC list.", True, "developing_countries"),
    ("For students from the Middle East and North Africa (MENA).", True, "mena"),
    ("Applicants must be Australian citizens or permanent residents.", False, "australia"),
    ("Open to international students of all nationalities.", True, "worldwide"),
    ("المنحة متاحة للطلبة الفلسطينيين في الضفة الغربية وقطاع غزة.", True, "palestine"),
    ("يحق لمواطني الدول النامية التقدم للمنحة.", True, "developing_countries"),
    ("The scholarship is not open to Palestinian applicants.", False, "palestine"),
    ("Palestinian students are not eligible for this award.", False, "palestine"),
    ("المنحة مخصصة للاجئين الفلسطينيين المقيمين في لبنان.", True, "palestine"),
    ("يشترط أن يكون المتقدم من سكان قطاع غزة أو الضفة الغربية بما فيها القدس الشرقية.", True, "palestine"),
    ("يحق لحملة الجنسية الفلسطينية التقدم.", True, "palestine"),
    ("المنحة متاحة لمواطني دول الشرق الأوسط وشمال أفريقيا.", True, "mena"),
    ("المنحة مخصصة للمواطنين الأردنيين فقط.", False, "jordan"),
    ("لا يحق للطلبة الفلسطينيين التقدم لهذه المنحة.", False, "palestine"),
]


@pytest.mark.parametrize("text, eligible, region", ELIGIBILITY_TABLE)
def test_eligibility_wording(text, eligible, region):
    tagging = tag_item("Scholarship", text, published=NOW)
    assert tagging.palestinian_eligible is eligible
    assert region in tagging.regions


def test_eligibility_unknown_when_nothing_is_said():
    assert tag_item("Scholarship in physics", "For excellent students.", published=NOW).palestinian_eligible is None


def test_deadlines_in_both_languages():
    english = tag_item("Scholarship", "The deadline for applications is 15 March 2025.", published=NOW)
    arabic = tag_item("منحة", "آخر موعد للتقديم ١٥ آذار ٢٠٢٥", published=NOW)
    rolling = tag_item("Fellowship", "Applications are reviewed on a rolling basis.", published=NOW)
    assert english.deadline.at.date().isoformat() == arabic.deadline.at.date().isoformat() == "2025-03-15"
    assert rolling.deadline.kind == "rolling"
    assert tag_item("Scholarship", "No dates here.", published=NOW).deadline is None


@pytest.mark.parametrize("text, day", [
    ("آخر موعد لتقديم الطلبات هو 30 نيسان 2025", "2025-04-30"),
    ("الموعد النهائي للتقديم: ٣١ مارس ٢٠٢٥", "2025-03-31"),
    ("يغلق باب التقديم في 15/05/2025", "2025-05-15"),
    ("آخر موعد للتسجيل 1 أيار 2025", "2025-05-01"),
    ("Applications close on 30 April 2025.", "2025-04-30"),
])
def test_deadline_wording(text, day):
    assert tag_item("منحة", text, published=NOW).deadline.at.date().isoformat() == day


def test_title_outweighs_body():
    tagging = tag_item("PhD scholarship in chemistry", "Candidates with a background in physics are welcome.", published=NOW)
    assert tagging.disciplines[0].code.startswith("053")
    assert tagging.disciplines[0].evidence[0] == tagging.disciplines[0].evidence[0].__class__("chemistry", "title")


def test_evidence_quotes_the_words_as_found():
    tagging = tag_item("Scholarship", "Open to students of Mechanical Engineering.", published=NOW)
    phrases = {(e.phrase, e.where) for t in tagging.disciplines for e in t.evidence}
    assert ("Mechanical Engineering", "text") in phrases


def test_the_most_specific_code_is_reported():
    assert tag_item("MSc in Robotics", "", published=NOW).codes == ("0714",)
    assert tag_item("Bachelor of Engineering scholarship", "", published=NOW).codes == ("071",)


def test_funder_categories_imply_fields_when_the_words_do_not():
    tagging = tag_item("Funding opportunity 2025-17", "See the guidance.", categories=["HL"], published=NOW)
    assert broad(tagging) == {"09"}
    assert tagging.disciplines[0].evidence[0].where == "category"
    horizon = tag_item("Call", "Details in the work programme.", categories=["HORIZON-CL5-2025-D3-01"], published=NOW)
    assert "07" in broad(horizon)


def test_health_insurance_is_a_benefit_not_a_field():
    tagging = tag_item("منحة دراسية", "تشمل المنحة تأمين صحي وبدل معيشة شهري في جميع التخصصات", published=NOW)
    assert broad(tagging) == {"any"}


def test_arabic_conjunction_glued_to_a_field_word():
    tagging = tag_item("منحة", "للطلبة في الطب وهندسة البرمجيات", published=NOW)
    assert broad(tagging) == {"06", "09"}   # software engineering is ISCED 0613
    assert ("وهندسة البرمجيات", "text") in {(e.phrase, e.where) for t in tagging.disciplines for e in t.evidence}


def test_as_dict_is_json_ready():
    tagging = tag_item("MSc in Robotics for Palestinians", "Deadline: 1 June 2025", published=NOW)
    data = json.loads(json.dumps(tagging.as_dict()))
    assert data["disciplines"] == ["0714"]
    assert data["deadline"] == "2025-06-01"
    assert data["evidence"]["0714"][0] == {"phrase": "Robotics", "where": "title"}
    assert data["palestinian_eligible"] is True
    assert set(data) >= {"levels", "kind", "scores", "regions", "language", "flags"}


# Bad input: never a crash, always a sensible, flagged result.

def test_empty_text_is_flagged():
    tagging = tag_item("", "", published=NOW)
    assert "empty_text" in tagging.flags
    assert tagging.codes == () and "no_field_found" in tagging.flags
    assert tag_item(None, None, published=NOW).flags[0] == "empty_text"   # type: ignore[arg-type]


def test_other_language_is_flagged():
    french = tag_item("Bourse d'excellence", "Les candidats doivent être inscrits dans une université française et avoir un bon dossier.", published=NOW)
    chinese = tag_item("奖学金", "所有专业的学生都可以申请", published=NOW)
    assert french.language == chinese.language == "other"
    assert "unsupported_language" in french.flags and "unsupported_language" in chinese.flags


def test_mixed_arabic_and_english():
    tagging = tag_item("منحة DAAD لدراسة Computer Science في ألمانيا",
                       "Applicants need a bachelor degree. يشترط إجادة اللغة الإنجليزية", published=NOW)
    assert tagging.language == "mixed"
    assert broad(tagging) == {"06"}


def test_very_long_text_is_truncated_not_fatal():
    text = ("This programme supports research in chemistry. " * 2500)[:120_000]
    tagging = tag_item("Research grant", text, published=NOW)
    assert "truncated" in tagging.flags
    assert broad(tagging) == {"05"}


def test_html_left_in_the_text_is_removed():
    tagging = tag_item("<h1>Scholarship</h1>", "<p>Open to <b>nursing</b> students</p><script>var art = 1;</script>", published=NOW)
    assert "html_removed" in tagging.flags
    assert broad(tagging) == {"09"}
    assert all(e.phrase != "art" for t in tagging.disciplines for e in t.evidence)


def test_a_general_merit_award_with_no_subject_is_open_to_all_fields():
    tagging = tag_item("Excellence award", "For outstanding students with strong grades.", published=NOW)
    assert tagging.codes == ("any",)
    assert "no_field_found" not in tagging.flags


@pytest.mark.parametrize("title, text", [
    ("Seed grants", "Support for projects in partner cities."),
    ("Call for proposals", "The programme funds pilot projects with local partners."),
    ("إعلان", "تعلن الجامعة عن فتح باب التقديم للبرنامج."),
])
def test_a_call_that_names_no_field_gets_none_and_is_flagged_for_staff(title, text):
    tagging = tag_item(title, text, published=NOW)
    assert tagging.codes == ()
    assert "no_field_found" in tagging.flags


def test_real_arabic_scholarship_wording(corpus_dir):
    """Levels and language of real Arabic scholarship descriptions (read, never copied)."""
    data = json.loads((corpus_dir / "arabic-scholarships" / "scholarships.excerpt.json").read_text(encoding="utf-8"))
    expected = {"دكتوراه": {"phd"}, "ماجستير": {"master"}, "بكالوريوس": {"bachelor"}}
    checked, kinds = 0, []
    for item in data["scholarships"]:
        wanted = set().union(*(v for k, v in expected.items() if k in item["level"]))
        if not wanted or not any("\u0600" <= c <= "\u06ff" for c in item["title"]):
            continue
        text = "، ".join(item[k] for k in ("level", "requirements", "benefits", "deadline"))
        tagging = tag_item(item["title"], text, published=NOW)
        assert tagging.language in ("ar", "mixed"), item["id"]
        assert wanted <= set(tagging.levels), (item["id"], tagging.levels)
        kinds.append(tagging.kind)
        checked += 1
    assert checked >= 15
    # زمالة is a fellowship; a "research training programme" may fairly read as training
    assert sum(k in ("scholarship", "fellowship") for k in kinds) >= 0.9 * checked


def test_real_arabic_news_never_crashes(corpus_dir):
    files = sorted((corpus_dir / "arabic-news").rglob("*.txt"))[:200]
    assert files
    languages = [tag_item("", f.read_text(encoding="utf-8", errors="replace"), published=NOW).language for f in files]
    assert languages.count("ar") > 0.8 * len(languages)


# Fields a call lists (after a degree, a faculty, "enrolled in") survive the relative cut-off.

def test_a_field_the_call_lists_is_kept_though_outscored():
    title = "Honours scholarship on cancer"
    mentioned = tag_item(title, "Projects on cancer treatment in a hospital; some chemistry is useful.", published=NOW)
    listed = tag_item(title, "Projects on cancer treatment in a hospital, for students enrolled in chemistry.", published=NOW)
    assert broad(mentioned) == {"09"}
    assert broad(listed) == {"09", "05"}


def test_a_degree_name_tags_its_field():
    tagging = tag_item("Honours scholarship on cancer",
                       "Applicants must be enrolled in the honours year of the Bachelor of Science and "
                       "undertake a project on cancer treatment and patient care in a hospital.", published=NOW)
    assert broad(tagging) == {"09", "05"}


def test_a_list_after_one_cue_is_listed_whole():
    tagging = tag_item("Postgraduate scholarship",
                       "Open to students enrolled in law, economics or nursing.", published=NOW)
    assert broad(tagging) == {"04", "03", "09"}


def test_a_bachelor_of_arts_spans_humanities_and_social_sciences():
    assert broad(tag_item("Bachelor of Arts scholarship", "For first year students.", published=NOW)) == {"02", "03"}


# Research and eligibility wording that contains a field's word without naming a field.

@pytest.mark.parametrize("title, text", [
    ("Research award", "The team will use state-of-the-art instruments and review the literature."),
    ("Project award", "The project will collect data, run simulations on a novel program and build a "
                      "network of institutions in the community."),
    ("Travel grant", "Part-time students may apply if a medical condition prevents full-time study; "
                     "all applicants must meet the English language entry requirements."),
])
def test_generic_wording_names_no_field(title, text):
    assert tag_item(title, text, published=NOW).codes == ()


def test_a_doctor_of_philosophy_is_not_philosophy():
    tagging = tag_item("Research award", "Applicants must hold a Doctor of Philosophy in chemistry.", published=NOW)
    assert broad(tagging) == {"05"}


def test_course_fees_and_team_work_are_not_open_to_all_fields():
    fees = tag_item("Merit scholarship", "The scholarship covers all course fees for students of business.", published=NOW)
    team = tag_item("Mining research scholarship", "Students join multidisciplinary teams in mining engineering.", published=NOW)
    assert broad(fees) == {"04"}
    assert broad(team) == {"07"}


def test_one_topic_word_is_too_little_two_will_do():
    assert tag_item("Travel Incentive Scheme", "For students going abroad for a semester.", published=NOW).codes == ()
    assert broad(tag_item("Incentive and market design grant", "For students going abroad.", published=NOW)) == {"03"}


def test_arabic_benefits_and_announcements_are_not_fields():
    """"تمويل" (funding), "تأمين" (insurance) and "إعلان" (announcement) are what a call offers or
    is, not finance or advertising."""
    tagging = tag_item("إعلان عن منح دراسية", "تمويل يصل إلى 70000 دولار سنويا، سكن، تأمين سفر، بدل معيشة شهري", published=NOW)
    assert tagging.codes == ("any",)   # a scholarship that names no subject is open to all; no field from those words
    assert broad(tag_item("منحة ماجستير في العلوم المالية والمصرفية", "للطلبة الفلسطينيين", published=NOW)) == {"04"}


@pytest.mark.parametrize("title, text, excluded", [
    ("Scholarship", "Open to all fields except medicine.", ("09",)),
    ("منحة", "المنحة متاحة في جميع التخصصات باستثناء الطب والتمريض والصيدلة.", ("09",)),
    ("منحة", "تشمل المنحة جميع التخصصات ما عدا الهندسة وإدارة الأعمال.", ("04", "07")),
    ("Scholarship", "Any field of study, excluding law and dentistry.", ("04", "09")),
])
def test_an_open_call_with_exceptions_is_any_with_its_exclusions(title, text, excluded):
    tagging = tag_item(title, text, published=NOW)
    assert tagging.codes == ("any",)
    assert tagging.excluded == excluded
    assert tagging.as_dict()["excluded"] == list(excluded)


@pytest.mark.parametrize("title, text, expected", [
    ("PhD positions", "PhD positions in biology, neuroscience, mathematics, computer science and physics.",
     {"05", "06"}),
    ("منح دراسية", "في تخصصات الهندسة، وعلوم الحاسب، والعلوم الأساسية، وإدارة الأعمال.", {"04", "05", "06", "07"}),
])
def test_an_explicit_list_names_every_field_in_it(title, text, expected):
    assert broad(tag_item(title, text, published=NOW)) == expected
