"""Golden end-to-end reading of one sample article's events (examples/, written for the
project): the strike told in a subordinate clause, its place and target, and a meeting
that is only proposed."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from detente import Extractor
from detente.read import read_article

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent.parent / "examples/istanbul-second-round-2025-06-02.txt"


@pytest.fixture(scope="module")
def events(nlp: Language) -> list:
    return Extractor(nlp=nlp).extract(read_article(SAMPLE)).events


def test_the_drone_strike_is_an_assault_on_russia(events: list) -> None:
    [strike] = [e for e in events if e.type == "ASSAULT"]
    assert [m.actor.country for m in strike.sources] == ["UKR"]
    assert [m.actor.country for m in strike.targets] == ["RUS"]
    assert strike.status == "past"
    assert strike.place is not None and strike.place.place.country == "RUS"


def test_the_leaders_meeting_is_proposed_and_has_no_place(events: list) -> None:
    [meeting] = [
        e
        for e in events
        if e.type == "CONSULT" and "Volodymyr Zelenskyy" in [m.actor.name for m in e.sources]
    ]
    assert meeting.status == "proposed"
    assert meeting.place is None  # "deep inside Russia" is where the strike was


def test_the_round_of_talks_is_at_its_venue(events: list) -> None:
    talks = [e for e in events if e.type == "CONSULT" and e.venue is not None]
    assert [e.venue.evidence.span.text for e in talks] == ["Çırağan Palace"]
