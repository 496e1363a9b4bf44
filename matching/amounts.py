"""Sums of money as calls write them, English and Arabic.

"up to 1,200 € per month" is at most 1200 EUR a month; «1200 يورو شهرياً» is 1200 EUR a month;
"£2,000–£5,000" is 2000 to 5000 GBP; «ألف دولار» is 1000 USD; Arabic-Indic digits (١٢٠٠) read as
1200. A number without a currency is not money, and nothing is guessed: a "dinar" or a "¥" that
names no country is left out rather than given a currency the call may not mean.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Arabic-Indic and Persian digits and the Arabic thousands/decimal marks, one character for one, so
# that offsets into the folded text are offsets into the call.
_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                         **{chr(0x06F0 + d): str(d) for d in range(10)},
                         "\u066c": ",", "\u066b": ".", "\u00a0": " ", "\u202f": " ",
                         # the Arabic comma also separates thousands («6،500 دولار»); a list has a space after it
                         "\u060c": ","})

# Currency words and signs -> ISO 4217. Order matters: the longer, more specific form first.
_CURRENCY_FORMS: tuple[tuple[str, str], ...] = (
    (r"US\s?\$|USD|U\.S\.\s?dollars?|US\s?dollars?|American dollars?", "USD"),
    (r"CA\$|C\$|CAD|Canadian dollars?", "CAD"),
    (r"A\$|AUD|Australian dollars?", "AUD"),
    (r"NZ\$|NZD|New Zealand dollars?", "NZD"),
    (r"HK\$|HKD|Hong Kong dollars?", "HKD"),
    (r"S\$|SGD|Singapore dollars?", "SGD"),
    (r"euros?|€|EUR", "EUR"),
    (r"£|GBP|pounds? sterling|British pounds?", "GBP"),
    (r"CHF|Swiss francs?", "CHF"),
    (r"₺|TRY|Turkish lira|TL(?![A-Za-z])", "TRY"),
    (r"SEK|Swedish kronor|Swedish krona", "SEK"),
    (r"NOK|Norwegian kroner", "NOK"),
    (r"DKK|Danish kroner", "DKK"),
    (r"HUF|Hungarian forints?|forints?", "HUF"),
    (r"PLN|złoty|zloty", "PLN"),
    (r"CZK|Czech korun[ay]", "CZK"),
    (r"JPY|Japanese yen|yen", "JPY"),
    (r"CNY|RMB|yuan|renminbi", "CNY"),
    (r"KRW|Korean won", "KRW"),
    (r"MYR|ringgit", "MYR"),
    (r"INR|Indian rupees?", "INR"),
    (r"AED|UAE dirhams?|dirhams?", "AED"),
    (r"SAR|Saudi riyals?|riyals?", "SAR"),
    (r"QAR|Qatari riyals?", "QAR"),
    (r"KWD|Kuwaiti dinars?", "KWD"),
    (r"JOD|Jordanian dinars?|JD(?![A-Za-z])", "JOD"),
    (r"EGP|Egyptian pounds?", "EGP"),
    (r"ILS|NIS|shekels?", "ILS"),
    (r"\$|dollars?", "USD"),
    # Arabic: a currency word with its case endings; the specific adjective first.
    (r"دولار(?:ات|اً|ًا|ا)?\s+(?:ال)?سنغافوري(?:ة|اً|ًا|ا)?", "SGD"),
    (r"دولار(?:ات|اً|ا)?\s+(?:ال)?كندي(?:ة)?", "CAD"),
    (r"دولار(?:ات|اً|ًا|ا)?\s+(?:ال)?[أا]سترالي(?:ة|اً|ًا|ا)?", "AUD"),
    (r"دولار(?:ات|اً|ا)?(?:\s+(?:ال)?[أا]مريكي(?:ة)?)?", "USD"),
    (r"يورو", "EUR"),
    (r"(?:جنيه(?:ات|اً|ا)?|باوند)\s+(?:ال)?[إا]سترليني(?:ة)?|جنيه(?:ات|اً|ا)?\s+بريطاني|باوند", "GBP"),
    (r"جنيه(?:ات|اً|ا)?\s+(?:ال)?مصري(?:ة)?", "EGP"),
    (r"فرنك(?:ات|اً|ا)?\s+(?:ال)?سويسري(?:ة)?", "CHF"),
    (r"لير(?:ة|ات)\s+(?:ال)?تركي(?:ة)?", "TRY"),
    (r"ريال(?:ات|اً|ا)?\s+(?:ال)?قطري(?:ة)?", "QAR"),
    (r"ريال(?:ات|اً|ا)?\s+(?:ال)?عماني(?:ة)?", "OMR"),
    (r"ريال(?:ات|اً|ا)?(?:\s+(?:ال)?سعودي(?:ة)?)?", "SAR"),
    (r"درهم(?:اً|ا)?(?:\s+(?:ال)?[إا]ماراتي(?:ة)?)?|دراهم", "AED"),
    (r"دينار(?:اً|ا)?\s+(?:ال)?[أا]ردني(?:ة)?", "JOD"),
    (r"دينار(?:اً|ا)?\s+(?:ال)?كويتي(?:ة)?", "KWD"),
    (r"ين\s+(?:ال)?ياباني", "JPY"),
    (r"يوان", "CNY"),
    (r"وون\s+(?:ال)?كوري", "KRW"),
    (r"رينغيت|رينجت", "MYR"),
    (r"شيكل|شيقل|شواكل", "ILS"),
    (r"فورنت|فورينت", "HUF"),
)
_CURRENCY = re.compile("|".join(f"(?P<c{i}>{form})" for i, (form, _) in enumerate(_CURRENCY_FORMS)), re.IGNORECASE)

# A number as calls write it: 1,200 · 1.200 (continental) · 1 200 · 1200.50 · 6,5 is not money.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?![\d,])|\d{1,3}(?: \d{3})+(?![\d.,])|\d+(?:\.\d+)?"
# Scale words after a number, or alone in Arabic ("ألف دولار").
_SCALES = {"k": 1000, "thousand": 1000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000, "bn": 10**9,
           "billion": 10**9, "ألف": 1000, "الف": 1000, "آلاف": 1000, "الاف": 1000, "ألفا": 1000, "مليون": 1_000_000,
           "ملايين": 1_000_000, "مليار": 10**9}
_ARABIC_ALONE = {"ألف": 1000, "الف": 1000, "ألفي": 2000, "ألفين": 2000, "ألفا": 2000, "ألفان": 2000,
                 "مئة": 100, "مائة": 100, "مليون": 1_000_000, "مليوني": 2_000_000, "مليونين": 2_000_000}
_SCALE = r"(?:\s?(?P<scale>k|thousand|million|mn|m|bn|billion)(?![A-Za-z])|\s(?P<ascale>ألف|الف|آلاف|الاف|مليون|ملايين|مليار)(?![\u0600-\u06ff]))?"
_AMOUNT_NUMBER = re.compile(rf"(?P<number>{_NUMBER}){_SCALE}", re.IGNORECASE)
_ALONE = re.compile(r"(?<![\u0600-\u06ff\d])(?:[وب]?)(?P<word>" + "|".join(sorted(_ARABIC_ALONE, key=len, reverse=True))
                    + r")(?![\u0600-\u06ff])")

_UP_TO = re.compile(r"(?:up\s*to|upto|a\s+maximum\s+of|maximum\s+of|maximum|max\.?|not\s+exceeding|at\s+most|as\s+much\s+as|"
                    r"no\s+more\s+than|حتى|لغاية|يصل\s+[إا]لى|تصل\s+[إا]لى|يصل\s+حتى|تصل\s+حتى|بحد\s+[أا]قصى|"
                    r"بحد\s+[أا]على|بما\s+لا\s+يتجاوز|لا\s+يتجاوز|لا\s+تتجاوز|[إا]لى\s+حد)\s*:?\s*$", re.IGNORECASE)
_AT_LEAST = re.compile(r"(?:at\s+least|a\s+minimum\s+of|minimum\s+of|starting\s+at|لا\s+يقل\s+عن|لا\s+تقل\s+عن|"
                       r"ابتداء\s+من)\s*:?\s*$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:–|—|-|to|and|[إا]لى|الى|و|حتى)\s*", re.IGNORECASE)
_FEE_BEFORE = re.compile(r"(?:application|registration|processing|entry)\s+fees?|fees?\s+of|رسوم\s+(?:ال)?(?:تقديم|طلب|تسجيل)|"
                         r"(?:بطاقة|طلب)\s+(?:ال)?التحاق",
                         re.IGNORECASE)

_PERIOD_AFTER = (
    ("month", re.compile(r"^\s*(?:/\s*mo(?:nth)?\b|per\s+month|a\s+month|each\s+month|every\s+month|monthly|"
                         r"p\.?\s?m\.?(?![a-z])|شهري(?:اً|ا|ة)?|في\s+الشهر|بالشهر|كل\s+شهر|لكل\s+شهر|للشهر|شهر(?:ي)?ا)",
                         re.IGNORECASE)),
    ("year", re.compile(r"^\s*(?:/\s*y(?:ea)?r\b|per\s+(?:academic\s+)?year|a\s+year|each\s+year|every\s+year|per\s+annum|"
                        r"p\.?\s?a\.?(?![a-z])|annually|yearly|سنوي(?:اً|ا|ة)?|في\s+السنة|بالسنة|كل\s+سنة|لكل\s+سنة|"
                        r"للسنة|في\s+العام|كل\s+عام|لكل\s+عام|عن\s+كل\s+سنة)", re.IGNORECASE)),
    ("semester", re.compile(r"^\s*(?:per\s+semester|a\s+semester|each\s+semester|per\s+term|لكل\s+فصل|في\s+الفصل|"
                            r"فصلي(?:اً|ا)?)", re.IGNORECASE)),
    ("week", re.compile(r"^\s*(?:per\s+week|a\s+week|weekly|/\s*week|أسبوعي(?:اً|ا)?|في\s+الأسبوع)", re.IGNORECASE)),
)
_PERIOD_BEFORE = (
    ("month", re.compile(r"(?:monthly|month|شهرية|شهري|شهريا)\b[^.\n\d،,]{0,40}$", re.IGNORECASE)),
    ("year", re.compile(r"(?<!نصف )(?:annual|yearly|annually|سنوية|سنوي|سنويا)\b[^.\n\d،,]{0,40}$", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Amount:
    """A sum of money a call states: `minimum`..`maximum` in `currency` (ISO 4217) per `period`
    ("month", "year", "semester", "week", or "" when not said). "up to X" has no minimum; a single
    figure is both; `text` holds the words it was read from."""

    minimum: Decimal | None
    maximum: Decimal | None
    currency: str
    period: str
    text: str

    def as_dict(self) -> dict:
        return {"min": _plain(self.minimum), "max": _plain(self.maximum), "currency": self.currency,
                "period": self.period, "text": self.text}

    @classmethod
    def from_dict(cls, raw: dict) -> Amount:
        return cls(_decimal(raw.get("min")), _decimal(raw.get("max")), str(raw.get("currency") or ""),
                   str(raw.get("period") or ""), str(raw.get("text") or ""))


def _plain(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def fold_digits(text: str) -> str:
    """Western digits for Arabic-Indic ones, and the Arabic thousands and decimal marks, 1:1."""
    return text.translate(_DIGITS)


def parse_number(text: str) -> Decimal | None:
    """A written number ("1,200", "1.200", "1 200", "١٢٠٠", "20k", "1.5 million", "5 آلاف", "ألف") or None."""
    text = fold_digits(text).strip()
    alone = _ALONE.fullmatch(text)
    if alone:
        return Decimal(_ARABIC_ALONE[alone.group("word")])
    match = _AMOUNT_NUMBER.fullmatch(text)
    return _value(match) if match else None


def _value(match: re.Match) -> Decimal | None:
    raw = match.group("number")
    if "," in raw:
        raw = raw.replace(",", "")
    elif " " in raw:
        raw = raw.replace(" ", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    scale = (match.group("scale") or match.group("ascale") or "").lower()
    return value * _SCALES[scale] if scale else value


def _currency_at(match: re.Match) -> str:
    for name, value in match.groupdict().items():
        if value is not None:
            return _CURRENCY_FORMS[int(name[1:])][1]
    return ""


def _is_word_edge(text: str, start: int, end: int) -> bool:
    """A currency word must stand alone ("dollars", not "dollarstore"); signs need no edge."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    word = text[start:end]
    if not word[:1].isalpha():
        return True
    return not (before.isalpha() and before.isascii() == word[0].isascii()) and not (
        after.isalpha() and after.isascii() == word[-1].isascii()) or word[-1] in "$€£₺"


def _is_code_in_lower_case(word: str) -> bool:
    """"try", "eur": an ISO code is written in capitals; in lower case it is an ordinary word."""
    return word.isascii() and word.isalpha() and len(word) <= 3 and not word.isupper() and word.lower() != "yen"


def _currencies(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _currency_at(m)) for m in _CURRENCY.finditer(text)
            if _is_word_edge(text, m.start(), m.end()) and not _is_code_in_lower_case(m.group())]


def _numbers(text: str) -> list[tuple[int, int, Decimal]]:
    found = []
    for match in _AMOUNT_NUMBER.finditer(text):
        start = match.start()
        if start > 0 and (text[start - 1].isalnum() and text[start - 1].isascii() or text[start - 1] in ".,"):
            continue   # the tail of a word or of a bigger number
        value = _value(match)
        if value is not None:
            found.append((start, match.end(), value))
    taken = [(s, e) for s, e, _ in found]
    for match in _ALONE.finditer(text):
        if not any(s <= match.start("word") < e for s, e in taken):
            found.append((match.start("word"), match.end("word"), Decimal(_ARABIC_ALONE[match.group("word")])))
    return sorted(found)


# What a student pays rather than receives ("tuition fees are 50,000 AED a year", «تكلفة الساعة المعتمدة
# 1300 شيكل»): a cost word just before the sum, with no word of an award between them.
_COST_BEFORE = re.compile(r"(?:fees?|costs?|price|charges?|tuition\s+is|رسوم|تكلفة|تكاليف|سعر|بقيمة\s+الرسوم)"
                          r"(?:(?!covers?|award|scholarship|grant|stipend|allowance|discount|waiver|تغطي|يغطي|تغطية|منحة|"
                          r"خصم|بدل|مكافأة|راتب|تمويل|إعفاء)[^.\n\d])*$", re.IGNORECASE)


def _is_cost(head: str) -> bool:
    return bool(_COST_BEFORE.search(head))


def _is_fee(head: str) -> bool:
    """"application fee of $50": the nearest words before the sum name a fee (no other figure between)."""
    fees = list(_FEE_BEFORE.finditer(head))
    return bool(fees) and not any(c.isdigit() for c in head[fees[-1].end():])


def _period(text: str, before_end: int, after_start: int) -> str:
    tail = text[after_start:after_start + 40]
    for period, pattern in _PERIOD_AFTER:
        if pattern.match(tail):
            return period
    head = text[max(0, before_end - 60):before_end]
    for period, pattern in _PERIOD_BEFORE:
        if pattern.search(head):
            return period
    return ""


def find_amounts(text: str, limit: int = 4) -> tuple[Amount, ...]:
    """Every sum of money `text` states with a currency (at most `limit`, in order), leaving out
    application fees; each with its bounds, currency and period."""
    text = fold_digits(text)
    numbers = _numbers(text)
    currencies = _currencies(text)
    found: list[Amount] = []
    used_until = -1
    for index, (start, end, value) in enumerate(numbers):
        if start < used_until:
            continue
        currency = _adjacent_currency(text, start, end, currencies)
        if currency is None:
            # "2,000–5,000 EUR", "between 2000 and 5000 euros": the currency comes after the second figure
            ranged = _bare_range(text, end, numbers[index + 1:], currencies)
            if ranged is None:
                continue
            code, upper, span_end = ranged
            span_start = start
            minimum, maximum = (value, upper) if upper > value else (upper, upper)
        else:
            code, first, last = currency
            span_start, span_end = min(first, start), max(last, end)
            minimum, maximum = value, value
            # a range: "£2,000–£5,000", "€2,000 to 5,000"
            follow = _range_end(text, span_end, numbers, currencies, code)
            if follow is not None:
                upper, span_end = follow
                if upper > value:
                    maximum = upper
        head = text[max(0, span_start - 40):span_start]
        if _is_fee(head[-25:]) or _is_cost(text[max(0, span_start - 80):span_start]):
            used_until = span_end
            continue
        if minimum == maximum and _UP_TO.search(head):
            minimum = None
        elif minimum == maximum and (_AT_LEAST.search(head) or text[span_end:span_end + 1] == "+"):
            maximum = None   # "at least 500 euros", "$30,000+"
        period = _period(text, span_start, span_end)
        found.append(Amount(minimum, maximum, code, period, " ".join(text[span_start:span_end].split())))
        used_until = span_end
        if len(found) >= limit:
            break
    return tuple(found)


def _adjacent_currency(text: str, start: int, end: int,
                       currencies: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """The currency written right before ("€1,200", "USD 500") or right after ("1200 يورو") a number."""
    for c_start, c_end, code in currencies:
        if c_end <= start and not text[c_end:start].strip() and start - c_end <= 2:
            return code, c_start, c_end
        if c_start >= end and not text[end:c_start].strip() and c_start - end <= 2:
            return code, c_start, c_end
    return None


def _bare_range(text: str, end: int, later, currencies) -> tuple[str, Decimal, int] | None:
    """(currency, upper bound, end) when a bare figure is joined to a later figure with a currency."""
    join = _RANGE_JOIN.match(text[end:end + 12])
    if not join or not later or later[0][0] != end + join.end():
        return None
    start, stop, upper = later[0]
    currency = _adjacent_currency(text, start, stop, currencies)
    if currency is None or currency[1] < start:
        return None   # "500-€1,000" is not read: its first figure's currency is not written
    return currency[0], upper, currency[2]


def _range_end(text: str, after: int, numbers, currencies, code: str) -> tuple[Decimal, int] | None:
    join = _RANGE_JOIN.match(text[after:after + 12])
    if not join:
        return None
    position = after + join.end()
    for c_start, c_end, c_code in currencies:
        if c_start == position and c_code == code:
            position = c_end
            while position < len(text) and text[position] == " ":
                position += 1
            break
    for start, end, value in numbers:
        if start == position:
            for c_start, c_end, c_code in currencies:
                if c_code == code and c_start >= end and not text[end:c_start].strip() and c_start - end <= 2:
                    return value, c_end
            return value, end
    return None
