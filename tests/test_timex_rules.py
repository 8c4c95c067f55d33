"""TimeML rules of the tagger on hand-written phrases: relative dates, weekdays both ways,
quarters, seasons, decades, durations and extents, time zones, and bad input."""

from __future__ import annotations

from datetime import date

import pytest

from detente.timex import TimeTagger, spelled_year

ANCHOR = date(2025, 6, 1)  # a Sunday, in the second quarter


def values(
    text: str, *, tense: str = "present", zone: str | None = None, anchor: date | None = ANCHOR
) -> list[tuple[str, str, str]]:
    tagger = TimeTagger(
        zone_of=lambda _o: zone,
        tense_of=lambda _o: tense,
        city_zone=lambda name: {"Kyiv": "Europe/Kyiv"}.get(name),
    )
    return [
        (v.evidence.span.text, v.type, v.value)
        for v in tagger.tag(text, article_id="a", anchor=anchor)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two years ago", ("two years ago", "DATE", "2023")),
        ("a year earlier", ("a year earlier", "DATE", "2024")),
        ("five months ago", ("five months ago", "DATE", "2025-01")),
        ("the day before yesterday", ("the day before yesterday", "DATE", "2025-05-30")),
        ("earlier this year", ("earlier this year", "DATE", "2025")),
        ("by the end of the month", ("the end of the month", "DATE", "2025-06")),
        ("by the end of next month", ("the end of next month", "DATE", "2025-07")),
        ("last week", ("last week", "DATE", "2025-W21")),
        ("early next year", ("early next year", "DATE", "2026")),
        ("in the past", ("the past", "DATE", "PAST_REF")),
        ("right now", ("right now", "DATE", "PRESENT_REF")),
        ("in the coming days", ("the coming days", "DATE", "FUTURE_REF")),
    ],
)
def test_relative_dates_are_anchored_on_the_article(text: str, expected: tuple) -> None:
    assert values(text) == [expected]


@pytest.mark.parametrize(
    ("text", "tense", "value"),
    [
        ("on Thursday", "past", "2025-05-29"),
        ("on Thursday", "future", "2025-06-05"),
        ("on Sunday", "past", "2025-06-01"),  # the article's own weekday is its day
        ("last Sunday", "present", "2025-05-25"),
        ("next Sunday", "present", "2025-06-08"),
        ("on Tuesday", "present", "2025-05-27"),  # tense says nothing: the week gone by
        ("on Monday", "present", "2025-06-02"),  # ... unless it is the next day
    ],
)
def test_weekdays_follow_tense_both_ways(text: str, tense: str, value: str) -> None:
    [(_, type_, got)] = values(text, tense=tense)
    assert (type_, got) == ("DATE", value)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("the third quarter", "the third quarter", "2025-Q3"),
        ("a third-quarter loss", "third-quarter", "2025-Q3"),
        ("the fourth quarter", "the fourth quarter", "2025-Q4"),
        ("in fiscal 2024", "fiscal 2024", "2024"),
        ("this summer", "this summer", "2025-SU"),
        ("last fall", "last fall", "2024-FA"),
        ("the winter of 1994", "the winter of 1994", "1994-WI"),
        ("the 1990s", "the 1990s", "199"),
        ("the late '80s", "the late '80s", "198"),
        ("until mid-November", "mid-November", "2025-11"),
        ("in nineteen ninety-six", "nineteen ninety-six", "1996"),
        ("last April", "last April", "2025-04"),
        ("the 20th century", "the 20th century", "19"),
    ],
)
def test_calendar_units(text: str, span: str, value: str) -> None:
    [(got_span, _, got)] = values(text)
    assert (got_span, got) == (span, value)


@pytest.mark.parametrize(
    ("text", "tense", "value"),
    [
        ("at Christmas", "future", "2025-12-25"),
        ("at Christmas", "past", "2024-12-25"),
        ("on Thanksgiving", "future", "2025-11-27"),
        ("Easter 2024", "present", "2024-03-31"),
        ("on Memorial Day", "past", "2025-05-26"),
    ],
)
def test_holidays(text: str, tense: str, value: str) -> None:
    [(_, type_, got)] = values(text, tense=tense)
    assert (type_, got) == ("DATE", value)


def test_quarter_by_its_end_date_and_the_latest_quarter() -> None:
    got = values("For the quarter ended March 31, sales rose; in the latest quarter, not.")
    assert [v for _, _, v in got if "Q" in v] == ["2025-Q1", "2025-Q1"]
    got = values("The fourth quarter looks weak, unlike the latest quarter.")
    assert [v for _, _, v in got] == ["2025-Q4", "2025-Q1"]


def test_halves_of_a_year() -> None:
    assert values("in the second half of 1989") == [("the second half of 1989", "DATE", "1989-H2")]


def test_the_quarter_refers_to_the_one_last_named() -> None:
    got = values("Profit rose in the first quarter. In the quarter, sales rose; a year ago, none.")
    assert [v for _, _, v in got] == ["2025-Q1", "2025-Q1", "2024-Q1"]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("within five years", "five years", "P5Y"),
        ("over the past two months", "the past two months", "P2M"),
        ("in the last twenty four hours", "the last twenty four hours", "PT24H"),
        ("for several years", "several years", "PXY"),
        ("for years", "years", "PXY"),
        ("a two-decade feud", "two-decade", "P20Y"),
        ("the year ended March 31", "the year", "P1Y"),
        ("three days later", "three days", "P3D"),
        ("for 2 1/2 years", "2 1/2 years", "P2Y6M"),
        ("an hour and a half", "an hour and a half", "PT1H30M"),
        ("a week and a half", "a week and a half", "P10DT12H"),
    ],
)
def test_durations_and_their_extent(text: str, span: str, value: str) -> None:
    [(got_span, type_, got), *_] = values(text)
    assert (got_span, type_, got) == (span, "DURATION", value)


def test_an_age_is_not_a_duration() -> None:
    assert values("he is 52 years old") == []
    assert values("a 136-year-old company") == []


def test_ordinal_second_is_not_a_duration() -> None:
    assert values("A second round of talks") == []
    assert values("it lasted a second.") == [("a second", "DURATION", "PT1S")]


def test_rates_are_not_durations() -> None:
    assert values("four flights a week and 358,000 jobs a month") == []
    assert values("for a week") == [("a week", "DURATION", "P1W")]


def test_sets() -> None:
    assert values("twice a week") == [("twice a week", "SET", "P1W")]
    assert values("each Thursday") == [("each Thursday", "SET", "XXXX-WXX-4")]
    assert values("every week") == [("every week", "SET", "P1W")]


def test_midnight_is_the_end_of_its_day() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "Europe/Kyiv", tense_of=lambda _o: "future")
    [v] = tagger.tag("at midnight Friday", article_id="a", anchor=ANCHOR)
    assert (v.value, v.instant) == ("2025-06-06T24:00", "2025-06-06T21:00:00Z")


# -- time zones ---------------------------------------------------------------------------


def test_time_of_day_in_the_zone_of_the_place() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "America/New_York")
    [v] = tagger.tag("at 9 a.m. tomorrow", article_id="a", anchor=ANCHOR)
    assert (v.value, v.instant, v.local) == (
        "2025-06-02T09:00",
        "2025-06-02T13:00:00Z",
        "2025-06-02T09:00:00-04:00",
    )


def test_explicit_zone_abbreviation_wins_over_the_place() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "Europe/Istanbul")
    [v] = tagger.tag("on June 3 at 14:00 GMT", article_id="a", anchor=ANCHOR)
    assert v.instant == "2025-06-03T14:00:00Z"
    assert v.local == "2025-06-03T17:00:00+03:00"


def test_consistent_double_reading_keeps_full_confidence() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "Europe/Kyiv")
    [v] = tagger.tag("today at 3 p.m. local time (1200 GMT)", article_id="a", anchor=ANCHOR)
    assert v.instant == "2025-06-01T12:00:00Z"
    assert v.evidence.confidence == 1.0


# -- bad input ----------------------------------------------------------------------------


def test_impossible_date_has_no_value_and_no_confidence() -> None:
    tagger = TimeTagger()
    found = tagger.tag("talks on February 30 and on June 31", article_id="a", anchor=ANCHOR)
    assert [(v.value, v.precision, v.evidence.confidence) for v in found] == [
        ("XXXX-XX-XX", "uncertain", 0.0),
        ("XXXX-XX-XX", "uncertain", 0.0),
    ]


def test_year_far_out_of_range_is_not_a_date() -> None:
    assert values("on May 5, 9999") == [] or all(
        v != "9999-05-05" for _, _, v in values("on May 5, 9999")
    )
    assert spelled_year("nineteen ninety-six") == 1996
    tagger = TimeTagger()
    found = tagger.tag("on March 3, 3050", article_id="a", anchor=ANCHOR)
    assert all(not v.value.startswith("3050") for v in found)


def test_article_without_a_publication_date_falls_back_and_says_so() -> None:
    tagger = TimeTagger()
    found = tagger.tag(
        "Yesterday, in June 2024, the sides met; next week they meet again.",
        article_id="a",
        anchor=None,
    )
    got = {v.evidence.span.text: (v.value, v.precision) for v in found}
    assert got["June 2024"] == ("2024-06", "month")  # absolute: still known
    assert got["Yesterday"] == ("XXXX-XX-XX", "unanchored")
    assert got["next week"] == ("XXXX-WXX", "unanchored")
    assert all(v.evidence.confidence < 1.0 for v in found if v.precision == "unanchored")


def test_unknown_time_zone_name_gives_no_instant_and_lower_confidence() -> None:
    tagger = TimeTagger(city_zone=lambda _name: "Not/AZone")
    [v] = tagger.tag("tomorrow at noon Gotham time", article_id="a", anchor=ANCHOR)
    assert v.instant is None
    assert v.evidence.confidence < 1.0


def test_unknown_zone_of_the_place_does_not_crash() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "Mars/Olympus")
    [v] = tagger.tag("tomorrow at 10:00", article_id="a", anchor=ANCHOR)
    assert (v.value, v.instant) == ("2025-06-02T10:00", None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "at 99:99",
        "on the 45th of Smarch",
        "1:00 PM (2500 GMT)",
        "May 0",
        "Oct. 32, 2020",
        "99999999 days ago",
        "99999999 years later",
        "the 99th century",
    ],
)
def test_odd_text_never_raises(text: str) -> None:
    for anchor in (ANCHOR, None):
        values(text, anchor=anchor)
