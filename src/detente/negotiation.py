"""The negotiation stage: rounds, delegations, proposals with ordered provisions, and the
parties' positions, read from one parsed article after its events.

    reader = NegotiationReader(registry=registry)
    found = reader.read(doc, article, resolution, times, events, ctx)
    found.rounds, found.proposals, found.positions, found.processes

Every item holds the evidence of the words it was read from. What it reads:

- A *round* is a CONSULT event about talks ("talks", "negotiations", "round", "meeting")
  between at least two states. Its ordinal ("second round") and format ("face-to-face"
  implies direct) come from the words around any of its mentions; host, place, venue and
  time are the event's.
- A *delegation* is read from "X will lead/head the Y delegation", "the Y delegation
  led/headed by X", "X, head of the Y delegation". The appointer is the subject of an
  appointing verb above it ("named", "determined"), or a reporting speaker who heads the
  party's state or government; any other speaker only reports it.
- A *proposal* is a document noun (taxonomy.DOCUMENT_NOUNS). An indefinite mention opens
  a new one; a definite one ("the framework", "the peace blueprint") is the latest
  proposal of the same author, else the latest one. Its author comes from a possessor,
  a nationality adjective, "from X", or the subject of a verb that drafts, sends or
  presents it; its status history from those verbs.
- *Provisions* are the complements of a verb whose subject is a proposal ("begins with
  X, followed by Y and Z"; "then calls for W, with subsequent V"). "begin"/"start" open
  step 1, "followed by", "then", "subsequent" move to the next step, coordination keeps
  the step. Each phrase gets an issue from the taxonomy and its parameters.
- *Positions* are stances: a list of a party's positions ("Ukraine's positions,
  including no X, no Y and Z": "no" rejects, else demands), and a party's verb of stance
  on an issue ("committed to pursuing peace"). A proposal to hold a round is the round's,
  not a position.
- The *process* is named by the parties of the rounds (else of the proposals) and the
  text's name of the conflict ("the Russia-Ukraine War" -> "Russia-Ukraine War peace
  talks").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from detente.grammar import clause_tense, is_hypothetical, is_negated
from detente.resolution import evidence
from detente.taxonomy import (
    CONDITION_MARKS,
    DOCUMENT_ANAPHORS,
    DOCUMENT_NOUNS,
    FIRST_STEP,
    FORMAT_ORDER,
    FORMATS,
    NEXT_STEP,
    NON_STATE_SECTORS,
    PROVISION_VERBS,
    ROUND_NOUNS,
    STANCE_PHRASES,
    STANCE_VERBS,
    STATUS_VERBS,
    issue_of,
)
from detente.timex import ORDINALS
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Attribution,
    Delegation,
    Event,
    Evidence,
    Position,
    Process,
    Proposal,
    Provision,
    Round,
    StatusChange,
    ThirdParty,
    TimeValue,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from detente.events import ArticleContext
    from detente.registry import Registry
    from detente.resolution import Resolution

EXTRACTOR = "detente.negotiation"
VERSION = "0.1.0"

LEAD_VERBS = frozenset({"lead", "head", "chair"})
# Verbs that hold a meeting themselves ("met for a third time").
ROUND_VERBS = frozenset({"meet", "met", "negotiate", "convene", "talk"})
# Words under which a meeting is only agreed to in principle ("ready to host the
# negotiations"); an offer of talks is under PROPOSING.
WILLING = frozenset({"ready", "willing", "prepared", "proposal", "invitation"})
# Verbs under which a meeting is only wished for or put forward.
PROPOSING = frozenset(
    {"propose", "suggest", "offer", "demand", "want", "seek", "hope", "urge", "call", "ask"}
)
DELEGATION_NOUNS = frozenset({"delegation", "team", "negotiators", "negotiator", "side"})
# Verbs of a signing session: the parties' delegations met to sign.
SIGNING_VERBS = frozenset({"sign", "initial", "ink"})
HEAD_NOUNS = frozenset({"head", "chief", "leader", "chairman", "chair"})
APPOINT_VERBS = frozenset(
    {"appoint", "name", "designate", "determine", "choose", "select", "pick", "nominate",
     "task", "assign", "entrust", "form", "approve"}
)  # fmt: skip
HEAD_OFFICES = ("president", "prime minister", "chancellor", "king", "emir", "supreme leader")
POSITION_NOUNS = frozenset(
    {"position", "positions", "demand", "demands", "condition", "conditions", "requirement",
     "requirements", "red line", "line", "lines", "stance"}
)  # fmt: skip
SCOPE_WORDS = frozenset(
    {"full", "complete", "comprehensive", "total", "general", "partial", "limited",
     "unconditional", "nationwide", "immediate", "permanent", "temporary", "mutual",
     "energy", "air", "sea", "naval", "maritime"}
)  # fmt: skip
QUANTIFIERS = frozenset({"all", "both", "every", "each", "some", "several", "many"})
ENCOURAGE_VERBS = frozenset({"encourage", "urge", "press", "call", "push", "ask", "invite"})
MEDIATE_VERBS = frozenset({"mediate", "broker", "facilitate", "sponsor"})
# Verbs of a go-between when they run "between" the sides: "shuttle between the delegations".
RELAY_VERBS = frozenset({"carry", "relay", "pass", "convey", "shuttle", "ferry", "deliver"})
# A saying verb whose complement says what must happen states a demand.
SAYING_VERBS = frozenset(
    {"say", "tell", "state", "declare", "stress", "insist", "reiterate", "repeat", "warn"}
)
OBLIGATION_MODALS = frozenset({"must", "should"})
# Nouns that name a go-between: "Egyptian and Qatari mediators", "the U.S. as guarantor".
MEDIATOR_NOUNS = frozenset(
    {"mediator", "intermediary", "go-between", "broker", "facilitator", "guarantor"}
)
_CONFLICT_NAME = re.compile(
    r"\b((?:[A-Z][\w.]+(?:\s*[-\u2013]\s*|\s+and\s+))+[A-Z][\w.]+\s+(?:[Ww]ar|[Cc]onflict))\b"
)
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "their", "his", "her"})


@dataclass
class Negotiation:
    """What the negotiation stage read in one article."""

    rounds: list[Round] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)


@dataclass
class _Draft:
    """A proposal being read: mentions in text order, provisions so far."""

    number: int
    author: Actor | None
    recipient: Actor | None
    names: list[str] = field(default_factory=list)
    mentions: list[Evidence] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)
    sources: list[Attribution] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    ordered: bool = False
    step: int = 0


class NegotiationReader:
    """Reads rounds, delegations, proposals and positions from one parsed article."""

    def __init__(self, *, registry: Registry) -> None:
        self.registry = registry

    def read(
        self,
        doc: Doc,
        article: Article,
        resolution: Resolution,
        times: Sequence[TimeValue],
        events: Sequence[Event],
        ctx: ArticleContext,
    ) -> Negotiation:
        return _Reading(self, doc, article, resolution, times, events, ctx).run()

    def state(self, actor: Actor | None) -> Actor | None:
        """The party an actor sits at the table for: its state ("UKRGOV", a Ukrainian
        minister -> Ukraine), or for an armed group or an opposition, the group itself
        ("Hamas", a Hamas negotiator -> Hamas; unknown group -> None)."""
        if actor is None:
            return None
        if actor.sector in NON_STATE_SECTORS:
            return self._group(actor)
        if not actor.country:
            return None
        if actor.kind == "state" and actor.code == actor.country:
            return actor
        return self.country(actor.country)

    def country(self, code: str) -> Actor:
        """The state of an ISO3 code, as a party: "UKR" -> Ukraine."""
        from detente.places import country_name

        return Actor(code=code, name=country_name(self.registry, code), kind="state", country=code)

    def _group(self, actor: Actor) -> Actor | None:
        """The group as a party, with a code of its own: the PLOVER code and the group's
        short name ("CODREB-M23", "PSEREB-HAMAS"), so that two groups of one country and
        sector (the FARC and the ELN are both COLREB) are two parties."""
        body = None
        if actor.kind == "organization":
            body = self.registry.organization(actor.name)
            if body is None:
                return replace(actor, role=None)
        elif actor.kind == "person":
            entry = self.registry.person(actor.name)
            body = self.registry.body_of(entry) if entry is not None else None
        if body is None:
            return None
        short = [a for a in (body.name, *body.aliases) if re.fullmatch(r"[A-Z0-9]{2,6}", a)]
        tag = min(short, key=len) if short else re.sub(r"[^A-Z0-9]+", "-", body.name.upper())
        return Actor(
            code=f"{body.code}-{tag.strip('-')}",
            name=body.name,
            kind="organization",
            country=body.country,
            sector=body.sector,
        )


class _Reading:
    def __init__(
        self,
        owner: NegotiationReader,
        doc: Doc,
        article: Article,
        resolution: Resolution,
        times: Sequence[TimeValue],
        events: Sequence[Event],
        ctx: ArticleContext,
    ) -> None:
        self.owner = owner
        self.doc = doc
        self.article = article
        self.res = resolution
        self.times = list(times)
        self.events = list(events)
        self.ctx = ctx
        self.out = Negotiation()
        self.round_tokens: set[int] = set()
        self.drafts: list[_Draft] = []
        self.doc_tokens: dict[int, _Draft] = {}

    # -- the flow ---------------------------------------------------------------------------

    def run(self) -> Negotiation:
        rounds = self.rounds()
        self.proposals()
        positions = self.positions()
        delegations = self.delegations()
        processes = self.processes(rounds)
        main = processes[0] if processes else None

        def process_of(*actors: Actor | None) -> str | None:
            wanted = {a for a in actors if a is not None}
            for proc in processes:
                if wanted and wanted <= set(proc.parties):
                    return proc.id
            return main.id if main is not None else None

        for rnd in rounds:
            mine = tuple(d for d in delegations if self._nearest_round(d, rounds) is rnd)
            outcomes = self._outcomes(rnd)
            self.out.rounds.append(
                replace(
                    rnd,
                    delegations=mine,
                    process=process_of(*rnd.parties),
                    outcome="; ".join(o.span.text for o in outcomes) or None,
                    outcomes=outcomes,
                )
            )
        self.out.proposals = [
            replace(proposal, process=process_of(proposal.author, proposal.recipient))
            for proposal in (self._proposal(d) for d in self.drafts)
        ]
        ids = {
            f"draft:{d.number}": p.id for d, p in zip(self.drafts, self.out.proposals, strict=True)
        }
        self.out.positions = [
            replace(p, process=process_of(p.party), proposal=ids.get(p.proposal or "", p.proposal))
            for p in positions
        ]
        self.out.processes = [self._third_parties(proc, len(processes)) for proc in processes]
        return self.out

    # -- helpers -----------------------------------------------------------------------------

    def evidence(self, start: int, end: int, confidence: float = 1.0) -> Evidence:
        return evidence(
            self.doc, self.article, start, end, confidence, extractor=EXTRACTOR, version=VERSION
        )

    def phrase(self, head: Token, *, stop: Iterable[Token] = ()) -> tuple[int, int]:
        """Token bounds of the phrase headed by `head`, ending before any `stop` subtree
        (and the conjunction or comma that introduces it)."""
        stops = {t.i for s in stop for t in s.subtree}
        for t in head.subtree:
            if t.i != head.i and t.dep_ in {"acl", "advcl"} and t.lemma_.lower() == "follow":
                stops.update(x.i for x in t.subtree)  # "X, followed by Y": Y is another
        tokens = sorted(t.i for t in head.subtree if t.i not in stops) or [head.i]
        while len(tokens) > 1 and tokens[0] != head.i and self.doc[tokens[0]].is_punct:
            tokens.pop(0)  # ", the sides will ...": a comma left by a stopped phrase
        while len(tokens) > 1 and self.doc[tokens[0]].lower_ in NEXT_STEP:
            tokens.pop(0)  # "then the release of ...": the step word is not the provision
        start, end = tokens[0], tokens[0]
        for i in tokens:
            if i != end and i != end + 1:
                break
            end = i
        end += 1
        while end > start and (
            self.doc[end - 1].is_punct
            or self.doc[end - 1].dep_ == "cc"
            or self.doc[end - 1].is_space
        ):
            end -= 1
        return start, end

    def actors_in(self, start: int, end: int) -> list[ActorMention]:
        """Actor mentions inside tokens [start, end), in text order, one per actor."""
        lo, hi = self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1])
        out: list[ActorMention] = []
        seen: set[str] = set()
        inside = sorted(
            (
                m
                for m in self.res.actors
                if lo <= m.evidence.span.start and m.evidence.span.end <= hi
            ),
            key=lambda m: m.evidence.span.start,
        )
        for m in inside:
            if m.actor.code not in seen:
                seen.add(m.actor.code)
                out.append(m)
        return out

    def party_of(self, token: Token) -> Actor | None:
        """The state a phrase names or belongs to: "Ukraine", "the Ukrainian delegation",
        "Kyiv" (as government), "Zelenskyy" -> Ukraine."""
        for m in self.ctx.actors_of(token):
            state = self.owner.state(m.actor)
            if state is not None:
                return state
        for child in token.children:
            if child.dep_ in {"amod", "poss", "compound", "nmod"}:
                for m in self.res.by_token.get(child.i, []):
                    state = self.owner.state(m.actor)
                    if state is not None:
                        return state
        return None

    def day(self, token: Token) -> str | None:
        tv = self.ctx.time_of(token, [])
        if tv is not None and tv.type in {"DATE", "TIME"}:
            return tv.value[:10]
        published = self.article.published_date
        return published.isoformat() if published else None

    # -- rounds --------------------------------------------------------------------------------

    def rounds(self) -> list[Round]:
        out: list[Round] = []
        for event in self.events:
            if self._signing(event):
                parties = _states(self.owner, event.sources)
                if len(parties) >= 2:
                    out.append(
                        Round(
                            event_id=event.id,
                            evidence=event.evidence,
                            parties=tuple(parties),
                            host=self._host(event, parties),
                            place=event.place,
                            venue=event.venue,
                            time=event.time,
                            mentions=tuple(event.mentions or (event.evidence,)),
                        )
                    )
                continue
            if event.type != "CONSULT" or event.mode == "phone":
                continue
            parties = _states(self.owner, [*event.sources, *event.targets])
            words = {
                w.lower()
                for ev in event.mentions or (event.evidence,)
                for w in re.findall(r"[A-Za-z]+", ev.span.text)
            }
            if len(parties) < 2 or not words & (ROUND_NOUNS | ROUND_VERBS):
                continue
            if self._only_proposed(event):
                continue  # "Ukraine proposed that the presidents meet": not held, not set
            ordinal, formats, cues = None, set(), []
            for ev in event.mentions or (event.evidence,):
                span = self.doc.char_span(ev.span.start, ev.span.end, alignment_mode="expand")
                if span is None:
                    continue
                self.round_tokens.update(t.i for t in span)
                for t in self._round_phrase(span):
                    self.round_tokens.add(t.i)
                    number = _ordinal(t.lower_)
                    if number is not None and t.dep_ in {"amod", "nummod", "compound"}:
                        ordinal = ordinal or number
                        cues.append(self.evidence(t.i, t.i + 1))
                found = self._formats(span)
                for word, (start, end) in found:
                    formats.update(FORMATS[word])
                    cues.append(self.evidence(start, end))
            fmt = ", ".join(f for f in FORMAT_ORDER if f in formats) or None
            again = any(
                w in {"again", "resume", "resumed", "reconvene", "reconvened"} for w in words
            ) or self._again(event)
            if (
                not words & ROUND_NOUNS
                and ordinal is None
                and not again
                and not self._delegates(event)
            ):
                continue  # "met Zelenskyy in Kyiv": a visit, not a round of talks
            out.append(
                Round(
                    event_id=event.id,
                    evidence=event.evidence,
                    ordinal=ordinal,
                    format=fmt,
                    parties=tuple(parties),
                    host=self.owner.state(event.host.actor) if event.host else None,
                    place=event.place,
                    venue=event.venue,
                    time=event.time,
                    mentions=tuple(event.mentions or (event.evidence,)),
                    cues=tuple(cues),
                )
            )
        return _merge_rounds(out)

    def _signing(self, event: Event) -> bool:
        """A signing the parties did together at a place ("the government and the M23
        signed a declaration in Doha"): a session of the talks, whose outcome it is."""
        if event.type not in {"AGREE", "SUPPORT"} or event.targets or event.place is None:
            return False
        if event.status not in {"past", "present", "ongoing"}:
            return False
        first = event.evidence.span.text.split()[0].lower() if event.evidence.span.text else ""
        return any(first.startswith(v) for v in SIGNING_VERBS)

    def _host(self, event: Event, parties: list[Actor]) -> Actor | None:
        """The state a meeting took place in, when it is none of the parties' own."""
        if event.host is not None:
            return self.owner.state(event.host.actor)
        country = event.place.place.country if event.place is not None else None
        if not country or any(p.country == country for p in parties):
            return None
        return self.owner.country(country)

    def _outcomes(self, rnd: Round) -> tuple[Evidence, ...]:
        """What the parties of a round agreed on its day: the clauses of AGREE events
        between them that happened ("both delegations agreed to exchange ...")."""
        out: list[Evidence] = []
        for e in self.events:
            signed = e.id == rnd.event_id and e.type == "SUPPORT"  # a signing session
            if (e.type != "AGREE" and not signed) or e.status not in {"past", "present"}:
                continue
            sides = set(_states(self.owner, [*e.sources, *e.targets]))
            if not set(rnd.parties) <= sides or not _same_day(rnd.time, e.time):
                continue
            span = self.doc.char_span(
                e.evidence.span.start, e.evidence.span.end, alignment_mode="expand"
            )
            if span is None:
                continue
            verb = span.root
            subjects = _subjects(verb)
            lo = min([verb.i] + [_left_edge(s) for s in subjects[:1]])
            tail = [
                c
                for c in verb.children
                if c.dep_ in {"xcomp", "prep", "dobj", "ccomp"} and c.i > verb.i
            ]
            hi = max([verb.i + 1] + [self.phrase(c)[1] for c in tail])
            out.append(self.evidence(lo, hi))
        return tuple(out)

    def _again(self, event: Event) -> bool:
        """ "are expected to meet again": a meeting that repeats one is another round."""
        for ev in event.mentions or (event.evidence,):
            span = self.doc.char_span(ev.span.start, ev.span.end, alignment_mode="expand")
            if span is not None and any(
                c.lower_ == "again" for t in span for c in t.children if c.dep_ == "advmod"
            ):
                return True
        return False

    def _delegates(self, event: Event) -> bool:
        """Whether the sentence of a meeting speaks of delegations or negotiators."""
        for ev in event.mentions or (event.evidence,):
            span = self.doc.char_span(ev.span.start, ev.span.end, alignment_mode="expand")
            if span is not None and any(_is_delegation(t) for t in span.sent):
                return True
        return False

    def _only_proposed(self, event: Event) -> bool:
        """Whether every mention of a meeting sits under a verb that proposes or wants it."""
        for ev in event.mentions or (event.evidence,):
            span = self.doc.char_span(ev.span.start, ev.span.end, alignment_mode="expand")
            if span is None:
                return False
            t, under = span.root, False
            for _ in range(3):
                if t.head.i == t.i:
                    break
                t = t.head
                if t.lemma_.lower() in PROPOSING or t.lemma_.lower() in WILLING:
                    under = True
                    break
            if not under:
                return False
        return True

    def _round_phrase(self, span: object) -> list[Token]:
        """The tokens that modify a round's mention: its own modifiers, and those of a
        "round" it is the object of ("this second round of negotiations")."""
        tokens: list[Token] = []
        for t in span:  # type: ignore[attr-defined]
            heads = [t]
            if t.dep_ == "pobj" and t.head.head.lemma_.lower() == "round":
                heads.append(t.head.head)
            # "met for a third time", "sat together for the first time"
            heads += [
                p
                for c in t.children
                if c.dep_ == "prep" and c.lower_ == "for"
                for p in c.children
                if p.dep_ == "pobj" and p.lemma_.lower() in {"time", "round", "session"}
            ]
            for h in heads:
                tokens.append(h)
                tokens += [c for c in h.children if c.dep_ in {"amod", "nummod", "compound"}]
        return tokens

    def _formats(self, span: object) -> list[tuple[str, tuple[int, int]]]:
        """Format words in a round mention's noun phrase: "face-to-face negotiations"."""
        found: list[tuple[str, tuple[int, int]]] = []
        for t in span:  # type: ignore[attr-defined]
            if t.lemma_.lower() not in ROUND_NOUNS:
                continue
            mods = [c for c in t.subtree if c.i < t.i]
            if not mods:
                continue
            start = mods[0].i
            text = self.doc[start : t.i].text.lower().replace(" - ", "-").replace(" ", "-")
            for word in FORMATS:
                if re.search(rf"(?:^|-){re.escape(word)}(?:-|$)", text):
                    found.append((word, (start, t.i)))
        return found

    def _nearest_round(self, d: Delegation, rounds: list[Round]) -> Round | None:
        if not rounds:
            return None
        at = d.evidence.span.start
        return min(rounds, key=lambda r: min(abs(m.span.start - at) for m in r.mentions))

    # -- delegations -----------------------------------------------------------------------

    def delegations(self) -> list[Delegation]:
        found: dict[str, Delegation] = {}
        for t in self.doc:
            lemma = t.lemma_.lower()
            if lemma in LEAD_VERBS and t.pos_ == "VERB":
                objs = [c for c in t.children if c.dep_ == "dobj" and _is_delegation(c)]
                subjects = [c for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}]
                passive = [c for c in t.children if c.dep_ == "nsubjpass" and _is_delegation(c)]
                if passive:  # "Ukraine's team was led by X"
                    objs = passive
                    subjects = [p for a in t.children if a.dep_ == "agent" for p in a.children]
                if t.dep_ == "acl" and _is_delegation(t.head):  # "the delegation led by X"
                    objs = [t.head]
                    subjects = [p for a in t.children if a.dep_ == "agent" for p in a.children]
                for obj in objs:
                    for subj in subjects:
                        self._delegation(found, obj, subj, t)
            elif lemma == "represent" and t.pos_ == "VERB":
                # "Russia was represented by presidential aide Vladimir Medinsky"
                parties = [c for c in t.children if c.dep_ == "nsubjpass"]
                agents = [p for a in t.children if a.dep_ == "agent" for p in a.children]
                if parties and agents and self.party_of(parties[0]) is not None:
                    self._delegation(found, parties[0], agents[0], t)
            elif lemma in HEAD_NOUNS and t.pos_ == "NOUN":
                # "X, head of the Ukrainian delegation"
                of = [p for c in t.children if c.lower_ == "of" for p in c.children]
                dels = [p for p in of if _is_delegation(p)]
                if dels and t.dep_ == "appos":
                    self._delegation(found, dels[0], t.head, t)
        return list(found.values())

    def _delegation(
        self, found: dict[str, Delegation], noun: Token, head: Token, verb: Token
    ) -> None:
        heads = [m for m in self.ctx.actors_of(head) if m.actor.kind == "person"]
        if not heads:
            return
        person = heads[0]
        party = self.party_of(noun) or self.owner.state(person.actor)
        if party is None:
            return
        lo = min(head.left_edge.i, noun.i, verb.i)
        hi = max(noun.right_edge.i, verb.i) + 1
        ev = self.evidence(lo, hi)
        appointed, reported = self._appointer(verb, party)
        role = self._role(head, person)
        previous = found.get(party.code)
        if previous is not None:
            found[party.code] = replace(
                previous,
                appointed_by=previous.appointed_by or appointed,
                reported_by=previous.reported_by or reported,
                mentions=(*previous.mentions, ev),
            )
            return
        found[party.code] = Delegation(
            party=party,
            evidence=ev,
            head=person,
            appointed_by=appointed,
            head_role=role,
            reported_by=reported,
            mentions=(ev,),
        )

    def _appointer(
        self, verb: Token, party: Actor
    ) -> tuple[ActorMention | None, ActorMention | None]:
        """(appointed_by, reported_by) from the verbs above the delegation's clause, and
        an appointing verb with the delegation as its object in the same article."""
        current = verb
        for _ in range(6):
            if current.head.i == current.i:
                break
            parent = current.head
            if parent.pos_ == "VERB" and current.dep_ in {"ccomp", "xcomp", "conj"}:
                speakers = [
                    m
                    for c in parent.children
                    if c.dep_ == "nsubj"
                    for m in self.ctx.actors_of(c)
                    if m.actor.kind == "person"
                ]
                if speakers:
                    speaker = speakers[0]
                    lemma = parent.lemma_.lower()
                    if lemma in APPOINT_VERBS or (
                        self.owner.state(speaker.actor) == party and _heads_state(speaker.actor)
                    ):
                        return speaker, None
                    return None, speaker
            current = parent
        # "Zelenskyy has determined the delegation" in another sentence
        for t in self.doc:
            if t.lemma_.lower() in APPOINT_VERBS and t.pos_ == "VERB":
                objs = [c for c in t.children if c.dep_ == "dobj" and _is_delegation(c)]
                if objs and self.party_of(objs[0]) == party:
                    subj = [
                        m for c in t.children if c.dep_ == "nsubj" for m in self.ctx.actors_of(c)
                    ]
                    if subj and subj[0].actor.kind == "person":
                        return subj[0], None
        return None, None

    def _role(self, head: Token, person: ActorMention) -> str | None:
        """The head's office as the text gives it ("Defense Minister Rustem Umerov",
        "Vladimir Medinsky, adviser to Putin"), else as the registry has it."""
        for c in head.children:
            if c.dep_ == "appos" and c.pos_ == "NOUN" and c.lemma_.lower() not in HEAD_NOUNS:
                # "Vladimir Medinsky, an aide to Putin, which ...": up to the clause
                clauses = [d for d in c.subtree if d.dep_ in {"relcl", "acl", "advcl"}]
                start, end = self.phrase(c, stop=clauses)
                comma = next((t.i for t in self.doc[c.i : end] if t.text == ","), end)
                return self.doc[start:comma].text
        span = self.doc.char_span(
            person.evidence.span.start, person.evidence.span.end, alignment_mode="expand"
        )
        if span is not None:
            # "Defense Minister Rustem Umerov": the words before the first word of the name
            name_words = {w.lower() for w in person.actor.name.split()}
            first = next((t for t in span if t.lower_ in name_words), None)
            title = [
                t
                for t in span
                if first is not None and t.i < first.i and t.pos_ in {"PROPN", "NOUN", "ADJ"}
            ]
            if title:
                return self.doc[title[0].i : title[-1].i + 1].text
        return person.actor.role

    # -- proposals ---------------------------------------------------------------------------

    def proposals(self) -> None:
        for t in self.doc:
            if _refers_to_document(t) and self.drafts:
                self._mention(t)  # "The document also calls for ...": the last proposal
                continue
            if not _is_document(t):
                continue
            if any(_is_document(a) for a in t.ancestors):
                continue  # "a memorandum ... outlining their proposals": part of it
            self._mention(t)

    def _mention(self, t: Token) -> None:
        name = " ".join(
            [
                # a hyphenated count stays with its noun: "20-point plan"
                self.doc[c.left_edge.i : c.i + 1].text.lower()
                if c.left_edge.i < c.i and self.doc[c.i - 1].text == "-"
                else c.lower_
                for c in t.children
                if c.dep_ == "compound" and c.pos_ == "NOUN"
            ]
            + [t.lemma_.lower() if t.tag_ != "NNS" else t.lower_]
        )
        verb = t.head if t.dep_ in {"dobj", "nsubjpass"} and t.head.pos_ == "VERB" else None
        if verb is None:
            # "Russia's memorandum, handed to the Ukrainian delegation on Monday"
            verb = next(
                (
                    c
                    for c in t.children
                    if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in STATUS_VERBS
                ),
                None,
            )
        status = STATUS_VERBS.get(verb.lemma_.lower()) if verb is not None else None
        author = self._author(t, verb, status)
        recipient = self._recipient(t, verb, status)
        definite = any(c.dep_ in {"det", "poss"} and c.lower_ in _DEFINITE for c in t.children)
        own = any(c.lower_ == "own" for c in t.children)  # "its own roadmap": another one
        draft = None
        if not own and (definite or (author is None and self.drafts)):
            draft = self._antecedent(author)
        if draft is None:
            draft = _Draft(len(self.drafts), author, recipient)
            self.drafts.append(draft)
        draft.author = draft.author or author
        draft.recipient = draft.recipient or recipient
        if name not in draft.names and not _refers_to_document(t):
            draft.names.append(name)
        lo = min([t.i] + [c.i for c in t.children if c.dep_ in {"compound", "amod", "det", "poss"}])
        draft.mentions.append(self.evidence(lo, t.i + 1))
        self.doc_tokens[t.i] = draft
        if status is not None and verb is not None:
            tense = clause_tense(verb)
            if any(
                c.dep_ == "aux" and c.lower_ in {"would", "will", "shall"} for c in verb.children
            ):
                tense = "future"  # "said Moscow would hand Kyiv a draft": not yet sent
            start = min(verb.i, t.i, *(c.i for c in verb.children if c.dep_ in {"aux", "nsubj"}))
            draft.history.append(
                StatusChange(
                    status=status,
                    evidence=self.evidence(start, max(verb.i, t.i) + 1),
                    date=self.day(verb),
                    tense=tense,
                )
            )
        attribution = self.ctx.attribution(t if verb is None else verb)
        if attribution is not None and all(a.text != attribution.text for a in draft.sources):
            draft.sources.append(attribution)
        if t.dep_ == "nsubj" and t.head.pos_ == "VERB":
            self._provisions(draft, t.head)
        for c in t.children:  # "a memorandum setting out its conditions for a ceasefire"
            if c.dep_ == "acl" and c.pos_ == "VERB" and c.tag_ == "VBG":
                self._provisions(draft, c)
        under = t.head
        if t.dep_ == "pobj" and under.lower_ == "under" and under.head.pos_ == "VERB":
            self._clause_provisions(draft, under.head, skip=under)

    def _author(self, t: Token, verb: Token | None, status: str | None) -> Actor | None:
        for c in t.children:
            if c.dep_ == "poss" or (c.dep_ == "amod" and c.i in self.res.by_token):
                party = self.party_of(c) if c.dep_ == "poss" else None
                if party is None:
                    for m in self.res.by_token.get(c.i, []):
                        party = party or self.owner.state(m.actor)
                if party is not None:
                    return party
            if c.dep_ == "prep" and c.lower_ in {"from", "by", "of"}:
                for p in c.children:
                    if p.dep_ == "pobj":
                        party = self.party_of(p)
                        if party is not None:
                            return party
        if verb is not None and status in {"drafted", "sent", "presented", "proposed"}:
            for s in _subjects(verb):
                party = self.party_of(s)
                if party is not None:
                    return party
        return None

    def _recipient(self, t: Token, verb: Token | None, status: str | None) -> Actor | None:
        if verb is None:
            return None
        if status in {"awaited", "accepted", "rejected"}:
            for s in _subjects(verb):
                party = self.party_of(s)
                if party is not None:
                    return party
            return None
        for node in verb.children:
            if node.dep_ == "dative" and node.pos_ in {"NOUN", "PROPN"}:
                party = self.party_of(node)  # "gave the Ukrainian side a memorandum"
                if party is not None:
                    return party
        for node in [verb, *verb.subtree]:
            if (
                node.dep_ in {"prep", "dative"}
                and node.lower_ == "to"
                and node.head.pos_
                in {
                    "VERB",
                    "NOUN",
                }
            ):
                for p in node.children:
                    if p.dep_ == "pobj":
                        party = self.party_of(p)
                        if party is not None:
                            return party
        return None

    def _antecedent(self, author: Actor | None) -> _Draft | None:
        """The latest proposal of the same author (any, when either author is unknown)."""
        for draft in reversed(self.drafts):
            if author is None or draft.author is None or draft.author == author:
                return draft
        return None

    def _proposal(self, d: _Draft) -> Proposal:
        done = [h for h in d.history if h.tense != "future"]
        latest = (done or d.history)[-1] if d.history else None
        status = latest.status if latest else "reported"
        if latest is not None and latest.tense == "future":
            status = f"to be {status}"
        provisions = d.provisions if d.ordered else [replace(p, step=1) for p in d.provisions]
        key = f"{self.article.id}:{d.number}:{'/'.join(d.names)}"
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        return Proposal(
            id=f"pr-{digest}",
            author=d.author,
            recipient=d.recipient,
            names=tuple(d.names),
            status=status,
            evidence=d.mentions[0],
            provisions=tuple(provisions),
            ordered=d.ordered,
            mentions=tuple(d.mentions),
            history=tuple(d.history),
            sources=tuple(d.sources),
        )

    # -- provisions --------------------------------------------------------------------------

    def _provisions(self, draft: _Draft, verb: Token) -> None:
        lemma = verb.lemma_.lower()
        if lemma not in PROVISION_VERBS:
            return
        markers = {c.lower_ for c in verb.children if c.dep_ == "advmod"}
        if lemma in FIRST_STEP:
            step = 1
            draft.ordered = True
        elif markers & NEXT_STEP or lemma in NEXT_STEP:
            step = draft.step + 1
            draft.ordered = True
        else:
            step = draft.step + 1
        items = self._items(verb)
        heads = [h for h, _ in items]
        for head, moves in items:
            if moves and draft.provisions:
                step = max(step, draft.step) + 1
                draft.ordered = True
            added = self._chunks(draft, head, step, stop=[h for h in heads if h.i > head.i])
            if added:
                draft.step = max(draft.step, step)

    def _clause_provisions(self, draft: _Draft, verb: Token, *, skip: Token) -> None:
        """ "Under the declaration, the two sides will first observe a ceasefire, then
        exchange prisoners, and finally begin direct negotiations": each coordinated
        clause is a provision, in the order the step words give."""
        clauses = [verb]
        for c in clauses:  # coordinated clauses, however the parse chains them
            clauses += [x for x in c.children if x.dep_ in {"conj", "dep"} and x.pos_ == "VERB"]
        clauses.sort(key=lambda c: c.i)
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for clause in clauses:
            others = [c for c in clauses if c.i != clause.i and c not in clause.ancestors]
            start, end = self.phrase(clause, stop=[skip, *subjects, *others])
            while start < end and (
                self.doc[start].dep_ in {"aux", "cc", "punct", "advmod", "neg"}
                and self.doc[start].i != clause.i
            ):
                start += 1
            found = issue_of(self.doc[start:end].text)
            if found is None:
                continue
            markers = {c.lower_ for c in clause.children if c.dep_ == "advmod"}
            if markers & FIRST_STEP:
                step = 1
                draft.ordered = True
            else:
                step = draft.step + 1
                draft.ordered = draft.ordered or bool(markers & NEXT_STEP)
            actors = self.actors_in(start, end)
            params = self._parameters(self.doc[start:end], clause, found.key, actors)
            draft.provisions.append(
                Provision(
                    step=step,
                    issue=found.key,
                    evidence=self.evidence(start, end),
                    parameters=params,
                )
            )
            draft.step = max(draft.step, step)

    def _items(self, verb: Token) -> list[tuple[Token, bool]]:
        """Heads of the phrases a provision verb lists, in text order, each with whether
        it moves to a later step ("followed by X", "with subsequent Y")."""
        out: list[tuple[Token, bool]] = []
        for c in verb.children:
            if c.dep_ in {"dobj"}:
                out.append((c, False))
            elif c.dep_ == "prep" and c.lower_ in {"with", "for", "on", "to", "of"}:
                for p in c.children:
                    if p.dep_ == "pobj":
                        later = any(m.lower_ in NEXT_STEP for m in p.children if m.dep_ == "amod")
                        out.append((p, later and bool(out)))
            elif c.dep_ == "advcl" and c.lemma_.lower() == "follow":
                for a in c.children:
                    if a.dep_ == "agent":
                        out += [(p, True) for p in a.children if p.dep_ == "pobj"]
            elif c.dep_ == "xcomp":
                out += [(o, False) for o in c.children if o.dep_ == "dobj"]
            elif c.dep_ in {"dep", "conj", "appos", "npadvmod"} and c.pos_ == "NOUN" and out:
                # "calls first for X, then the release of Y": a later item the parse
                # hangs on the verb
                later = any(m.lower_ in NEXT_STEP for m in c.children if m.dep_ == "advmod")
                out.append((c, later))
        # "X, followed by Y", whichever phrase the participle hangs on
        for head, _ in list(out):
            for t in head.subtree:
                if t.dep_ in {"acl", "advcl"} and t.lemma_.lower() == "follow":
                    for a in t.children:
                        if a.dep_ == "agent":
                            out += [(p, True) for p in a.children if p.dep_ == "pobj"]
        # "the demarcation of the border, with subsequent elections", however attached
        for head, _ in list(out):
            for t in head.subtree:
                if t.dep_ == "pobj" and t.head.lower_ == "with" and t.i > head.i:
                    if any(m.lower_ in NEXT_STEP for m in t.children if m.dep_ == "amod"):
                        out.append((t, True))
        return sorted(out, key=lambda x: x[0].i)

    def _chunks(self, draft: _Draft, head: Token, step: int, *, stop: list[Token]) -> int:
        """Provisions of one listed phrase: each coordinated part that names an issue."""
        later = {t.i for s in stop for t in s.subtree}
        parts = [head] + [
            t
            for t in head.subtree
            if t.i != head.i
            and t.i not in later
            and t.dep_ == "conj"
            and t.pos_ == "NOUN"
            and _starts_with_issue(self.doc[t.left_edge.i : t.right_edge.i + 1].text)
        ]
        added = 0
        for part in parts:
            start, end = self.phrase(part, stop=[p for p in parts if p.i > part.i] + stop)
            text = self.doc[start:end].text
            found = issue_of(text)
            if found is None:
                continue
            key = found.key
            actors = self.actors_in(start, end)
            if key in {"further_talks", "multilateral_talks"}:
                sides = {draft.author, draft.recipient} - {None}
                others = [m for m in actors if self.owner.state(m.actor) not in sides]
                key = "multilateral_talks" if others else "further_talks"
            params = self._parameters(self.doc[start:end], part, key, actors)
            draft.provisions.append(
                Provision(
                    step=step, issue=key, evidence=self.evidence(start, end), parameters=params
                )
            )
            added += 1
        return added

    def _parameters(
        self, span: object, head: Token, key: str, actors: list[ActorMention]
    ) -> tuple[tuple[str, str], ...]:
        params: list[tuple[str, str]] = []
        lo, hi = span.start, span.end  # type: ignore[attr-defined]
        for tv in self.times:
            s = tv.evidence.span
            if (
                tv.type == "DURATION"
                and span.start_char <= s.start  # type: ignore[attr-defined]
                and s.end <= span.end_char  # type: ignore[attr-defined]
                and self._governs(head, s.start)
            ):
                suffix = {"minimum": "_min", "maximum": "_max"}.get(tv.bound or "", "")
                params.append((f"duration{suffix}", tv.value))
                break
        scope = [c.lower_ for c in head.children if c.dep_ == "amod" and c.lower_ in SCOPE_WORDS]
        of = [
            p
            for c in head.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children
            if p.dep_ == "pobj"
        ]
        of = [
            p
            for p in of
            if not any(t.like_num or t.ent_type_ == "DATE" for t in p.subtree if t.dep_ == "nummod")
        ]
        if scope:
            params.append(("scope", " ".join(scope)))
        elif of:
            s, e = self.phrase(
                of[0], stop=[t for t in of[0].subtree if t.dep_ == "conj" and t.i >= hi]
            )
            e = min(e, hi)
            words = self.doc[s:e]
            label = "scope" if any(t.lower_ in QUANTIFIERS for t in words[:1]) else "detail"
            params.append((label, words.text))
        persons = [m for m in actors if m.actor.kind == "person"]
        parties = (
            persons
            if key == "leaders_meeting" and persons
            else [m for m in actors if m.actor.kind != "person"]
        )
        if parties and key in {
            "leaders_meeting",
            "multilateral_talks",
            "further_talks",
            "prisoner_exchange",
        }:
            codes = [
                m.actor.code
                if m.actor.kind in {"person", "group"}
                else (m.actor.country or m.actor.code)
                for m in parties
            ]
            params.append(("parties", "; ".join(dict.fromkeys(codes))))
            params.append(("party_names", "; ".join(_label(m) for m in parties)))
        for t in self.doc[lo:hi]:
            if t.dep_ in {"xcomp", "advcl", "acl"} and any(
                c.lower_ == "to" and c.dep_ == "aux" for c in t.children
            ):
                s, e = self.phrase(t)
                words = [
                    w
                    for w in self.doc[s : min(e, hi)]
                    if not (w.lower_ == "to" and w.dep_ == "aux")
                ]
                if words:
                    params.append(("purpose", self.doc[words[0].i : words[-1].i + 1].text))
                break
        return tuple(params)

    def _governs(self, head: Token, char: int) -> bool:
        """Whether the token at `char` hangs from `head` through nouns and prepositions
        only ("a ceasefire of at least 30 days"; not "talks ... ending the three-year war")."""
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        if span is None:
            return False
        t = span[0]
        for _ in range(8):
            if t.i == head.i:
                return True
            if t.pos_ in {"VERB", "AUX"} or t.head.i == t.i:
                return False
            t = t.head
        return False

    # -- positions ---------------------------------------------------------------------------

    def positions(self) -> list[Position]:
        out: list[Position] = []
        for t in self.doc:
            lemma = t.lemma_.lower()
            if t.pos_ == "NOUN" and lemma in POSITION_NOUNS:
                out += self._position_list(t)
            elif t.pos_ == "VERB":
                out += self._stance(t)
        return out

    def _position_list(self, noun: Token) -> list[Position]:
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        party = self.party_of(owner) if owner is not None else None
        if party is None and owner is not None and owner.pos_ == "PRON":
            # "Kyiv restated its positions": the subject of the verb the list hangs from
            verb = noun.head
            party = next((p for s in _subjects(verb) if (p := self.party_of(s))), None)
        if party is None:
            return []
        items: list[Token] = []
        for c in noun.children:
            if c.dep_ == "appos":
                items.append(c)
            elif c.dep_ in {"prep", "amod"} and c.lower_ in {"including", "like", "such"}:
                preps = [c] + [a for a in c.children if a.lower_ == "as"]
                items += [p for q in preps for p in q.children if p.dep_ == "pobj"]
        if items:
            # "positions, including no X, no Y, and Z": Z is often parsed as the list's
            # own conjunct
            items += [c for c in noun.children if c.dep_ == "conj" and c.i > items[0].i]
        proposal = None
        if noun.head.pos_ == "VERB":
            subj = [c for c in noun.head.children if c.dep_ == "nsubj"]
            if subj and subj[0].i in self.doc_tokens:
                draft = self.doc_tokens[subj[0].i]
                proposal = draft
        out: list[Position] = []
        heads: list[Token] = []
        for item in items:
            heads.append(item)
            for t in item.subtree:
                if t.dep_ == "conj" and t.head in heads and t.pos_ == "NOUN":
                    heads.append(t)
        for head in heads:
            start, end = self.phrase(head, stop=[h for h in heads if h.i > head.i])
            text = self.doc[start:end].text
            found = issue_of(text)
            if found is None:
                continue
            negative = any(
                c.lower_ in {"no", "never"} for c in head.children if c.dep_ == "det"
            ) or (self.doc[start].lower_ in {"no", "not", "never"})
            out.append(
                Position(
                    party=party,
                    issue=found.key,
                    stance="rejects" if negative else "demands",
                    evidence=self.evidence(start, end),
                    text=text,
                    date=self.day(noun),
                    proposal=f"draft:{proposal.number}" if proposal is not None else None,
                )
            )
        return out

    def _stance(self, verb: Token) -> list[Position]:
        """Positions a verb of stance gives its subject's parties ("Armenia demanded the
        release of prisoners"; "both sides agreed to a swap": one for each)."""
        lemma = verb.lemma_.lower()
        particles = {c.lower_ for c in verb.children if c.dep_ in {"prt", "prep"}}
        stance = next(
            (s for (v, p), s in STANCE_PHRASES.items() if v == lemma and p in particles), None
        ) or STANCE_VERBS.get(lemma)
        obligation = _obligation(verb) if stance is None and lemma in SAYING_VERBS else None
        if obligation is not None:
            stance = "demands"  # "Netanyahu said Hamas must disarm"
        if stance is None or _unreal(verb):
            return []
        subjects = _subjects(verb)
        if not subjects:
            return []
        parties = _states(self.owner, self.ctx.actors_of(subjects[0]))
        if not parties:
            party = self.party_of(subjects[0])
            parties = [party] if party is not None else []
        if not parties:
            return []
        objects = [c for c in verb.children if c.dep_ in {"dobj", "xcomp", "ccomp"}]
        if obligation is not None:
            objects = [obligation]
        if not objects and verb.dep_ == "relcl":
            objects = [verb.head]  # "the unconditional truce they had demanded"
        objects += [
            p
            for c in verb.children
            if c.dep_ == "prep"
            for p in c.children
            if p.dep_ in {"pobj", "pcomp"}
        ]
        for obj in sorted(objects, key=lambda o: o.i):
            if obj.i == verb.head.i:  # the noun a relative clause hangs from
                start, end = self.phrase(obj, stop=[verb])
            else:
                start, end = self.phrase(
                    obj,
                    stop=[
                        c for c in obj.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}
                    ],
                )
            if any(
                (i in self.round_tokens and self.doc[i].lemma_.lower() in ROUND_NOUNS)
                or i in self.doc_tokens
                for i in range(start, end)
            ):
                return []  # proposing a round, or a proposal: read as those
            if self._specific_talks(start, end):
                return []  # "proposed talks in Istanbul on June 2": an event, not a stance
            found = issue_of(self.doc[start:end].text)
            if found is None:
                continue
            if is_negated(verb):
                stance = "rejects" if stance in {"accepts", "commits", "proposes"} else stance
            elif stance == "accepts" and _conditional(verb):
                stance = "accepts_with_conditions"
            subject = subjects[0]
            lo = min(_left_edge(subject), verb.i, start)
            return [
                Position(
                    party=party,
                    issue=found.key,
                    stance=stance,
                    evidence=self.evidence(lo, max(end, verb.i + 1)),
                    text=self.doc[lo : max(end, verb.i + 1)].text,  # subject to object
                    date=self.day(verb),
                )
                for party in parties
            ]
        return []

    def _specific_talks(self, start: int, end: int) -> bool:
        """Whether a phrase names particular talks: a talks noun with a demonstrative, an
        ordinal, a date or a place ("this second round", "talks in Istanbul on June 2")."""
        tokens = self.doc[start:end]
        if not any(t.lemma_.lower() in ROUND_NOUNS for t in tokens):
            return False
        lo, hi = tokens.start_char, tokens.end_char
        dated = any(
            lo <= tv.evidence.span.start < hi and tv.type in {"DATE", "TIME"} for tv in self.times
        )
        placed = any(lo <= m.evidence.span.start < hi for m in self.res.places)
        pointed = any(t.lower_ in {"this", "that"} or _ordinal(t.lower_) for t in tokens)
        return dated or placed or pointed

    # -- process ---------------------------------------------------------------------------

    def processes(self, rounds: list[Round]) -> list[Process]:
        """One process per set of parties at a table, the most mentioned first; without
        rounds, the parties of the proposals. The text's name of a conflict ("the
        Russia-Ukraine War") names the process whose parties it names."""
        groups: dict[tuple[str, ...], list[Round]] = {}
        for r in rounds:
            groups.setdefault(tuple(sorted(p.code for p in r.parties)), []).append(r)
        ordered = sorted(groups.values(), key=lambda rs: -sum(len(r.mentions) for r in rs))
        party_sets = [
            (sorted({p for r in rs for p in r.parties}, key=lambda a: a.code), rs) for rs in ordered
        ]
        if not party_sets:
            parties: list[Actor] = []
            for d in self.drafts:
                parties += [
                    p for p in (d.author, d.recipient) if p is not None and p not in parties
                ]
            if len(parties) >= 2:
                party_sets = [(sorted(parties, key=lambda a: a.code), [])]
        if not party_sets:
            # no round and no proposal between two sides: sides that agreed or signed
            # something together ("Both sides agreed to allow humanitarian aid")
            for e in self.events:
                sides = _states(self.owner, e.sources)
                if e.type in {"AGREE", "SUPPORT"} and not e.targets and len(sides) >= 2:
                    party_sets = [(sorted(sides, key=lambda a: a.code), [])]
                    break
        out: list[Process] = []
        names = [(m, m.group(1)) for m in _CONFLICT_NAME.finditer(self.article.text)]
        for parties, rs in party_sets:
            name = "-".join(p.name.removeprefix("the ") for p in parties) + " talks"
            evidence = None
            for match, conflict in names:
                if all(any(w in conflict for w in (p.name, p.code)) for p in parties):
                    name = f"{conflict} peace talks"
                    span = self.doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
                    evidence = self.evidence(span.start, span.end) if span is not None else None
                    break
            out.append(
                Process(
                    id="process:" + "-".join(p.code for p in parties),
                    name=name,
                    parties=tuple(parties),
                    evidence=evidence,
                    hosts=tuple(dict.fromkeys(r.host for r in rs if r.host is not None)),
                )
            )
        return out

    def _third_parties(self, process: Process, count: int = 1) -> Process:
        parties = set(process.parties)
        roles: dict[str, tuple[Actor, list[str], Evidence]] = {}

        def add(actor: Actor, role: str, ev: Evidence) -> None:
            key = actor.code
            if key not in roles:
                roles[key] = (actor, [], ev)
            if role not in roles[key][1]:
                roles[key][1].append(role)

        for r in self.out.rounds:
            if r.process != process.id:
                continue
            if r.host is not None and r.host not in parties:
                add(r.host, "host", r.evidence)
        for e in self.events:
            sources = _states(self.owner, e.sources)
            targets = _states(self.owner, e.targets)
            if not sources or any(s in parties for s in sources):
                continue
            if targets and all(t in parties for t in targets):
                lemma = e.evidence.span.text.split()[0].lower()
                if any(lemma.startswith(v) for v in ENCOURAGE_VERBS):
                    for s in sources:
                        add(
                            s,
                            "encourages both sides" if len(targets) > 1 else "encourages",
                            e.evidence,
                        )
                elif any(lemma.startswith(v) for v in MEDIATE_VERBS):
                    for s in sources:
                        add(s, "mediator", e.evidence)
        for actor, role, ev in self._go_betweens(process, only=count <= 1):
            if actor not in parties:
                add(actor, role, ev)
        for p in self.out.proposals:
            if p.process != process.id:
                continue
            for prov in p.provisions:
                if prov.issue not in {"multilateral_talks"}:
                    continue
                for m in self.actors_in(*_token_bounds(self.doc, prov.evidence)):
                    state = self.owner.state(m.actor) if m.actor.kind != "group" else m.actor
                    if state is not None and state not in parties:
                        add(state, "party to later talks", prov.evidence)
        third = tuple(
            ThirdParty(actor=a, role="; ".join(rs), evidence=ev) for a, rs, ev in roles.values()
        )
        mediators = tuple(t.actor for t in third if "mediator" in t.role)
        return replace(process, third_parties=third, mediators=mediators)

    def _go_betweens(self, process: Process, *, only: bool) -> list[tuple[Actor, str, Evidence]]:
        """States or bodies named as go-betweens of this process's parties: by a noun
        ("Egyptian and Qatari mediators", "Qatar, the mediator") or a verb ("talks
        mediated by Qatar", "Turkey brokered the deal"). A sentence counts for the process
        when it names one of its parties or the article has no other process."""
        out: list[tuple[Actor, str, Evidence]] = []
        for t in self.doc:
            lemma = t.lemma_.lower()
            named: list[ActorMention] = []
            if lemma in MEDIATOR_NOUNS and t.pos_ == "NOUN":
                role = "guarantor" if lemma == "guarantor" else "mediator"
                named = list(self.ctx.actors_of(t))
                if t.dep_ in {"appos", "attr"}:
                    named += self.ctx.actors_of(t.head)  # "Qatar, the mediator"
            elif (
                lemma in RELAY_VERBS
                and t.pos_ == "VERB"
                and any(
                    c.dep_ == "prep" and c.lower_ == "between"
                    for c in [
                        *t.children,
                        *(g for o in t.children if o.dep_ == "dobj" for g in o.children),
                    ]
                )
            ):
                role = "mediator"  # "will carry messages between the two delegations"
                named = [m for c in t.children if c.dep_ == "nsubj" for m in self.ctx.actors_of(c)]
            elif lemma in MEDIATE_VERBS and t.pos_ == "VERB":
                role = "mediator"
                for c in t.children:
                    if c.dep_ == "agent":
                        named += [m for p in c.children for m in self.ctx.actors_of(p)]
                    elif c.dep_ == "nsubj":
                        named += self.ctx.actors_of(c)
            if not named:
                continue
            sent = t.sent
            if not only and not any(
                self.owner.state(m.actor) in process.parties
                for m in self.actors_in(sent.start, sent.end)
            ):
                continue
            for m in named:
                actor = self.owner.state(m.actor)
                if actor is not None:
                    out.append((actor, role, self.evidence(sent.start, sent.end)))
        return out


# -- module helpers ------------------------------------------------------------------------


def _states(owner: NegotiationReader, mentions: Iterable[ActorMention]) -> list[Actor]:
    out: list[Actor] = []
    for m in mentions:
        state = owner.state(m.actor)
        if state is not None and state not in out:
            out.append(state)
    return out


def _obligation(verb: Token) -> Token | None:
    """The complement clause of a saying verb that states what someone must or should do
    ("said that Hamas must disarm", "insisted Russia has to withdraw")."""
    for c in verb.children:
        if c.dep_ != "ccomp" or c.pos_ not in {"VERB", "AUX"}:
            continue
        if any(a.dep_ == "aux" and a.lower_ in OBLIGATION_MODALS for a in c.children):
            return c
        if c.lemma_.lower() in {"have", "need"} and any(
            x.dep_ == "xcomp" and any(a.lower_ == "to" for a in x.children) for x in c.children
        ):
            return c
    return None


def _subjects(verb: Token) -> list[Token]:
    """A verb's subjects, or those of the verb it is coordinated with ("Ukraine committed
    to peace but awaits a memorandum")."""
    for _ in range(3):
        # nearest first: a dateline ("KYIV, May 11 -") can parse as a second subject
        found = sorted(
            (c for c in verb.children if c.dep_ == "nsubj"), key=lambda c: abs(verb.i - c.i)
        )
        if found or verb.dep_ != "conj" or verb.head.i == verb.i:
            return found
        verb = verb.head
    return []


def _ordinal(word: str) -> int | None:
    """The number an ordinal names: "second" (the time tagger's words), "2nd", "10th"."""
    if word in ORDINALS:
        return ORDINALS[word]
    match = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", word)
    return int(match.group(1)) if match else None


def _unreal(verb: Token) -> bool:
    """A stance that is only supposed: "until it agreed to stop", "if Russia accepts"."""
    if is_hypothetical(verb):
        return True
    current = verb
    for _ in range(3):
        if current.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in {"if", "until", "unless", "before", "whether"}
            for c in current.children
        ):
            return True
        if current.head.i == current.i:
            break
        current = current.head
    return False


def _left_edge(subject: Token) -> int:
    """Where a subject phrase starts, not before a dateline's dash or a bracket."""
    start = subject.left_edge.i
    for t in subject.doc[start : subject.i]:
        if t.is_punct and t.text in {"-", "\u2013", "\u2014", ")", "(", ":"}:
            start = t.i + 1
    return start


def _merge_rounds(rounds: list[Round]) -> list[Round]:
    """One round per set of parties and day within an article: "the talks", "the meeting"
    and "the session" of the same day are one round, its first mention's fields filled
    from the others."""
    out: list[Round] = []
    for r in rounds:
        same = next(
            (o for o in out if set(o.parties) == set(r.parties) and _same_day(o.time, r.time)),
            None,
        )
        if same is None:
            out.append(r)
            continue
        merged = replace(
            same,
            ordinal=same.ordinal or r.ordinal,
            format=same.format or r.format,
            host=same.host or r.host,
            place=same.place or r.place,
            venue=same.venue or r.venue,
            mentions=(*same.mentions, *r.mentions),
            cues=(*same.cues, *r.cues),
        )
        out[out.index(same)] = merged
    return out


def _same_day(a: TimeValue | None, b: TimeValue | None) -> bool:
    if a is None or b is None or "article" in (a.precision, b.precision):
        return True  # no time of its own (the article's date stands in): no conflict
    x, y = a.value[:10], b.value[:10]
    return x.startswith(y) or y.startswith(x)


def _is_delegation(t: Token) -> bool:
    return t.lemma_.lower() in DELEGATION_NOUNS or t.lower_ in DELEGATION_NOUNS


def _refers_to_document(t: Token) -> bool:
    """ "the document", "the text": a definite plain word for the proposal named before
    (never a new one: "a document seen by Reuters" is a source)."""
    return (
        t.lemma_.lower() in DOCUMENT_ANAPHORS
        and t.pos_ == "NOUN"
        and any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in t.children)
    )


def _is_document(t: Token) -> bool:
    if t.pos_ not in {"NOUN", "PROPN"}:
        return False
    lemma = t.lemma_.lower()
    if lemma not in DOCUMENT_NOUNS and t.lower_ not in DOCUMENT_NOUNS:
        return False
    if lemma in {"points", "point", "terms", "term"}:
        return any(c.like_num for c in t.children)
    if lemma == "proposal" and t.tag_ == "NNS":
        return False  # "their proposals": the content, not a document
    return True


def _heads_state(actor: Actor) -> bool:
    role = (actor.role or "").lower()
    return any(role.startswith(office) for office in HEAD_OFFICES)


def _conditional(verb: Token) -> bool:
    return any(
        c.dep_ in {"advcl", "prep"} and any(m.lower_ in CONDITION_MARKS for m in c.subtree)
        for c in verb.children
    )


def _starts_with_issue(text: str) -> bool:
    found = issue_of(text)
    if found is None:
        return False
    low = text.lower()
    first = min(
        (m.start() for p in found.cues if (m := re.search(p, low)) is not None), default=len(low)
    )
    # at most two content words before the cue: "the full deployment of an international
    # force", "a complete ceasefire", not "talks in Geneva on a ceasefire"
    before = [w for w in low[:first].split() if w not in {"the", "a", "an", "of", "and", "all"}]
    return len(before) <= 2


def _label(m: ActorMention) -> str:
    if m.actor.kind == "person":
        return m.actor.name
    return m.evidence.span.text if m.actor.kind == "group" else m.actor.name


def _token_bounds(doc: Doc, ev: Evidence) -> tuple[int, int]:
    span = doc.char_span(ev.span.start, ev.span.end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, 0)


__all__ = ["Negotiation", "NegotiationReader"]
