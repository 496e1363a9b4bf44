"""Whether a Palestinian from the West Bank or Gaza may apply: true, false or unknown.

A careful reader answers from who the call says may apply, not from which words occur in it:
- Palestinians named (or a country or region that includes them) → true;
- wording that shuts them out ("not open to Palestinians") → false;
- a restriction to other nationalities, residents or organisations ("must hold Saudi nationality",
  «لطلاب جمهورية مصر العربية», «للكويتيين», "Egyptian researchers", "UK-registered SMEs",
  "(Nigerians only)") → false, unless the same call names Palestinians or a group that holds them;
- an open call ("all nationalities", "developing countries", "international students") → true;
- softer signs that the call is domestic (a US federal agency's programme, a US state's, "home
  students", an in-house call of a foreign university) → false when nothing opens it;
- otherwise unknown (None): the call does not say.

Restrictions are read with patterns around a nationality, residence or organisation word, so a
host named in passing ("study at German universities", «الجامعات السعودية») restricts nothing.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .normalize import fold_arabic_chars

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


@dataclass(frozen=True)
class Eligibility:
    """The answer, the countries or regions that decided it, and the words they were read from."""

    palestinian: bool | None
    restricted_to: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Place:
    key: str
    includes_palestine: bool
    en: tuple[str, ...]
    ar_names: tuple[str, ...]
    ar_demonyms: tuple[str, ...]


@dataclass(frozen=True)
class _Patterns:
    strong: tuple[re.Pattern, ...]     # each has a group "x": a place's name as written
    decisive: tuple[re.Pattern, ...]   # restrictions an open word elsewhere does not undo
    place_of: dict[str, str]           # a name or demonym form as written → place key
    includes_palestine: frozenset[str]


# Words that say who applies: a restriction names one of them next to a place.
_NOT_PEOPLE = (r"(?! (?:science|research|institutes?|foundation|universit\w+|library|museum|cent(?:re|er)|bank|council|"
               r"agency|laborator\w+|academy|park|health|cancer|fund|program\w*|grid|lab|gallery|trust|archives?))")
_PEOPLE_EN = (rf"citizens?|nationals?{_NOT_PEOPLE}|nationality|citizenship|residents?|passport[- ]holders?|students?|researchers?|"
              r"scientists?|applicants?|scholars?|women|youths?|graduates?|professionals?|leaders?|entrepreneurs?|"
              r"smes?|businesses|business|companies|company|organi[sz]ations?|nonprofits?|non-profits?|"
              r"local governments?|tribes|descent|only")
_HOLDERS_EN = r"citizens?|nationals?|residents?|passport[- ]holders?|natives?"
_PEOPLE_AR = (r"الطلاب|الطلبه|طلاب|طلبه|للطلاب|للطلبه|لطلاب|لطلبه|المواطنين|مواطني|لمواطني|الباحثين|للباحثين|"
              r"المتقدمين|الخريجين|الخريجات|الطالبات|للطالبات|المعلمين|ابناء|لابناء")
# English names that are also common words: only read in the tightest patterns.
_AMBIGUOUS_EN = frozenset({"us", "u.s", "oda", "ssa", "gulf", "european", "europe", "asia", "asian", "arab", "middle east"})


def _alternation(words: set[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words if w), key=len, reverse=True))


def _english_forms(name: str) -> list[str]:
    forms = [name]
    if name.endswith(("an", "i", "ese")) or name in ("arab", "filipino", "thai"):
        forms.append(name + "s")          # "nigerians", "iraqis", "arabs"
    return forms


def _arabic_demonym_forms(stem: str) -> list[str]:
    return [stem, stem + "ه", stem + "ين", stem + "ون", stem + "ات", stem + "ا"]


@lru_cache(maxsize=1)
def _places() -> tuple[_Place, ...]:
    data = tomllib.loads(files("fursa.matching").joinpath("data/nationalities.toml").read_text(encoding="utf-8"))
    return tuple(_Place(key, bool(entry.get("includes_palestine")), tuple(entry.get("en", ())),
                        tuple(entry.get("ar_names", ())), tuple(entry.get("ar_demonym", ())))
                 for key, entry in data.items())


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    place_of: dict[str, str] = {}
    en_all: set[str] = set()
    ar_names: set[str] = set()
    ar_demonyms: set[str] = set()
    for place in _places():
        for name in place.en:
            for form in _english_forms(name):
                place_of.setdefault(form, place.key)
                en_all.add(form)
        for name in place.ar_names:
            place_of.setdefault(name, place.key)
            ar_names.add(name)
        for stem in place.ar_demonyms:
            for form in _arabic_demonym_forms(stem):
                place_of.setdefault(form, place.key)
                place_of.setdefault("ال" + form, place.key)
                ar_demonyms.update({form, "ال" + form})
    en_plain = {w for w in en_all if w not in _AMBIGUOUS_EN}
    x_all, x_plain = _alternation(en_all), _alternation(en_plain)
    x_ar_name, x_ar_dem = _alternation(ar_names), _alternation(ar_demonyms)
    lb, rb = r"(?<![\w.])", r"(?![\w])"
    strong = (
        re.compile(rf"{lb}(?:{_HOLDERS_EN}) of (?:the |an? )?(?P<x>{x_all}){rb}"),
        re.compile(rf"{lb}(?P<x>{x_all})[- ](?:{_PEOPLE_EN}){rb}"),
        re.compile(rf"{lb}only (?:open |available )?(?:to|for) (?:\w+ ){{0,3}}?(?:from |of |in )?(?:the )?(?P<x>{x_plain}){rb}"),
        re.compile(rf"{lb}(?:based|located|registered|resident|residing|domiciled|headquartered|working) (?:in|at) "
                   rf"(?:a |an |the )?(?P<x>{x_all}){rb}"),
        re.compile(rf"{lb}(?P<x>{x_all})[- ](?:based|registered){rb}"),
        re.compile(rf"{lb}(?:students|applicants|researchers|scientists|candidates|scholars|women|youth|engineers?|"
                   rf"young people|leaders|nationals|citizens|professionals|journalists) from (?:the )?(?P<x>{x_plain}){rb}"),
        re.compile(rf"{lb}must (?:be|hold|have) (?:an? )?(?P<x>{x_all}) (?:citizenship|nationality|passport|citizen|"
                   rf"national|resident){rb}"),
        # Arabic: «سعودي الجنسية», «الجنسية الأردنية», «للطلبة السعوديين», «للكويتيين», «لطلاب جمهورية مصر العربية»
        re.compile(rf"{lb}(?P<x>{x_ar_dem})\s+الجنسيه{rb}"),
        re.compile(rf"{lb}(?:ال)?جنسيه\s+(?P<x>{x_ar_dem}){rb}"),
        re.compile(rf"{lb}(?:{_PEOPLE_AR})\s+(?P<x>{x_ar_dem}){rb}"),
        re.compile(rf"{lb}لل(?P<x>{_alternation({d[2:] for d in ar_demonyms if d.startswith('ال') and d.endswith('ين')})}){rb}"),
        re.compile(rf"{lb}(?:{_PEOPLE_AR})\s+(?:من\s+)?(?:دول\s+|دوله\s+)?(?P<x>{x_ar_name}){rb}"),
        re.compile(rf"{lb}(?:من\s+)?مواطني\s+(?:دول\s+|دوله\s+)?(?P<x>{x_ar_name}){rb}"),
        re.compile(rf"{lb}ان\s+يكون\s+(?:المتقدم\s+|المتقدمه\s+|المرشح\s+|المرشحه\s+|الطالب\s+|المتقدم/ه\s+)?"
                   rf"(?P<x>{x_ar_dem}){rb}"),
        re.compile(rf"{lb}(?:ال)?مقيم(?:ا|ه|ين|ون)?\s+(?:في|ب)\s*(?:دوله\s+)?(?P<x>{x_ar_name}){rb}"),
    )
    # Restrictions that outweigh an open word elsewhere: "international students from Africa".
    decisive = (
        re.compile(rf"{lb}international (?:students?|applicants?|candidates?) from (?:the )?(?P<x>{x_plain}){rb}"),
        re.compile(rf"{lb}(?:لل|ال)?(?:دولي(?:ين|ون)|وافدين|اجانب)\s+(?:القادمين\s+)?من\s+(?:دول\s+)?(?P<x>{x_ar_name}){rb}"),
        re.compile(rf"{lb}(?:لل|ال)?(?:طلاب|طلبه)\s+(?:القادمين\s+)?من\s+(?:دول\s+)?(?P<x>{x_ar_name}){rb}"),
        # An in-house call: a university's awards for its own students.
        re.compile(rf"{lb}(?:ل|ل?دعم\s+)?(?P<x>طلابها|طلبتها)|{lb}(?P<y>its own students|its (?:currently )?enrolled students|"
                   rf"currently enrolled students of the university){rb}"),
    )
    palestine = frozenset(p.key for p in _places() if p.includes_palestine)
    return _Patterns(strong, decisive, place_of, palestine)


_PALESTINE_NAMED = re.compile(
    r"(?<![\w])(?:palestin\w*|west bank|gaza|occupied palestinian|فلسطين\w*|الفلسطيني\w*|الضفه الغربيه|قطاع غزه|غزه)(?![\w])")
_SHUT_OUT = re.compile(
    r"(?:not (?:open|available|eligible) (?:to|for) palestinian|palestinians? (?:students |applicants )?(?:are|is) not eligible|"
    r"(?:excluding|except) palestin|لا يحق\s+(?:\S+\s+)?(?:ال)?فلسطيني|(?:باستثناء|لا تشمل|غير متاحه|غير مؤهلين)\s+"
    r"(?:\S+\s+)?(?:ال)?فلسطين)")
_OPEN = re.compile(
    r"(?<![\w])(?:all nationalities|any nationality|all nationals|all countries|any country|regardless of (?:their )?nationality|"
    r"citizens of any country|(?:from|across) (?:all over|around) the world|anywhere in the world|worldwide|"
    r"international (?:students?|applicants?|candidates?|scholars?|researchers?|fellowships?|postgraduates?|undergraduates?)|"
    r"scholarships? international|overseas (?:students?|applicants?|candidates?)|foreign (?:students?|nationals|applicants?)|"
    r"non-(?:eu|eea|uk|us|u\.s\.)\b|outside (?:the )?(?:eu|eea|uk|u\.s\.|us|united states|united kingdom|canada|"
    r"australia|europe|european union|indonesia|japan|korea|china|germany)|"
    r"open to (?:applicants|students|researchers) (?:from )?(?:all|any) (?:countries|nationalit\w+)|"
    r"developing countr\w+|low[- ] and middle[- ]income countries|lmics?|dac list|oda[- ]eligible|global south|any arab country|"
    r"(?:ال|لل|ل)?(?:طلاب|طلبه|متقدمين|باحثين|مرشحين)\s+(?:ال)?(?:دولي(?:ين|ون)|اجانب|وافدين)|(?:لل|ال)?دولي(?:ين|ون)|"
    r"(?:لل|ال)?اجانب|(?:ل|و|ب)?(?:جميع|كافه|مختلف|شتي) (?:ال)?جنسيات|جميع الدول|غير السعوديين|(?:جميع|مختلف) انحاء العالم|"
    r"(?:من|ل)?مختلف دول العالم|من اي دوله|من خارج|الدول الناميه|البلدان الناميه|اي دوله عربيه)(?![\w])")
# Softer signs that a call is domestic, read only when nothing above decides.
_DOMESTIC = re.compile(
    r"(?<![\w])(?:domestic students?|home students?|home fee|in-state|agency: (?:u\.s\.|national institutes? of|"
    r"national science foundation|department of|bureau of|national institute of|national aeronautics|"
    r"centers for disease|national oceanic|institute of museum|national endowment|idaho|food and drug|"
    r"administration for|office of)|u\.s\. (?:institutions|organizations|universities|colleges)|"
    r"(?:currently |already )?enrolled (?:full[- ]time )?(?:student )?at (?!an? |any |accredited )(?:the )?[a-z&.' -]{2,60}?"
    r"(?:university|college)|(?:community )?college students? (?:at|of) (?!an? |any )|"
    r"(?:الطلاب|الطلبه)\s+المسجلين\s+(?:حاليا\s+)?(?:في|ب)\s*جامعه|المواطنين والمواطنات|(?:لل|ال)مواطنين|سعوده|"
    r"منسوبي (?:ال)?اجهزه (?:ال)?حكوميه|موظف حكومي)(?![\w])")
_US_STATE_PROGRAMME = re.compile(r"(?<![\w])(?:california|pennsylvania|commonwealth of pennsylvania|calrecycle|"
                                 r"calfire|caltrans|cal fire)(?![\w])")


# A restriction that is negated says who may NOT apply: "applicants who hold Korean citizenship are
# not eligible", "non-EU citizens", "from outside the U.S.": it opens the call to everyone else.
_NEGATED_BEFORE = re.compile(r"(?:non-|outside (?:the )?|not |except |excluding |other than |خارج |غير |من غير )$")
_NEGATED_AFTER = re.compile(r"^[^.;\n]{0,60}?(?:not eligible|are not|is not|ineligible|cannot apply|excluded|غير مؤهل|لا يحق)")
# A region in a title before what it offers: "CIMB ASEAN Scholarship", "Programme for African Leadership".
_TITLE_REGION = re.compile(r"(?<![\w])(?P<x>asean|african|africa|americas|latin american|sub-saharan|ssa|caribbean)"
                           r"(?:'s)? (?:\w+ )?(?:scholarships?|leadership|fellowships?|prizes?|awards?|programmes?|programs?|"
                           r"leaders|women)(?![\w])")


# A restriction listed with a group that holds Palestinians: "Arab and Dutch students",
# «للطلاب من مصر أو الدول العربية».
_ALSO_OPEN_AFTER = re.compile(r"^[\s,]{0,3}(?:and|or|&|و|او)\s*(?:من\s+)?(?:other\s+|ال)?(?:arab|palestin|developing|"
                              r"الدول العربيه|دول عربيه|البلدان العربيه|العرب|عربي|فلسطين|الدول الناميه)")
_ALSO_OPEN_BEFORE = re.compile(r"(?:arab|arabs|palestinian|palestinians|العرب|الفلسطينيين|العربيه)[\s,]{0,3}(?:and|or|&|و|او)\s*$")


def _also_open(low: str, match: re.Match) -> bool:
    return bool(_ALSO_OPEN_AFTER.search(low[match.end():match.end() + 60])
                or _ALSO_OPEN_BEFORE.search(low[max(0, match.start() - 30):match.start()]))


def _negated(low: str, match: re.Match) -> bool:
    return bool(_NEGATED_BEFORE.search(low[max(0, match.start() - 14):match.start()])
                or _NEGATED_AFTER.search(low[match.end():match.end() + 80]))


def _folded(title: str, text: str) -> str:
    joined = f"{title}\n{text}"
    if not joined.isascii():
        joined = fold_arabic_chars(_DIACRITICS.sub("", joined))
    return " ".join(joined.lower().split())


def read_eligibility(title: str, text: str) -> Eligibility:
    """Whether a Palestinian may apply, and from which words; pure, never raises."""
    low = _folded(title or "", text or "")
    shut = _SHUT_OUT.search(low)
    if shut:
        return Eligibility(False, ("palestine",), (shut.group(0),))
    named = _PALESTINE_NAMED.search(low)
    patterns = _patterns()
    if named:
        return Eligibility(True, (), (named.group(0),))
    found = [m for pattern in patterns.strong for m in pattern.finditer(low)]
    title_low = _folded(title or "", "")
    found += list(_TITLE_REGION.finditer(title_low))
    # What the title restricts to, or "international students from X", decides whatever else is said.
    decisive = [(m.group(0), patterns.place_of.get(m.group("x") or "", "in_house"))
                for m in [*(m for p in patterns.strong for m in p.finditer(title_low)), *_TITLE_REGION.finditer(title_low),
                          *(m for p in patterns.decisive for m in p.finditer(low))]
                if not _negated(m.string, m) and not _also_open(m.string, m)]
    if decisive and not any(key in patterns.includes_palestine for _, key in decisive):
        return Eligibility(False, tuple(dict.fromkeys(key for _, key in decisive)),
                           tuple(dict.fromkeys(words for words, _ in decisive))[:3])
    restrictions = [(m.group(0), "arab" if _also_open(m.string, m) else patterns.place_of.get(m.group("x"), m.group("x")))
                    for m in found if not _negated(m.string, m)]
    negated = [m.group(0) for m in found if m.re is not _TITLE_REGION and _negated(low, m)]
    opening = [words for words, key in restrictions if key in patterns.includes_palestine]
    closing = [(words, key) for words, key in restrictions if key not in patterns.includes_palestine]
    open_call = _OPEN.search(low)
    if opening or open_call or negated:
        # Said open to others as well as restricted ("Qatari and international students"): open.
        words = opening[:2] + ([open_call.group(0)] if open_call else []) + negated[:1]
        return Eligibility(True, (), tuple(words))
    if closing:
        keys = tuple(dict.fromkeys(key for _, key in closing))
        return Eligibility(False, keys, tuple(dict.fromkeys(words for words, _ in closing))[:3])
    domestic = _DOMESTIC.search(low) or _US_STATE_PROGRAMME.search(low)
    if domestic:
        return Eligibility(False, (), (domestic.group(0),))
    return Eligibility(None, (), ())
