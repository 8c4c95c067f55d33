"""Temporal expressions: find them in text and normalize them the TimeML way.

The tagger is rule-based, like HeidelTime: patterns find DATE, TIME, DURATION and SET
expressions, and each is normalized relative to the document creation time (the article's
publication date). A time of day also gets a real instant: the zone comes from the
expression ("GMT", "UTC", "Kyiv time") or, for "local time" and bare hours, from the place
the sentence is about (the caller passes a function that gives the time zone of a
character offset). When an hour is given twice ("1:00 PM local time (1000 GMT)") the two
must name the same instant; if they do not, the explicit UTC figure wins and the value's
confidence drops.

Direction comes from tense: "Monday" in a clause about the future is the next Monday, in a
report of the past the last one. The tense is supplied by the caller per offset.

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
VERSION = "0.1.0"

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
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
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
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "several": 0,
    "few": 0,
}
UNITS = {
    "second": ("S", True),
    "minute": ("M", True),
    "hour": ("H", True),
    "day": ("D", False),
    "week": ("W", False),
    "month": ("M", False),
    "year": ("Y", False),
    "decade": ("DE", False),
    "century": ("CE", False),
}
UTC_NAMES = {"gmt", "utc", "z", "zulu"}
# Zone abbreviations news uses, with fixed offsets; names of cities are looked up by the
# caller's zone function ("Kyiv time").
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

_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?:second|minute|hour|day|week|month|year|decade|century)s?"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_CLOCK = (
    r"(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)"
    r"|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?=\s*(?:gmt|utc|hrs|hours|z\b|local))"
    r"|(?P<noon>noon|midday|midnight))"
)
_ZONE = (
    r"(?:\s*(?P<zone>local\s+time|gmt|utc|z(?=\W)|"
    + "|".join(k for k in ZONE_ABBREVIATIONS if k not in UTC_NAMES)
    + r"|(?P<cityzone>[A-Z][a-z]+)\s+time))?"
)

BOUNDS = {
    "at least": "minimum",
    "no less than": "minimum",
    "more than": "minimum",
    "over": "minimum",
    "up to": "maximum",
    "at most": "maximum",
    "no more than": "maximum",
    "less than": "maximum",
    "within": "maximum",
    "about": "approximate",
    "around": "approximate",
    "nearly": "approximate",
    "almost": "approximate",
    "some": "approximate",
    "roughly": "approximate",
    "approximately": "approximate",
}
_BOUND = r"(?:(?P<bound>" + "|".join(sorted(BOUNDS, key=len, reverse=True)) + r")\s+)?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # June 2, 2025 / 2 June 2025 / June 2 / 2 June
    (
        "md",
        re.compile(
            rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:,?\s+(?P<year>\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "dm",
        re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})"
            rf"(?:,?\s+(?P<year>\d{{4}}))?\b",
            re.I,
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    (
        "my",
        re.compile(
            rf"\b(?:(?:early|mid|late)-?\s*)?(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b", re.I
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>last|next|this|on)\s+)?(?P<weekday>{_WEEKDAY})"
            rf"(?:\s+(?P<part>morning|afternoon|evening|night))?\b",
            re.I,
        ),
    ),
    (
        "deictic",
        re.compile(
            r"\b(?P<deictic>today|tomorrow|yesterday|tonight"
            r"|the day after tomorrow|the day before yesterday)\b",
            re.I,
        ),
    ),
    (
        "relunit",
        re.compile(
            r"\b(?:(?P<mod>earlier|later)\s+)?(?P<rel>this|last|next|past|coming)"
            r"\s+(?P<unit>week|month|year|weekend)\b",
            re.I,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b{_BOUND}(?P<num>{_NUM})\s+(?P<unit>{_UNIT})\s+(?P<dir>ago|later|earlier)\b", re.I
        ),
    ),
    ("inyear", re.compile(r"\b(?:in|since|by|until|of|during)\s+(?P<year>(?:19|20)\d{2})\b", re.I)),
    (
        "duration",
        re.compile(rf"\b{_BOUND}(?P<num>{_NUM})[\s-](?P<unit>{_UNIT})(?:[\s-]long)?\b", re.I),
    ),
    ("clock", re.compile(rf"\b(?:at\s+)?{_CLOCK}{_ZONE}", re.I)),
    (
        "ref",
        re.compile(
            r"\b(?P<ref>now|currently|at present|recently|soon|in the coming days"
            r"|in recent days|in the past)\b",
            re.I,
        ),
    ),
    (
        "set",
        re.compile(
            r"\b(?P<set>daily|weekly|monthly|annually|every\s+(?:day|week|month|year)"
            r"|each\s+(?:day|week|month|year))\b",
            re.I,
        ),
    ),
]
REF_VALUES = {
    "now": "PRESENT_REF",
    "currently": "PRESENT_REF",
    "at present": "PRESENT_REF",
    "recently": "PAST_REF",
    "in recent days": "PAST_REF",
    "in the past": "PAST_REF",
    "soon": "FUTURE_REF",
    "in the coming days": "FUTURE_REF",
}
SET_VALUES = {
    "day": "P1D",
    "week": "P1W",
    "month": "P1M",
    "year": "P1Y",
    "daily": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "annually": "P1Y",
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
    zone: str | None  # an IANA name, "UTC", "local", or None when not said
    start: int
    end: int


ZoneOf = Callable[[int], str | None]
TenseOf = Callable[[int], str]


def _number(word: str) -> float | None:
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word] or None
    try:
        return float(word)
    except ValueError:
        return None


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _year_for(month: int, day: int, anchor: date, tense: str) -> int:
    """The year of a day-month without a year: the one nearest the anchor, nudged by tense."""
    best = anchor.year
    best_gap: float = float("inf")
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            gap = (date(year, month, day) - anchor).days
        except ValueError:
            continue
        if tense == "past" and gap > 31:
            continue
        if tense == "future" and gap < -31:
            continue
        if abs(gap) < best_gap:
            best, best_gap = year, abs(gap)
    return best


def _weekday(anchor: date, weekday: int, rel: str | None, tense: str) -> date:
    delta = weekday - anchor.weekday()
    if rel == "next" or (rel != "last" and tense == "future"):
        return anchor + timedelta(days=delta if delta > 0 else delta + 7)
    if rel == "last" or tense == "past":
        return anchor + timedelta(days=delta if delta < 0 else delta - 7)
    if rel == "this":
        return anchor + timedelta(days=delta)
    # Present or unknown: the nearest such day.
    forward = delta if delta >= 0 else delta + 7
    back = forward - 7
    return anchor + timedelta(days=forward if forward <= -back else back)


def _clock(match: re.Match[str], start: int, end: int) -> _Clock:
    g = match.groupdict()
    if g.get("h"):
        hour, minute = int(g["h"]) % 12, int(g["m"] or 0)
        if g["ampm"].lower().startswith("p"):
            hour += 12
    elif g.get("h24"):
        hour, minute = int(g["h24"]), int(g["m24"])
    elif g.get("mil"):
        hour, minute = int(g["mil"][:2]), int(g["mil"][2:])
    else:
        hour, minute = (0, 0) if g["noon"].lower() == "midnight" else (12, 0)
    zone_text = (g.get("zone") or "").lower()
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
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


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
        hits = self._find(text)
        values: list[TimeValue] = []
        i = 0
        while i < len(hits):
            hit = hits[i]
            consumed = 1
            value: TimeValue | None
            if hit.kind in {"md", "dm", "iso", "weekday", "deictic"} and anchor is not None:
                day, precision = self._day(hit, anchor)
                clocks, consumed = self._following_clocks(text, hits, i)
                if day is not None and clocks:
                    end = clocks[-1].end
                    value = self._time_value(text, article_id, hit.start, end, day, clocks)
                elif day is not None:
                    value = self._value(
                        text, article_id, hit.start, hit.end, "DATE", day.isoformat(), precision
                    )
                    if hit.kind == "weekday" and hit.match.group("part"):
                        part = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}[
                            hit.match.group("part").lower()
                        ]
                        value = self._value(
                            text,
                            article_id,
                            hit.start,
                            hit.end,
                            "TIME",
                            f"{day.isoformat()}T{part}",
                            "day",
                        )
                else:
                    value = None
            elif hit.kind == "clock" and anchor is not None:
                first = self._clock_of(hit)
                more, consumed = self._following_clocks(text, hits, i)
                clocks = [first, *more] if first else more
                value = self._time_value(
                    text, article_id, hit.start, clocks[-1].end, anchor, clocks, precision="article"
                )
            else:
                value = self._simple(text, article_id, hit, anchor)
            if value is not None:
                values.append(value)
            i += consumed
        return values

    # -- finding -------------------------------------------------------------------------

    def _find(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for kind, pattern in PATTERNS:
            for m in pattern.finditer(text):
                start, end = m.span()
                if kind == "inyear":
                    start = m.start("year")
                if kind == "weekday" and (m.group("rel") or "").lower() == "on":
                    start = m.start("weekday")
                if kind == "clock":
                    if not _is_clock(m):
                        continue
                    start = min(m.start(g) for g in ("h", "h24", "mil", "noon") if m.group(g))
                if (
                    kind == "md"
                    and m.group("month").lower().rstrip(".") == "may"
                    and not (m.group("year") or m.group("month")[0].isupper())
                ):
                    continue
                hits.append(_Hit(start, end, kind, m))
        # Longest leftmost wins; drop hits inside others.
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[_Hit] = []
        for h in hits:
            if kept and h.start < kept[-1].end:
                continue
            kept.append(h)
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
            clock = self._clock_of(hits[j])
            if clock is None:
                break
            close = re.match(r"\s*\)", text[hits[j].end :])
            clock_end = hits[j].end + (close.end() if close and "(" in gap else 0)
            clocks.append(_Clock(clock.hour, clock.minute, clock.zone, clock.start, clock_end))
            end = clock_end
            consumed += 1
            j += 1
        return clocks, consumed

    def _clock_of(self, hit: _Hit) -> _Clock | None:
        return _clock(hit.match, hit.start, hit.end) if hit.kind == "clock" else None

    # -- normalizing ---------------------------------------------------------------------

    def _day(self, hit: _Hit, anchor: date) -> tuple[date | None, str]:
        m = hit.match
        tense = self.tense_of(hit.start)
        try:
            if hit.kind in {"md", "dm", "iso"}:
                month_text = m.group("month")
                month = (
                    int(month_text)
                    if month_text.isdigit()
                    else MONTHS[month_text.lower().rstrip(".")]
                )
                day_n = int(m.group("day"))
                year = (
                    int(m.group("year"))
                    if m.group("year")
                    else _year_for(month, day_n, anchor, tense)
                )
                return date(year, month, day_n), "day"
            if hit.kind == "weekday":
                rel = (m.group("rel") or "").lower() or None
                return _weekday(anchor, WEEKDAYS[m.group("weekday").lower()], rel, tense), "day"
            word = m.group("deictic").lower()
            offset = {
                "today": 0,
                "tonight": 0,
                "tomorrow": 1,
                "yesterday": -1,
                "the day after tomorrow": 2,
                "the day before yesterday": -2,
            }[word]
            return anchor + timedelta(days=offset), "day"
        except (ValueError, KeyError):
            return None, "day"

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
        instants: list[tuple[datetime, ZoneInfo | timezone | None]] = []
        for c in clocks:
            tz: ZoneInfo | timezone | None
            if c.zone == "UTC":
                tz = UTC
            elif c.zone == "local" or c.zone is None:
                tz = local_zone
            elif c.zone.startswith("city:"):
                tz = _zoneinfo(self.city_zone(c.zone[5:]))
            else:
                tz = _zoneinfo(c.zone)
            naive = datetime(day.year, day.month, day.day, c.hour, c.minute)
            instants.append((naive.replace(tzinfo=tz) if tz else naive, tz))
        first_naive = datetime(day.year, day.month, day.day, clocks[0].hour, clocks[0].minute)
        value = first_naive.strftime("%Y-%m-%dT%H:%M")
        aware = [(dt, tz) for dt, tz in instants if tz is not None]
        confidence = 1.0
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
                value = local_dt.strftime("%Y-%m-%dT%H:%M")
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
        self, text: str, article_id: str, hit: _Hit, anchor: date | None
    ) -> TimeValue | None:
        m = hit.match
        kind = hit.kind
        if kind == "duration":
            n = _number(m.group("num"))
            unit = m.group("unit").lower().rstrip("s")
            if n is None or unit not in UNITS:
                return None
            code, is_time = UNITS[unit]
            value = ("PT" if is_time else "P") + _fmt_num(n) + code
            bound = BOUNDS.get((m.group("bound") or "").lower())
            return self._value(
                text, article_id, hit.start, hit.end, "DURATION", value, "duration", bound=bound
            )
        if kind == "ref":
            return self._value(
                text,
                article_id,
                hit.start,
                hit.end,
                "DATE",
                REF_VALUES[m.group("ref").lower()],
                "vague",
            )
        if kind == "set":
            word = m.group("set").lower().split()[-1]
            return self._value(text, article_id, hit.start, hit.end, "SET", SET_VALUES[word], "set")
        if anchor is None:
            return None
        if kind == "my":
            month = MONTHS[m.group("month").lower().rstrip(".")]
            return self._value(
                text,
                article_id,
                hit.start,
                hit.end,
                "DATE",
                f"{int(m.group('year')):04d}-{month:02d}",
                "month",
            )
        if kind == "inyear":
            return self._value(
                text, article_id, hit.start, hit.end, "DATE", m.group("year"), "year"
            )
        if kind == "relunit":
            return self._relunit(text, article_id, hit, anchor)
        if kind == "ago":
            n = _number(m.group("num"))
            unit = m.group("unit").lower().rstrip("s")
            if n is None or unit not in {"day", "week", "month", "year"}:
                return None
            sign = 1 if m.group("dir").lower() == "later" else -1
            days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n * sign
            when = anchor + timedelta(days=days)
            value = {
                "day": when.isoformat(),
                "week": f"{when.isocalendar()[0]}-W{when.isocalendar()[1]:02d}",
                "month": when.strftime("%Y-%m"),
                "year": str(when.year),
            }[unit]
            return self._value(text, article_id, hit.start, hit.end, "DATE", value, unit)
        return None

    def _relunit(self, text: str, article_id: str, hit: _Hit, anchor: date) -> TimeValue:
        m = hit.match
        rel, unit = m.group("rel").lower(), m.group("unit").lower()
        step = {"this": 0, "last": -1, "past": -1, "next": 1, "coming": 1}[rel]
        if unit in {"week", "weekend"}:
            when = anchor + timedelta(weeks=step)
            iso = when.isocalendar()
            value = f"{iso[0]}-W{iso[1]:02d}" + ("-WE" if unit == "weekend" else "")
        elif unit == "month":
            month_index = anchor.year * 12 + anchor.month - 1 + step
            value = f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
        else:
            value = str(anchor.year + step)
        return self._value(text, article_id, hit.start, hit.end, "DATE", value, unit)

    def _value(
        self,
        text: str,
        article_id: str,
        start: int,
        end: int,
        type_: str,
        value: str,
        precision: str,
        *,
        bound: str | None = None,
    ) -> TimeValue:
        return TimeValue(
            type=type_,
            value=value,
            evidence=_evidence(text, article_id, start, end, 1.0),
            bound=bound,
            precision=precision,
        )


def _is_clock(m: re.Match[str]) -> bool:
    g = m.groupdict()
    return bool(g.get("h") or g.get("h24") or g.get("mil") or g.get("noon"))


def _evidence(text: str, article_id: str, start: int, end: int, confidence: float) -> Evidence:
    return Evidence(
        span=Span(article_id, start, end, text[start:end]),
        extractor=EXTRACTOR,
        version=VERSION,
        confidence=confidence,
    )
