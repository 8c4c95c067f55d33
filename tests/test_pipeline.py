"""The read -> parse -> resolve -> events flow on short hand-written sentences."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from detente import Article, Extractor, Reading

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor(nlp: Language) -> Extractor:
    return Extractor(nlp=nlp)


def read(extractor: Extractor, text: str, published: date = date(2025, 3, 5)) -> Reading:
    return extractor.extract(Article(id="t", text=text, published=published))


def codes(mentions) -> list[str | None]:
    return [m.actor.country for m in mentions]


def test_every_span_slices_back_to_its_text(extractor: Extractor) -> None:
    text = (
        "Delegations from Armenia and Azerbaijan will hold talks in Geneva on Friday, "
        "according to Swiss officials. Armenian Prime Minister Nikol Pashinyan said he "
        "welcomed the talks."
    )
    reading = read(extractor, text)
    spans = [m.evidence.span for m in reading.actors + reading.places]
    spans += [t.evidence.span for t in reading.times]
    for event in reading.events:
        spans += [event.evidence.span, *(m.span for m in event.mentions)]
        spans += [a.evidence.span for a in event.sources + event.targets]
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_capitals_as_objects_are_governments_and_locatives_are_places(
    extractor: Extractor,
) -> None:
    reading = read(
        extractor,
        "The United States urged Moscow and Kyiv to stop fighting, officials in Kyiv said.",
    )
    metonyms = [(m.evidence.span.text, m.actor.country) for m in reading.actors if m.metonym]
    assert metonyms == [("Moscow", "RUS"), ("Kyiv", "UKR")]
    assert [p.evidence.span.text for p in reading.places] == ["Kyiv"]
    [event] = reading.events
    assert (event.type, event.status) == ("REQUEST", "past")
    assert codes(event.sources) == ["USA"] and codes(event.targets) == ["RUS", "UKR"]
    assert event.attribution is not None and event.attribution.text == "officials in Kyiv"


def test_a_dateline_is_where_the_story_was_filed(extractor: Extractor) -> None:
    """The dateline is a place (never a capital speaking for its government) and a sentence
    of its own, so the story's first sentence has its own subject."""
    reading = read(
        extractor,
        "DOHA, Oct 6 (Wire) - Israeli and Hamas negotiators began indirect talks on Monday.\n\n"
        "SHARM EL-SHEIKH, Egypt, Oct 7 (Wire) - Talks went on.",
    )
    assert [(m.evidence.span.text, m.place.country) for m in reading.places][:1] == [
        ("DOHA", "QAT")
    ]
    assert not any(m.actor.country == "QAT" for m in reading.actors)
    (talks,) = [e for e in reading.events if e.type == "CONSULT"]
    assert sorted(m.actor.name for m in talks.sources) == ["Hamas", "Israel"]


def test_a_hyphenated_name_is_one_person_and_keeps_the_registry_sector(
    extractor: Extractor,
) -> None:
    reading = read(
        extractor,
        "The delegation is headed by Khalil al-Hayya, the group's chief negotiator.",
        date(2025, 10, 6),
    )
    people = [
        (m.evidence.span.text, m.actor.sector) for m in reading.actors if m.actor.kind == "person"
    ]
    assert people == [("Khalil al-Hayya", "REB")]


def test_title_name_and_later_surname_are_one_person(extractor: Extractor) -> None:
    reading = read(
        extractor,
        "Turkish Foreign Minister Hakan Fidan met Secretary of State Marco Rubio in Ankara on "
        "Monday. Fidan said the meeting was useful.",
    )
    fidan = [m.actor for m in reading.actors if m.actor.name == "Hakan Fidan"]
    assert len(fidan) == 2 and fidan[0] == fidan[1]
    assert (fidan[0].country, fidan[0].sector, fidan[0].role) == (
        "TUR",
        "GOV",
        "Foreign Minister of Turkey",
    )
    [meeting] = reading.events
    assert meeting.type == "CONSULT" and meeting.status == "past"
    assert meeting.time is not None and meeting.time.value == "2025-03-03"  # the last Monday
    assert len(meeting.mentions) == 2  # "met" and "the meeting"


def test_talks_in_a_third_country_have_a_host(extractor: Extractor) -> None:
    reading = read(
        extractor,
        "Delegations from Armenia and Azerbaijan will hold talks in Geneva on Friday, "
        "according to Swiss officials.",
    )
    [talks] = reading.events
    assert (talks.type, talks.mode, talks.status) == ("CONSULT", "third-party", "future")
    assert sorted(codes(talks.sources)) == ["ARM", "AZE"] and talks.symmetric
    assert talks.host is not None and talks.host.actor.country == "CHE"
    assert talks.place is not None and talks.place.place.name == "Geneva"
    assert talks.time is not None and talks.time.value == "2025-03-07"
    assert talks.attribution is not None and talks.attribution.text == "Swiss officials"


def test_pronoun_in_reported_speech_is_the_speaker(extractor: Extractor) -> None:
    reading = read(extractor, "Japanese officials confirmed they sent a draft agreement to China.")
    [event] = reading.events
    assert codes(event.sources) == ["JPN"] and codes(event.targets) == ["CHN"]
    assert event.status == "past"
    assert event.attribution is not None and event.attribution.text == "Japanese officials"


def test_same_meeting_told_twice_is_one_event(extractor: Extractor) -> None:
    reading = read(
        extractor,
        "Serbian negotiators will meet their counterparts in Brussels on Tuesday. "
        "The Brussels talks are the first since March.",
    )
    consults = [e for e in reading.events if e.type == "CONSULT"]
    assert len(consults) == 1
    assert [m.span.text for m in consults[0].mentions] == ["meet", "talks"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Poland did not ask Germany for help.", "negated"),
        ("Poland asked Germany for help.", "past"),
        ("Poland will ask Germany for help.", "future"),
        ("Poland could ask Germany for help.", "hypothetical"),
    ],
)
def test_status(extractor: Extractor, text: str, status: str) -> None:
    [event] = read(extractor, text).events
    assert (event.type, event.status) == ("REQUEST", status)


def test_event_without_a_time_takes_the_article_date_with_low_precision(
    extractor: Extractor,
) -> None:
    [event] = read(extractor, "Israeli troops attacked Hamas fighters in Gaza.").events
    assert event.type == "ASSAULT"
    assert event.time is not None
    assert (event.time.value, event.time.precision) == ("2025-03-05", "article")


def test_author_is_the_attribution_when_nobody_is_quoted(extractor: Extractor) -> None:
    [event] = read(extractor, "Poland asked Germany for help.").events
    assert event.attribution is not None and event.attribution.text == "author"


def test_with_a_venue_the_place_is_where_the_venue_is(extractor: Extractor) -> None:
    [talks] = read(
        extractor,
        "Senior American and Russian officials held their first formal talks on ending the "
        "war in Ukraine at Diriyah Palace on Tuesday.",
    ).events
    assert talks.venue is not None and talks.venue.place.kind == "venue"
    assert talks.place is not None and talks.place.place.country == "SAU"
    assert talks.host is not None and talks.host.actor.country == "SAU"
    assert talks.mode == "third-party"


def test_time_under_a_noun_modifier_still_dates_the_event(extractor: Extractor) -> None:
    [talks] = read(
        extractor,
        "Senior American and Russian officials held their first formal talks on ending the "
        "war in Ukraine at Diriyah Palace on Tuesday.",
    ).events
    assert talks.time is not None
    assert (talks.time.value, talks.time.precision) == ("2025-03-04", "day")


@pytest.mark.parametrize(
    ("text", "type_", "target"),
    [
        ("Serbia on Thursday flatly rejected an Australian ultimatum.", "REJECT", "AUS"),
        ("Albania on Friday denounced Serbia's crackdown.", "ACCUSE", "SRB"),
        ("Poland threatened further action against Belarus.", "THREATEN", "BLR"),
    ],
)
def test_target_named_inside_the_object(
    extractor: Extractor, text: str, type_: str, target: str
) -> None:
    [event] = read(extractor, text).events
    assert event.type == type_
    assert codes(event.targets) == [target]


def test_sentences_end_at_paragraphs_not_after_an_abbreviation(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(
        "They began talks on the first phase of U.S. President Donald Trump's plan.\n\n"
        "Mediators will shuttle between the delegations\n\nU.S. envoy Steve Witkoff will join."
    )
    starts = [s.text.split()[0] for s in doc.sents]
    assert starts == ["They", "Mediators", "U.S."]


def test_who_hosts_talks_is_their_host_not_a_party(extractor: Extractor) -> None:
    reading = read(
        extractor,
        "Oman hosted indirect talks between Iran and the United States on Saturday.",
        date(2025, 4, 14),
    )
    (talks,) = [e for e in reading.events if e.type == "CONSULT"]
    assert sorted(m.actor.country for m in talks.sources) == ["IRN", "USA"]
    assert talks.host is not None and talks.host.actor.country == "OMN"
    assert talks.mode == "third-party"
    reading = read(
        extractor,
        "Russian and Ukrainian delegations held talks in Istanbul on Monday. "
        "Turkish Foreign Minister Hakan Fidan hosted the talks.",
        date(2025, 6, 2),
    )
    (talks,) = [e for e in reading.events if e.type == "CONSULT"]
    assert sorted(m.actor.country for m in talks.sources) == ["RUS", "UKR"]
    assert talks.evidence.span.text == "held talks"
