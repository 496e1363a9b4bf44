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
from collections.abc import Iterable
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
    """A regex alternation of the words, longest first; one that never matches when there are none."""
    alternatives = sorted((re.escape(w) for w in words if w), key=len, reverse=True)
    return "|".join(alternatives) if alternatives else "(?!)"


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


@dataclass(frozen=True)
class _Form:
    place: str
    script: str        # "en", "ar_name" or "ar_demonym"


@lru_cache(maxsize=1)
def _forms() -> dict[str, _Form]:
    """Every written form of every place: English names and demonyms (with plurals), Arabic names,
    Arabic demonyms in their gender, number and article forms."""
    forms: dict[str, _Form] = {}
    for place in _places():
        for name in place.en:
            for form in _english_forms(name):
                forms.setdefault(form, _Form(place.key, "en"))
        for name in place.ar_names:
            forms.setdefault(name, _Form(place.key, "ar_name"))
        for stem in place.ar_demonyms:
            for form in _arabic_demonym_forms(stem):
                forms.setdefault(form, _Form(place.key, "ar_demonym"))
                forms.setdefault("ال" + form, _Form(place.key, "ar_demonym"))
    return forms


_SEPARATORS = str.maketrans({c: " " for c in ",;:!?()[]{}\"«»/…*|<>=+#@&%$^~`'’\u060c\u061b\u061f"})


def _tokens(low: str) -> frozenset[str]:
    """The words of a text, and Arabic words without a glued ل/لل/و/ب, for cheap presence tests."""
    tokens = set(low.translate(_SEPARATORS).split())
    tokens |= {word.rstrip(".") for word in tokens if word.endswith(".")}   # "gaza." at a sentence's end
    if not low.isascii():
        tokens |= {t[2:] for t in tokens if t.startswith("لل")} | {t[1:] for t in tokens if t[:1] in ("ل", "و", "ب")}
    return frozenset(tokens)


def _present(low: str, tokens: frozenset[str]) -> frozenset[str]:
    """The place forms a text contains, found with set lookups: the patterns are run only around them."""
    return frozenset(form for word in tokens & _first_words().keys() for form in _first_words()[word]
                     if " " not in form or form in low)


@lru_cache(maxsize=1)
def _first_words() -> dict[str, tuple[str, ...]]:
    by_word: dict[str, list[str]] = {}
    for form in _forms():
        by_word.setdefault(form.split()[0], []).append(form)
    return {word: tuple(forms) for word, forms in by_word.items()}


_LB, _RB = r"(?<![\w.])", r"(?![\w])"


@lru_cache(maxsize=None)
def _patterns_for(form: str) -> tuple[tuple[re.Pattern, ...], tuple[re.Pattern, ...]]:
    """The restriction patterns around one place form, and those that outweigh an open word
    elsewhere ("international students from Africa"). Compiled once per form on first use: a
    pattern over one literal is far cheaper to run than one over every place in the world."""
    script = _forms()[form].script
    x = re.escape(form)
    lb, rb = _LB, _RB
    if script == "en":
        strong = [
            rf"{lb}(?:{_HOLDERS_EN}) of (?:the |an? )?(?P<x>{x}){rb}",
            rf"{lb}(?P<x>{x})[- ](?:{_PEOPLE_EN}){rb}",
            rf"{lb}(?:based|located|registered|resident|residing|domiciled|headquartered|working) (?:in|at) "
            rf"(?:a |an |the )?(?P<x>{x}){rb}",
            rf"{lb}(?P<x>{x})[- ](?:based|registered){rb}",
            rf"{lb}must (?:be|hold|have) (?:an? )?(?P<x>{x}) (?:citizenship|nationality|passport|citizen|national|resident){rb}",
        ]
        decisive = []
        if form not in _AMBIGUOUS_EN:
            strong += [
                rf"{lb}only (?:open |available )?(?:to|for) (?:\w+ ){{0,3}}?(?:from |of |in )?(?:the )?(?P<x>{x}){rb}",
                rf"{lb}(?:students|applicants|researchers|scientists|candidates|scholars|women|youth|engineers?|"
                rf"young people|leaders|nationals|citizens|professionals|journalists) from (?:the )?(?P<x>{x}){rb}",
            ]
            decisive.append(rf"{lb}international (?:students?|applicants?|candidates?) from (?:the )?(?P<x>{x}){rb}")
    elif script == "ar_demonym":
        # «سعودي الجنسية», «الجنسية الأردنية», «للطلبة السعوديين», «للكويتيين», «أن يكون سعوديا»
        strong = [
            rf"{lb}(?P<x>{x})\s+الجنسيه{rb}",
            rf"{lb}(?:ال)?جنسيه\s+(?P<x>{x}){rb}",
            rf"{lb}(?:{_PEOPLE_AR})\s+(?P<x>{x}){rb}",
            rf"{lb}ان\s+يكون\s+(?:المتقدم\s+|المتقدمه\s+|المرشح\s+|المرشحه\s+|الطالب\s+|المتقدم/ه\s+)?(?P<x>{x}){rb}",
        ]
        if form.endswith("ين"):
            strong.append(rf"{lb}لل(?P<x>{re.escape(form.removeprefix('ال'))}){rb}")
        decisive = []
    else:
        # «لطلاب جمهورية مصر العربية», «من مواطني دول مجلس التعاون», «المقيمين في الولايات المتحدة»
        strong = [
            rf"{lb}(?:{_PEOPLE_AR})\s+(?:\S+\s+)?(?:من\s+)?(?:دول\s+|دوله\s+)?(?P<x>{x}){rb}",
            rf"{lb}(?:من\s+)?مواطني\s+(?:دول\s+|دوله\s+)?(?P<x>{x}){rb}",
            rf"{lb}(?:ال)?مقيم(?:ا|ه|ين|ون)?\s+(?:في|ب)\s*(?:دوله\s+)?(?P<x>{x}){rb}",
        ]
        decisive = [
            rf"{lb}(?:لل|ال)?(?:دولي(?:ين|ون)|وافدين|اجانب)\s+(?:القادمين\s+)?من\s+(?:دول\s+)?(?P<x>{x}){rb}",
            rf"{lb}(?:لل|ال)?(?:طلاب|طلبه)\s+(?:القادمين\s+)?من\s+(?:دول\s+)?(?P<x>{x}){rb}",
        ]
    return tuple(map(re.compile, strong)), tuple(map(re.compile, decisive))


@lru_cache(maxsize=1)
def _includes_palestine() -> frozenset[str]:
    return frozenset(p.key for p in _places() if p.includes_palestine)


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
    r"(?:لل|ال)?اجانب|(?:من\s+)?اي\s+جنسيه|من\s+(?:مختلف\s+|جميع\s+)?(?:ال)?(?:دول العربيه|عالم العربي|وطن العربي|بلدان العربيه)|خارج\s+(?:ال)?(?:اتحاد الاوروبي|بريطانيا|مملكه المتحده|ولايات المتحده|كندا|"
    r"اندونيسيا|استراليا|المانيا|اوروبا)|(?:ل|و|ب)?(?:جميع|كافه|مختلف|شتي) (?:ال)?جنسيات|جميع الدول|غير السعوديين|(?:جميع|مختلف) انحاء العالم|"
    r"(?:من|ل)?مختلف دول العالم|من اي دوله|من خارج|الدول الناميه|البلدان الناميه|اي دوله عربيه)(?![\w])")
# An in-house call: a university's awards for its own students; decisive like a title's restriction.
_IN_HOUSE = re.compile(r"(?<![\w])(?:its own students|its (?:currently )?enrolled students|"
                       r"currently enrolled students of the university|(?:الطلاب|الطلبه)\s+المسجلين\s+حاليا)(?![\w])")
# Palestinians inside Israel (Bagrut holders): a call for them is not open to the West Bank or Gaza.
_INSIDE = re.compile(r"(?<![\w])(?:طلبه الداخل|طلاب الداخل|فلسطينيي الداخل|فلسطينيو الداخل)(?![\w])")
_WINDOW = 90   # characters around a place name that its restriction is read from


def _place_of(written: str) -> str:
    forms = _forms()
    found = forms.get(written) or forms.get("ال" + written)
    return found.place if found else written


def _windows(low: str, words: Iterable[str]) -> list[str]:
    """The text around each whole-word occurrence of these words (or one with a glued Arabic
    prefix: «للكويتيين»; never "us" inside "thus"), merged where they overlap."""
    spans: list[tuple[int, int]] = []
    for word in words:
        at = low.find(word)
        while at != -1:
            end = at + len(word)
            if (at == 0 or not (low[at - 1].isalpha() and low[at - 1].isascii())) and \
                    (end == len(low) or not (low[end].isalpha() and low[end].isascii())):
                spans.append((max(0, at - _WINDOW), min(len(low), end + _WINDOW)))
            at = low.find(word, end)
    merged: list[list[int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [low[start:stop] for start, stop in merged]


def _restrictions(low: str, present: frozenset[str]) -> tuple[list[re.Match], list[re.Match]]:
    """Restriction matches around the places a text names, and the decisive ones."""
    strong: list[re.Match] = []
    decisive: list[re.Match] = []
    for form in present:
        form_strong, form_decisive = _patterns_for(form)
        for window in _windows(low, (form,)):
            strong += [m for pattern in form_strong for m in pattern.finditer(window)]
            decisive += [m for pattern in form_decisive for m in pattern.finditer(window)]
    return strong, decisive


def _search_near(pattern: re.Pattern, low: str, words: frozenset[str]) -> re.Match | None:
    """`pattern` searched only around the words it needs (already known to be in the text)."""
    region = _around(low, words)
    return pattern.search(region) if region else None


def _around(low: str, words: frozenset[str]) -> str:
    """The parts of the text around these words, joined: a pattern that needs one of them is read
    only there, as scanning a long abstract with every pattern costs more than the rest of the tagger."""
    return "\n".join(_windows(low, words))





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
                              r"الدول العربيه|دول عربيه|البلدان العربيه|العالم العربي|الوطن العربي|العرب|عربي|فلسطين|الدول الناميه)")
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


# Words without which a pattern cannot match: testing a set first spares scanning a long text.
# Each set must hold a word of every alternative of its pattern (_OPEN, _DOMESTIC, _IN_HOUSE):
# a phrase added to a pattern without its gate word here is never read.
_PALESTINE_WORDS = ("palestin", "فلسطين", "gaza", "غزه", "west bank", "الضفه")
_OPEN_WORDS = frozenset({
    "all nationalities", "any nationality", "all nationals", "all countries", "any country", "regardless of nationality",
    "regardless of their nationality", "all over the world", "around the world", "anywhere in the world", "worldwide",
    "international student", "international students", "international applicant", "international applicants",
    "international candidate", "international candidates", "international scholar", "international scholars",
    "international researcher", "international researchers", "international fellowship", "international fellowships",
    "international postgraduate", "international postgraduates", "international undergraduate",
    "international undergraduates", "scholarships international", "scholarship international",
    "overseas student", "overseas students", "overseas applicant", "overseas applicants", "foreign student",
    "foreign students", "foreign nationals", "foreign applicants", "non-eu", "non-eea", "non-uk", "non-us", "outside",
    "developing countries", "developing country", "low and middle income countries", "lmic", "lmics", "dac list",
    "oda-eligible", "oda eligible", "global south", "any arab country", "open to applicants", "open to students",
    "open to researchers",
    "دوليين", "الدوليين", "الدولين", "دولين", "اجانب", "الاجانب", "وافدين", "الوافدين", "الجنسيات", "جنسيات",
    "جميع الدول", "غير السعوديين", "انحاء العالم", "دول العالم", "من اي دوله", "من خارج", "الدول الناميه",
    "اي جنسيه", "خارج", "الدول العربيه", "العالم العربي", "الوطن العربي", "البلدان العربيه",
    "البلدان الناميه", "اي دوله عربيه"})
_DOMESTIC_WORDS = frozenset({
    "domestic student", "domestic students", "home student", "home students", "home fee", "home fees", "in-state",
    "agency", "u.s. institutions", "u.s. organizations", "u.s. universities", "u.s. colleges", "enrolled",
    "college student", "college students", "المسجلين", "المواطنين", "مواطنين", "المواطنات", "سعوده", "منسوبي",
    "موظف حكومي", "california", "pennsylvania", "calrecycle", "calfire", "caltrans", "cal fire"})
_IN_HOUSE_WORDS = frozenset({"its own students", "its enrolled students", "its currently enrolled students",
                             "currently enrolled students", "المسجلين حاليا"})


@dataclass(frozen=True)
class Cues:
    """What the tagger's one pass over a call already found: the place forms it names and which
    groups of gate words occur ("open", "domestic", "in_house"), so eligibility need not tokenize
    the text again."""

    places: frozenset[str]
    gates: dict[str, frozenset[str]]   # gate → the gate words found, as written (lower case, folded)


def eligibility_phrases():
    """(phrase, Entry) pairs for the phrase index: every place form and every gate word."""
    from .phrases import Entry   # phrases imports nothing of eligibility; the index is built from both
    for form in _forms():
        yield form, Entry("place", form)
    for gate, words in (("open", _OPEN_WORDS), ("domestic", _DOMESTIC_WORDS), ("in_house", _IN_HOUSE_WORDS)):
        for word in words:
            yield word, Entry("eligibility_cue", gate)


def cues_from(hits) -> Cues:
    """Cues from the phrase index's hits over a call's title and text."""
    places: set[str] = set()
    gates: dict[str, set[str]] = {}
    for hit, _ in hits:
        if hit.entry.category == "place":
            places.add(hit.entry.value)
        elif hit.entry.category == "eligibility_cue":
            gates.setdefault(hit.entry.value, set()).add(_folded(hit.phrase, "").strip())
    return Cues(frozenset(places), {gate: frozenset(words) for gate, words in gates.items()})


def _cues(low: str) -> Cues:
    tokens = _tokens(low)
    gates = {}
    for gate, words in (("open", _OPEN_WORDS), ("domestic", _DOMESTIC_WORDS), ("in_house", _IN_HOUSE_WORDS)):
        found = frozenset(w for w in words if (w in tokens if " " not in w else w in low))
        if found:
            gates[gate] = found
    return Cues(_present(low, tokens), gates)


def read_eligibility(title: str, text: str, cues: Cues | None = None) -> Eligibility:
    """Whether a Palestinian may apply, and from which words; pure, never raises. `cues` (from the
    tagger's pass over the call) spare a second tokenization; without them the text is read here."""
    low = _folded(title or "", text or "")
    inside = _INSIDE.search(low) if "الداخل" in low else None
    if inside:
        return Eligibility(False, ("inside",), (inside.group(0),))
    if any(word in low for word in _PALESTINE_WORDS):
        shut = _SHUT_OUT.search(low)
        if shut:
            return Eligibility(False, ("palestine",), (shut.group(0),))
        named = _PALESTINE_NAMED.search(low)
        if named:
            return Eligibility(True, (), (named.group(0),))
    cues = cues or _cues(low)
    present = cues.places
    title_low = _folded(title or "", "")
    found, from_text = _restrictions(low, present) if present else ([], [])
    from_title, _ = _restrictions(title_low, frozenset(f for f in present if f in title_low)) if present else ([], [])
    found += list(_TITLE_REGION.finditer(title_low))
    # What the title restricts to, or "international students from X", decides whatever else is said.
    decisive = [(m.group(0), _place_of(m.group("x")))
                for m in [*from_title, *_TITLE_REGION.finditer(title_low), *from_text]
                if not _negated(m.string, m) and not _also_open(m.string, m)]
    in_house = _search_near(_IN_HOUSE, low, cues.gates["in_house"]) if "in_house" in cues.gates else None
    if in_house:
        decisive.append((in_house.group(0), "in_house"))
    includes_palestine = _includes_palestine()
    if decisive and not any(key in includes_palestine for _, key in decisive):
        return Eligibility(False, tuple(dict.fromkeys(key for _, key in decisive)),
                           tuple(dict.fromkeys(words for words, _ in decisive))[:3])
    restrictions = [(m.group(0), "arab" if _also_open(m.string, m) else _place_of(m.group("x")))
                    for m in found if not _negated(m.string, m)]
    negated = [m.group(0) for m in found if m.re is not _TITLE_REGION and _negated(m.string, m)]
    opening = [words for words, key in restrictions if key in includes_palestine]
    closing = [(words, key) for words, key in restrictions if key not in includes_palestine]
    open_call = _search_near(_OPEN, low, cues.gates["open"]) if "open" in cues.gates else None
    if opening or open_call or negated:
        # Said open to others as well as restricted ("Qatari and international students"): open.
        words = opening[:2] + ([open_call.group(0)] if open_call else []) + negated[:1]
        return Eligibility(True, (), tuple(words))
    if closing:
        keys = tuple(dict.fromkeys(key for _, key in closing))
        return Eligibility(False, keys, tuple(dict.fromkeys(words for words, _ in closing))[:3])
    domestic_words = cues.gates.get("domestic", frozenset())
    domestic = ((_search_near(_DOMESTIC, low, domestic_words) or _search_near(_US_STATE_PROGRAMME, low, domestic_words))
                if domestic_words else None)
    if domestic:
        return Eligibility(False, (), (domestic.group(0),))
    return Eligibility(None, (), ())
