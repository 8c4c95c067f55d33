"""Fusion: one meeting told by many outlets is one fused event with all its sources."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from detente.fuse import Member, compatible, confidence_of
from detente.store import Store
from fusion_readings import told_by


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "f.db")


def test_one_meeting_from_three_outlets_is_one_fused_event(store: Store) -> None:
    for outlet in ("Reuters", "AP", "AFP"):
        store.add_reading(told_by(outlet))
    [fused] = store.fused()
    assert (fused.type, fused.sources, fused.targets) == ("CONSULT", ("UKR",), ("RUS",))
    assert (fused.articles, fused.outlets) == (3, 3)
    assert {m.outlet for m in fused.members} == {"Reuters", "AP", "AFP"}
    assert fused.date == date(2025, 6, 2) and fused.place_name == "Istanbul"
    assert store.counts().events == 3  # the per-article events stay as read


def test_confidence_grows_with_independent_outlets_not_with_repeats(store: Store) -> None:
    store.add_reading(told_by("Reuters", n=0))
    one = store.fused()[0].confidence
    store.add_reading(told_by("Reuters", n=1))
    same_outlet = store.fused()[0]
    store.add_reading(told_by("AP"))
    two = store.fused()[0]
    assert same_outlet.articles == 2 and same_outlet.outlets == 1
    assert same_outlet.confidence == pytest.approx(one)
    assert two.outlets == 2 and two.confidence > one


def test_conflicting_values_are_kept_with_their_sources(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP"))
    store.add_reading(told_by("AFP", day="2025-06-03", status="present"))
    [fused] = store.fused()
    assert set(fused.conflicts) == {"day", "time", "status"}
    days = {v.value: v.outlets for v in fused.values_of("day")}
    assert days == {"2025-06-02": ("AP", "Reuters"), "2025-06-03": ("AFP",)}
    assert fused.date == date(2025, 6, 2)  # the value most outlets give
    assert fused.status == "past" and fused.date_to == date(2025, 6, 3)


def test_two_known_places_are_two_meetings(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP", place="Ankara"))
    assert sorted(f.place_name or "" for f in store.fused()) == ["Ankara", "Istanbul"]


def test_different_events_stay_apart(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP", event_type="ACCUSE"))  # another type
    store.add_reading(told_by("AFP", day="2025-06-09"))  # a week later
    store.add_reading(told_by("BBC", status="negated"))  # "did not meet"
    assert len(store.fused()) == 4


def test_an_unknown_place_joins_a_known_one(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP", place=None))
    [fused] = store.fused()
    assert fused.outlets == 2 and fused.place_name == "Istanbul"


def test_a_bridging_report_merges_two_fused_events(store: Store) -> None:
    store.add_reading(told_by("Reuters", day="2025-06-01"))
    store.add_reading(told_by("AP", day="2025-06-03"))
    assert len(store.fused()) == 2  # two days apart: not (yet) the same
    store.add_reading(told_by("AFP", day="2025-06-02"))
    [fused] = store.fused()
    assert fused.outlets == 3 and (fused.date_from, fused.date_to) == (
        date(2025, 6, 1),
        date(2025, 6, 3),
    )


def fused_state(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (f.id, f.date, f.outlets, f.confidence, tuple(m.event_id for m in f.members))
        for f in store.fused()
    )


def test_the_fused_record_does_not_depend_on_arrival_order(tmp_path: Path) -> None:
    readings = [
        told_by("Reuters", day="2025-06-01"),
        told_by("AP", day="2025-06-03"),
        told_by("AFP", day="2025-06-02", place="Ankara"),
        told_by("BBC", day="2025-06-02", place=None),
    ]
    states = []
    for i, order in enumerate(itertools.permutations(readings)):
        store = Store(tmp_path / f"{i}.db")
        for reading in order:
            store.add_reading(reading)
        states.append(fused_state(store))
        store.close()
    assert all(state == states[0] for state in states)
    assert len(states[0]) == 1


def test_fused_queries(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP", event_type="ACCUSE", day="2025-07-01"))
    assert len(store.fused(dyad=("UKR", "RUS"))) == 2
    assert store.fused(dyad=("UKR", "FRA")) == []
    assert [f.type for f in store.fused(actor="rus", type="accuse")] == ["ACCUSE"]
    assert [f.type for f in store.fused(since=date(2025, 6, 15))] == ["ACCUSE"]
    assert len(store.fused(place="istanbul")) == 2
    assert store.fused(place="Paris") == []


def test_search_finds_articles_by_words(store: Store) -> None:
    store.add_reading(told_by("Reuters"))
    store.add_reading(told_by("AP"))
    hits = store.search("Reuters")
    assert [h.outlet for h in hits] == ["Reuters"]
    assert len(store.search("istanbul talks")) == 2
    assert store.search("Paris") == []
    assert store.search("U.S. - (") == []  # punctuation is not query syntax


def member(**changes: object) -> Member:
    values: dict[str, object] = {
        "event_id": "e1", "article_id": "a1", "outlet": "X", "type": "CONSULT",
        "actor_key": "RUS|UKR", "negated": False, "day": date(2025, 6, 2),
        "place_id": "p1", "round_ordinal": None,
    }  # fmt: skip
    values.update(changes)
    return Member(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (member(event_id="e2"), True),
        (member(event_id="e2", day=date(2025, 6, 3)), True),
        (member(event_id="e2", day=date(2025, 6, 4)), False),
        (member(event_id="e2", place_id=None), True),
        (member(event_id="e2", place_id="p2"), False),
        (member(event_id="e2", round_ordinal=2), True),
        (member(event_id="e2", actor_key="UKR"), False),
        (member(event_id="e2", negated=True), False),
        (member(event_id="e2", day=None), False),
    ],
)
def test_compatible(other: Member, same: bool) -> None:
    assert compatible(member(), other) is same
    assert compatible(other, member()) is same


def test_rounds_with_different_ordinals_are_different_events() -> None:
    assert not compatible(member(round_ordinal=1), member(event_id="e2", round_ordinal=2))


def test_confidence_of() -> None:
    assert confidence_of([]) == 0.0
    assert confidence_of([0.5]) == 0.5
    assert confidence_of([0.5, 0.5]) == 0.75
