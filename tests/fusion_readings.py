"""Hand-made Readings of one meeting as different outlets tell it (for fusion tests)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from conftest import build_reading
from detente.vocabulary import Place, PlaceMention, Reading

BASE = "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks."


def told_by(
    outlet: str | None,
    *,
    n: int = 0,
    day: str | None = "2025-06-02",
    event_type: str = "CONSULT",
    place: str | None = "Istanbul",
    status: str = "past",
    confidence: float = 0.9,
) -> Reading:
    """The UKR-RUS meeting as `outlet` reports it (its `n`-th article); the place can be
    another city (a conflicting value) or None (unknown)."""
    text = f"{BASE} Report {n} by {outlet}."
    reading = build_reading(text, event_day=day, event_type=event_type, published=date(2025, 6, 2))
    article = replace(reading.article, outlet=outlet)
    event = reading.events[0]
    evidence = replace(event.evidence, confidence=confidence)
    if place is None:
        event = replace(event, place=None)
    elif place != "Istanbul":
        assert event.place is not None
        other = Place(f"test:{place.lower()}", place, "city", "TUR", 39.9, 32.8)
        event = replace(event, place=PlaceMention(other, event.place.evidence))
    event = replace(event, status=status, evidence=evidence)
    return replace(reading, article=article, events=(event,))
