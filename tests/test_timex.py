"""The temporal tagger on hand-written phrases (no spaCy model needed)."""

from __future__ import annotations

from datetime import date

import pytest

from detente.timex import TimeTagger

ANCHOR = date(2025, 6, 1)  # a Sunday


def tag(text: str, *, tense: str = "present", zone: str | None = None) -> list[tuple]:
    tagger = TimeTagger(
        zone_of=lambda _o: zone,
        tense_of=lambda _o: tense,
        city_zone=lambda name: {"Kyiv": "Europe/Kyiv", "Moscow": "Europe/Moscow"}.get(name),
    )
    return [
        (v.evidence.span.text, v.type, v.value, v.instant, v.local, v.bound)
        for v in tagger.tag(text, article_id="a", anchor=ANCHOR)
    ]


def test_spans_slice_back_to_the_text() -> None:
    text = "Talks open on Monday at 10:00 GMT, a week after the 30-day truce ended."
    tagger = TimeTagger(tense_of=lambda _o: "future")
    for value in tagger.tag(text, article_id="a", anchor=ANCHOR):
        span = value.evidence.span
        assert text[span.start : span.end] == span.text


def test_local_hour_and_gmt_hour_must_agree() -> None:
    [(text, type_, value, instant, local, _)] = tag(
        "They meet tomorrow at 2:30 PM local time (1130 GMT) in the capital.",
        zone="Europe/Istanbul",
    )
    assert text == "tomorrow at 2:30 PM local time (1130 GMT)"
    assert (type_, value) == ("TIME", "2025-06-02T14:30")
    assert instant == "2025-06-02T11:30:00Z"
    assert local == "2025-06-02T14:30:00+03:00"


def test_disagreeing_hours_lower_confidence_and_trust_utc() -> None:
    tagger = TimeTagger(zone_of=lambda _o: "Europe/Istanbul")
    [value] = tagger.tag("tomorrow at 2:30 PM local time (0930 GMT)", article_id="a", anchor=ANCHOR)
    assert value.instant == "2025-06-02T09:30:00Z"
    assert value.evidence.confidence < 1.0


def test_named_zone_in_the_expression() -> None:
    [(_, _, _, instant, _, _)] = tag("at noon Kyiv time on the day", zone="Europe/Istanbul")
    assert instant == "2025-06-01T09:00:00Z"  # Kyiv is UTC+3 in summer


def test_hour_without_zone_has_no_instant() -> None:
    [(_, type_, value, instant, _, _)] = tag("tomorrow at 9:00 a.m.")
    assert (type_, value, instant) == ("TIME", "2025-06-02T09:00", None)


@pytest.mark.parametrize(
    ("tense", "expected"),
    [("past", "2025-05-26"), ("future", "2025-06-02")],
)
def test_weekday_direction_follows_tense(tense: str, expected: str) -> None:
    [(_, _, value, *_)] = tag("on Monday", tense=tense)
    assert value == expected


@pytest.mark.parametrize(
    ("text", "value", "bound"),
    [
        ("at least 30 days", "P30D", "minimum"),
        ("the three-year war", "P3Y", None),
        ("up to 60 days", "P60D", "maximum"),
        ("a 72-hour truce", "PT72H", None),
        ("about two weeks", "P2W", "approximate"),
    ],
)
def test_durations(text: str, value: str, bound: str | None) -> None:
    [(_, type_, got, _, _, got_bound)] = tag(text)
    assert (type_, got, got_bound) == ("DURATION", value, bound)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on June 2", "2025-06-02"),
        ("on 16 May", "2025-05-16"),
        ("on July 23, 2025", "2025-07-23"),
        ("yesterday", "2025-05-31"),
        ("earlier this month", "2025-06"),
        ("last year", "2024"),
        ("next week", "2025-W23"),
        ("in May 2024", "2024-05"),
        ("three days ago", "2025-05-29"),
        ("in 2022", "2022"),
        ("currently", "PRESENT_REF"),
    ],
)
def test_dates(text: str, value: str) -> None:
    [(_, _, got, *_)] = tag(text)
    assert got == value


def test_december_date_in_january_article_is_last_year() -> None:
    tagger = TimeTagger(tense_of=lambda _o: "past")
    [value] = tagger.tag("on December 30", article_id="a", anchor=date(2026, 1, 3))
    assert value.value == "2025-12-30"


def test_modal_may_is_not_a_month() -> None:
    values = [v[2] for v in tag("Both sides may 2 weeks later agree")]
    assert values and not any(v.startswith("2025-05-02") for v in values)


def test_no_anchor_marks_relative_dates_unanchored() -> None:
    tagger = TimeTagger()
    values = tagger.tag("tomorrow, for 30 days, and on June 2", article_id="a", anchor=None)
    got = [(v.value, v.precision) for v in values]
    assert got == [
        ("XXXX-XX-XX", "unanchored"),
        ("P30D", "duration"),
        ("XXXX-06-02", "unanchored"),
    ]
    assert values[0].evidence.confidence < 1.0
