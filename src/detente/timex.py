"""Temporal expressions: find them in text and normalize them the TimeML way.

The tagger is rule-based, like HeidelTime: patterns find DATE, TIME, DURATION and SET
expressions with TimeML extents (determiners and modifiers such as "the past", "early",
"about" belong to the expression; prepositions such as "in", "within", "over" do not), and
each is normalized relative to the document creation time (the article's publication
date). A time of day also gets a real instant: the zone comes from the expression ("GMT",
"UTC", "Kyiv time") or, for "local time" and bare hours, from the place the sentence is
about (the caller passes a function that gives the time zone of a character offset). When
an hour is given twice ("1:00 PM local time (1000 GMT)") the two must name the same
instant; if they do not, the explicit UTC figure wins and the value's confidence drops.

Direction comes from tense: "Monday" in a clause about the future is the next Monday, in a
report of the past the last one (the anchor's own weekday is the anchor day itself: wire
stories say "said Friday" on Friday). The tense is supplied by the caller per offset.

Context: "the quarter" and "a year earlier" in financial news refer to the quarter last
named in the article; the tagger keeps that reference as it reads.

Bad input never raises: an impossible date ("February 30") or a year outside 1000-2999
gives no value; without an anchor, relative expressions keep a TimeML underspecified value
("XXXX-06-02", "PAST_REF") with precision "unanchored" and confidence 0.3.

It relies only on the standard library (re, datetime, zoneinfo).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from detente.vocabulary import Evidence, Span, TimeValue

EXTRACTOR = "detente.timex"
VERSION = "0.2.0"
UNANCHORED_CONFIDENCE = 0.3
YEAR_RANGE = (1000, 2999)

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    **ONES,
    **TEENS,
    **TENS,
    "hundred": 100,
    "a hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a couple of": 2,
    "couple of": 2,
    # vague amounts: TimeML writes X for the number
    "several": 0,
    "a few": 0,
    "few": 0,
    "many": 0,
    "some": 0,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
# unit -> (TimeML code, is a time unit (PT...), multiplier)
UNITS = {
    "second": ("S", True, 1),
    "minute": ("M", True, 1),
    "hour": ("H", True, 1),
    "day": ("D", False, 1),
    "night": ("D", False, 1),
    "week": ("W", False, 1),
    "month": ("M", False, 1),
    "quarter": ("Q", False, 1),
    "year": ("Y", False, 1),
    "decade": ("Y", False, 10),
    "century": ("Y", False, 100),
    "centurie": ("Y", False, 100),
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
UTC_NAMES = {"gmt", "utc", "z", "zulu"}
# Zone abbreviations news uses; names of cities are looked up by the caller ("Kyiv time").
ZONE_ABBREVIATIONS = {
    "gmt": "UTC",
    "utc": "UTC",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "eet": "Europe/Kyiv",
    "eest": "Europe/Kyiv",
    "msk": "Europe/Moscow",
    "est": "America/New_York",
    "edt": "America/New_York",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "trt": "Europe/Istanbul",
}
BOUNDS = {
    "at least": "minimum",
    "no less than": "minimum",
    "more than": "minimum",
    "up to": "maximum",
    "at most": "maximum",
    "no more than": "maximum",
    "less than": "maximum",
    "about": "approximate",
    "around": "approximate",
    "nearly": "approximate",
    "almost": "approximate",
    "roughly": "approximate",
    "approximately": "approximate",
}
# Said of a duration but not part of its TimeML extent: the bound is kept.
OUTSIDE_BOUNDS = {"within": "maximum", "over": None, "for": None, "in": None, "during": None}


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


_SPELLED = rf"(?:(?:{_alt(TENS)})(?:[\s-](?:{_alt(ONES)}))?|{_alt(TEENS)}|{_alt(ONES)})"
_NUM_WORDS = _alt(k for k in NUMBER_WORDS if not k.isalpha() or k not in ONES)
_NUM = (
    rf"(?:\d+(?:[.,]\d+)?|(?:{_SPELLED}|a)\s+(?:hundred|thousand)(?:\s+and\s+{_SPELLED})?"
    rf"|{_SPELLED}|{_NUM_WORDS})"
)
_UNIT = r"(?:second|minute|hour|day|night|week|month|quarter|year|decade|centur(?:y|ie))s?"
_MONTH = (
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\b|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?)"
)
_CMONTH = (  # capitalised full month names and abbreviations: "May" but not "may"
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# "two thousand years" is a stretch, not the year 2000
_UNIT_PLURALS = r"(?:second|minute|hour|day|week|month|year|decade)s|centuries"
_YEAR = (
    r"(?:(?<![\d$.,])(?:1[0-9]|20)\d\d(?![\d%]|[.,]\d|-\d)"
    rf"|nineteen[\s-](?:{_SPELLED}|hundred)"
    rf"|two thousand(?:\s+and\s+{_SPELLED}|(?![\s-]+(?:{_UNIT_PLURALS})\b)))"
)
_DAYNUM = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_alt(ORDINALS)})"
_MOD = (
    r"(?:(?P<mod>early|mid|late|earlier|later|the end of|the beginning of|the start of"
    r"|the middle of|the first half of|the second half of|the last half of|the rest of"
    r"|sometime|end of|around)[\s-]+)?"
)
_CLOCK = (
    r"(?:(?:around|about|approximately)\s+)?(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)"
    r"|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?=\s*(?:gmt|utc|hrs|hours|z\b|local))"
    r"|(?P<noon>noon|midday|midnight)"
    r"|(?P<hp>\d{1,2})(?::(?P<mp>[0-5]\d))?\s+(?:o'clock\s+)?"
    r"(?P<inpart>in\s+the\s+(?:morning|afternoon|evening)|at\s+night))"
)
_ZONE = (
    r"(?:\s*(?P<zone>local\s+time|gmt|utc|z(?=\W)|"
    + "|".join(k for k in ZONE_ABBREVIATIONS if k not in UTC_NAMES)
    + r"|(?P<cityzone>[A-Z][a-z]+)\s+time)\b)?"
)
_BOUND = r"(?:(?P<bound>" + _alt(BOUNDS) + r")\s+)?"
_OUT = r"(?:\b(?P<out>within|over|for|during)\s+)?"
_REL = (
    r"(?P<rel>(?<=of )the|this|last|next|past|coming|current|previous|following|present|this past"
    r"|the past|the last|the next|the coming|the current|the previous|the following"
    r"|the present)"
)
_QUARTER_MODS = (
    r"(?:latest|current|comparable|year-earlier|year-ago|year earlier|year ago|fiscal"
    r"|recent|most recent|just-ended|just ended|previous|prior|preceding|same|flat"
    r"|corresponding|final|calendar)"
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # June 2, 2025 / Sept. 30 / Friday, Oct. 13 / the 2nd of June
    (
        "md",
        re.compile(
            rf"\b{_MOD}(?:(?P<mdrel>last|next|this past|this coming)\s+)?"
            rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<month>{_MONTH})\s+(?P<day>{_DAYNUM})\b"
            rf"(?:,?\s+(?P<year>{_YEAR}))?",
            re.I,
        ),
    ),
    (
        "dm",
        re.compile(
            rf"\b{_MOD}(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>{_DAYNUM})\s+(?:of\s+)?"
            rf"(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?",
            re.I,
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    # [early] June [2025|last year|this year]; last April; each July (SET)
    (
        "month",
        re.compile(
            rf"(?i:\b{_MOD}(?:(?P<rel>last|next|this|this past|each|every)\s+)?)"
            rf"\b(?P<month>{_CMONTH})(?:,?\s+(?P<year>{_YEAR})"
            rf"|(?i:\s+(?P<yrel>last|this|next)\s+year))?",
        ),
    ),
    # [early] 1990, fiscal 1989, the end of 1990
    (
        "year",
        re.compile(
            rf"\b{_MOD}(?:(?P<fiscal>fiscal(?:\s+year)?|(?:the\s+)?year)\s+)?(?P<year>{_YEAR})\b",
            re.I,
        ),
    ),
    # the 1990s, the late '80s, the nineties, the 20th century
    (
        "decade",
        re.compile(
            r"\b(?:the\s+)?(?:(?P<mod>early|mid|late|last half of the|first half of the)[\s-]+)?"
            r"(?:(?P<dec>(?:1[0-9]|20)\d0)'?s|'(?P<short>\d0)s"
            r"|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b"
            r"|\b(?:the\s+)?(?P<cent>\d{1,2})(?:st|nd|rd|th)\s+century\b",
            re.I,
        ),
    ),
    # [spring|summer|fall|winter] [of 1994]; this summer; last fall
    (
        "season",
        re.compile(
            rf"\b{_MOD}(?:(?P<rel>this past|this|last|next|the|coming|the coming|the past"
            r"|the last|the next|the same)\s+)?"
            rf"(?:(?P<early>early|late|mid)[\s-]+)?(?P<season>spring|summer|fall|autumn|winter)\b"
            rf"(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?",
            re.I,
        ),
    ),
    # the first two quarters of 1990: a half year, not a stretch of two quarters
    (
        "halfyear",
        re.compile(
            rf"\b{_BOUND}the\s+(?P<which>first|last|second)\s+two\s+quarters\s+of\s+"
            r"(?:fiscal\s+)?(?P<year>(?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    # third-quarter, the third quarter, the latest quarter, the year-earlier period
    (
        "quarter",
        re.compile(
            r"\b(?:(?P<det>the|this|that|its|their|a|this year's|last year's|next year's"
            r"|year-earlier|year-ago)\s+)?"
            rf"(?P<mods>(?:{_QUARTER_MODS}[\s-]+)*)(?:(?P<qyear>(?:19|20)\d\d)\s+)?"
            rf"(?:(?P<mods2>(?:{_QUARTER_MODS}[\s-]+)*))"
            r"(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?:fiscal[\s-]+)?)?"
            r"(?P<q>quarter|period)s?\b(?!-)"
            rf"(?:\s+(?:of\s+)?(?P<qyear2>(?:19|20)\d\d)\b|(?P<ago>\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year\b(?!'))))?",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b{_MOD}(?:(?P<rel>last|next|this|this coming|this past|on|each|every"
            r"|the following|the previous)\s+)?"
            rf"(?P<weekday>{_WEEKDAY})(?P<plural>s)?"
            rf"(?:\s+(?P<part>morning|afternoon|evening|night)(?P<pplural>s)?)?\b",
            re.I,
        ),
    ),
    (
        "deictic",
        re.compile(
            r"\b(?:(?P<mod>early|late|earlier|later)\s+)?(?P<deictic>today|tomorrow|yesterday|tonight"
            r"|the day after tomorrow|the day before yesterday)"
            r"(?:\s+(?P<part>morning|afternoon|evening|night))?\b",
            re.I,
        ),
    ),
    (
        "part",
        re.compile(
            r"\b(?:(?P<mod>early|late|earlier|later|mid)[\s-]+)?"
            r"(?:(?P<rel>this|last|that|the)[\s-]+)?(?P<part>morning|afternoon|evening|night)\b"
            rf"(?:\s+(?P<pday>yesterday|today|tomorrow|{_WEEKDAY})\b)?",
            re.I,
        ),
    ),
    # that year, later that day, the following month, the next morning: told of a date
    # the story named before, not of the article's
    (
        "narrative",
        re.compile(
            r"\b(?:(?P<mod>earlier|later|early|late)\s+)?(?:(?P<that>that)\s+(?:same\s+)?"
            r"(?P<unit>year|month|week|day|morning|afternoon|evening|night)"
            r"|the\s+(?P<dir>following|previous|preceding)\s+"
            r"(?P<unit2>year|month|week|day|morning|afternoon|evening|night)"
            r"|the\s+(?P<next>next)\s+(?P<unit3>day|morning|afternoon|evening|night))\b",
            re.I,
        ),
    ),
    (
        "relunit",
        re.compile(
            rf"\b{_MOD}{_REL}\s+(?P<unit>week|month|year|weekend|decade|century|fiscal year)\b",
            re.I,
        ),
    ),
    # Christmas, New Year's Day, Thanksgiving (fixed and rule-based US/Western holidays)
    (
        "holiday",
        re.compile(
            r"\b(?P<holiday>Christmas(?:\s+Day|\s+Eve)?|New\s+Year's(?:\s+Day|\s+Eve)"
            r"|Independence\s+Day|Halloween|Valentine's\s+Day|Veterans\s+Day|Thanksgiving(?:\s+Day)?"
            r"|Memorial\s+Day|Labor\s+Day|Election\s+Day|Easter(?:\s+Sunday)?)\b"
            rf"(?:,?\s+(?P<year>{_YEAR}))?(?P<week>\s+week\b)?",
        ),
    ),
    # the year ended March 31 (a duration), for the full year, the fiscal year (that year)
    (
        "theyear",
        re.compile(
            rf"\b{_MOD}the\s+(?P<adj>(?:fiscal|full|current|latest fiscal|latest|calendar)\s+)?"
            r"year\b(?P<ended>(?=\s+(?:ended|ending|to)\b))?(?!-)",
            re.I,
        ),
    ),
    (
        "yearend",
        re.compile(r"\b(?:around\s+)?(?:year[- ]end|year's end)\b(?!-)", re.I),
    ),
    ("yearago", re.compile(r"\b(?:year-earlier|year-ago|year earlier)\b", re.I)),
    ("weekend", re.compile(r"\b(?P<rel>the)\s+weekend\b", re.I)),
    # "For the week, the index fell": a week the text does not pin down (not "the week
    # of March 6", "the week before", "the week ahead": those are told by what follows)
    (
        "theweek",
        re.compile(
            r"\bthe\s+week\b(?!-|\s+(?:of|before|after|ahead|earlier|later|that|when|in|to"
            r"|ending|ended|through|starting|beginning|following|preceding)\b)",
            re.I,
        ),
    ),
    # a year ago, two weeks earlier, about three days ago
    (
        "ago",
        re.compile(
            rf"\b{_BOUND}(?P<num>{_NUM})\s+(?P<unit>{_UNIT})(?:\s+or\s+so)?\s+"
            r"(?P<dir>ago|earlier|later|hence|from now)\b",
            re.I,
        ),
    ),
    # 30 days, the past two months, a 72-hour truce, the first nine months
    (
        "duration",
        re.compile(
            rf"{_OUT}(?P<t>\b{_BOUND}(?:(?:each\s+of\s+)?(?:the|its|their)\s+)?"
            r"(?:(?P<dir>past|last|next|first|coming|following|latest|previous|final|remaining|initial|"
            r"year-earlier|year-ago|preceding|ensuing|subsequent|latest|additional|further)\s+)?"
            rf"(?P<halfa>half\s+(?=an?\s))?(?P<num>{_NUM})(?P<half>\s+1/2|\s+and\s+a\s+half)?(?:\s+(?:or\s+so|to\s+{_NUM}))?[\s-]+(?:more\s+|additional\s+|full\s+|trading\s+|business\s+|straight\s+|consecutive\s+)?"
            rf"(?P<unit>{_UNIT})(?P<half2>\s+and\s+a\s+half)?(?:[\s-](?:long|old))?\b"
            r"(?:\s+or\s+so)?)",
            re.I,
        ),
    ),
    # for years, in recent months, the coming weeks, several more years
    (
        "vague",
        re.compile(
            r"(?:\b(?P<out>for|over|in|within)\s+)?(?P<t>\b(?:the\s+)?(?:(?P<rel>recent|coming|past"
            r"|last|next|following|ensuing|early|first|final|future)\s+)?"
            r"(?P<unit>hours|days|weeks|months|years|decades|quarters|centuries))\b",
            re.I,
        ),
    ),
    # a day-long meeting, a decades-long feud
    (
        "long",
        re.compile(
            r"\b(?P<unit>(?:second|minute|hour|day|night|week|month|year|decade)s?|century"
            r"|centuries)-long\b",
            re.I,
        ),
    ),
    ("clock", re.compile(rf"\b(?:at\s+)?{_CLOCK}{_ZONE}", re.I)),
    # "It's the second day of the strike", "today is the eighth day": the article's day
    (
        "nthday",
        re.compile(
            r"\b(?:it's|it\s+is|today\s+is|this\s+is)\s+(?P<t>the\s+(?:second|third|fourth"
            r"|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+(?:straight\s+"
            r"|consecutive\s+|full\s+)?day)\b",
            re.I,
        ),
    ),
    # "the past three summers", "winters": each of them, a SET of the season
    (
        "seasons",
        re.compile(
            rf"\b(?:the\s+)?(?:past|last|next|coming|previous)\s+(?:{_NUM})\s+"
            r"(?P<seasons>spring|summer|autumn|winter)s\b(?!')",
            re.I,
        ),
    ),
    # "for a while", "for a fairly lengthy period": a stretch of no stated unit (PXX)
    (
        "while",
        re.compile(
            r"(?<=\bfor\s)(?P<while>a\s+(?:little\s+|long\s+|short\s+)?while"
            r"|a\s+(?:(?:fairly|rather|very|relatively)\s+)?(?:long|lengthy|short|brief)"
            r"\s+(?:period|spell|stretch)(?:\s+of\s+time)?)\b(?!\s+of\s+(?!time))",
            re.I,
        ),
    ),
    (
        "ref",
        re.compile(
            r"\b(?P<ref>right now|just now|now|currently|at present|at the moment|these days"
            r"|nowadays"
            r"|(?:more\s+)?recently|lately|soon|as soon as possible|shortly"
            r"|then[\s-]current|current"
            r"|in the coming days|in recent days|(?:in\s+)?the past"
            r"|the\s+(?:near\s+|distant\s+)?future"
            r"|the (?:near|short|long) term|a later date|later date)\b",
            re.I,
        ),
    ),
    (
        "set",
        re.compile(
            r"\b(?P<set>daily|weekly|monthly|annually|yearly|hourly|nightly"
            r"|(?:once|twice|thrice|(?:\d+|two|three|four|five|six|several|many)\s+times)"
            r"\s+(?:a|an|per|each|every)\s+(?:day|week|month|year|quarter|hour|night)"
            r"|(?:every|each|per)\s+(?:single\s+)?(?:day|week|month|year|quarter|hour|night)"
            # every two years: P2Y; every other week: P2W; each spring: XXXX-SP
            rf"|every\s+(?P<every>other|{_SPELLED}|\d+)\s+(?P<eunit>days|weeks|months|years"
            r"|hours|minutes|decades|day|week|month|year)"
            r"|(?:every|each)\s+(?P<eseason>spring|summer|fall|autumn|winter))\b",
            re.I,
        ),
    ),
]
_UNIT_WORDS = (
    "second",
    "minute",
    "hour",
    "day",
    "night",
    "week",
    "month",
    "quarter",
    "year",
    "decade",
    "centur",
)
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Words one of which a pattern cannot match without: a pattern whose words are all absent
# from the (lower-cased) text is not run. Speed only; None: always run.
GATES: dict[str, tuple[str, ...] | None] = {
    "md": _MONTH_WORDS,
    "dm": _MONTH_WORDS,
    "iso": ("-",),
    "month": _MONTH_WORDS,
    "year": ("19", "20", "1", "nineteen", "two thousand"),
    "decade": ("0s", "0's", "ties", "century"),
    "season": ("spring", "summer", "fall", "autumn", "winter"),
    "quarter": ("quarter", "period"),
    "weekday": ("day",),
    "deictic": ("today", "tomorrow", "yesterday", "tonight"),
    "part": ("morning", "afternoon", "evening", "night"),
    "narrative": ("that", "following", "previous", "preceding", "next"),
    "relunit": (*_UNIT_WORDS, "weekend"),
    "theyear": ("year",),
    "yearend": ("year",),
    "halfyear": ("two quarters",),
    "yearago": ("year",),
    "weekend": ("weekend",),
    "theweek": ("the week",),
    "holiday": (
        "christmas",
        "new year",
        "independence",
        "halloween",
        "valentine",
        "veterans",
        "thanksgiving",
        "memorial",
        "labor",
        "easter",
        "election",
    ),
    "ago": ("ago", "earlier", "later", "hence", "from now"),
    "duration": _UNIT_WORDS,
    "vague": _UNIT_WORDS,
    "long": ("-long",),
    "while": ("while", "period", "spell", "stretch"),
    "seasons": ("springs", "summers", "autumns", "winters"),
    "nthday": ("day",),
    "clock": ("m", "noon", "midday", "midnight", ":", "gmt", "utc", "local", "night"),
    "ref": (
        "now",
        "current",
        "present",
        "moment",
        "days",
        "recent",
        "late",
        "soon",
        "shortly",
        "past",
        "future",
        "term",
        "later",
    ),
    "set": ("ly", "every", "each", "per", "once", "twice", "thrice", "times"),
}

REF_VALUES = {
    "now": "PRESENT_REF",
    "right now": "PRESENT_REF",
    "just now": "PRESENT_REF",
    "currently": "PRESENT_REF",
    "current": "PRESENT_REF",
    "then current": "PAST_REF",  # "the then current price": current at a time gone by
    "then-current": "PAST_REF",
    "at present": "PRESENT_REF",
    "at the moment": "PRESENT_REF",
    "these days": "PRESENT_REF",
    "nowadays": "PRESENT_REF",
    "recently": "PAST_REF",
    "lately": "PAST_REF",
    "recent days": "PAST_REF",
    "the past": "PAST_REF",
    "past": "PAST_REF",
    "a later date": "FUTURE_REF",
    "soon": "FUTURE_REF",
    "shortly": "FUTURE_REF",
    "as soon as possible": "FUTURE_REF",
    "the coming days": "FUTURE_REF",
    "future": "FUTURE_REF",
    "term": "FUTURE_REF",
    "later date": "FUTURE_REF",
}
SET_VALUES = {
    "day": "P1D",
    "night": "P1D",
    "week": "P1W",
    "month": "P1M",
    "quarter": "P1Q",
    "year": "P1Y",
    "hour": "PT1H",
    "daily": "P1D",
    "nightly": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "quarterly": "P1Q",
    "annually": "P1Y",
    "yearly": "P1Y",
    "hourly": "PT1H",
}


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    match: re.Match[str]


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    zone: str | None  # an IANA name, "UTC", "local", "city:<name>", or None when not said
    start: int
    end: int


@dataclass
class _State:
    """What the article has said so far that later expressions lean on."""

    quarter: tuple[int, int] | None = None  # (year, quarter) last named
    day: date | None = None  # the calendar day last named ("Friday", "Oct. 23")
    day_at: int = -1  # where that day was named
    quarter_at: int = -1  # where that quarter was named
    told: str | None = None  # the last calendar value told ("1995-05-22", "1988", "1998-10")


ZoneOf = Callable[[int], str | None]
TenseOf = Callable[[int], str]


def spelled_number(words: str) -> int | None:
    """ "twenty four" -> 24, "seven" -> 7, "12" -> 12; None when it is not a number."""
    words = words.lower().strip()
    if words.replace(",", "").isdigit():
        return int(words.replace(",", ""))
    parts = re.split(r"[\s-]+", words)
    total = 0
    for part in parts:
        value = ONES.get(part) or TEENS.get(part) or TENS.get(part)
        if value is None:
            return None
        total += value
    return total


def spelled_year(text: str) -> int | None:
    """ "1996", "nineteen ninety-six", "two thousand", "two thousand and one" -> the year."""
    text = text.lower().strip()
    if text.isdigit():
        return int(text)
    if text.startswith("two thousand"):
        rest = re.sub(r"^two thousand(?:\s+and)?\s*", "", text)
        return 2000 + (spelled_number(rest) or 0 if rest else 0)
    m = re.match(r"nineteen[\s-]+(.+)", text)
    if m:
        if m.group(1) == "hundred":
            return 1900
        n = spelled_number(m.group(1))
        return 1900 + n if n is not None and n < 100 else None
    return None


def _number(word: str) -> float | None:
    """A count; 0 stands for a vague amount ("several"), None for no number."""
    word = re.sub(r"\s+", " ", word.lower())
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    big = re.fullmatch(r"(.+?)\s+(hundred|thousand)(?:\s+and\s+(.+))?", word)
    if big:  # "two thousand", "a hundred and fifty"
        head = 1 if big.group(1) == "a" else spelled_number(big.group(1))
        tail = spelled_number(big.group(3)) if big.group(3) else 0
        if head is None or tail is None:
            return None
        return float(head * (100 if big.group(2) == "hundred" else 1000) + tail)
    try:
        return float(word.replace(",", ""))
    except ValueError:
        n = spelled_number(word)
        return float(n) if n is not None else None


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _day_number(text: str) -> int | None:
    text = text.lower()
    if text in ORDINALS:
        return ORDINALS[text]
    digits = re.match(r"\d+", text)
    return int(digits.group()) if digits else None


TENSE_PENALTY = 120  # days: how much tense leans against a reading in the wrong direction
# days: news reports the past, so without a future cue (tense, a deadline word) a date ahead
# of the article counts this much further than one gone by ("the record set on Aug. 6" in a
# February story is last August's; "payable Dec. 15" in October is still ahead).
NEWS_LEAN = 100


def _nearest_year(candidates: dict[int, int], tense: str, *, lean: bool = False) -> int:
    """The year whose date lies nearest the anchor (`candidates`: year -> signed gap in
    days); a date on the side the tense speaks against counts TENSE_PENALTY days further.
    Clause tense is a weak cue for a bare date ("payable Dec. 15"), so it only tips
    readings that are close. With `lean` (no deadline word before the date), a date ahead
    counts NEWS_LEAN days further unless the tense is future."""

    def cost(item: tuple[int, int]) -> float:
        gap = item[1]
        penalty = (tense == "past" and gap > 0) or (tense == "future" and gap < 0)
        if penalty:
            return abs(gap) + TENSE_PENALTY
        if lean and tense != "future" and gap > 0:
            return gap + NEWS_LEAN
        return abs(gap)

    return min(candidates.items(), key=cost)[0]


def _year_for(
    month: int, day: int, anchor: date, tense: str, *, strict: bool = False, lean: bool = False
) -> int:
    """The year of a day-month without a year: the nearest one, nudged by tense ("last
    Oct. 23", `strict`: the one on the side the tense says)."""
    candidates: dict[int, int] = {}
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            gap = (date(year, month, day) - anchor).days
        except ValueError:
            continue
        if not strict or (gap <= 0 if tense == "past" else gap >= 0):
            candidates[year] = gap
    return _nearest_year(candidates, tense, lean=lean) if candidates else anchor.year


_SECOND_DAY = re.compile(
    r"\s+(?:and|or|to|through|-)\s+(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b"
    r"(?=\s*(?:[.,;:)!?'\"]|$|(?:in|at|on|and|or|to|for|with|when|while|as|after|before|but)\b))"
    r"(?![.,:]\d)",
    re.I,
)
_DAY_DIGITS = re.compile(r"\d{1,2}")
# A date after these words has already come: "the year ended March 31", "since February".
_SINCE = re.compile(r"\b(?:since|ended)\s+(?:(?:early|late|mid)[\s-]+)?$", re.I)
# A deadline or the end of a stretch ("through January", "until March") is not dated by the
# past tense of its clause ("has extended loans through January"): the nearest reading.
_UNTIL = re.compile(r"\b(?:through|until|till|by|before)\s+(?:(?:early|late|mid)[\s-]+)?$", re.I)
# The start of a schedule ("flights from Aug. 6", "effective Feb. 1") is no report of the past.
_STARTING = re.compile(r"\b(?:from|starting|beginning|effective)\s+$", re.I)
# Nor is an event the clause schedules: "the summit opens Oct. 15", "the vote is set for
# Nov. 30", "elections are due in November" (the present of a scheduled event is its future;
# "the record set on Aug. 6" is a past one).
_SCHEDULED = re.compile(
    r"\b(?:(?:scheduled|slated|planned|timed|expected)\s+(?:for|on|in)|set\s+for|due(?:\s+(?:on|in|by))?"
    # a verb, not a noun ("the end Oct. 30")
    r"|(?<!\bthe\s)(?<!\ba\s)(?<!\bits\s)(?<!'s\s)"
    r"(?:open|begin|start|end|expire|close|resume|convene|take\s+effect)s?(?:\s+(?:on|in))?"
    r"|takes\s+effect(?:\s+(?:on|in))?|deadline(?:\s+(?:is|of))?)\s+(?:(?:early|late|mid)[\s-]+)?$",
    re.I,
)


# A weekday after the present of a scheduled event is the coming one: "the leaders meet
# Monday", "talks resume on Tuesday", "the offer expires Friday".
_SCHEDULED_DAY = re.compile(
    r"(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bits\s)(?<!\btheir\s)(?<!'s\s)"  # not a noun
    r"\b(?:meet|open|begin|start|resume|convene|expire|close|end|take\s+effect)s?"
    r"(?:\s+[a-z]+ly)?(?:\s+on)?\s+$",
    re.I,
)


def _month_year(
    month: int, anchor: date, tense: str, rel: str | None, *, lean: bool = False
) -> int:
    """The year of a bare month name: "last April" is the April before the anchor's month,
    "next April" the one after; otherwise the nearest, nudged by tense."""
    if rel == "last" and month == (anchor.month - 2) % 12 + 1:
        # the month just gone is "last month"; "last February" in early March is the one a
        # year before
        return anchor.year - 1 if month < anchor.month else anchor.year - 2
    if rel in {"last", "this past", "since"}:
        return anchor.year if month < anchor.month else anchor.year - 1
    if rel == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if rel == "this":
        return anchor.year
    candidates = {
        year: (date(year, month, 15) - anchor).days
        for year in (anchor.year - 1, anchor.year, anchor.year + 1)
    }
    if month == anchor.month:
        return anchor.year
    if tense == "past":  # "bought RJR in February": the last February
        if month == anchor.month % 12 + 1:
            # the month just ahead is a plan told in the past ("said it would cut supplies
            # in September", in August), not eleven months gone
            return anchor.year if month > anchor.month else anchor.year + 1
        return anchor.year if month < anchor.month else anchor.year - 1
    if tense == "future":  # "a mission in December": the next December
        return anchor.year if month > anchor.month else anchor.year + 1
    return _nearest_year(candidates, tense, lean=lean)


# A planning verb earlier in the clause of a weekday: the plan's day is the nearest such
# day, ahead or gone by ("Protesters planned a march on Saturday" in a Friday story is
# the next day; "a service planned for Saturday was canceled" in a Sunday story, the day
# before).
_PLANNED_BEFORE = re.compile(
    r"(?<!previously\s)\b(?:planned|planning|plans?\s+to|scheduled|scheduling)\b[^.,;:!?]{0,80}$",
    re.I,
)


def _weekday(anchor: date, weekday: int, rel: str | None, tense: str) -> date:
    delta = weekday - anchor.weekday()
    if rel in {"next", "this coming", "the following"}:
        return anchor + timedelta(days=delta if delta > 0 else delta + 7)
    if rel in {"last", "this past", "the previous"}:
        return anchor + timedelta(days=delta if delta < 0 else delta - 7)
    if delta == 0:
        return anchor  # "said Friday" in a story dated Friday
    if tense == "nearest":  # a plan told without saying whether its day is past
        return anchor + timedelta(
            days=delta - 7 if delta > 3 else delta + 7 if delta < -3 else delta
        )
    if tense == "future":
        return anchor + timedelta(days=delta if delta > 0 else delta + 7)
    if tense == "past":
        return anchor + timedelta(days=delta if delta < 0 else delta - 7)
    if rel == "this":
        return anchor + timedelta(days=delta)
    # Present or unknown: news mostly reports the week gone by, so the last such day,
    # unless it is the day after the article's ("Monday" in a Sunday story).
    forward = delta if delta >= 0 else delta + 7
    return anchor + timedelta(days=forward if forward == 1 else forward - 7)


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _clock(match: re.Match[str], start: int, end: int) -> _Clock:
    g = match.groupdict()
    if g.get("h"):
        hour, minute = int(g["h"]) % 12, int(g["m"] or 0)
        if g["ampm"].lower().startswith("p"):
            hour += 12
    elif g.get("h24"):
        hour, minute = int(g["h24"]), int(g["m24"])
    elif g.get("hp"):  # "4 in the morning", "9 at night"
        hour, minute = int(g["hp"]) % 12, int(g["mp"] or 0)
        part = g["inpart"].lower()
        if "afternoon" in part or "evening" in part or ("night" in part and hour >= 6):
            hour += 12
    elif g.get("mil"):
        hour, minute = int(g["mil"][:2]), int(g["mil"][2:])
    else:
        # TimeML: "midnight Friday" is the end of Friday, T24:00
        hour, minute = (24, 0) if g["noon"].lower() == "midnight" else (12, 0)
    zone_text = re.sub(r"\s+", " ", (g.get("zone") or "").lower())
    zone: str | None
    if not zone_text:
        zone = None
    elif zone_text.startswith("local"):
        zone = "local"
    elif zone_text in UTC_NAMES:
        zone = "UTC"
    elif g.get("cityzone"):
        zone = "city:" + g["cityzone"]
    else:
        zone = ZONE_ABBREVIATIONS.get(zone_text)
    return _Clock(hour, minute, zone, start, end)


def _zoneinfo(name: str | None) -> ZoneInfo | None:
    """The zone of an IANA name; None for an unknown or malformed name (never raises)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _valid_year(year: int | None) -> bool:
    return year is not None and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


class TimeTagger:
    """Finds and normalizes temporal expressions in one article's text.

    `zone_of(offset)` gives the IANA time zone of the place a sentence is about, and
    `city_zone(name)` the zone of a city named in "Kyiv time"; `tense_of(offset)` gives
    "past", "present" or "future" for the clause at that offset. All are optional.
    """

    def __init__(
        self,
        *,
        zone_of: ZoneOf | None = None,
        tense_of: TenseOf | None = None,
        city_zone: Callable[[str], str | None] | None = None,
    ) -> None:
        self.zone_of = zone_of or (lambda _offset: None)
        self.tense_of = tense_of or (lambda _offset: "present")
        self.city_zone = city_zone or (lambda _name: None)

    def tag(self, text: str, *, article_id: str, anchor: date | None) -> list[TimeValue]:
        """Every temporal expression of `text`, normalized against `anchor` (the article's
        publication date; None when it is unknown: relative values stay underspecified)."""
        hits = self._find(text)
        state = _State()
        values: list[TimeValue] = []
        i = 0
        while i < len(hits):
            value, consumed = self._normalize(text, article_id, hits, i, anchor, state)
            if value is not None:
                values.append(value)
                if hits[i].kind in _TOLD_KINDS and re.fullmatch(
                    r"\d{4}(?:-\d\d(?:-\d\d)?)?", value.value[:10]
                ):
                    state.told = value.value[:10]
            i += consumed
        return values

    # -- finding -------------------------------------------------------------------------

    def _find(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        lowered = text.lower()
        for kind, pattern in PATTERNS:
            gate = GATES.get(kind)
            if gate is not None and not any(word in lowered for word in gate):
                continue
            for m in pattern.finditer(text):
                span = _extent(kind, m)
                if span is None:
                    continue
                hits.append(_Hit(span[0], span[1], kind, m))
        # Longest leftmost wins; drop hits inside others.
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[_Hit] = []
        for h in hits:
            if kept and h.start < kept[-1].end:
                continue
            kept.append(h)
            if h.kind == "md" and not h.match.group("year"):
                # "April 24 and 25": the second day shares the month
                more = _SECOND_DAY.match(text, h.end)
                day = _DAY_DIGITS.match(text, more.start("day")) if more else None
                if day is not None:
                    kept.append(_Hit(day.start(), day.end(), "md2", day))
        return kept

    def _following_clocks(self, text: str, hits: list[_Hit], i: int) -> tuple[list[_Clock], int]:
        """Clock times that continue hit i: "tomorrow at 1:00 PM local time (1000 GMT)"."""
        clocks: list[_Clock] = []
        consumed = 1
        end = hits[i].end
        j = i + 1
        while j < len(hits) and hits[j].kind == "clock":
            gap = text[end : hits[j].start]
            if not re.fullmatch(r"\s*(?:,|at|\(|,\s*or|or)?\s*", gap, re.I):
                break
            close = re.match(r"\s*\)", text[hits[j].end :])
            if "(" in gap and close is None:
                break  # "(4 a.m. EDT Thursday)": a reading with its own day, told apart
            clock = _clock(hits[j].match, hits[j].start, hits[j].end)
            clock_end = hits[j].end + (close.end() if close and "(" in gap else 0)
            clocks.append(_Clock(clock.hour, clock.minute, clock.zone, clock.start, clock_end))
            end = clock_end
            consumed += 1
            j += 1
        return clocks, consumed

    # -- normalizing ---------------------------------------------------------------------

    def _normalize(
        self,
        text: str,
        article_id: str,
        hits: list[_Hit],
        i: int,
        anchor: date | None,
        state: _State,
    ) -> tuple[TimeValue | None, int]:
        hit = hits[i]
        kind = hit.kind
        make = _Maker(text, article_id, hit, anchor)
        if kind == "md2":  # "April 24 and 25": the month and year of the first day
            first = state.day if i > 0 and hits[i - 1].kind == "md" else None
            if first is None or anchor is None:
                return None, 1
            second = _safe_date(first.year, first.month, int(hit.match.group()))
            if second is None:
                return make.uncertain(hit.match.group()), 1
            state.day = second
            return make.value("DATE", second.isoformat(), "day"), 1
        if kind in {"md", "dm", "iso", "weekday", "deictic"}:
            if kind == "weekday" and _weekday_set(hit.match):
                return make.set_weekday(hit.match), 1
            if kind == "weekday" and not hit.match.group("part"):
                # "Monday and Tuesday nights": the first day shares the second's reading
                nxt = hits[i + 1] if i + 1 < len(hits) else None
                if (
                    nxt is not None
                    and nxt.kind == "weekday"
                    and _weekday_set(nxt.match)
                    and re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", text[hit.end : nxt.start])
                ):
                    wd = WEEKDAYS[hit.match.group("weekday").lower()] + 1
                    part = nxt.match.group("part")
                    suffix = "T" + PARTS[part.lower()] if part else ""
                    return make.value("SET", f"XXXX-WXX-{wd}{suffix}", "set"), 1
            day, unanchored = self._day(hit, anchor, state.day)
            if day is None:
                return make.uncertain_day(hit), 1
            if not unanchored:
                state.day = day
                state.day_at = hit.end
            clocks, consumed = self._following_clocks(text, hits, i)
            if clocks:
                end = clocks[-1].end
                return self._time_value(text, article_id, hit.start, end, day, clocks), consumed
            part = hit.match.groupdict().get("part")
            if part:
                return make.value("TIME", f"{day.isoformat()}T{PARTS[part.lower()]}", "day"), 1
            if kind == "deictic" and hit.match.group("deictic").lower() == "tonight":
                return make.value("TIME", f"{day.isoformat()}TNI", "day"), 1
            week_of = re.search(
                r"\bthe\s+week\s+of\s+$", text[max(0, hit.start - 16) : hit.start], re.I
            )
            if week_of and kind in {"md", "dm"} and not unanchored:
                start = hit.start - len(week_of.group(0))  # "the week of March 6"
                return TimeValue(
                    type="DATE",
                    value=_week(day),
                    evidence=_evidence(text, article_id, start, hit.end, 1.0),
                    precision="week",
                ), 1
            beside = re.search(
                r"\b(?:the\s+)?day\s+(?P<dir>before|after)\s+$",
                text[max(0, hit.start - 16) : hit.start],
                re.I,
            )
            if beside and kind != "deictic" and not unanchored:
                start = hit.start - len(beside.group(0))  # "the day before last Tuesday"
                step = -1 if beside.group("dir").lower() == "before" else 1
                return TimeValue(
                    type="DATE",
                    value=(day + timedelta(days=step)).isoformat(),
                    evidence=_evidence(text, article_id, start, hit.end, 1.0),
                    precision="day",
                ), 1
            value = make.value("DATE", day.isoformat(), "day")
            return (make.unanchored(value) if unanchored else value), 1
        if kind == "clock":
            first = _clock(hit.match, hit.start, hit.end)
            more, consumed = self._following_clocks(text, hits, i)
            clocks = [first, *more]
            end = clocks[-1].end
            # "10 p.m. Wednesday", "noon Thursday": the day follows the hour.
            nxt = hits[i + consumed] if i + consumed < len(hits) else None
            day: date | None = None
            if (
                nxt is not None
                and nxt.kind in {"weekday", "deictic", "md", "dm"}
                and re.fullmatch(r"\s*(?:on\s+|,\s*)?", text[end : nxt.start], re.I)
                and anchor is not None
            ):
                day, _ = self._day(nxt, anchor, state.day)
                if day is not None:
                    end = nxt.end
                    consumed += 1
            if anchor is None:
                return make.unanchored(
                    make.value("TIME", _hhmm("XXXX-XX-XX", first), "hour")
                ), consumed
            value = self._time_value(
                text,
                article_id,
                hit.start,
                end,
                day or self._told_day(text, hit.start, state) or anchor,
                clocks,
                precision="minute" if day else "article",
            )
            return value, consumed
        return self._simple(make, hit, anchor, state), 1

    @staticmethod
    def _told_day(text: str, start: int, state: _State) -> date | None:
        """The day a bare hour belongs to: the day named last, in its paragraph or the one
        before ("will travel Thursday. ... He will leave at 4 in the morning")."""
        if state.day is None or text[max(state.day_at, 0) : start].count("\n\n") > 1:
            return None
        return state.day

    def _day(
        self, hit: _Hit, anchor: date | None, told: date | None = None
    ) -> tuple[date | None, bool]:
        """The calendar day of a date hit and whether it is unanchored (None: no such day).

        Without an anchor, only a date that names its year has a day. "The previous
        Friday" counts from the day last told (`told`), not from the anchor."""
        m = hit.match
        if anchor is None:
            if hit.kind in {"md", "dm", "iso"} and m.group("year"):
                year = spelled_year(m.group("year"))
                return _safe_date(
                    year, _month_of(m.group("month")), _day_number(m.group("day"))
                ), False
            return None, True
        tense = self.tense_of(hit.start)
        if hit.kind in {"md", "dm", "iso"}:
            month = _month_of(m.group("month"))
            day_n = _day_number(m.group("day"))
            if m.group("year"):
                year = spelled_year(m.group("year"))
            elif month is not None and day_n is not None and 1 <= day_n <= 31:
                rel = (m.groupdict().get("mdrel") or "").lower()
                if _SINCE.search(m.string, max(0, hit.start - 12), hit.start):
                    rel = "last"  # "the year ended March 31", "since Feb. 2": already past
                if rel in {"last", "this past"}:
                    tense = "past"
                elif rel in {"next", "this coming"}:
                    tense = "future"
                deadline = _UNTIL.search(m.string, max(0, hit.start - 14), hit.start)
                starts = _STARTING.search(
                    m.string, max(0, hit.start - 14), hit.start
                ) or _SCHEDULED.search(m.string, max(0, hit.start - 24), hit.start)
                year = _year_for(
                    month, day_n, anchor, tense, strict=bool(rel), lean=not (deadline or starts)
                )
            else:
                year = None
            return _safe_date(year, month, day_n), False
        if hit.kind == "weekday":
            rel = (m.group("rel") or "").lower() or None
            if (
                tense == "present"
                and rel in {None, "on"}
                and _SCHEDULED_DAY.search(m.string, max(0, hit.start - 32), hit.start)
            ):
                tense = "future"  # "the two leaders meet separately Monday": a plan
            if (
                tense == "past"
                and rel in {None, "on"}
                and _PLANNED_BEFORE.search(m.string, max(0, hit.start - 90), hit.start)
            ):
                tense = "nearest"  # "protesters planned a march on Saturday"
            base = told if told is not None and rel in {"the previous", "the following"} else anchor
            return _weekday(base, WEEKDAYS[m.group("weekday").lower()], rel, tense), False
        word = m.group("deictic").lower()
        offset = {
            "today": 0,
            "tonight": 0,
            "tomorrow": 1,
            "yesterday": -1,
            "the day after tomorrow": 2,
            "the day before yesterday": -2,
        }[word]
        return anchor + timedelta(days=offset), False

    def _time_value(
        self,
        text: str,
        article_id: str,
        start: int,
        end: int,
        day: date,
        clocks: list[_Clock],
        *,
        precision: str = "minute",
    ) -> TimeValue:
        """A TIME with a UTC instant; several clock readings are checked against each other."""
        local_zone = _zoneinfo(self.zone_of(start))
        unknown_zone = False
        instants: list[tuple[datetime, ZoneInfo | timezone | None]] = []
        for c in clocks:
            tz: ZoneInfo | timezone | None
            if c.zone == "UTC":
                tz = UTC
            elif c.zone == "local" or c.zone is None:
                tz = local_zone
            elif c.zone.startswith("city:"):
                tz = _zoneinfo(self.city_zone(c.zone[5:]))
                unknown_zone = unknown_zone or tz is None
            else:
                tz = _zoneinfo(c.zone)
                unknown_zone = unknown_zone or tz is None
            naive = datetime(day.year, day.month, day.day) + timedelta(
                hours=c.hour, minutes=c.minute
            )
            instants.append((naive.replace(tzinfo=tz) if tz else naive, tz))
        first = clocks[0]
        value = _hhmm(day.isoformat(), first)
        aware = [(dt, tz) for dt, tz in instants if tz is not None]
        confidence = 0.5 if unknown_zone else 1.0
        instant = local = zone_name = None
        if aware:
            utc_readings = {dt.astimezone(UTC) for dt, _ in aware}
            explicit_utc = [dt for dt, tz in aware if tz is UTC]
            chosen = explicit_utc[0] if explicit_utc else aware[0][0]
            if len(utc_readings) > 1:
                confidence = 0.5  # the two readings of the hour disagree
            utc = chosen.astimezone(UTC)
            instant = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
            shown_zone = local_zone or next((tz for _, tz in aware if tz is not None), None)
            if shown_zone is not None:
                local_dt = utc.astimezone(shown_zone)
                local = local_dt.isoformat()
                zone_name = getattr(shown_zone, "key", "UTC")
                if local_zone is not None or first.zone not in {None, "local"}:
                    # else the hour as written stays the value: its zone is not known
                    value = local_dt.strftime("%Y-%m-%dT%H:%M")
                if first.hour == 24 and (local_dt.hour, local_dt.minute) == (0, 0):
                    value = (local_dt - timedelta(days=1)).strftime("%Y-%m-%dT24:00")
        return TimeValue(
            type="TIME",
            value=value,
            evidence=_evidence(text, article_id, start, end, confidence),
            instant=instant,
            local=local,
            timezone=zone_name,
            precision=precision if instant else "hour",
        )

    def _simple(
        self, make: _Maker, hit: _Hit, anchor: date | None, state: _State
    ) -> TimeValue | None:
        m = hit.match
        g = m.groupdict()
        kind = hit.kind
        if kind == "duration":
            return _duration(make, m)
        if kind == "vague":
            return _vague(make, m)
        if kind == "long":
            unit = g["unit"].lower()
            single = "centur" if unit.startswith("centur") else unit.rstrip("s")
            code, is_time, factor = UNITS["century" if single == "centur" else single]
            plural = unit.endswith("s") or unit == "centuries"
            amount = "X" if plural else _fmt_num(factor)
            return make.value("DURATION", ("PT" if is_time else "P") + amount + code, "duration")
        if kind == "nthday":
            if anchor is None or self.tense_of(hit.start) != "present":
                return None  # "it was the second day of ...": a day the text does not date
            return make.value("DATE", anchor.isoformat(), "day")
        if kind == "seasons":
            return make.value("SET", f"XXXX-{SEASONS[g['seasons'].lower()]}", "set")
        if kind == "while":
            return make.value("DURATION", "PXX", "vague")
        if kind == "ref":
            word = re.sub(
                r"^(?:in\s+)?(?:the\s+)?(?:(?:near|distant|short|long)\s+)?", "", g["ref"].lower()
            )
            word = re.sub(r"\s+", " ", word).removeprefix("more ")
            ref = REF_VALUES.get(word) or REF_VALUES.get(g["ref"].lower())
            if word in {"soon", "shortly"} and self.tense_of(hit.start) == "past":
                return None  # "he was soon released": soon after another event, not the article
            return make.value("DATE", ref, "vague") if ref else None
        if kind == "set":
            if g.get("eseason"):
                season = SEASONS[g["eseason"].lower()]
                return make.value("SET", f"XXXX-{season}", "set")
            if g.get("every"):
                n = 2 if g["every"].lower() == "other" else _number(g["every"])
                eunit = g["eunit"].lower().removesuffix("s")
                if not n or eunit not in UNITS:
                    return None
                code, is_time, factor = UNITS[eunit]
                value = ("PT" if is_time else "P") + _fmt_num(n * factor) + code
                return make.value("SET", value, "set")
            word = g["set"].lower().split()[-1]
            return make.value("SET", SET_VALUES[word], "set")
        if kind == "decade":
            return _decade(make, m, anchor)
        # Explicit years do not need the anchor.
        if kind == "year":
            year = spelled_year(g["year"])
            if not _valid_year(year):
                return make.uncertain(f"{g['year']}")
            mod = (g.get("mod") or "").lower()
            if mod in {"the first half of", "the second half of", "the last half of"}:
                half = "H1" if "first" in mod else "H2"
                return make.value("DATE", f"{year:04d}-{half}", "half")
            return make.value("DATE", f"{year:04d}", "year")
        if kind == "holiday":
            return _holiday(make, m, anchor, self.tense_of(hit.start))
        if kind == "month" and g.get("year"):
            year = spelled_year(g["year"])
            month = _month_of(g["month"])
            if not _valid_year(year) or month is None:
                return make.uncertain(g["month"])
            return make.value("DATE", f"{year:04d}-{month:02d}", "month")
        if kind == "season" and g.get("year"):
            year = spelled_year(g["year"])
            if not _valid_year(year):
                return make.uncertain(g["season"])
            return make.value("DATE", f"{year:04d}-{SEASONS[g['season'].lower()]}", "season")
        if anchor is None:
            return make.unanchored_guess(kind, m)
        tense = self.tense_of(hit.start)
        if kind == "month":
            month = _month_of(g["month"])
            if month is None:
                return None
            rel = (g.get("rel") or "").lower() or None
            if rel in {"each", "every"}:
                return make.value("SET", f"XXXX-{month:02d}", "set")
            yrel = (g.get("yrel") or "").lower()
            if yrel:
                year = anchor.year + {"last": -1, "this": 0, "next": 1}[yrel]
            else:
                if rel is None and _SINCE.search(m.string, max(0, hit.start - 12), hit.start):
                    rel = "since"  # "since February": already past
                deadline = _UNTIL.search(m.string, max(0, hit.start - 14), hit.start)
                if tense == "past" and deadline:
                    tense = "present"
                scheduled = _SCHEDULED.search(m.string, max(0, hit.start - 24), hit.start)
                year = _month_year(month, anchor, tense, rel, lean=not (deadline or scheduled))
            return make.value("DATE", f"{year:04d}-{month:02d}", "month")
        if kind == "season":
            return _season(make, m, anchor, tense)
        if kind == "quarter":
            return _quarter(make, m, anchor, tense, state)
        if kind == "theyear":
            if g.get("ended") is not None:
                return make.value("DURATION", "P1Y", "duration")
            latest = "latest" in (g.get("adj") or "").lower()
            return make.value("DATE", f"{anchor.year - latest:04d}", "year")
        if kind == "halfyear":
            half = "H1" if g["which"].lower() == "first" else "H2"
            return make.value("DATE", f"{int(g['year']):04d}-{half}", "half")
        if kind == "yearend":
            if re.search(r"\bsince\s+$", make.text[max(0, make.hit.start - 8) : make.hit.start]):
                # "up 12% since year-end": the last year's end, a point the change runs from
                return make.value("DATE", f"{anchor.year - 1:04d}-12-31", "day")
            return make.value("DATE", f"{anchor.year:04d}", "year")
        if kind == "yearago":
            if (closed := _period_end_before(make, anchor)) is not None:
                return make.value("DATE", _safe_year_back(closed), "day")
            if state.quarter and not _after_months_span(make):
                return make.value(
                    "DATE", f"{state.quarter[0] - 1:04d}-Q{state.quarter[1]}", "quarter"
                )
            return make.value("DATE", f"{anchor.year - 1:04d}", "year")
        if kind == "theweek":
            return make.value("DATE", f"{anchor.year:04d}-WXX", "year")
        if kind == "weekend":
            return make.value("DATE", _weekend(anchor, tense), "week")
        if kind == "part":
            rel = (g["rel"] or "").lower()
            part = PARTS[g["part"].lower()]
            if rel == "last":
                day = anchor - timedelta(days=1)
            elif rel in {"the", "that"}:
                day = state.day or anchor  # "in the morning": of the day the story tells
            else:
                day = anchor
            pday = (g.get("pday") or "").lower()
            if pday in WEEKDAYS:  # "late morning Friday"
                day = _weekday(anchor, WEEKDAYS[pday], None, tense)
            elif pday:  # "mid-afternoon yesterday"
                day = anchor + timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[pday])
            return make.value("TIME", f"{day.isoformat()}T{part}", "day")
        if kind == "relunit":
            return _relunit(make, m, anchor, tense)
        if kind == "narrative":
            return _narrative(make, m, anchor, state)
        if kind == "ago":
            return _ago(make, m, anchor, state)
        return None


def _hhmm(day: str, clock: _Clock) -> str:
    return f"{day}T{clock.hour:02d}:{clock.minute:02d}"


def _month_of(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    return MONTHS.get(text.lower().rstrip("."))


def _safe_date(year: int | None, month: int | None, day: int | None) -> date | None:
    """The date, or None for an impossible one ("February 30") or a year out of range."""
    if not _valid_year(year) or month is None or day is None:
        return None
    try:
        return date(year, month, day)  # type: ignore[arg-type]
    except ValueError:
        return None


def _weekday_set(m: re.Match[str]) -> bool:
    g = m.groupdict()
    return bool(
        (g.get("rel") or "").lower() in {"each", "every"} or g.get("plural") or g.get("pplural")
    )


def _weekend(anchor: date, tense: str) -> str:
    if tense == "past" and anchor.weekday() < 5:
        return _week(anchor - timedelta(weeks=1)) + "-WE"
    return _week(anchor) + "-WE"


def _extent(kind: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The TimeML extent of a match (prepositions left out), or None to drop it."""
    g = m.groupdict()
    start, end = m.span()
    if "t" in g and g["t"] is not None:
        start, end = m.span("t")
    if kind == "weekday" and (g.get("rel") or "").lower() == "on":
        start = m.start("weekday")
    if kind == "clock":
        if not any(g.get(k) for k in ("h", "h24", "mil", "noon", "hp")):
            return None
        start = min(m.start(k) for k in ("h", "h24", "mil", "noon", "hp") if g.get(k))
        if re.match(r"(?:at\s+)?(?:around|about|approximately)\s", m.group(0), re.I):
            start = m.start() + (3 if m.group(0).lower().startswith("at ") else 0)
    if kind == "ref":
        word = g["ref"].lower()
        if word.startswith("in "):
            start = m.start("ref") + 3
        if word in {"soon", "shortly"} and (
            re.search(r"\bas\s+$", m.string[max(0, start - 4) : start], re.I)
            or re.match(r"\s+(?:after|afterwards?|before|thereafter)\b", m.string[end:], re.I)
        ):
            return None  # "as soon as it opens", "shortly after the vote": a signal, no time
        if (
            m.string[start : start + 3] == "Now"
            and re.search(r"(?:^|[.!?:;\n][\"'`)\s]*|^[\"'`]+)$", m.string[:start])
            and re.match(r"(?:\s*,|\s+for\b)", m.string[end:])
        ):
            return None  # sentence-opening "Now, he says, ...", "Now for the news": discourse
        if word in {"current", "recent"} and re.match(
            r"[\s-]+(?:account|accounts|assets|liabilities|prices|dollars|events|law|rules|"
            r"affairs|issue|ratio|members?)\b",
            m.string[end:],
            re.I,
        ):
            return None
    if _is_title_or_generic(kind, m, start, end):
        return None
    if (
        (g.get("mod") or "").lower() == "around"
        and start <= m.start("mod")
        and re.match(r"['’]s\b", m.string[end : end + 3])
    ):
        # "get around Tuesday's zoning decision": "around" governs the noun, not the day
        start = m.end("mod")
        while start < end and m.string[start] in " -\t\n":
            start += 1
    if kind == "part" and not g.get("rel") and not g.get("mod"):
        return None  # "morning" alone: "good morning", "morning papers"
    if kind == "part" and (g.get("rel") or "").lower() in {"the", "that"}:
        if re.match(r"\s+(?:of|when|that|the|a|an|before|after|in which)\b", m.string[end:], re.I):
            return None  # "the night of Oct. 23", "the night the plane fell": the day is elsewhere
    if kind == "month":
        month = g["month"]
        following = m.string[end : end + 12]
        if (
            not g.get("year")
            and not month.endswith(".")
            and len(month) <= 4
            and re.match(r" [A-Z][a-z]", following)
        ):
            return None  # "Jan Kavan": a first name
        before = m.string[max(0, start - 12) : start]
        if (
            month.lower() == "march"
            and re.match(r"\s+(?:for|of the|on)\s", following, re.I)
            and re.search(r"(?:\bthe|\bannual|\bgreat|[`'\"])\s*$", before, re.I)
        ):
            return None  # "the annual March for Life": a march, not the month
    if kind == "clock" and (g.get("noon") or "").lower() == "noon":
        if re.search(r"\bhigh\s+$", m.string[max(0, m.start("noon") - 6) : m.start("noon")], re.I):
            return None  # "high noon": the idiom
    if kind in {"md", "dm"}:
        month = g["month"]
        if (
            month.lower().rstrip(".")
            in {
                "may",
                "march",
                "mar",
                "jun",
                "jan",
                "dec",
                "sep",
                "oct",
                "nov",
                "aug",
                "apr",
                "feb",
                "jul",
                "sept",
            }
            and not month[0].isupper()
        ):
            return None
        if _day_number(g["day"]) is None:
            return None
    if kind == "season":
        if g["season"].lower() == "fall" and not (g.get("rel") or g.get("year") or g.get("mod")):
            return None
        if (
            g["season"][0].isupper()
            and not (g.get("rel") or g.get("year") or g.get("mod"))
            and re.search(r"[^\s.!?]\s*(?:``|\"|“)?$", m.string[max(0, start - 4) : start])
        ):
            return None  # "the ``Spring of Life'' rallies", "Prague Spring": a name
    if kind == "quarter":
        plural = m.string[m.end("q") : m.end("q") + 1].lower() == "s"
        if plural and not g.get("ord"):
            return None  # "recent quarters": a vague span, not a quarter
        mods = ((g.get("mods") or "") + (g.get("mods2") or "")).lower()
        has_det = (g.get("det") or "").lower() in {"the", "this", "that", "its", "their"}
        named = g.get("ord") or g.get("qyear") or g.get("qyear2")
        if g["q"].lower() == "period":
            if not (
                named
                or re.search(
                    r"latest|year|comparable|same|corresponding|current|prior|previous",
                    mods + (g.get("det") or "").lower(),
                )
            ):
                return None
        elif not (named or mods.strip() or has_det or (g.get("det") or "").endswith("'s")):
            return None
        if (g.get("det") or "").lower() == "a" and not (named or mods.strip()):
            return None
        if (g.get("det") or "").lower() in {"its", "their"}:
            start = m.end("det") + 1  # a possessive is not part of the extent
        elif g.get("det") and re.search(r"-(?:fiscal-)?quarter\b", m.group(0), re.I):
            start = m.end("det") + 1  # "a third-quarter loss": the adjective only
    if kind == "year":
        text = m.group("year")
        if text.isdigit() and not (g.get("mod") or g.get("fiscal")):
            # "1,990" and "$1990" are excluded by the pattern; also "1990 people"? keep.
            pass
    if kind == "duration":
        if re.match(r"-(?:earlier|ago)\b", m.string[end : end + 9], re.I):
            return None  # "a year-earlier loss": the year-ago period, not a duration
        before = m.string[max(0, start - 30) : start]
        if g["num"].lower() in {"a", "an"} and re.search(
            r"(?:\d|\b(?!(?:was|has|is|this|as|its|his|hers|less|unless|plus)\b)[a-z]+s)\s+$",
            before,
            re.I,
        ):
            return None  # a rate: "four flights a week", "358,000 a month"
        if (
            g["unit"].lower() == "second"
            and g["num"].lower() in {"a", "an", "one"}
            and not re.match(r"\s*(?:[.,;:)]|$|later|ago|earlier|or|and|to)", m.string[end:])
        ):
            return None  # "a second round": the ordinal
        if re.search(r"[\s-]old$", m.group(0), re.I):
            return None  # an age: "52 years old", "a 136-year-old company"
        if g["num"].lower() in {"a", "an"} and re.search(r"-long$", m.group(0), re.I):
            start = m.start("unit")  # "a day-long meeting": the adjective only
        between = m.string[m.end("num") : m.start("unit")]
        if "-" in between and not g.get("dir") and not g.get("bound"):
            start = m.start("num")  # "the 23-year occupation": the adjective only
    if kind == "set" and re.fullmatch(
        r"daily|weekly|monthly|annually|yearly|hourly", g["set"], re.I
    ):
        if _RATE_BEFORE.search(m.string, max(0, start - 40), start):
            return None  # a rate, like "four flights a week": "rise 8.5% annually"
    if kind == "vague" and not (g.get("out") or g.get("rel")):
        return None
    if (
        kind == "vague"
        and (g.get("rel") or "").lower() == "early"
        and g["unit"].lower() == "hours"
        and re.match(r"\s+of\b", m.string[end:])
    ):
        return None  # "the early hours of Monday": a part of the day named, no stretch
    if kind == "ago":
        unit = g["unit"].lower().rstrip("s")
        if g["dir"].lower() in {"earlier", "later"} and unit not in {"year", "month"}:
            end = m.end("unit")  # "three days later": the duration only
    return start, end


# An amount right before "daily", "annually": the word makes a rate of it, like "four
# flights a week" ("sales rise 8.5% annually", "10,000 units annually").
_RATE_BEFORE = re.compile(
    r"(?:\d%?|\b(?:percent|million|billion|thousand|units?|shares?|barrels|tons))"
    r"(?:\s+[a-z]+)?\s+$",
    re.I,
)

_GENERIC_TODAY = re.compile(
    r"'s\s+(?:world|youth|society|generations?|young|children|kids|teenagers|families"
    r"|consumers|technology|standards|terms|dollars|prices|economy|politics|culture"
    r"|(?:\w+\s+)?(?:computers|cars|machines|weapons|markets))\b",
    re.I,
)


def _is_title_or_generic(kind: str, m: re.Match[str], start: int, end: int) -> bool:
    """Words that look temporal but name no time: a quoted title ("This Week", "60
    Minutes"), generic "today's world" or "the leaders of tomorrow"."""
    text = m.string
    span = text[start:end]
    words = span.split()
    before = text[max(0, start - 3) : start]
    if (
        len(words) > 1
        and all(w[0].isupper() or w[0].isdigit() for w in words)
        and not span.isupper()
        and re.search(r"(?:\"|``|''|“|‘)$", before)
        and re.search(r"[^\s.!?]\s*(?:\"|``|''|“|‘)$", text[max(0, start - 6) : start])
    ):
        return True
    if kind == "deictic" and span.lower() in {"today", "tomorrow"}:
        if _GENERIC_TODAY.match(text, end) and span.lower() == "today":
            return True
        if re.search(r"\bof\s+$", text[max(0, start - 4) : start]) and re.match(
            r"\s*[,.;:)\"']", text[end:]
        ):
            return True  # "the people of tomorrow"
        if span == "Today" and re.search(r"\b[A-Z]{2,}\s$", text[max(0, start - 12) : start]):
            return True  # a name: "USA Today", "VOA Today"
    if kind == "duration" and re.match(r"\s+(?:a|per)\s+(?:day|week|month|year)\b", text[end:]):
        return True  # "24 hours a day", "seven days a week": always, not a stretch of time
    if kind == "ref" and re.fullmatch(r"the\s+future", span, re.I):
        # the fate of something, not the time to come: "the future of the treaty", "the
        # future looks bleak" ("in the future", "worried about the future" are times)
        if re.match(r"\s+of\b", text[end:], re.I):
            return True
        if re.match(
            r"\s+(?:looks|seems|appears|remains|is|was|holds)\b", text[end:], re.I
        ) and not re.search(r"\b(?:in|into|for|about)\s+$", text[max(0, start - 6) : start]):
            return True
    return False


@dataclass(frozen=True)
class _Maker:
    """Builds TimeValues for one hit."""

    text: str
    article_id: str
    hit: _Hit
    anchor: date | None

    def value(
        self,
        type_: str,
        value: str,
        precision: str,
        *,
        bound: str | None = None,
        confidence: float = 1.0,
        end: int | None = None,
    ) -> TimeValue:
        return TimeValue(
            type=type_,
            value=value,
            evidence=_evidence(
                self.text, self.article_id, self.hit.start, end or self.hit.end, confidence
            ),
            bound=bound,
            precision=precision,
        )

    def unanchored(self, value: TimeValue) -> TimeValue:
        """The same value marked: no publication date to anchor it on."""
        return TimeValue(
            type=value.type,
            value=value.value,
            evidence=_evidence(
                self.text,
                self.article_id,
                value.evidence.span.start,
                value.evidence.span.end,
                UNANCHORED_CONFIDENCE,
            ),
            bound=value.bound,
            precision="unanchored",
        )

    def uncertain(self, _what: str) -> TimeValue:
        """An expression that looks temporal but names no possible date."""
        return self.value("DATE", "XXXX-XX-XX", "uncertain", confidence=0.0)

    def uncertain_day(self, hit: _Hit) -> TimeValue:
        m = hit.match
        if self.anchor is None and hit.kind in {"md", "dm"} and not m.group("year"):
            month = _month_of(m.group("month"))
            day_n = _day_number(m.group("day"))
            if month and day_n and _safe_date(2000, month, day_n):
                return self.unanchored(self.value("DATE", f"XXXX-{month:02d}-{day_n:02d}", "day"))
        if self.anchor is None and hit.kind in {"weekday", "deictic"}:
            ref = "XXXX-XX-XX"
            return self.unanchored(self.value("DATE", ref, "day"))
        return self.uncertain(hit.match.group(0))

    def unanchored_guess(self, kind: str, m: re.Match[str]) -> TimeValue | None:
        g = m.groupdict()
        if kind == "month":
            month = _month_of(g["month"])
            return (
                self.unanchored(self.value("DATE", f"XXXX-{month:02d}", "month")) if month else None
            )
        if kind == "season":
            return self.unanchored(
                self.value("DATE", f"XXXX-{SEASONS[g['season'].lower()]}", "season")
            )
        if kind == "ago":
            return self.unanchored(self.value("DATE", "PAST_REF", "vague"))
        if kind == "relunit":
            unit = g["unit"].lower()
            value = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX"}.get(
                unit, "XXXX"
            )
            return self.unanchored(self.value("DATE", value, "vague"))
        if kind == "quarter":
            return self.unanchored(self.value("DATE", "XXXX-QX", "vague"))
        if kind in {"weekend", "theweek", "part", "theyear", "yearend", "yearago"}:
            return self.unanchored(self.value("DATE", "XXXX", "vague"))
        return None

    def set_weekday(self, m: re.Match[str]) -> TimeValue:
        wd = WEEKDAYS[m.group("weekday").lower()] + 1
        part = m.group("part")
        suffix = "T" + PARTS[part.lower()] if part else ""
        return self.value("SET", f"XXXX-WXX-{wd}{suffix}", "set")


FIXED_HOLIDAYS = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "veterans day": (11, 11),
}


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def holiday_date(name: str, year: int) -> date | None:
    """The date of a named holiday in `year` (None for a name it does not know)."""
    name = re.sub(r"\s+", " ", name.lower())
    if name in FIXED_HOLIDAYS:
        return date(year, *FIXED_HOLIDAYS[name])
    if name.startswith("easter"):
        return _easter(year)
    if name == "election day":  # US: the Tuesday after the first Monday of November
        first = date(year, 11, 1)
        return first + timedelta(days=(0 - first.weekday()) % 7 + 1)
    rules = {  # (month, weekday, n-th; -1 the last)
        "thanksgiving": (11, 3, 4),
        "thanksgiving day": (11, 3, 4),
        "memorial day": (5, 0, -1),
        "labor day": (9, 0, 1),
    }
    if name not in rules:
        return None
    month, weekday, nth = rules[name]
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holiday(make: _Maker, m: re.Match[str], anchor: date | None, tense: str) -> TimeValue | None:
    g = m.groupdict()
    name = g["holiday"]
    if g.get("year"):
        year = spelled_year(g["year"])
        if not _valid_year(year):
            return make.uncertain(name)
        day = holiday_date(name, year)  # type: ignore[arg-type]
        return _holiday_value(make, day, bool(g.get("week")))
    if anchor is None:
        return make.unanchored(make.value("DATE", "XXXX-XX-XX", "day"))
    candidates = {}
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        day = holiday_date(name, year)
        if day is not None:
            candidates[year] = (day - anchor).days
    if not candidates:
        return None
    day = holiday_date(name, _nearest_year(candidates, tense))
    return _holiday_value(make, day, bool(g.get("week")))


def _holiday_value(make: _Maker, day: date | None, week: bool) -> TimeValue | None:
    """The holiday's day, or for "Easter week" the (ISO) week holding it."""
    if day is None:
        return None
    if week:
        return make.value("DATE", _week(day), "week")
    return make.value("DATE", day.isoformat(), "day")


def _duration(make: _Maker, m: re.Match[str]) -> TimeValue | None:
    g = m.groupdict()
    n = _number(g["num"])
    unit = g["unit"].lower()
    if g["num"].lower() in {"a", "an"} and unit.endswith("s"):
        n = 0  # "a decades-long feud": how many is not said
    unit = unit[:-1] if unit.endswith("s") and unit[:-1] in UNITS else unit
    if n is None or unit not in UNITS:
        return None
    if m.group(0).lower() == "one day" and re.search(
        r"\b(?:will|would|could|may|might|can|shall|should|'ll)\s+$",
        make.text[max(0, make.hit.start - 10) : make.hit.start],
        re.I,
    ):
        return make.value("DATE", "FUTURE_REF", "vague")  # "Islam will one day be ..."
    code, is_time, factor = UNITS[unit]
    if unit == "quarter" and (g["num"].lower() in {"a", "an", "one"} or "-" in m.group(0)):
        return None  # "a quarter" is a share more often than three months
    if g.get("halfa"):  # "half a century": P50Y; "half an hour": PT30M; "half a year": P6M
        whole = n * factor
        if whole % 2 == 0:
            amount = _fmt_num(whole / 2)
        else:
            finer = {"Y": "6M", "M": "30S" if is_time else "15D", "W": "3DT12H", "D": "T12H"}
            finer["H"] = "30M"
            return make.value(
                "DURATION", ("PT" if is_time else "P") + finer.get(code, "X" + code), "duration"
            )
        return make.value("DURATION", ("PT" if is_time else "P") + amount + code, "duration")
    half = bool(g.get("half") or g.get("half2")) and n > 0
    amount = "X" if n == 0 else _fmt_num(n * factor)
    if code == "Y" and not half and n * factor >= 1000 and (n * factor) % 1000 == 0:
        amount, code = _fmt_num(n * factor / 1000), "L"  # "two thousand years": millennia
    value = ("PT" if is_time else "P") + amount + code
    if half:  # "2 1/2 years": P2Y6M; "an hour and a half": PT1H30M
        finer = {"Y": "6M", "M": "15D", "D": "T12H", "H": "30M", "S": ""}
        if code == "W":  # weeks do not mix with other units in ISO 8601
            value = f"P{_fmt_num(n * 7 + 3)}DT12H"
        elif code == "M" and is_time:
            value += "30S"
        elif finer.get(code) is not None:
            extra = finer[code]
            value += extra if not (extra.startswith("T") and "T" in value) else extra[1:]
    bound = BOUNDS.get((g.get("bound") or "").lower()) or OUTSIDE_BOUNDS.get(
        (g.get("out") or "").lower()
    )
    return make.value("DURATION", value, "duration", bound=bound)


def _vague(make: _Maker, m: re.Match[str]) -> TimeValue | None:
    g = m.groupdict()
    unit = g["unit"].lower()[:-1]
    unit = "century" if unit == "centurie" else unit
    rel = (g.get("rel") or "").lower()
    if rel in {"coming", "future"}:
        return make.value("DATE", "FUTURE_REF", "vague")
    if unit == "century":  # "for centuries": TimeML's century unit, as in "P2L" for millennia
        return make.value("DURATION", "PXC", "duration")
    code, is_time, _ = UNITS[unit]
    return make.value("DURATION", ("PT" if is_time else "P") + "X" + code, "duration")


def _decade(make: _Maker, m: re.Match[str], anchor: date | None) -> TimeValue | None:
    g = m.groupdict()
    if g.get("cent"):
        century = int(g["cent"])
        return make.value("DATE", f"{century - 1:02d}", "century") if 1 <= century <= 30 else None
    if g.get("dec"):
        return make.value("DATE", g["dec"][:3], "decade")
    words = {
        "twenties": 2,
        "thirties": 3,
        "forties": 4,
        "fifties": 5,
        "sixties": 6,
        "seventies": 7,
        "eighties": 8,
        "nineties": 9,
    }
    digit = int(g["short"][0]) if g.get("short") else words[g["word"].lower()]
    century = (anchor.year // 100) if anchor else 19
    if anchor and digit * 10 > anchor.year % 100:
        century -= 1
    return make.value("DATE", f"{century:02d}{digit}", "decade")


def _season(make: _Maker, m: re.Match[str], anchor: date, tense: str) -> TimeValue:
    g = m.groupdict()
    code = SEASONS[g["season"].lower()]
    rel = (g.get("rel") or "").lower()
    start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    if rel in {"last", "the last", "the past"}:
        year = anchor.year - 1
    elif rel in {"next", "the next", "coming", "the coming"}:
        year = anchor.year + 1 if start_month <= anchor.month else anchor.year
    elif rel == "this past":
        year = anchor.year if start_month < anchor.month else anchor.year - 1
    elif tense == "past" and start_month > anchor.month:
        year = anchor.year - 1
    else:
        year = anchor.year
    return make.value("DATE", f"{year:04d}-{code}", "season")


_ENDED = re.compile(
    rf"\s+(?:that\s+)?(?:ended|ending|which\s+ended|through)\s+(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})\b"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?",
    re.I,
)


def _ended(text: str, end: int, anchor: date) -> date | None:
    """The day a period ends when the text says so right after it ("ended Sept. 30")."""
    m = _ENDED.match(text, end)
    if m is None:
        return None
    month, day_n = _month_of(m.group("month")), int(m.group("day"))
    if month is None:
        return None
    if m.group("year"):
        year = int(m.group("year"))
    else:  # over by the time it is told, like "the year ended March 31"
        year = _year_for(month, day_n, anchor, "past", strict=True)
    return _safe_date(year, month, day_n)


def _quarter(make: _Maker, m: re.Match[str], anchor: date, tense: str, state: _State) -> TimeValue:
    g = m.groupdict()
    words = " ".join(filter(None, [g.get("det"), g.get("mods"), g.get("mods2")])).lower()
    is_set = m.group(0).lower().rstrip().endswith("quarters") and not g.get("det")
    ord_text = (g.get("ord") or "").lower()
    number = {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "1st": 1,
        "2nd": 2,
        "3rd": 3,
        "4th": 4,
    }.get(ord_text)
    year_text = g.get("qyear") or g.get("qyear2")
    current = (anchor.year, (anchor.month - 1) // 3 + 1)
    if year_text:
        year = int(year_text)
        if number is None:
            number = state.quarter[1] if state.quarter and not _after_months_span(make) else None
    elif "next year's" in words:
        year = anchor.year + 1
    elif number is not None:
        year = anchor.year
        if (ended_on := _ended(make.text, make.hit.end, anchor)) is not None:
            year = ended_on.year  # "the second quarter ended Oct. 31, 1988": of that year
        elif number > current[1] and tense == "past":
            year -= 1
    elif (ended := _ended(make.text, make.hit.end, anchor)) is not None:
        if (
            state.quarter is not None
            and make.text.count("\n\n", state.quarter_at, make.hit.start) <= 1
        ):
            # "earned $5 million in the fiscal first quarter. ... sales for the quarter ended
            # Sept. 29": the quarter just named, told by its last day (a fiscal quarter
            # need not be the calendar one)
            year, number = state.quarter
        else:
            # "the quarter ended Sept. 30": the three months before that day
            middle = ended - timedelta(days=45)
            year, number = middle.year, (middle.month - 1) // 3 + 1
    elif "current" in words or words.strip() == "this":
        year, number = current
    elif state.quarter is not None and (
        not re.search(r"latest|most recent|just", words)
        or make.text.count("\n\n", state.quarter_at, make.hit.start) <= 1
    ):
        # "the quarter"; "the latest period" right after a quarter is named is that one
        year, number = state.quarter
    else:  # the latest quarter, the one just reported: the one before the article's
        index = current[0] * 4 + current[1] - 2
        year, number = index // 4, index % 4 + 1
    if number is not None and not (
        "year-earlier" in words
        or "year-ago" in words
        or "year earlier" in words
        or "year ago" in words
        or "last year's" in words
        or g.get("ago")
    ):
        comparison = re.search(
            r"\b(?:after|than|from|with|since|over|versus|vs\.?)\s+$",
            make.text[max(0, make.hit.start - 12) : make.hit.start],
            re.I,
        )
        # A quarter not over at the anchor, outside a past clause, is a forecast ("expects
        # losses through the third quarter of 1990"), not the quarter reported.
        forecast = (
            (year, number) >= current
            and tense != "past"  # "reported a decline in fourth-quarter earnings": over
            and not re.search(r"current|this", words)
            and _ENDED.match(make.text, make.hit.end) is None  # "fourth quarter ended Sept. 30"
        )
        if not forecast and (
            state.quarter is None or not ((year_text and year < state.quarter[0]) or comparison)
        ):
            # "the 1988 period" after the 1989 quarter is its comparison, not a new topic
            state.quarter = (year, number)
        state.quarter_at = make.hit.end
    if re.search(r"year[- ](?:earlier|ago)|last year's|comparable|corresponding", words) or g.get(
        "ago"
    ):
        if not year_text and "next year's" not in words:
            year -= 1
    if is_set and number is not None:
        return make.value("SET", f"XXXX-Q{number}", "set")
    if number is None:
        return make.value("DATE", f"{year:04d}", "year")
    return make.value("DATE", f"{year:04d}-Q{number}", "quarter")


_TOLD_KINDS = {"md", "dm", "iso", "weekday", "deictic", "year", "month", "relunit", "narrative"}


def _narrative(make: _Maker, m: re.Match[str], anchor: date, state: _State) -> TimeValue | None:
    """ "that year", "later that day", "the following month", "the next morning": counted
    from the date the story told last; "that ..." with nothing told before is no time."""
    g = m.groupdict()
    unit = (g.get("unit") or g.get("unit2") or g.get("unit3") or "").lower()
    word = (g.get("dir") or g.get("next") or "").lower()
    step = {"following": 1, "next": 1, "previous": -1, "preceding": -1}.get(word, 0)
    told = state.told
    need = {"year": 4, "month": 7}.get(unit, 10)  # how much of a date the unit needs
    same = re.search(r"\bsame\b", m.group(0), re.I) is not None
    if same and unit == "day" and told is not None and len(told) == 7:
        # "collapsed last February ... repairs began that same day": a day of the month
        # told (a bare "that day" may be any day: "whoever sells that day loses")
        return make.value("DATE", f"{told}-XX", "month")
    if told is None or len(told) < need:
        if g.get("that"):
            return None
        told = anchor.isoformat()  # nothing fine enough told: count from the article
    year = int(told[:4])
    month = int(told[5:7]) if len(told) >= 7 else None
    day = date(year, month, int(told[8:10])) if len(told) == 10 and month else None
    if unit == "year":
        return make.value("DATE", f"{year + step:04d}", "year")
    if unit == "month":
        if month is None:
            return None
        index = year * 12 + month - 1 + step
        return make.value("DATE", f"{index // 12:04d}-{index % 12 + 1:02d}", "month")
    if day is None:
        return None
    if unit == "week":
        return make.value("DATE", _week(day + timedelta(weeks=step)), "week")
    day += timedelta(days=step)
    if unit in PARTS:
        return make.value("TIME", f"{day.isoformat()}T{PARTS[unit]}", "day")
    return make.value("DATE", day.isoformat(), "day")


def _relunit(make: _Maker, m: re.Match[str], anchor: date, tense: str) -> TimeValue:
    g = m.groupdict()
    rel = g["rel"].lower().replace("the ", "")
    unit = g["unit"].lower()
    step = {
        "this": 0,
        "current": 0,
        "present": 0,
        "last": -1,
        "past": -1,
        "this past": -1,
        "previous": -1,
        "next": 1,
        "coming": 1,
        "following": 1,
        "the": 0,
    }[rel]
    if unit == "week" and rel == "the":  # "the end of the week": which week is not said
        return make.value("DATE", f"{anchor.year:04d}-WXX", "year")
    if unit in {"week", "weekend"}:
        value = _week(anchor + timedelta(weeks=step)) + ("-WE" if unit == "weekend" else "")
        precision = "week"
    elif unit == "month":
        month_index = anchor.year * 12 + anchor.month - 1 + step
        value = f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
        precision = "month"
    elif unit == "decade":
        value = str(anchor.year // 10 + step)
        precision = "decade"
    elif unit == "century":
        value = f"{anchor.year // 100 + step:02d}"
        precision = "century"
    else:
        value = str(anchor.year + step)
        precision = "year"
    return make.value("DATE", value, precision)


_MONTHS_SPAN = re.compile(
    r"\b(?:nine|six|three|\d+)\s+months\b|\b(?:first|second)\s+half\b|\byear\s+to\s+date\b", re.I
)


def _after_months_span(make: _Maker) -> bool:
    """Whether the sentence before the hit names a stretch of months after its last
    quarter ("For the nine months, ... a year earlier"): the year-ago figure is then that
    stretch's, a year, not the quarter's."""
    start = make.hit.start
    sentence_start = max(make.text.rfind(". ", 0, start), make.text.rfind("\n", 0, start), 0)
    before = make.text[sentence_start:start]
    spans = list(_MONTHS_SPAN.finditer(before))
    if not spans:
        return False
    quarters = list(re.finditer(r"quarter", before, re.I))
    return not quarters or quarters[-1].start() < spans[-1].start()


def _beside_quarter(make: _Maker, state: _State) -> bool:
    """Whether a year-ago phrase stands beside a quarter's figures: a quarter or period is
    named earlier in its sentence, or a quarter was named in its paragraph or the one
    before ("Sales were $5 million, up from $4 million a year earlier.")."""
    if state.quarter is None:
        return False
    start = make.hit.start
    sentence_start = max(make.text.rfind(". ", 0, start), make.text.rfind("\n", 0, start), 0)
    gap = make.text[max(state.quarter_at, 0) : start]
    return bool(
        re.search(r"quarter|period", make.text[sentence_start:start], re.I)
        or gap.count("\n\n") <= 1
    )


_PERIOD_ENDED = re.compile(
    r"\b(?:quarter|months|weeks|period|year|half)(?=\s+(?:that\s+)?(?:ended|ending)\s)", re.I
)


# A full stop that ends a sentence: not one of an abbreviation ("Sept. 30", "Mr. Smith").
_SENTENCE_END = re.compile(
    r"(?<!\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec|mrs|sen|rep|gov|gen|inc|ltd))"
    r"(?<!\b(?:sept|corp))(?<!\b(?:mr|ms|dr|st|co|jr|sr|no))(?<!\b[a-z])"
    r"[.!?][\"')]*\s+(?=[\"'`(]*(?-i:[A-Z]))",
    re.I,
)


def _period_end_before(make: _Maker, anchor: date) -> date | None:
    """The closing day of a period named earlier in the hit's sentence ("For the quarter
    ended Sept. 30, Delta earned $133 million, up from $100 million a year earlier"): the
    year-ago figure is then the one for the period that closed a year before that day."""
    start = make.hit.start
    ends = [b.end() for b in _SENTENCE_END.finditer(make.text, 0, start + 2) if b.end() <= start]
    sentence_start = max(ends[-1] if ends else 0, make.text.rfind("\n", 0, start), 0)
    closed = None
    for period in _PERIOD_ENDED.finditer(make.text, sentence_start, start):
        closed = _ended(make.text, period.end(), anchor) or closed
    return closed


def _safe_year_back(day: date) -> str:
    """The same day a year earlier (Feb. 29 -> Feb. 28)."""
    return (
        _safe_date(day.year - 1, day.month, day.day) or day.replace(day=28, year=day.year - 1)
    ).isoformat()


def _ago(make: _Maker, m: re.Match[str], anchor: date, state: _State) -> TimeValue | None:
    g = m.groupdict()
    n = _number(g["num"])
    unit = g["unit"].lower()
    unit = unit[:-1] if unit.endswith("s") else unit
    unit = "century" if unit == "centurie" else unit
    direction = g["dir"].lower()
    if n is None or unit not in UNITS:
        return None
    if direction in {"earlier", "later"} and unit not in {"year", "month"}:
        return _duration(make, m)  # "three days later": how long, said of another event
    if n == 0:
        return make.value(
            "DATE", "PAST_REF" if direction in {"ago", "earlier"} else "FUTURE_REF", "vague"
        )
    sign = 1 if direction in {"later", "hence", "from now"} else -1
    if unit == "year" and n == 1 and direction in {"ago", "earlier"}:
        if (closed := _period_end_before(make, anchor)) is not None:
            return make.value("DATE", _safe_year_back(closed), "day")
    if unit == "year" and n == 1 and direction in {"ago", "earlier"} and state.quarter:
        if _beside_quarter(make, state) and not _after_months_span(make):
            year, number = state.quarter
            return make.value("DATE", f"{year - 1:04d}-Q{number}", "quarter")
    if unit in {"second", "minute", "hour"}:
        return make.value("DATE", anchor.isoformat(), "day")
    if unit in {"month", "quarter", "year", "decade", "century"}:
        months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
        index = anchor.year * 12 + anchor.month - 1 + sign * round(n * months)
        year, month = index // 12, index % 12 + 1
        if not _valid_year(year):
            return make.uncertain(m.group(0))
        value = {
            "month": f"{year:04d}-{month:02d}",
            "quarter": f"{year:04d}-Q{(month - 1) // 3 + 1}",
            "year": f"{year:04d}",
            "decade": f"{year // 10:03d}",
            "century": f"{year // 100:02d}",
        }[unit]
        return make.value("DATE", value, unit)
    days = (
        {
            "day": 1,
            "night": 1,
            "week": 7,
            "month": 30.44,
            "quarter": 91.3,
            "year": 365.25,
            "decade": 3652.5,
            "century": 36525,
        }[unit]
        * n
        * sign
    )
    try:
        when = anchor + timedelta(days=round(days))
    except (OverflowError, ValueError):
        return make.uncertain(m.group(0))
    value = {
        "day": when.isoformat(),
        "night": when.isoformat(),
        "week": _week(when),
        "month": when.strftime("%Y-%m"),
        "quarter": f"{when.year}-Q{(when.month - 1) // 3 + 1}",
        "year": str(when.year),
        "decade": str(when.year // 10),
        "century": f"{when.year // 100:02d}",
    }[unit]
    return make.value("DATE", value, unit)


def _evidence(text: str, article_id: str, start: int, end: int, confidence: float) -> Evidence:
    return Evidence(
        span=Span(article_id, start, end, text[start:end]),
        extractor=EXTRACTOR,
        version=VERSION,
        confidence=confidence,
    )
