"""The classes of misreading a careful reader would not make (issue 12), in invented sentences in
English and Arabic: words that are not the call's field, vocabulary gaps, levels and kinds."""
from __future__ import annotations

from datetime import date

import pytest

from fursa.matching import tag_item

PUBLISHED = date(2026, 3, 1)


def broad(title: str, text: str) -> set[str]:
    return {tag.broad for tag in tag_item(title, text, published=PUBLISHED).disciplines}


# 3. Words that are not the call's field
@pytest.mark.parametrize("title, text, expected", [
    ("XYZ Law Firm scholarship", "For any student who has overcome challenges.", {"any"}),
    ("Ministry of Education, Culture, Sports, Science and Technology Scholarship", "For international students.", {"any"}),
    ("Postdoc at the Institute for Nanomaterials", "Research on protein folding and cell biology.", {"05"}),
    ("منحة", "تعلن وزارة التربية والتعليم العالي عن منح في تخصص التمريض.", {"09"}),
    ("منحة دكتوراه", "في تخصص الكيمياء، يبدأ التقديم بتاريخ 1 آذار في بيئة تعليمية محفزة.", {"05"}),
    ("منحة ماجستير في الهندسة المدنية", "يشترط حسن السيرة والسلوك ودفع رسم التأشيرة.", {"07"}),
    ("Mathematics PhD", "Numerical analysis of differential equations, with applications in public health.", {"05"}),
    ("Engineering scholarship", "Includes networking opportunities and a declaration of finances.", {"07"}),
])
def test_words_that_are_not_the_calls_field(title, text, expected):
    assert broad(title, text) == expected


# 5. Vocabulary: people nouns, language courses, specialties, technologies, placements
@pytest.mark.parametrize("title, text, expected", [
    ("Senior Data Scientist", "Join our analytics team.", {"06"}),
    ("Post-doc position in water scarcity and desalination", "", {"07"}),
    ("Climate change adaptation research grants", "For projects in coastal cities.", {"05"}),
    ("Fellowship for surgeons", "Training in ophthalmology and neurology.", {"09"}),
    ("Italian course scholarship", "A summer language school in Siena.", {"02"}),
    ("PhD in microgrids and batteries", "", {"07"}),
    ("Grant in public administration", "For civil servants.", {"04"}),
    ("Speech-language pathology scholarship", "", {"09"}),
    ("Art conservation fellowship", "For museum conservators.", {"02"}),
    ("Scholarship in Artifical Intelligence", "", {"06"}),
    ("وظيفة طبيب", "مطلوب أطباء للعمل في المستشفى.", {"09"}),
    ("مطلوب معلمين", "للعمل في مدارس المدينة.", {"01"}),
])
def test_vocabulary_a_careful_reader_knows(title, text, expected):
    assert expected <= broad(title, text)


# 6. Levels: the level a call is for, not the degree an applicant holds
@pytest.mark.parametrize("title, text, expected", [
    ("Master's scholarship", "Holders of a bachelor's degree may apply for the master's programme.", ("master",)),
    ("Research fellowship", "Open to holders of a PhD.", ("postdoc",)),
    ("زمالة بحثية لما بعد الدكتوراه", "للباحثين الحاصلين على درجة الدكتوراه.", ("postdoc",)),
    ("Tenure-track position in chemistry", "", ("faculty",)),
    ("Post-doc position", "", ("postdoc",)),
    ("Early-stage researcher positions", "", ("phd",)),
    ("منح دراسية لخريجي الثانوية العامة", "لطلبة التوجيهي.", ("bachelor",)),
    ("منحة لطلبة البكلوريوس", "", ("bachelor",)),
    ("منحة دكتوارة", "", ("phd",)),
    ("Graduate scholarship", "For graduate students.", ("master", "phd")),
    ("Scholarship", "For master's students; undergraduates are not eligible.", ("master",)),
    ("Research grant", "Funding for research projects in physics.", ("faculty",)),
])
def test_levels_are_the_target(title, text, expected):
    assert tag_item(title, text, published=PUBLISHED).levels == expected


# 7. Kinds, including job and admission
@pytest.mark.parametrize("title, text, expected", [
    ("وظائف أكاديمية شاغرة", "تعلن الجامعة عن حاجتها إلى أعضاء هيئة تدريس.", "job"),
    ("Postdoctoral position in ecology", "We are looking for a postdoc.", "job"),
    ("استقبال طلبات الالتحاق", "تعلن الجامعة عن بدء استقبال طلبات الالتحاق ببرامج البكالوريوس.", "admission"),
    ("منح تبادل طلابي", "للدراسة فصلا في الخارج.", "exchange"),
    ("دعوة لتقديم المقترحات", "لتمويل مشاريع بحثية في الطاقة.", "research_funding"),
    ("دورات تدريبية", "في مهارات الحاسوب.", "training"),
    ("زمالة بحثية", "للباحثين في علوم البيئة.", "fellowship"),
    ("Summer school in data science", "Scholarships available for participants.", "training"),
])
def test_kinds(title, text, expected):
    assert tag_item(title, text, published=PUBLISHED).kind == expected
