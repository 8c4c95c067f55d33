"""The vocabulary every stage of detente speaks: frozen dataclasses, nothing else.

An `Article` goes in; a `Reading` comes out: the actor, place and time mentions the
article carries and the `Event`s it reports. Every value that ends up in the store holds an
`Evidence`: the characters of the article that carry it (a `Span`) and the name and
version of the extractor that read it, so a changed rule never silently rewrites an old
record and every fact can be sliced back out of its text.

The negotiation words (`Round`, `Delegation`, `Proposal`, `Provision`, `Position`) are
defined here so that later stages and the store share one spelling of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# PLOVER event types (PLOVER 2021 codebook, ../shared/resources).
EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
# PLOVER's auxiliary modes, read as the status of the event in the world.
STATUSES: tuple[str, ...] = (
    "past",
    "present",
    "future",
    "proposed",
    "hypothetical",
    "negated",
    "denied",
)
ACTOR_KINDS: tuple[str, ...] = ("state", "person", "organization", "group")
PLACE_KINDS: tuple[str, ...] = ("country", "admin1", "city", "venue", "region")
TIME_TYPES: tuple[str, ...] = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of one article; `text` is exactly article.text[start:end]."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Evidence:
    """Where a value was read and by what: a span plus the extractor's name and version."""

    span: Span
    extractor: str
    version: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Article:
    """One news text. `id` is a content hash unless the source gives one."""

    id: str
    text: str
    published: date | datetime | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    language: str = "en"
    source: str | None = None  # where it was read from: a path, or path:line for JSON Lines

    @property
    def published_date(self) -> date | None:
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published


@dataclass(frozen=True)
class Actor:
    """Who acts: a state, an organisation, a person or a group, coded PLOVER-style.

    `code` is the registry key: an ISO 3166 alpha-3 code for a state ("UKR"), country plus
    sector for a body ("TURGOV"), a slug for a person ("volodymyr-zelenskyy").
    """

    code: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class ActorMention:
    """A span of the article that names an actor. `metonym`: a place standing for a
    government ("Moscow said")."""

    actor: Actor
    evidence: Evidence
    metonym: bool = False


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. `id` is "geonames:745044", "country:TUR" or "venue:<slug>"."""

    id: str
    name: str
    kind: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    timezone: str | None = None
    population: int | None = None
    within: str | None = None  # id of the containing place (a venue's city)


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    evidence: Evidence


@dataclass(frozen=True)
class TimeValue:
    """A temporal expression normalized the TimeML way, anchored on the article's date.

    `value` is the TimeML value ("2025-06-02", "2025-06-02T13:00", "P30D"); for a time of
    day `instant` is the UTC instant ("2025-06-02T10:00:00Z") and `local` the same instant
    with the offset used ("2025-06-02T13:00:00+03:00"). `precision` is "minute", "hour",
    "day", "month", "year", or "article" when only the publication date was known.
    """

    type: str
    value: str
    evidence: Evidence
    instant: str | None = None
    local: str | None = None
    timezone: str | None = None
    bound: str | None = None  # "minimum", "maximum" or "approximate" for durations
    precision: str = "day"


@dataclass(frozen=True)
class Attribution:
    """Who says so. `text` is "author" when the article asserts the event itself."""

    text: str
    evidence: Evidence | None = None
    actor: Actor | None = None


@dataclass(frozen=True)
class Event:
    """One event as the article reports it, with every argument's evidence.

    `evidence` is the trigger of the first report; `mentions` are every trigger in the
    article that reports the same event (the first included), so a meeting told five times
    is one Event with five mentions.
    """

    id: str
    article_id: str
    type: str
    status: str
    evidence: Evidence
    mode: str | None = None
    context: str | None = None
    cameo: str | None = None
    sources: tuple[ActorMention, ...] = ()
    targets: tuple[ActorMention, ...] = ()
    symmetric: bool = False
    host: ActorMention | None = None
    place: PlaceMention | None = None
    venue: PlaceMention | None = None
    time: TimeValue | None = None
    attribution: Attribution | None = None
    status_cue: Evidence | None = None
    refers_to: str | None = None  # id of the event this one is about (a proposal to meet)
    mentions: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Provision:
    """One item of a proposal: its issue (taxonomy.ISSUES), its step in the proposal's
    sequence (items of the same step come together) and parameters such as
    ("duration_min", "P30D"), ("scope", "full"), ("parties", "USA; European partners").
    `evidence` is the phrase that states it."""

    step: int
    issue: str
    evidence: Evidence
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StatusChange:
    """A proposal's status as one sentence reports it ("sent", "awaited", "rejected")."""

    status: str
    evidence: Evidence
    date: str | None = None  # the day it is reported for (TimeML value), if known
    tense: str | None = None  # "past", "present", "future": whether it happened yet


@dataclass(frozen=True)
class Proposal:
    """A negotiating document ("roadmap", "memorandum", "peace plan"). Its aliases in one
    article ("the roadmap", "the proposed framework", "the peace blueprint") are one
    Proposal: `names` holds each, `mentions` each span; `status` is the latest of
    `history`; `sources` says who reports its content."""

    id: str
    author: Actor | None
    recipient: Actor | None
    names: tuple[str, ...]
    status: str
    evidence: Evidence
    provisions: tuple[Provision, ...] = ()
    ordered: bool = False
    mentions: tuple[Evidence, ...] = ()
    history: tuple[StatusChange, ...] = ()
    sources: tuple[Attribution, ...] = ()
    process: str | None = None


@dataclass(frozen=True)
class Delegation:
    """A party's negotiating team at a round: its head (with the office the text or the
    registry gives), members, who appointed it and who reported it."""

    party: Actor
    evidence: Evidence
    head: ActorMention | None = None
    members: tuple[ActorMention, ...] = ()
    appointed_by: ActorMention | None = None
    head_role: str | None = None
    reported_by: ActorMention | None = None
    mentions: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Round:
    """A round of talks: the CONSULT event `event_id` seen as a step of a process, with
    its ordinal ("second round"), format ("direct, face-to-face"), host, place, venue,
    start time and the delegations that attend."""

    event_id: str
    evidence: Evidence
    ordinal: int | None = None
    format: str | None = None
    delegations: tuple[Delegation, ...] = ()
    parties: tuple[Actor, ...] = ()
    host: Actor | None = None
    place: PlaceMention | None = None
    venue: PlaceMention | None = None
    time: TimeValue | None = None
    outcome: str | None = None  # what the parties agreed at the round, as reported
    process: str | None = None
    mentions: tuple[Evidence, ...] = ()
    cues: tuple[Evidence, ...] = ()  # the words the ordinal and format were read from
    outcomes: tuple[Evidence, ...] = ()  # the clauses that report the outcome


@dataclass(frozen=True)
class Position:
    """A party's stance (taxonomy.STANCES) on an issue, with the option as stated
    (`text`), the day it was reported and the proposal it is part of, if any."""

    party: Actor
    issue: str
    stance: str
    evidence: Evidence
    text: str | None = None
    date: str | None = None
    proposal: str | None = None
    process: str | None = None


@dataclass(frozen=True)
class ThirdParty:
    """A state or body that is not a party to the talks but has a role in them."""

    actor: Actor
    role: str  # "host", "mediator", "encourages", "party to later talks", ...
    evidence: Evidence


@dataclass(frozen=True)
class Process:
    """A named peace process that rounds, proposals and positions belong to. Found from
    the rounds' parties and the text's name for the conflict, or defined by a user."""

    id: str
    name: str
    parties: tuple[Actor, ...]
    evidence: Evidence | None = None
    hosts: tuple[Actor, ...] = ()
    mediators: tuple[Actor, ...] = ()
    third_parties: tuple[ThirdParty, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """Everything detente read in one article."""

    article: Article
    actors: tuple[ActorMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    times: tuple[TimeValue, ...] = ()
    events: tuple[Event, ...] = ()
    rounds: tuple[Round, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    positions: tuple[Position, ...] = ()
    processes: tuple[Process, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def to_dict(obj: Any) -> Any:
    """A JSON-ready form of any vocabulary object (dates as ISO strings, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj
