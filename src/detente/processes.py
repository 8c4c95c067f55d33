"""Peace processes across articles: what one process looks like from everything stored.

    view = process_view(store, "Russia-Ukraine")       # by id, name or alias
    view.rounds, view.proposals, view.cells, view.overlap
    to_dict(view)                                       # JSON-ready

The negotiation stage reads one article at a time; this module puts the articles together.

- A *process* is one id ("process:RUS-UKR", the sorted codes of its parties) however many
  articles name it: their parties, hosts, mediators and third parties are merged. A user
  may define a process (`Store.define_process`); its id is made the same way, so a defined
  process and the one the articles name are one process, with the user's name.
- An item (round, proposal, position) belongs to the process its article gave it. An item
  read with no process joins a process whose parties it matches (a round's parties all
  among the process's, a proposal's author and recipient, a position's party) when exactly
  one stored process matches; otherwise it stays out (never guessed between two).
- Proposals of the same author with a shared name ("the roadmap", "the peace blueprint")
  in one process are one document across articles: names, mentions and sources are
  merged, the status history is ordered by date, and the provisions are those of the
  fullest account (with any issue only another account gives added after them).
- Rounds that fusion made one event, or that carry the same ordinal, are one round.
- The positions matrix is party x issue. A cell holds the party's latest stated stance
  (by the day it was reported, else its article's day) with its sentence, and the history
  of every stance. A provision of a party's own proposal is shown as that party's
  "proposes (in <proposal>)" entry, marked `derived`, and is the cell's latest only when
  the party stated nothing on that issue.
- Overlap, per issue, between the parties of the process (third parties' stances are in
  the matrix, not in the overlap), on the ordinal scale taxonomy.SUPPORT (what a stance
  says of the provision coming about; not a utility): "overlap" when two or more parties
  have spoken and every one finds the provision acceptable (stances of support >= 1, at
  least one of them accepting or committing: two demands show two sets of terms, not
  that either accepts the other's) or every one rejects it; "no overlap" when one rejects
  what another demands, proposes, commits to or accepts; "unknown" otherwise (fewer than
  two parties have spoken, or each only states its own terms).

Every entry cites its sentence: the article id, the span's characters and the sentence
around them (`sentence_around`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from detente.errors import DetenteError
from detente.taxonomy import BY_KEY, ISSUES, NON_STATE_SECTORS, SUPPORT
from detente.vocabulary import (
    Actor,
    Article,
    Delegation,
    Evidence,
    Position,
    Process,
    Proposal,
    Provision,
    Round,
    StatusChange,
    ThirdParty,
)

if TYPE_CHECKING:
    from detente.store import Store

__all__ = [
    "Cell",
    "Citation",
    "DelegationView",
    "Overlap",
    "ProcessView",
    "ProposalView",
    "ProvisionView",
    "RoundView",
    "StanceEntry",
    "StatusView",
    "ThirdPartyView",
    "UnknownProcess",
    "build_view",
    "effective_process",
    "find_process",
    "merge_processes",
    "merge_proposals",
    "merge_rounds",
    "process_id",
    "process_keys",
    "process_view",
    "sentence_around",
]

PREFIX = "process:"
T = TypeVar("T")


class UnknownProcess(DetenteError):
    """No stored or defined process has this id, name or alias. `known` lists them."""

    def __init__(self, name: str, known: Sequence[Process]) -> None:
        self.name = name
        self.known = tuple(known)
        listed = "; ".join(f"{p.name} ({p.id})" for p in known) or "none stored yet"
        super().__init__(
            f"no process {name!r}; known processes: {listed}. "
            "Define one with `detente process define NAME --parties A,B`"
        )


# -- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+|\n")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The [start, end) of the sentence holding text[start:end] (a plain-punctuation cut)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = len(text)
    found = _SENTENCE_END.search(text, end)
    if found is not None:
        stop = found.start() + 1 if text[found.start()] in ".!?" else found.start()
    while begin < stop and text[begin].isspace():
        begin += 1
    return begin, max(stop, end)


# -- the view ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """Where a cell was read: the span (article, characters, text) and its sentence."""

    article_id: str
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    sentence: str
    published: str | None = None  # the article's day


@dataclass(frozen=True)
class DelegationView:
    party: Actor
    cite: Citation
    head: str | None = None
    head_role: str | None = None
    appointed_by: str | None = None
    reported_by: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundView:
    event_id: str
    cite: Citation
    date: str | None = None
    dated_by: str | None = None  # "round" (its own time), "event" (its event's) or "article"
    ordinal: int | None = None
    format: str | None = None
    parties: tuple[Actor, ...] = ()
    host: Actor | None = None
    place: str | None = None
    venue: str | None = None
    time: str | None = None  # local time as read ("2025-06-02T13:00:00+03:00")
    outcome: str | None = None
    delegations: tuple[DelegationView, ...] = ()
    reports: tuple[Citation, ...] = ()  # every mention, across articles


@dataclass(frozen=True)
class ProvisionView:
    step: int
    issue: str
    label: str
    cite: Citation
    ucdp: str | None = None
    pax: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StatusView:
    status: str
    cite: Citation
    date: str | None = None
    tense: str | None = None


@dataclass(frozen=True)
class ProposalView:
    id: str
    name: str
    names: tuple[str, ...]
    status: str
    cite: Citation
    author: Actor | None = None
    recipient: Actor | None = None
    ordered: bool = False
    provisions: tuple[ProvisionView, ...] = ()
    history: tuple[StatusView, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class StanceEntry:
    """One stance of a party on an issue. `derived`: read from a provision of the party's
    own proposal, not stated as a position."""

    stance: str
    label: str  # "rejects", or "proposes (in roadmap)"
    cite: Citation
    date: str | None = None
    text: str | None = None
    derived: bool = False
    proposal: str | None = None  # the proposal's id


@dataclass(frozen=True)
class Cell:
    party: str
    issue: str
    latest: StanceEntry
    history: tuple[StanceEntry, ...]


@dataclass(frozen=True)
class Overlap:
    """Whether the parties' stated options on an issue intersect (see the module doc)."""

    issue: str
    verdict: str  # "overlap", "no overlap", "unknown"
    reason: str
    stances: tuple[tuple[str, str], ...] = ()  # (party, stance) of each party that spoke
    cites: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class ThirdPartyView:
    actor: Actor
    role: str
    cite: Citation | None = None


@dataclass(frozen=True)
class ProcessView:
    process: Process
    defined: bool
    parties: tuple[Actor, ...]
    issues: tuple[str, ...]
    rounds: tuple[RoundView, ...]
    proposals: tuple[ProposalView, ...]
    cells: tuple[Cell, ...]
    overlap: tuple[Overlap, ...]
    third_parties: tuple[ThirdPartyView, ...] = ()

    def cell(self, party: str, issue: str) -> Cell | None:
        for c in self.cells:
            if c.party.upper() == party.upper() and c.issue == issue:
                return c
        return None


# -- finding processes ------------------------------------------------------------------------


def actor_key(actor: Actor) -> str:
    """What a party is matched by: its country, else its code (upper case); an armed group
    or an opposition by its own code ("PSEREB": Hamas is not Palestine, the M23 is not
    Congo's government)."""
    if actor.sector in NON_STATE_SECTORS and actor.kind != "state":
        return actor.code.upper()
    return (actor.country or actor.code).upper()


def process_id(codes: Iterable[str]) -> str:
    """The id of the process of these parties: "process:" + their sorted codes."""
    return PREFIX + "-".join(sorted({c.upper() for c in codes}))


def process_keys(process: Process) -> set[str]:
    """Every lower-cased string that finds this process: its id (with or without the
    prefix), name, aliases, and its parties' names or codes joined by "-" in any order."""
    keys = {process.id, process.id.removeprefix(PREFIX), process.name, *process.aliases}
    if 2 <= len(process.parties) <= 3:
        import itertools

        for order in itertools.permutations(process.parties):
            keys.add("-".join(a.name for a in order))
            keys.add("-".join(a.code for a in order))
    return {_fold(k) for k in keys if k}


def _fold(text: str) -> str:
    return re.sub(r"\s*[-\u2013\u2014]\s*", "-", " ".join(text.split())).casefold()


def find_process(processes: Sequence[Process], name: str) -> Process:
    """The process `name` names (id, name, alias; case-insensitive), else the only one whose
    name contains it; UnknownProcess listing them otherwise."""
    wanted = _fold(name)
    if wanted:
        exact = [p for p in processes if wanted in process_keys(p)]
        if exact:
            return exact[0]
        partial = [p for p in processes if any(wanted in k for k in process_keys(p))]
        if len(partial) == 1:
            return partial[0]
    raise UnknownProcess(name, processes)


# -- merging across articles -------------------------------------------------------------------


def _unique(items: Iterable[T], key: Callable[[T], Any] = lambda x: x) -> list[T]:
    seen: set[Any] = set()
    out: list[T] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def merge_processes(read: Iterable[Process], defined: Iterable[Process] = ()) -> list[Process]:
    """One Process per id: the articles' readings merged, a user's definition on top (its
    name shown, the names the articles gave kept as aliases)."""
    groups: dict[str, list[Process]] = {}
    mine: dict[str, Process] = {}
    for p in defined:
        mine[p.id] = p
        groups.setdefault(p.id, [])
    for p in read:
        groups.setdefault(p.id, []).append(p)
    out = []
    for pid, found in groups.items():
        user = mine.get(pid)
        every = found + ([user] if user else [])  # the articles' names of actors first
        named = Counter(p.name for p in found if p.evidence is not None)
        counted = named or Counter(p.name for p in found)
        first_seen = {p.name: i for i, p in reversed(list(enumerate(found)))}
        best = min(counted, key=lambda n: (-counted[n], first_seen[n])) if counted else pid
        name = user.name if user else best
        given = [*(user.aliases if user else ()), *(p.name for p in found)]
        given += [a for p in found for a in p.aliases]
        aliases = _unique((a for a in given if a.casefold() != name.casefold()), key=str.casefold)
        third: dict[str, ThirdParty] = {}
        for p in every:
            for t in p.third_parties:
                if t.actor.code in third:
                    old = third[t.actor.code]
                    roles = _unique([*old.role.split("; "), *t.role.split("; ")])
                    third[t.actor.code] = replace(old, role="; ".join(roles))
                else:
                    third[t.actor.code] = t
        out.append(
            Process(
                id=pid,
                name=name,
                parties=tuple(
                    sorted(
                        _unique((a for p in every for a in p.parties), actor_key),
                        key=lambda a: a.code,
                    )
                ),
                evidence=next((p.evidence for p in found if p.evidence is not None), None),
                hosts=tuple(_unique((a for p in every for a in p.hosts), actor_key)),
                mediators=tuple(_unique((a for p in every for a in p.mediators), actor_key)),
                third_parties=tuple(third.values()),
                aliases=tuple(aliases),
            )
        )
    return out


def _round_parties(rnd: Round) -> list[Actor]:
    return list(rnd.parties) or [d.party for d in rnd.delegations]


def effective_process(
    item: Round | Proposal | Position, processes: Sequence[Process]
) -> str | None:
    """The process an item belongs to: its own, else the one process whose parties it
    matches (None when none or several do)."""
    if item.process is not None:
        return item.process
    if isinstance(item, Round):
        keys = {actor_key(a) for a in _round_parties(item)}
        if len(keys) < 2:
            return None
        fits = [p for p in processes if keys <= {actor_key(a) for a in p.parties}]
    elif isinstance(item, Proposal):
        if item.author is None:
            return None
        fits = [
            p
            for p in processes
            if actor_key(item.author) in {actor_key(a) for a in p.parties}
            and (
                item.recipient is None
                or actor_key(item.recipient)
                in {actor_key(a) for a in (*p.parties, *p.mediators, *p.hosts)}
            )
        ]
    else:
        fits = [p for p in processes if actor_key(item.party) in {actor_key(a) for a in p.parties}]
    return fits[0].id if len(fits) == 1 else None


# Words before a document noun that do not make it another document ("the draft
# memorandum" is the memorandum; "the peace blueprint" the blueprint).
_GENERIC = frozenset(
    {"the", "a", "an", "this", "that", "its", "their", "his", "her", "own", "draft", "proposed",
     "detailed", "peace", "written", "new"}
)  # fmt: skip


def _name_key(name: str) -> str:
    words = name.casefold().replace("-", " ").split()
    while len(words) > 1 and words[0] in _GENERIC:
        words = words[1:]
    return " ".join(words)


def merge_proposals(
    proposals: Sequence[Proposal],
    *,
    process_of: Callable[[Proposal], str | None],
    day_of: Callable[[str], str | None],
) -> list[Proposal]:
    """Proposals of the same author with a shared name (or the same id) in one process are
    one document. `process_of` gives an item's process, `day_of` an article's day."""
    parent = list(range(len(proposals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owners: dict[tuple[Any, ...], int] = {}
    for i, p in enumerate(proposals):
        author = actor_key(p.author) if p.author else None
        keys = [("id", p.id)]
        if author is not None:
            keys += [("name", process_of(p), author, _name_key(n)) for n in p.names if n]
        for key in keys:
            if key in owners:
                parent[root(i)] = root(owners[key])
            else:
                owners[key] = i
    groups: dict[int, list[Proposal]] = {}
    for i, p in enumerate(proposals):
        groups.setdefault(root(i), []).append(p)

    def when(p: Proposal) -> str:
        return day_of(p.evidence.span.article_id) or "9999"

    return [_merged_proposal(sorted(g, key=when), day_of) for g in groups.values()]


def _merged_proposal(group: list[Proposal], day_of: Callable[[str], str | None]) -> Proposal:
    if len(group) == 1:
        return group[0]
    first = group[0]
    history = _unique(
        (h for p in group for h in p.history),
        key=lambda h: (h.status, h.evidence.span.article_id, h.evidence.span.start),
    )

    def order(h: StatusChange) -> tuple[str, str, int]:
        article = h.evidence.span.article_id
        return (h.date or day_of(article) or "9999", day_of(article) or "9999",
                h.evidence.span.start)  # fmt: skip

    history.sort(key=order)
    fullest = max(group, key=lambda p: (len(p.provisions), _index(group, p)))
    provisions = list(fullest.provisions)
    have = {pr.issue for pr in provisions}
    last = max((pr.step for pr in provisions), default=0)
    for p in group:
        if p is fullest:
            continue
        for pr in sorted(p.provisions, key=lambda pr: pr.step):
            if pr.issue not in have:
                have.add(pr.issue)
                provisions.append(replace(pr, step=last + pr.step))
    return replace(
        first,
        author=next((p.author for p in group if p.author is not None), None),
        recipient=next((p.recipient for p in group if p.recipient is not None), None),
        names=tuple(_unique((n for p in group for n in p.names), key=_name_key)),
        status=history[-1].status if history else group[-1].status,
        provisions=tuple(provisions),
        ordered=any(p.ordered for p in group),
        mentions=tuple(_unique((m for p in group for m in p.mentions), key=_span_key)),
        history=tuple(history),
        sources=tuple(_unique((s for p in group for s in p.sources), key=lambda s: s.text)),
    )


def _index(group: list[Proposal], p: Proposal) -> int:
    """Where p is in its group (later accounts win ties of fullness)."""
    return next(i for i, q in enumerate(group) if q is p)


def _span_key(ev: Evidence) -> tuple[str, int, int]:
    return (ev.span.article_id, ev.span.start, ev.span.end)


def merge_rounds(rounds: Sequence[Round], fused: Mapping[str, str]) -> list[Round]:
    """Rounds that are one fused event, or have the same ordinal, are one round (the first
    report is kept; what it lacks is filled from the others; delegations merged by party)."""
    groups: list[list[Round]] = []
    by_key: dict[tuple[str, Any], int] = {}
    for rnd in rounds:
        keys = [("event", fused.get(rnd.event_id, rnd.event_id))]
        if rnd.ordinal is not None:
            keys.append(("ordinal", rnd.ordinal))
        found = next((by_key[k] for k in keys if k in by_key), None)
        if found is None:
            found = len(groups)
            groups.append([])
        groups[found].append(rnd)
        for k in keys:
            by_key.setdefault(k, found)
    return [_merged_round(g) for g in groups]


def _merged_round(group: list[Round]) -> Round:
    if len(group) == 1:
        return group[0]
    first = group[0]
    fill = {
        name: next((getattr(r, name) for r in group if getattr(r, name) is not None), None)
        for name in ("ordinal", "format", "host", "place", "venue", "time", "outcome")
    }
    delegations: dict[str, Delegation] = {}
    for r in group:
        for d in r.delegations:
            key = actor_key(d.party)
            old = delegations.get(key)
            if old is None or (old.head is None and d.head is not None):
                delegations[key] = d
    return replace(
        first,
        **fill,
        delegations=tuple(delegations.values()),
        parties=tuple(_unique((a for r in group for a in r.parties), actor_key)),
        mentions=tuple(
            _unique((m for r in group for m in (r.mentions or (r.evidence,))), key=_span_key)
        ),
        cues=tuple(_unique((c for r in group for c in r.cues), key=_span_key)),
    )


# -- building the view --------------------------------------------------------------------------


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def process_view(store: Store, name: str) -> ProcessView:
    """Everything the store holds on the process `name` (id, name or alias)."""
    process = store.find_process(name)
    rounds = store.rounds(process=process.id)
    proposals = store.proposals(process=process.id)
    positions = store.positions(process=process.id)
    ids = {
        ev.span.article_id
        for item in (*rounds, *proposals, *positions)
        for ev in _all_evidence(item)
    }
    if process.evidence is not None:
        ids.add(process.evidence.span.article_id)
    ids |= {t.evidence.span.article_id for t in process.third_parties}
    articles = store.articles_by_id(ids)
    defined = process.id in {p.id for p in store.defined_processes()}
    return build_view(
        process, rounds, proposals, positions, articles, defined=defined,
        fused=store.fused_links(), event_days=store.event_days(r.event_id for r in rounds),
    )  # fmt: skip


def _all_evidence(item: Round | Proposal | Position) -> Iterable[Evidence]:
    yield item.evidence
    if isinstance(item, Round):
        yield from item.mentions
        for d in item.delegations:
            yield d.evidence
    elif isinstance(item, Proposal):
        yield from item.mentions
        for pr in item.provisions:
            yield pr.evidence
        for h in item.history:
            yield h.evidence


class _Cites:
    def __init__(self, articles: Mapping[str, Article]) -> None:
        self.articles = articles

    def day(self, article_id: str) -> str | None:
        article = self.articles.get(article_id)
        day = article.published_date if article else None
        return day.isoformat() if day else None

    def __call__(self, ev: Evidence) -> Citation:
        span = ev.span
        article = self.articles.get(span.article_id)
        if article is None:
            begin, stop, sentence = span.start, span.end, span.text
        else:
            begin, stop = sentence_around(article.text, span.start, span.end)
            sentence = article.text[begin:stop]
        return Citation(span.article_id, span.start, span.end, span.text, begin, stop, sentence,
                        self.day(span.article_id))  # fmt: skip


def build_view(
    process: Process,
    rounds: Sequence[Round],
    proposals: Sequence[Proposal],
    positions: Sequence[Position],
    articles: Mapping[str, Article],
    *,
    defined: bool = False,
    fused: Mapping[str, str] | None = None,
    event_days: Mapping[str, str] | None = None,
) -> ProcessView:
    """The view of one process from its items (already selected and, for proposals,
    merged) and the articles they cite. `fused` maps event ids to fused ids (rounds of one
    fused event are one round); `event_days` gives the day of a round's event."""
    cite = _Cites(articles)
    days = event_days or {}
    round_views = sorted(
        (_round_view(r, cite, days) for r in merge_rounds(rounds, fused or {})),
        key=lambda v: (v.date or "9999", v.ordinal or 0, v.cite.article_id, v.cite.start),
    )
    proposal_views = sorted(
        (_proposal_view(p, cite) for p in proposals),
        key=lambda v: (v.cite.published or "9999", v.cite.article_id, v.cite.start),
    )
    parties = list(process.parties)
    for p in positions:
        if actor_key(p.party) not in {actor_key(a) for a in parties}:
            parties.append(p.party)
    row_of = {actor_key(a): a.code for a in parties}
    entries: dict[tuple[str, str], list[StanceEntry]] = {}
    for p in positions:
        entries.setdefault((row_of[actor_key(p.party)], p.issue), []).append(
            StanceEntry(
                p.stance,
                _stance_label(p.stance),
                cite(p.evidence),
                p.date or cite.day(p.evidence.span.article_id),
                p.text,
                proposal=p.proposal,
            )
        )
    for view, prop in zip(proposal_views, _same_order(proposals, proposal_views), strict=True):
        if prop.author is None or actor_key(prop.author) not in row_of:
            continue
        party = row_of[actor_key(prop.author)]
        day = next((h.date for h in view.history if h.date), view.cite.published)
        for pr in view.provisions:
            entries.setdefault((party, pr.issue), []).append(
                StanceEntry(
                    "proposes",
                    f"proposes (in {view.name})",
                    pr.cite,
                    pr.cite.published or day,  # reported with the article that gives it
                    pr.cite.text,
                    derived=True,
                    proposal=view.id,
                )
            )
    sides = {row_of[actor_key(a)] for a in process.parties} or set(row_of.values())
    cells = []
    for (party, issue), found in entries.items():
        history = sorted(found, key=_entry_order)
        stated = [e for e in history if not e.derived]
        cells.append(Cell(party, issue, (stated or history)[-1], tuple(history)))
    issues = _issue_order({c.issue for c in cells})
    order = {a.code: i for i, a in enumerate(parties)}
    cells.sort(key=lambda c: (order.get(c.party, len(order)), issues.index(c.issue)))
    return ProcessView(
        process=process,
        defined=defined,
        parties=tuple(parties),
        issues=tuple(issues),
        rounds=tuple(round_views),
        proposals=tuple(proposal_views),
        cells=tuple(cells),
        overlap=tuple(
            _overlap(issue, [c for c in cells if c.issue == issue and c.party in sides])
            for issue in issues
        ),
        third_parties=tuple(
            ThirdPartyView(
                t.actor,
                t.role,
                cite(t.evidence) if t.evidence.span.article_id in articles else None,
            )
            for t in process.third_parties
        ),
    )


def _same_order(proposals: Sequence[Proposal], views: Sequence[ProposalView]) -> list[Proposal]:
    by_id = {p.id: p for p in proposals}
    return [by_id[v.id] for v in views]


def _entry_order(e: StanceEntry) -> tuple[str, str, str, int]:
    return (e.date or "9999", e.cite.published or "9999", e.cite.article_id, e.cite.start)


def _issue_order(keys: set[str]) -> list[str]:
    known = [i.key for i in ISSUES if i.key in keys]
    return known + sorted(keys - set(known))


def _stance_label(stance: str) -> str:
    return stance.replace("_", " ")


def _actor_name(mention: Any) -> str | None:
    return mention.actor.name if mention is not None else None


def _round_view(r: Round, cite: _Cites, event_days: Mapping[str, str]) -> RoundView:
    day, dated_by = None, None
    if r.time is not None and r.time.type in ("DATE", "TIME") and _DAY.match(r.time.value):
        day, dated_by = r.time.value[:10], "round"
    elif r.event_id in event_days:
        day, dated_by = event_days[r.event_id], "event"
    elif (published := cite.day(r.evidence.span.article_id)) is not None:
        day, dated_by = published, "article"
    return RoundView(
        event_id=r.event_id,
        cite=cite(r.evidence),
        date=day,
        dated_by=dated_by,
        ordinal=r.ordinal,
        format=r.format,
        parties=tuple(_round_parties(r)),
        host=r.host,
        place=r.place.place.name if r.place else None,
        venue=r.venue.place.name if r.venue else None,
        time=(r.time.local or r.time.value) if r.time else None,
        outcome=r.outcome,
        delegations=tuple(
            DelegationView(
                party=d.party,
                cite=cite(d.evidence),
                head=_actor_name(d.head),
                head_role=d.head_role,
                appointed_by=_actor_name(d.appointed_by),
                reported_by=_actor_name(d.reported_by),
                members=tuple(m.actor.name for m in d.members),
            )
            for d in r.delegations
        ),
        reports=tuple(cite(m) for m in (r.mentions or (r.evidence,))),
    )


def _proposal_view(p: Proposal, cite: _Cites) -> ProposalView:
    provisions = []
    for pr in sorted(p.provisions, key=lambda pr: pr.step):
        provisions.append(_provision_view(pr, cite))
    return ProposalView(
        id=p.id,
        name=p.names[0] if p.names else "proposal",
        names=p.names,
        status=p.status,
        cite=cite(p.evidence),
        author=p.author,
        recipient=p.recipient,
        ordered=p.ordered,
        provisions=tuple(provisions),
        history=tuple(StatusView(h.status, cite(h.evidence), h.date, h.tense) for h in p.history),
        articles=tuple(_unique(ev.span.article_id for ev in (p.evidence, *p.mentions))),
    )


def _provision_view(pr: Provision, cite: _Cites) -> ProvisionView:
    found = BY_KEY.get(pr.issue)
    return ProvisionView(
        step=pr.step,
        issue=pr.issue,
        label=found.label if found else pr.issue,
        cite=cite(pr.evidence),
        ucdp=found.ucdp if found else None,
        pax=found.pax if found else (),
        parameters=pr.parameters,
    )


# Stances that say a party wants its own terms: they show no acceptance of another's.
_AUTHORING = frozenset({"demands", "proposes"})


def _overlap(issue: str, cells: list[Cell]) -> Overlap:
    spoken = [(c, SUPPORT[c.latest.stance]) for c in cells if c.latest.stance in SUPPORT]
    stances = tuple((c.party, c.latest.label) for c, _ in spoken)
    cites = tuple(c.latest.cite for c, _ in spoken)
    if len(spoken) < 2:
        who = f"only {spoken[0][0].party} has" if spoken else "no party has"
        return Overlap(issue, "unknown", f"{who} a stance on it", stances, cites)
    against = [c.party for c, level in spoken if level == 0]
    willing = [(c.party, c.latest.label) for c, level in spoken if level > 0]
    said = ", ".join(f"{p} {label}" for p, label in willing)
    if against and willing:
        return Overlap(issue, "no overlap", f"{', '.join(against)} rejects what {said}",
                       stances, cites)  # fmt: skip
    if against:
        return Overlap(issue, "overlap", "every party that spoke rejects it", stances, cites)
    if all(c.latest.stance in _AUTHORING for c, _ in spoken):
        return Overlap(
            issue, "unknown",
            f"{said}: each states its own terms; nothing says one accepts the other's",
            stances, cites,
        )  # fmt: skip
    conditional = [c.party for c, level in spoken if level == 1]
    reason = f"{said}: the provision is acceptable to each"
    if conditional:
        reason += f" ({', '.join(conditional)} with conditions)"
    return Overlap(issue, "overlap", reason, stances, cites)


# -- printing ---------------------------------------------------------------------------------


def cite_ref(c: Citation) -> str:
    """article:start-end, the address of a cited span."""
    return f"{c.article_id}:{c.start}-{c.end}"


class _Notes:
    """Numbered citations: each cell shows [n]; the notes give n's span and sentence."""

    def __init__(self) -> None:
        self.order: dict[tuple[str, int, int], int] = {}
        self.cites: list[Citation] = []

    def __call__(self, c: Citation) -> str:
        key = (c.article_id, c.start, c.end)
        if key not in self.order:
            self.cites.append(c)
            self.order[key] = len(self.cites)
        return f"[{self.order[key]}]"


def print_processes(processes: Sequence[Process], console: Any) -> None:
    """A table of processes: id, name, parties, hosts, mediators, aliases."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Processes", caption=f"{len(processes)} processes")
    for column in ("id", "name", "parties", "hosts", "mediators", "aliases"):
        table.add_column(column, overflow="fold")
    for p in processes:
        table.add_row(
            *(
                Text(x)
                for x in (
                    p.id,
                    p.name,
                    ", ".join(a.code for a in p.parties),
                    ", ".join(a.code for a in p.hosts),
                    ", ".join(a.code for a in p.mediators),
                    "; ".join(p.aliases),
                )
            )
        )
    console.print(table)


def print_view(view: ProcessView, console: Any) -> None:
    """The process as rich tables: rounds, delegations, proposals with their provisions,
    the positions matrix and the overlap; every cell carries [n], and the notes at the end
    give each n's article, characters and sentence."""
    from rich.table import Table
    from rich.text import Text

    note = _Notes()
    p = view.process
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(
        "process", Text(f"{p.name} ({p.id}){' - defined by a user' if view.defined else ''}")
    )
    head.add_row("parties", Text(", ".join(f"{a.code} {a.name}" for a in p.parties)))
    if p.hosts:
        head.add_row("hosts", Text(", ".join(a.code for a in p.hosts)))
    if p.mediators:
        head.add_row("mediators", Text(", ".join(a.code for a in p.mediators)))
    for t in view.third_parties:
        c = t.cite
        head.add_row(
            "third party", Text(f"{t.actor.code} {t.actor.name}: {t.role} {note(c) if c else ''}")
        )
    if p.aliases:
        head.add_row("aliases", Text("; ".join(p.aliases)))
    console.print(head)

    rounds = Table(title="Rounds", caption="date: the round's own, else (*) its article's")
    for column in ("date", "round", "format", "host", "venue", "delegations", "cite"):
        rounds.add_column(column, overflow="fold")
    for r in view.rounds:
        teams = []
        for d in r.delegations:
            line = f"{d.party.code}: {d.head or 'head not known'}"
            if d.head_role:
                line += f" ({d.head_role})"
            if d.appointed_by:
                line += f", named by {d.appointed_by}"
            elif d.reported_by:
                line += f", reported by {d.reported_by}"
            if d.members:
                line += f"; members {', '.join(d.members)}"
            teams.append(f"{line} {note(d.cite)}")
        rounds.add_row(
            Text((r.date or "undated") + (" *" if r.dated_by == "article" else "")),
            Text(str(r.ordinal) if r.ordinal else "?"),
            Text(r.format or ""),
            Text(r.host.code if r.host else ""),
            Text(", ".join(x for x in (r.venue, r.place) if x)),
            Text("\n".join(teams) or "not known"),
            Text(note(r.cite)),
        )
    console.print(rounds if view.rounds else Text("No rounds stored for this process."))

    for prop in view.proposals:
        title = f"Proposal: {' / '.join(prop.names)}"
        author = prop.author.code if prop.author else "?"
        who = f"{author} -> {prop.recipient.code if prop.recipient else '?'}"
        table = Table(
            title=Text(title), caption=Text(f"{who}; status {prop.status} {note(prop.cite)}")
        )
        for column in ("step", "issue", "UCDP", "PA-X", "parameters", "cite"):
            table.add_column(column, overflow="fold")
        for pr in prop.provisions:
            table.add_row(
                Text(str(pr.step)),
                Text(pr.issue),
                Text(pr.ucdp or ""),
                Text(", ".join(pr.pax)),
                Text("; ".join(f"{k}={v}" for k, v in pr.parameters)),
                Text(f"{note(pr.cite)} {pr.cite.text}"),
            )
        if prop.provisions:
            console.print(table)
        else:
            console.print(
                Text(f"{title} ({who}, {prop.status} {note(prop.cite)}): no provisions read")
            )
        if prop.history:
            steps = "; ".join(
                f"{h.status} {h.date or ''}{' (' + h.tense + ')' if h.tense else ''} {note(h.cite)}"
                for h in prop.history
            )
            console.print(Text(f"  status history: {steps}"))
    if not view.proposals:
        console.print(Text("No proposals stored for this process."))

    if view.cells:
        matrix = Table(
            title="Positions (party x issue)",
            caption=Text(
                "the latest stance [n: its sentence]; + derived: a provision of the party's "
                "own proposal"
            ),
        )
        matrix.add_column("issue", overflow="fold")
        rows = [a.code for a in view.parties if any(c.party == a.code for c in view.cells)]
        for code in rows:
            matrix.add_column(code, overflow="fold")
        for issue in view.issues:
            cells = []
            for code in rows:
                c = view.cell(code, issue)
                if c is None:
                    cells.append(Text("-"))
                    continue
                e = c.latest
                text = f"{e.label}{' +' if e.derived else ''} {e.date or ''} {note(e.cite)}"
                if len(c.history) > 1:
                    text += (
                        " (earlier: "
                        + ", ".join(
                            f"{h.label} {h.date or ''} {note(h.cite)}"
                            for h in c.history
                            if h is not e
                        )
                        + ")"
                    )
                cells.append(Text(text))
            matrix.add_row(Text(issue), *cells)
        console.print(matrix)
        overlap = Table(title="Overlap of the stated options (ordinal; no utilities)")
        for column in ("issue", "verdict", "why", "cites"):
            overlap.add_column(column, overflow="fold")
        for o in view.overlap:
            overlap.add_row(
                Text(o.issue),
                Text(o.verdict),
                Text(o.reason),
                Text(" ".join(note(c) for c in o.cites)),
            )
        console.print(overlap)
    else:
        console.print(Text("No positions stored for this process."))

    notes = Table(title="Sentences cited", show_lines=False)
    for column in ("n", "where", "sentence"):
        notes.add_column(column, overflow="fold")
    for i, c in enumerate(note.cites, start=1):
        notes.add_row(Text(str(i)), Text(cite_ref(c)), Text(c.sentence))
    console.print(notes)


# -- a coding sheet ------------------------------------------------------------------------

CODING_COLUMNS: tuple[str, ...] = (
    "process", "kind", "date", "party", "issue", "stance", "step", "ucdp", "pax", "detail",
    "proposal", "derived", "article_id", "start", "end", "text", "sentence",
)  # fmt: skip


def coding_rows(view: ProcessView) -> list[dict[str, Any]]:
    """The process as a flat coding sheet, one row per round, delegation, provision and
    stance (the way peace-agreement coders keep theirs), each row with its citation."""
    pid = view.process.id
    rows: list[dict[str, Any]] = []

    def cited(cite: Citation) -> dict[str, Any]:
        return {
            "article_id": cite.article_id,
            "start": cite.start,
            "end": cite.end,
            "text": cite.text,
            "sentence": cite.sentence,
        }

    for r in view.rounds:
        detail = "; ".join(
            f"{k}={v}"
            for k, v in (
                ("ordinal", r.ordinal),
                ("format", r.format),
                ("host", r.host.code if r.host else None),
                ("venue", r.venue),
                ("place", r.place),
                ("outcome", r.outcome),
            )
            if v
        )
        rows.append({"process": pid, "kind": "round", "date": r.date, "detail": detail,
                     "party": ", ".join(a.code for a in r.parties), **cited(r.cite)})  # fmt: skip
        for d in r.delegations:
            detail = "; ".join(
                f"{k}={v}"
                for k, v in (
                    ("head", d.head),
                    ("office", d.head_role),
                    ("appointed_by", d.appointed_by),
                    ("reported_by", d.reported_by),
                )
                if v
            )
            rows.append({"process": pid, "kind": "delegation", "date": r.date,
                         "party": d.party.code, "detail": detail, **cited(d.cite)})  # fmt: skip
    for p in view.proposals:
        for prov in p.provisions:
            rows.append({
                "process": pid, "kind": "provision", "date": p.cite.published,
                "party": p.author.code if p.author else None, "issue": prov.issue,
                "stance": "proposes", "step": prov.step, "ucdp": prov.ucdp,
                "pax": " ".join(prov.pax),
                "detail": "; ".join(f"{k}={v}" for k, v in prov.parameters),
                "proposal": p.name, **cited(prov.cite),
            })  # fmt: skip
    for cell in view.cells:
        for entry in cell.history:
            rows.append({
                "process": pid, "kind": "position", "date": entry.date, "party": cell.party,
                "issue": cell.issue, "stance": entry.stance, "proposal": entry.proposal,
                "derived": entry.derived, **cited(entry.cite),
            })  # fmt: skip
    return [{c: row.get(c) for c in CODING_COLUMNS} for row in rows]


def write_coding_csv(view: ProcessView, out: TextIO) -> int:
    """Write the coding sheet as CSV; returns the number of rows."""
    import csv

    rows = coding_rows(view)
    writer = csv.DictWriter(out, fieldnames=list(CODING_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)
