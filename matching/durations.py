"""How long a call's award or programme lasts, when it says so: "12 months", "two years", «لمدة سنتين»."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .amounts import fold_digits

UNITS = ("week", "month", "year")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36,
                 "a": 1, "an": 1, "one-year": 1, "single": 1,
                 "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4,
                 "اربع": 4, "اربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8,
                 "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10}
_NUMBER = r"(?P<n>\d{1,2}(?:\.5)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
_EN_UNIT = r"(?P<u>weeks?|months?|years?|academic years?|semesters?)"
# English: a cue ("for", "duration of", "lasting") then "12 months"; or "a two-year programme".
_EN_CUED = re.compile(rf"(?:\bfor\b(?:\s+(?:up\s+to|a\s+period\s+of|a\s+maximum\s+of|the\s+duration\s+of))?|\bduration\b"
                      rf"(?:\s+of(?:\s+the\s+\w+)?)?(?:\s+is)?\s*:?|\blasts?\b|\blasting\b|\bperiod\s+of|\bspan\s+of|"
                      rf"\btenable\s+for)\s+(?:up\s+to\s+)?{_NUMBER}[\s-]+{_EN_UNIT}\b", re.IGNORECASE)
_EN_HYPHEN = re.compile(rf"\b{_NUMBER}-(?P<u>week|month|year)\s+(?:fully[\s-]funded\s+)?(?:programme|program|scholarship|"
                        rf"fellowship|position|contract|course|grant|stipend|appointment|internship|master|phd|project|"
                        rf"postdoc|research)", re.IGNORECASE)
# Arabic: «لمدة», «مدة المنحة», «مدتها» … then a number and a unit, or a dual («سنتين», «شهرين»).
_AR_NOUN = r"(?:ال)?(?:منحة|منح|برنامج|دراسة|تدريب|زمالة)(?:\s+(?:ال)?دراسية)?(?:\s+و(?:ال)?\S+)?"
# «لمدة», «مدة المنحة», «ستكون مدة هذه المنحة», «مدة الدراسة والتدريب هي», «أقصى مدة تصل إلى» …
_AR_CUE = (r"(?:لمدة|لفترة|مدتها|مدته|مدة\s+(?:هذه\s+|هذا\s+)?" + _AR_NOUN + r"(?:\s+(?:هي|ستكون|تبلغ|تكون))?\s*:?|"
           r"[أا]قصى\s+(?:مدة|فترة)(?:\s+(?:ل|لل)?\S+){0,2}?(?:\s+(?:تصل\s+[إا]لى|هي))?|خلال\s+فترة)")
_AR_UNITS = {"أسبوع": ("week", 1), "اسبوع": ("week", 1), "أسابيع": ("week", 0), "اسابيع": ("week", 0),
             "أسبوعين": ("week", 2), "اسبوعين": ("week", 2), "شهر": ("month", 1), "أشهر": ("month", 0),
             "اشهر": ("month", 0), "شهور": ("month", 0), "شهرا": ("month", 0), "شهراً": ("month", 0),
             "شهرين": ("month", 2), "شهران": ("month", 2), "سنة": ("year", 1), "عام": ("year", 1), "سنوات": ("year", 0),
             "أعوام": ("year", 0), "اعوام": ("year", 0), "عاما": ("year", 0), "عاماً": ("year", 0), "سنتين": ("year", 2),
             "سنتان": ("year", 2), "عامين": ("year", 2), "عامان": ("year", 2), "فصل": ("semester", 1),
             "فصلين": ("semester", 2), "فصول": ("semester", 0)}
_AR_UNIT = "(?P<u>" + "|".join(sorted(_AR_UNITS, key=len, reverse=True)) + ")"
_AR_CUED = re.compile(rf"{_AR_CUE}\s+(?:تصل\s+[إا]لى\s+|أقصاها\s+|لا\s+تتجاوز\s+)?(?:{_NUMBER}\s+)?{_AR_UNIT}"
                      r"(?:\s+(?:واحدة|واحد|دراسية|دراسي|أكاديمية|كاملة|كامل))?(?![\u0600-\u06ff])")


@dataclass(frozen=True)
class Duration:
    """How long the award lasts: `value` `unit` (week, month, semester or year); `text` is what was read."""

    value: float
    unit: str
    text: str

    @property
    def months(self) -> float:
        return {"week": 12 / 52, "month": 1, "semester": 6, "year": 12}[self.unit] * self.value

    def as_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "text": self.text}

    @classmethod
    def from_dict(cls, raw: dict) -> Duration | None:
        try:
            return cls(float(raw["value"]), str(raw["unit"]), str(raw.get("text") or ""))
        except (KeyError, TypeError, ValueError):
            return None


def _number(word: str | None) -> float | None:
    if word is None:
        return None
    word = word.lower()
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    try:
        return float(word)
    except ValueError:
        return None


# Longer than this is not an award's length but something else the call counts ("founded 30 years ago").
_LONGEST = {"week": 52, "month": 60, "semester": 10, "year": 6}


def _english_unit(word: str) -> str:
    word = word.lower()
    return "semester" if "semester" in word else next(unit for unit in UNITS if unit in word)


def find_duration(text: str) -> Duration | None:
    """The first duration `text` states after a cue ("for 12 months", "a two-year programme",
    «لمدة سنتين», «مدة المنحة 3 سنوات»); None when it states none."""
    text = fold_digits(text)
    found: list[tuple[int, Duration]] = []
    for pattern in (_EN_CUED, _EN_HYPHEN):
        for match in pattern.finditer(text):
            value = _number(match.group("n"))
            if value and value <= _LONGEST[_english_unit(match.group("u"))]:
                found.append((match.start(), Duration(value, _english_unit(match.group("u")), " ".join(match.group().split()))))
                break
    for match in _AR_CUED.finditer(text):
        unit, implied = _AR_UNITS[match.group("u")]
        value = _number(match.group("n")) if match.group("n") else float(implied) if implied else None
        if value and value <= _LONGEST[unit]:
            found.append((match.start(), Duration(value, unit, " ".join(match.group().split()))))
            break
    return min(found, key=lambda item: item[0])[1] if found else None
