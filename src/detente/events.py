"""Events: find event mentions in the parse, fill their arguments, and fold repeats.

A trigger is a verb the CAMEO verb lexicon codes ("encouraged", "sent ... to"), a light
verb with an event noun ("hold negotiations", "participate in talks"), or an event noun
alone ("the Istanbul talks"). Its arguments come from the dependency parse:

- sources: the subject; for an infinitive, the controller ("delegations are expected to
  hold talks": the delegations; "encouraged Moscow and Kyiv to collaborate": Moscow, Kyiv);
  a pronoun subject of reported speech is the speaker (resolve stage).
- targets: the object, "to X", "with X", "against X"; "from X" for requests ("awaits a
  memorandum from the Russian side").
- place and venue: a location attached to the trigger or its noun; a venue also gives its
  city. Host: the country of the place when it is not a party (PLOVER mode third-party).
- time: the expression attached to the trigger, else one in the sentence, else the
  article's date (precision "article").
- status: denied, negated, hypothetical, proposed (the complement of "propose",
  "suggest", "offer", "recommend"), or the clause's tense (past, present, future).
- attribution: "according to X"; the subject of a reporting verb whose complement holds
  the trigger ("Lavrov stated that ..."); else the author.

One meeting told five times is one event: CONSULT mentions merge when their place and
date agree and their parties do not conflict, and an event noun that refers back ("the
Istanbul talks") adds its sentence to the meeting it names. Other events merge when type,
parties and the event they refer to agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from detente import taxonomy
from detente.gazetteer import Gazetteer
from detente.grammar import SCHEDULING, clause_tense, is_hypothetical, is_negated
from detente.resolution import Resolution, evidence, side_of
from detente.verbs import VerbCode, VerbLexicon
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Attribution,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Span,
    TimeValue,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from detente.classify import LinearModel

EXTRACTOR = "detente.events"
VERSION = "0.2.0"
# The dyad head overrules the lexicon's type only above this probability.
MODEL_CONFIDENCE = 0.6

REPORTING = frozenset(
    {
        "say",
        "state",
        "announce",
        "confirm",
        "indicate",
        "tell",
        "report",
        "add",
        "claim",
        "note",
        "insist",
        "stress",
        "declare",
        "explain",
        "write",
        "tweet",
        "reveal",
        "assert",
        "acknowledge",
        "deny",
        "suggest",
        "according",
        "accord",
    }
)
# "with the help of the Red Cross": who helps is not whom the act is done to.
HELP_NOUNS = frozenset(
    {"help", "assistance", "support", "mediation", "backing", "aid", "participation",
     "involvement", "presence", "facilitation", "auspices"}
)  # fmt: skip
# Verbs that carry an event noun without adding meaning: "hold talks", "join negotiations".
LIGHT_VERBS = frozenset(
    {
        "hold",
        "conduct",
        "have",
        "participate",
        "attend",
        "join",
        "begin",
        "start",
        "resume",
        "open",
        "host",
        "convene",
        "continue",
        "launch",
        "enter",
        "take",
        "stage",
        "organize",
        "organise",
    }
)
# Predicates that schedule or intend their complement (grammar.SCHEDULING, less those that
# are events themselves: agreeing, proposing), or describe rather than act.
NON_EVENTS = (SCHEDULING - {"agree", "propose", "likely"}) | frozenset(
    {"want", "seek", "try", "need", "be", "begin", "maintain", "include", "represent",
     "lead", "head", "follow", "involve", "establish", "achieve", "end"}
)  # fmt: skip
# Verbs whose complement is an event the subject says did not happen.
DENIAL_VERBS = frozenset({"deny", "dismiss", "refute", "rebut", "disavow"})
# Participles that name who saw or obtained a document: "a memo seen by Reuters".
SOURCE_VERBS = frozenset({"see", "obtain", "review", "quote", "cite", "publish"})
# Verbs that hand a document over: sending a proposal is making one.
TRANSFER_VERBS = frozenset(
    {
        "send",
        "submit",
        "hand",
        "deliver",
        "give",
        "pass",
        "transmit",
        "forward",
        "table",
        "share",
        "circulate",
    }
)
# Dependency labels of non-finite modifiers: a verb there describes, it does not report.
NONFINITE_DEPS = frozenset({"acl", "amod", "pcomp", "csubj"})
# What a drafting or sending verb acts on when the thing is a proposal: the negotiation
# stage's document nouns, and the plain words a story uses for one ("sent the document").
DOCUMENT_NOUNS = taxonomy.DOCUMENT_NOUNS | {"document", "offer", "list", "text"}
FALLBACK_CONSULT_NOUNS = frozenset(
    {
        "talk",
        "talks",
        "negotiation",
        "meeting",
        "summit",
        "consultation",
        "conference",
        "dialogue",
        "round",
    }
)
# Prepositions whose object bounds a stretch of time rather than dating an event.
BOUNDARY_PREPS = frozenset({"since", "until", "till", "before", "after"})
ANAPHORIC_DETS = frozenset({"the", "this", "these", "both", "that", "those"})
REQUEST_FROM = frozenset({"await", "expect", "demand", "request", "seek", "want", "receive"})


@dataclass
class _Mention:
    """One report of an event, before folding."""

    trigger: Token
    end: int  # token end of the trigger phrase
    code: VerbCode
    sources: list[ActorMention]
    targets: list[ActorMention]
    place: PlaceMention | None
    venue: PlaceMention | None
    time: TimeValue | None
    status: str
    status_cue: Token | None
    attribution: Attribution | None
    anaphoric: bool = False
    nominal: bool = False
    proposed: bool = False  # under a request or proposal verb ("calls for a meeting")
    refers_to: list[int] = field(default_factory=list)  # token indexes of event nouns
    extra_mentions: list[Evidence] = field(default_factory=list)
    complement: Token | None = None  # the infinitive a request asks for
    hosts: list[ActorMention] = field(default_factory=list)  # "X hosted the talks"


class EventExtractor:
    """Codes the events of one parsed article; collaborators are injected."""

    def __init__(
        self, *, lexicon: VerbLexicon, gazetteer: Gazetteer, model: LinearModel | None = None
    ) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.model = model  # the trained dyad head (detente.classify); None: lexicon only

    def extract(
        self,
        doc: Doc,
        article: Article,
        resolution: Resolution,
        times: Sequence[TimeValue],
    ) -> list[Event]:
        ctx = _Context(doc, article, resolution, times, self)
        verbal: list[_Mention] = []
        nominal: list[_Mention] = []
        light_nouns: set[int] = set()
        for token in doc:
            mention = ctx.verbal_mention(token, light_nouns)
            if mention is not None:
                verbal.append(mention)
                if mention.code.plover == "CONSULT":
                    ctx.light_verbs.add(token.i)
        for token in doc:
            if token.i in light_nouns:
                continue
            mention = ctx.nominal_mention(token)
            if mention is not None:
                nominal.append(mention)
        return ctx.fold(verbal, nominal)

    def context(
        self,
        doc: Doc,
        article: Article,
        resolution: Resolution,
        times: Sequence[TimeValue],
    ) -> ArticleContext:
        """The event stage's argument finders for one article (the actors of a phrase, who
        says so, the time of a clause), for the negotiation stage that reads after it."""
        return _Context(doc, article, resolution, times, self)

    def typed(
        self,
        doc: Doc,
        code: VerbCode,
        sources: Sequence[ActorMention],
        targets: Sequence[ActorMention],
    ) -> VerbCode:
        """The trained dyad head's type for a source -> target act, when it is confident
        and differs from the lexicon's reading (the lexicon's code is one of its
        features). Meetings stay with the lexicon (they need no dyad), and so do the
        lexicon's hand-written entries, each a deliberate reading of news usage that the
        CAMEO-manual examples the head learnt from do not cover."""
        if self.model is None or not sources or not targets or code.plover == "CONSULT":
            return code
        if code.pattern.startswith("hand:"):
            return code
        from detente.classify import dyad_features

        src = _doc_span(doc, sources[0])
        tgt = _doc_span(doc, targets[0])
        if src is None or tgt is None or src.sent.start != tgt.sent.start:
            return code  # an actor named in another sentence (a resolved pronoun)
        features, _, trigger = dyad_features(doc, src, tgt, lexicon=self.lexicon)
        if trigger is not None and (is_negated(trigger) or _denied_by(trigger) is not None):
            return code  # negation/denial is the event's status; the head would say REJECT
        label, confidence = self.model.predict(features)
        merged = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
        if (
            confidence < MODEL_CONFIDENCE
            or label == merged.get(code.plover, code.plover)
            or label == "YIELD"
            or label == "CONSULT"
        ):
            return code
        cameo = self.lexicon.root_cameo(label) or code.cameo
        return VerbCode(
            plover=label,
            mode=None,
            context=code.context,
            cameo=cameo,
            pattern=f"model:{self.model.name} ({code.pattern})",
        )

    def consult_code(self, lemma: str) -> VerbCode | None:
        code = self.lexicon.noun(lemma)
        if code is not None and code.plover == "CONSULT":
            return code
        if lemma in FALLBACK_CONSULT_NOUNS:
            return VerbCode(
                plover="CONSULT", mode=None, context=None, cameo="040", pattern=f"noun:{lemma}"
            )
        return None


class _Context:
    """State for one article: the doc, its resolved mentions and times."""

    def __init__(
        self,
        doc: Doc,
        article: Article,
        resolution: Resolution,
        times: Sequence[TimeValue],
        owner: EventExtractor,
    ) -> None:
        self.doc = doc
        self.article = article
        self.res = resolution
        self.owner = owner
        self.times = list(times)
        self.light_verbs: set[int] = set()
        self.time_tokens: dict[int, TimeValue] = {}
        # (start, end) of places read as the state an act is aimed at (`place_targets`)
        self.placed: set[tuple[int, int]] = set()
        for tv in times:
            span = doc.char_span(
                tv.evidence.span.start, tv.evidence.span.end, alignment_mode="expand"
            )
            if span is not None:
                for t in span:
                    self.time_tokens.setdefault(t.i, tv)

    # -- finding mentions -----------------------------------------------------------------

    def verbal_mention(self, token: Token, light_nouns: set[int]) -> _Mention | None:
        if token.pos_ != "VERB" or token.dep_ in {"amod", "aux", "auxpass"}:
            return None
        lemma = token.lemma_.lower()
        if lemma in REPORTING and self.act_noun(token) is None:
            return self.reported_demand(token)
        if lemma in NON_EVENTS and lemma not in LIGHT_VERBS:
            return None
        objects = [c for c in token.children if c.dep_ in {"dobj", "attr", "oprd"}]
        preps = [c for c in token.children if c.dep_ in {"prep", "dative", "agent"}]
        code: VerbCode | None = None
        end = token.i + 1
        nouns: list[Token] = []
        # "hold negotiations", "participate in talks", "convene ... meeting"
        if lemma in LIGHT_VERBS:
            for noun in [*objects, *(p for pr in preps for p in pr.children if p.dep_ == "pobj")]:
                event_noun = self.event_noun(noun)
                if event_noun is not None:
                    code = self.owner.consult_code(event_noun.lemma_.lower())
                    if code is not None:
                        nouns.append(event_noun)
                        light_nouns.add(event_noun.i)
                        light_nouns.add(noun.i)
                        end = max(end, event_noun.i + 1)
                        break
        if code is None and lemma in NON_EVENTS:
            return None  # "began to ...": only "began talks" is an event
        if code is None:
            object_words = [self.object_word(o) for o in objects]
            for xc in (c for c in token.children if c.dep_ == "xcomp"):
                object_words += [self.object_word(o) for o in xc.children if o.dep_ == "dobj"]
            prep_words = [p.lower_ for p in preps]
            # what an act is done with ("struck the bases with drones": a weapon, not the
            # labour strike of "strike ... (WITH)")
            instruments = [
                ("with", [o.lemma_.lower() for o in p.children if o.dep_ == "pobj"])
                for p in preps
                if p.lower_ == "with"
            ]
            code = self.owner.lexicon.code(
                lemma, objects=object_words, preps=prep_words, phrases=instruments
            )
            if code is None and "proposal" in object_words:
                # "signed a declaration": the document's own word, when reading it as a
                # proposal codes nothing
                own = [o.lemma_.lower() for o in objects]
                code = self.owner.lexicon.code(lemma, objects=own, preps=prep_words)
        if code is None:
            # "carried out a wave of strikes", "announced a suspension of air links with X":
            # the act the noun names
            code = self.act_noun(token)
        if (
            code is None
            and lemma in TRANSFER_VERBS
            and any(self.object_word(o) == "proposal" for o in objects)
        ):
            code = self.owner.lexicon.code("present", objects=["proposal"])
        if code is None or not code.plover:
            return None
        if lemma in WARNING_VERBS and any(
            c.dep_ == "ccomp" and self.penalty_undergone(c) for c in token.children
        ):
            return None  # the warning is told by its complement, the penalty (below)
        warned = False
        if self.penalty_undergone(token):
            # "Russia would face tighter sanctions": no meeting. Told by those who warn of
            # it, it is their threat ("they warned that Russia would face sanctions").
            if not (token.dep_ == "ccomp" and token.head.lemma_.lower() in WARNING_VERBS):
                return None
            code = self.owner.lexicon.code("threaten") or code
            warned = True
        if code.mode == "phone" and any(
            c.dep_ in {"oprd", "xcomp", "ccomp"} for c in token.children
        ):
            return None  # "called the demands unacceptable", "called for": no phone call
        if _nonfinite(token):
            return None
        # Complements of a request: "encouraged X to collaborate" is a request, not a
        # collaboration; the complement verb is not an event of its own.
        if self.under_request(token):
            return None
        sources = self.subjects(token)
        targets = self.targets(token, code)
        if warned:
            sources, targets = self.subjects(token.head), sources
        hosts: list[ActorMention] = []
        if code.plover == "CONSULT" and lemma == "host" and nouns:
            # "Turkish Foreign Minister Hakan Fidan hosted the talks": the host, not a
            # party; the parties are the talks' own ("talks between X and Y") or those of
            # the meeting it points back to
            hosts, sources, targets = sources, self.participants(nouns[0]), []
        if code.plover == "CONSULT":
            sources = _unique(sources + targets)
            targets = []
        # a host's verb with no parties of its own points back to the meeting
        anaphoric = not sources and (bool(hosts) or self.has_anaphoric_subject(token))
        if not sources and not targets and not anaphoric:
            return None
        refers = self.event_nouns_under(token)
        mutual = len(_sides(sources)) >= 2
        if code.plover != "CONSULT" and not targets and not refers and not mutual:
            # Dyadic event data: an act needs someone it is done to, unless the parties
            # do it to each other ("Ukraine and Russia exchanged prisoners").
            return None
        lexical = code
        # the head learnt targets that are actors, never a place standing for its state
        named = [
            t for t in targets if (t.evidence.span.start, t.evidence.span.end) not in self.placed
        ]
        code = self.owner.typed(self.doc, code, sources, named)
        place, venue = self.place_of(token, nouns)
        if code.plover in PLACE_TARGETED:
            targets, struck = self.struck_capitals(targets)
            place = place or struck
        status, cue = self.status(token.head if warned else token)
        if status in {"future", "hypothetical"} and lexical.plover in CONDITIONAL_THREATS:
            condition = self.condition_of(token)
            if condition is not None:
                # "Kenya will withdraw its troops unless the government holds elections",
                # "the bloc may halt its mediation if the talks founder": a threat
                # made when it is told: the act is future, the threat is not
                code = self.owner.lexicon.code("threaten") or code
                told = token.head if token.dep_ == "ccomp" else None
                status = clause_tense(told) if told is not None else "present"
                cue = condition
        complement = next((c for c in token.children if c.dep_ == "xcomp"), None)
        return _Mention(
            trigger=token,
            end=end,
            code=code,
            sources=sources,
            targets=targets,
            place=place,
            venue=venue,
            time=self.time_of(token, nouns),
            status=status,
            status_cue=cue,
            attribution=self.attribution(token),
            anaphoric=anaphoric,
            refers_to=refers,
            complement=complement,
            hosts=hosts,
        )

    def act_noun(self, verb: Token) -> VerbCode | None:
        """The code of the act a verb carries out or declares by naming it in its object
        ("mounted an offensive", "announced a ceasefire"), for the types `ACT_NOUN_VERBS`
        allows that verb."""
        allowed = ACT_NOUN_VERBS.get(verb.lemma_.lower())
        if not allowed:
            return None
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            code = self.owner.lexicon.noun(_partitive_noun(obj).lemma_.lower())
            if code is not None and code.plover in allowed:
                return code
        return None

    def reported_demand(self, verb: Token) -> _Mention | None:
        """ "Britain said the government and the rebels must reach an agreement": a
        demand by the speaker of the parties the obligation is laid on (REQUEST), when the
        speaker is not one of them."""
        obliged = next(
            (
                c
                for c in verb.children
                if c.dep_ == "ccomp"
                and any(a.dep_ == "aux" and a.lower_ in OBLIGING for a in c.children)
            ),
            None,
        )
        code = self.owner.lexicon.code("demand") if obliged is not None else None
        if obliged is None or code is None or not code.plover:
            return None
        sources = self.subjects(verb)
        codes = {m.actor.code for m in sources}
        targets = [m for m in self.subjects(obliged) if m.actor.code not in codes]
        if not sources or not targets or is_negated(verb):
            return None
        place, venue = self.place_of(verb, [])
        return _Mention(
            trigger=verb,
            end=verb.i + 1,
            code=code,
            sources=sources,
            targets=targets,
            place=place,
            venue=venue,
            time=self.time_of(verb, []),
            status=clause_tense(verb),
            status_cue=next((c for c in verb.children if c.dep_ in {"aux", "auxpass"}), None),
            attribution=None,
            complement=obliged,
        )

    def penalty_undergone(self, verb: Token) -> bool:
        """ "face sanctions", "risk prosecution": a verb of undergoing with a penalty."""
        if verb.lemma_.lower() not in UNDERGOING:
            return False
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        return bool({self.object_word(o) for o in objects} & PENALTY_NOUNS)

    def under_request(self, token: Token) -> bool:
        """Is the verb the complement (at any depth of open complements) of another
        event verb? "urged X to stop fighting": neither stopping nor fighting happened."""
        current = token
        for _ in range(8):
            if current.dep_ != "xcomp" or current.head.i == current.i:
                return False
            head = current.head
            lemma = head.lemma_.lower()
            if (
                head.pos_ == "VERB"
                and lemma not in NON_EVENTS | REPORTING
                and self.owner.lexicon.code(lemma) is not None
            ):
                return True
            current = head
        return False

    def nominal_mention(self, token: Token) -> _Mention | None:
        if token.pos_ not in {"NOUN", "PROPN"} or token.dep_ == "compound":
            return None
        event_noun = self.event_noun(token)
        if event_noun is None or event_noun.i != token.i:
            return None
        code = self.owner.consult_code(token.lemma_.lower())
        if code is None:
            return None
        participants = self.participants(token)
        place, venue = self.place_of(token, [token])
        governor = token.head
        while governor.pos_ not in {"VERB", "AUX"} and governor.head.i != governor.i:
            governor = governor.head
        governor_preps = [c.lower_ for c in governor.children if c.dep_ == "prep"]
        proposed = (
            governor.pos_ == "VERB"
            and governor.lemma_.lower() not in LIGHT_VERBS
            and (
                (c := self.owner.lexicon.code(governor.lemma_.lower(), preps=governor_preps))
                is not None
                and c.plover in {"REQUEST", "AGREE"}
            )
        )
        determiners = {c.lower_ for c in token.children if c.dep_ in {"det", "predet"}}
        status, cue = self.status(governor if governor.pos_ in {"VERB", "AUX"} else token)
        return _Mention(
            trigger=token,
            end=token.i + 1,
            code=code,
            sources=_unique(participants),
            targets=[],
            place=place,
            venue=venue,
            time=self.time_of(token, [token]),
            status=status,
            status_cue=cue,
            attribution=self.attribution(token),
            anaphoric=bool(determiners & ANAPHORIC_DETS),
            nominal=True,
            proposed=proposed,
        )

    def participants(self, token: Token) -> list[ActorMention]:
        """Who takes part in the meeting an event noun names: "talks between X and Y",
        "a meeting with X", "talks involving X", "X's talks", "Russian-Ukrainian talks"."""
        participants: list[ActorMention] = []
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in {"between", "with", "among"}:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        participants += self.actors_of(obj)
            if prep.dep_ == "acl" and prep.lemma_.lower() == "involve":
                for obj in prep.children:
                    if obj.dep_ == "dobj":
                        participants += self.actors_of(obj)
        for child in token.children:
            if child.dep_ in {"poss", "amod", "compound"}:
                participants += self.res.by_token.get(child.i, [])
        return participants

    def event_noun(self, noun: Token) -> Token | None:
        """The event noun a phrase names: "a new round of negotiations" -> negotiations's
        round; "peace talks" -> talks."""
        lemma = noun.lemma_.lower()
        if lemma == "round":
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for obj in prep.children:
                        if obj.dep_ == "pobj" and self.owner.consult_code(obj.lemma_.lower()):
                            return noun
            return None
        if self.owner.consult_code(lemma) is not None and noun.pos_ in {"NOUN", "PROPN"}:
            return noun
        return None

    def object_word(self, token: Token) -> str:
        lemma = token.lemma_.lower()
        if _partitive_noun(token) is not token:
            return self.object_word(_partitive_noun(token))
        drafted = any(
            c.lemma_.lower() in {"draft", "propose"}
            for c in token.children
            if c.dep_ in {"compound", "amod"}
        )
        return "proposal" if lemma in DOCUMENT_NOUNS or drafted else lemma

    # -- arguments ------------------------------------------------------------------------

    def actors_of(self, token: Token) -> list[ActorMention]:
        """Actors named by the phrase headed by `token`, following coordination."""
        out = list(self.res.by_token.get(token.i, []))
        for child in token.children:
            if child.dep_ == "conj":
                out += self.actors_of(child)
            elif child.dep_ in {"appos"}:
                out += self.res.by_token.get(child.i, [])
            elif child.dep_ in {"amod", "compound", "nmod"}:
                # "Israeli and Hamas negotiators": the modifier's coordinated names
                for other in child.conjuncts:
                    out += self.res.by_token.get(other.i, [])
        if not self.res.by_token.get(token.i) and token.pos_ == "NOUN":
            # "negotiators from Ukraine", "the delegations of both countries",
            # "representatives of Sudan's army and the RSF" (whatever its conjuncts name)
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ in {"from", "of"}:
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            out += self.actors_of(obj)
        return _unique(out)

    def subjects(self, verb: Token) -> list[ActorMention]:
        subj = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"}]
        agents = [
            p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
        ]
        out: list[ActorMention] = []
        for s in subj + agents:
            out += self.actors_of(s)
        if not out and verb.dep_ in {"xcomp", "advcl"} and verb.head.i != verb.i:
            head = verb.head
            controllers = [c for c in head.children if c.dep_ in {"dobj"}] or [
                c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}
            ]
            for c in controllers:
                out += self.actors_of(c)
            if not out and head.dep_ in {"xcomp", "ccomp", "conj"}:
                out = self.subjects(head)
        if not out and verb.dep_ == "conj" and verb.head.i != verb.i:
            out = self.subjects(verb.head)
        if not out:
            passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if not passive and verb.head.i != verb.i and verb.dep_ == "xcomp":
                passive = [c for c in verb.head.children if c.dep_ == "nsubjpass"]
            for s in passive:
                if not agents:
                    out += self.actors_of(s)
        return _unique(out)

    def targets(self, verb: Token, code: VerbCode) -> list[ActorMention]:
        out: list[ActorMention] = []
        for child in verb.children:
            if child.dep_ in {"dobj", "iobj", "dative"} and child.dep_ != "dative":
                out += self.actors_of(child)
            if child.dep_ in {"dative", "prep"} and (
                child.lower_ in {"to", "with", "against", "on", "toward", "towards"}
                or (child.lower_ == "from" and code.plover == "RETREAT")
            ):
                out += [
                    m
                    for p in child.children
                    if p.dep_ == "pobj" and p.lemma_.lower() not in HELP_NOUNS
                    for m in self.actors_of(p)
                ]
        if not out:
            # A recipient deeper in the clause: "present a roadmap ... to the delegation".
            for t in _clause_subtree(verb):
                if (
                    t.dep_ == "pobj"
                    and t.head.lower_ in {"to", "with"}
                    and t.head.head.i != verb.i
                    and t.lemma_.lower() not in HELP_NOUNS
                ):
                    out += self.actors_of(t)
        if not out and (verb.lemma_.lower() in REQUEST_FROM or code.plover in YIELDED_FROM):
            for t in _clause_subtree(verb):
                if t.dep_ == "pobj" and t.head.lower_ == "from":
                    out += self.actors_of(t)
        for xc in (c for c in verb.children if c.dep_ == "xcomp"):
            for prep in xc.children:
                if prep.dep_ == "prep" and prep.lower_ in {"with", "to", "against"}:
                    out += [m for p in prep.children if p.dep_ == "pobj" for m in self.actors_of(p)]
        if not out:
            out = self.owner_of_object(verb)
        if not out and code.plover in ADDRESSED_IN_CLAUSE:
            out = self.clause_addressees(verb)
        subjects = self.subjects(verb)
        if not out and subjects and code.plover in PLACE_TARGET_PREPS:
            out = self.place_targets(verb, PLACE_TARGET_PREPS[code.plover])
        sources = {m.actor.code for m in subjects}
        # not the source itself, nor the same state in the same role ("Kyiv would halt ...
        # to Ukraine"): a state's own organs of another sector stay (GOV -> MIL), and so
        # does the state its own people protest in ("Serbian students protested in Serbia")
        same = {(m.actor.country, m.actor.sector) for m in subjects if m.actor.country}

        protest = code.plover == "PROTEST"

        return _unique(
            [
                m
                for m in out
                if m.actor.code not in sources
                and not any(
                    m.actor.country == country
                    and (not sector or m.actor.sector in {None, sector})
                    and not (protest and m.actor.sector is None and sector not in {None, "GOV"})
                    for country, sector in same
                )
            ]
        )

    def condition_of(self, verb: Token) -> Token | None:
        """The 'if'/'unless' of a condition clause on the verb or its open complement."""
        return next((mark for _, mark in _conditions(verb)), None)

    def clause_addressees(self, verb: Token) -> list[ActorMention]:
        """Whom a demand or a threat is addressed to when the clause it governs names them:
        the subject of its complement ("demanded that Somalia release the journalists") or
        of its condition ("threatened to quit the talks if France imposes sanctions"), on
        the verb or its open complement."""
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        clauses += [clause for clause, _ in _conditions(verb)]
        return [
            m
            for c in clauses
            for s in c.children
            if s.dep_ in {"nsubj", "nsubjpass"}
            for m in self.actors_of(s)
        ]

    def struck_capitals(
        self, targets: list[ActorMention]
    ) -> tuple[list[ActorMention], PlaceMention | None]:
        """A capital standing for its government ("Moscow said") is, when attacked or
        seized, the city: the target is its state, the city the place ("missile attacks on
        Kyiv": UKR, in Kyiv)."""
        out: list[ActorMention] = []
        place: PlaceMention | None = None
        for m in targets:
            country = m.actor.country
            if not m.metonym or country is None:
                out.append(m)
                continue
            state = Actor(
                code=country, name=self._country_name(country), kind="state", country=country
            )
            out.append(ActorMention(state, m.evidence))
            city = self.owner.gazetteer.resolve(m.evidence.span.text, country=country)
            if place is None and city is not None:
                place = PlaceMention(city, m.evidence)
        return _unique(out), place

    def place_targets(self, verb: Token, preps: frozenset[str]) -> list[ActorMention]:
        """An attack or seizure aimed at a place is aimed at the state it lies in:
        "shelled Kharkiv", "struck air bases deep inside Russia", "attacked a refinery in
        Russia's Samara region"; a withdrawal from a place is one from its state
        ("withdrew its troops from Somalia"). The state is read from the place the object,
        or the object of one of `preps`, names or holds (confidence 0.7)."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        objects += [
            p
            for prep in verb.children
            if prep.dep_ == "prep" and prep.lower_ in preps
            for p in prep.children
            if p.dep_ == "pobj"
        ]
        for obj in objects:
            for t in sorted(obj.subtree, key=lambda t: t.i):
                mention = self.res.place_by_token.get(t.i)
                country = mention.place.country if mention is not None else None
                if country is None:
                    continue
                state = Actor(
                    code=country, name=self._country_name(country), kind="state", country=country
                )
                where = replace(mention.evidence, extractor=EXTRACTOR, version=VERSION)
                self.placed.add((where.span.start, where.span.end))
                return [ActorMention(state, replace(where, confidence=0.7))]
        return []

    def owner_of_object(self, verb: Token) -> list[ActorMention]:
        """The party an act is aimed at when the object phrase names it: "rejected an
        Australian ultimatum", "denounced Serbia's suppression", "threatened action
        against Russia", "welcomed President Reagan's statement"."""
        out: list[ActorMention] = []
        for obj in (c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}):
            obj = _partitive_noun(obj)
            for child in obj.children:
                if child.dep_ == "poss":
                    out += self.actors_of(child) or self.actors_in(child)
                elif child.dep_ in {"amod", "compound", "nmod"}:
                    out += self.actors_in(child)
                elif child.dep_ == "prep" and child.lower_ in {
                    "against",
                    "to",
                    "with",
                    "on",
                    "from",
                    "by",
                    "of",
                    "between",
                    "among",
                }:
                    for p in (p for p in child.children if p.dep_ == "pobj"):
                        named = self.actors_of(p)
                        if not named and child.lower_ in {"against", "on", "between", "among"}:
                            # "strikes on Ukrainian energy facilities": whose the facilities
                            # are; "mediation among Serbia's republics": whose the parties are
                            named = [
                                m
                                for c in p.children
                                if c.dep_ in {"poss", "amod", "compound"}
                                for m in self.actors_in(c)
                            ]
                        out += named
        return out

    def actors_in(self, token: Token) -> list[ActorMention]:
        """Actor mentions whose span covers this token (a nationality adjective is stored
        by its span, not by a head token, when its noun is not an agent)."""
        found = list(self.res.by_token.get(token.i, []))
        if not found:
            start, end = token.idx, token.idx + len(token.text)
            found = [
                m
                for m in self.res.actors
                if m.evidence.span.start <= start
                and end <= m.evidence.span.end
                and m.actor.kind in {"state", "organization", "person"}
            ]
        return found

    def has_anaphoric_subject(self, verb: Token) -> bool:
        """ "The delegations from both countries": a definite plural subject that points
        back to parties already named."""
        candidates = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if not candidates and verb.dep_ == "xcomp":
            candidates = [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for subj in candidates:
            words = {t.lower_ for t in subj.subtree}
            if words & {"both", "two", "sides", "parties"} or (
                any(c.dep_ == "det" and c.lower_ in {"the", "both"} for c in subj.children)
                and subj.tag_ in {"NNS", "NNPS"}
            ):
                return True
        return False

    def place_of(
        self, trigger: Token, nouns: Iterable[Token]
    ) -> tuple[PlaceMention | None, PlaceMention | None]:
        """Where: the place mentions of the sentence ranked by `detente.location`
        (a locative phrase on the trigger or its event noun, "hold talks in Istanbul",
        "the Istanbul talks"; the ground of a verb of taking or striking; a governing
        verb's locative phrase), never where a speaker stood or a place that acts."""
        from detente.location import SPECIFICITY, rank_locations

        nouns = list(nouns)
        if trigger.pos_ == "VERB":
            nouns += [o for o in trigger.children if o.dep_ == "dobj" and self.event_noun(o)]
        known = {
            i: m
            for i, m in self.res.place_by_token.items()
            if not _in_other_clause(self.doc[i], trigger)
        }
        found: list[PlaceMention] = rank_locations(
            trigger,
            known,
            nouns=nouns,
            countries={i for i, m in known.items() if m.place.kind == "country"},
            specificity={i: SPECIFICITY.get(m.place.kind, 1) for i, m in known.items()},
        )
        venue = next((m for m in found if m.place.kind == "venue"), None)
        place = next(
            (
                m
                for m in found
                if m.place.kind not in {"venue", "region"}
                # With a venue, the place is where the venue is: "talks on the war in
                # Ukraine at Diriyah Palace" happened in Riyadh, not in Ukraine.
                and (venue is None or _contains(m.place, venue.place))
            ),
            None,
        )
        if venue is not None and place is None and venue.place.within:
            city = self.owner.gazetteer.get(venue.place.within)
            if city is not None:
                place = PlaceMention(city, venue.evidence)
        return place, venue

    def time_of(self, trigger: Token, nouns: Iterable[Token]) -> TimeValue | None:
        """The time expression governed by the trigger, else one in its sentence that is
        not inside the trigger's complements (those times belong to nested events)."""
        governed: list[TimeValue] = []
        sentence: list[TimeValue] = []
        inside = {t.i for t in trigger.subtree}
        for t in trigger.sent:
            tv = self.time_tokens.get(t.i)
            if tv is None or tv.type not in {"DATE", "TIME"} or tv.value.endswith("_REF"):
                continue
            if tv.precision == "uncertain":  # "February 30": no date to give the event
                continue
            if t.dep_ == "pobj" and t.head.lower_ in BOUNDARY_PREPS:
                continue  # "the first talks since March": a bound, not the event's time
            path = None
            for head in [trigger, *nouns]:
                path = path or _path_to(t, head)
            nested = [p for p in (path or [])[1:-1] if p.pos_ == "VERB"]
            if path is not None and not nested:
                governed.append(tv)
            elif t.i not in inside or (
                # Under a verb that only modifies a noun or a preposition ("talks on
                # ending the war ... on Tuesday"): an attachment choice of the parser,
                # not a nested event with a time of its own.
                nested and all(v.dep_ in {"pcomp", "acl"} for v in nested)
            ):
                sentence.append(tv)
        for pool in (governed, sentence):
            if pool:
                return max(pool, key=_time_rank)
        return None

    def status(self, verb: Token) -> tuple[str, Token | None]:
        denial = _denied_by(verb)
        if denial is not None:
            return "denied", denial
        if verb.pos_ in {"VERB", "AUX"}:
            if is_negated(verb):
                return "negated", next((c for c in verb.children if c.dep_ == "neg"), None)
            if is_hypothetical(verb):
                return "hypothetical", next(
                    (c for c in verb.children if c.dep_ in {"aux", "mark"}), None
                )
        if (
            verb.dep_ in {"ccomp", "xcomp"}
            and verb.head.lemma_.lower() in PROPOSING
            and not is_negated(verb.head)
        ):
            return "proposed", verb.head  # "Ukraine proposed that the two presidents meet"
        tense = clause_tense(verb)
        cue = next((c for c in verb.children if c.dep_ in {"aux", "auxpass"}), None)
        if cue is None and verb.dep_ == "xcomp":
            cue = verb.head
        return tense, cue

    def attribution(self, trigger: Token) -> Attribution | None:
        """Who says so: "according to X", or the subject of a reporting verb above."""
        sent = trigger.sent
        for t in sent:
            if t.lower_ == "according" and t.dep_ == "prep":
                to = next((c for c in t.children if c.lower_ == "to"), None)
                obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
                if obj is not None:
                    return self._attribution_of(_source_phrase(obj))
        for t in sent:
            # "a document seen by Reuters", "a letter obtained by the BBC"
            if t.dep_ == "agent" and t.head.lemma_.lower() in SOURCE_VERBS:
                obj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if obj is not None and t.head.dep_ in {"acl", "relcl"}:
                    return self._attribution_of(obj)
        current = trigger
        for _ in range(10):
            if current.dep_ in {"ccomp", "parataxis"} and current.head.i != current.i:
                head = current.head
                if head.lemma_.lower() in REPORTING:
                    subj = next(
                        (c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None
                    )
                    if subj is not None:
                        return self._attribution_of(subj)
            if current.head.i == current.i:
                break
            current = current.head
        return None

    def _attribution_of(self, head: Token) -> Attribution:
        tokens = sorted(head.subtree, key=lambda t: t.i)
        start, end = tokens[0].i, tokens[-1].i + 1
        while end > start and self.doc[end - 1].is_punct:
            end -= 1
        span = self.doc[start:end]
        actor_mentions = self.actors_of(head) or [
            m for t in span for m in self.res.by_token.get(t.i, [])
        ]
        return Attribution(
            text=span.text,
            evidence=self.evidence(start, end),
            actor=actor_mentions[0].actor if actor_mentions else None,
        )

    def event_nouns_under(self, verb: Token) -> list[int]:
        """Event nouns a request or proposal is about: its object ("proposed this second
        round of negotiations") or its complement's object ("proposed conducting a new
        round of negotiations")."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        for xc in (c for c in verb.children if c.dep_ == "xcomp"):
            objects += [c for c in xc.children if c.dep_ == "dobj"]
            objects.append(xc)
        out: list[int] = []
        for obj in objects:
            for t in [
                obj,
                *(
                    p
                    for prep in obj.children
                    if prep.dep_ == "prep" and prep.lower_ == "of"
                    for p in prep.children
                ),
            ]:
                if self.event_noun(t) is not None or t.i in self.light_verbs:
                    out.append(t.i)
        return out

    def evidence(self, start: int, end: int, confidence: float = 1.0) -> Evidence:
        return evidence(
            self.doc, self.article, start, end, confidence, extractor=EXTRACTOR, version=VERSION
        )

    # -- folding --------------------------------------------------------------------------

    def fold(self, verbal: list[_Mention], nominal: list[_Mention]) -> list[Event]:
        clusters: list[list[_Mention]] = []
        noun_cluster: dict[int, int] = {}
        consults = sorted(
            [m for m in verbal if m.code.plover == "CONSULT"] + nominal, key=lambda m: m.trigger.i
        )
        for m in consults:
            target = next((i for i, c in enumerate(clusters) if _same_meeting(c, m)), None)
            if target is None:
                if m.nominal and (m.proposed or len(m.sources) < 2):
                    continue  # an event noun alone is a reference, not an event
                if m.anaphoric and not m.sources:
                    continue
                clusters.append([m])
                target = len(clusters) - 1
            else:
                clusters[target].append(m)
            noun_cluster[m.trigger.i] = target
            for i in range(m.trigger.i, m.end):
                noun_cluster[i] = target
        events: list[Event] = []
        consult_ids: dict[int, str] = {}
        for idx, cluster in enumerate(clusters):
            event = self.build(cluster)
            consult_ids[idx] = event.id
            events.append(event)
        others: list[list[_Mention]] = []
        for m in [m for m in verbal if m.code.plover != "CONSULT"]:
            refs = {noun_cluster[i] for i in m.refers_to if i in noun_cluster}
            m.refers_to = sorted(refs)
            target = next((i for i, c in enumerate(others) if _same_act(c[0], m)), None)
            if target is None:
                others.append([m])
            else:
                others[target].append(m)
        for cluster in others:
            refs = cluster[0].refers_to
            refers_to = consult_ids.get(refs[0]) if refs else None
            if refs and not any(m.targets for m in cluster):
                # "Russia proposed talks": the request is addressed to the meeting's other
                # parties.
                own = {a.actor.country for m in cluster for a in m.sources}
                others_in_meeting = [
                    a for m in clusters[refs[0]] for a in m.sources if a.actor.country not in own
                ]
                cluster[0].targets = _unique(others_in_meeting)
            if not any(m.targets for m in cluster) and not _mutual(cluster):
                continue
            events.append(self.build(cluster, refers_to=refers_to))
        events.sort(key=lambda e: e.evidence.span.start)
        return events

    def build(self, cluster: list[_Mention], *, refers_to: str | None = None) -> Event:
        # the first verb that reports the event itself (a host's "hosted the talks" only
        # points back to it), else the first report
        first = next((m for m in cluster if not m.nominal and not m.hosts), cluster[0])
        code = first.code
        sources = _unique([a for m in cluster for a in m.sources])
        targets = _unique([a for m in cluster for a in m.targets])
        if code.plover == "CONSULT":
            targets = []
        place = next((m.place for m in cluster if m.place), None)
        venue = next((m.venue for m in cluster if m.venue), None)
        times = [m.time for m in cluster if m.time]
        time = max(times, key=_time_rank) if times else self.article_time()
        attribution = next((m.attribution for m in cluster if m.attribution), None) or Attribution(
            text="author"
        )
        mode = code.mode
        host = None
        countries = {a.actor.country for a in sources + targets if a.actor.country}
        sides = _sides(sources + targets)
        if code.plover == "CONSULT" and place is not None and place.place.country:
            if place.place.country not in countries and len(sides) >= 2:
                mode = "third-party" if len(sides) == 2 else "multilateral"
                host_actor = Actor(
                    code=place.place.country,
                    name=self._country_name(place.place.country),
                    kind="state",
                    country=place.place.country,
                )
                host = ActorMention(
                    host_actor,
                    replace(place.evidence, extractor=EXTRACTOR, version=VERSION, confidence=0.8),
                )
            elif len(countries) >= 3:
                mode = "multilateral"
        named_host = next((h for m in cluster for h in m.hosts), None)
        if code.plover == "CONSULT" and host is None and named_host is not None:
            host = named_host  # "Oman hosted the talks"
            if named_host.actor.country not in countries and len(sides) == 2:
                mode = mode or "third-party"
        if code.plover == "REQUEST" and mode is None:
            if refers_to is not None:
                mode = "meet"
            elif first.complement is not None:
                mode = "change"
        mentions = [self.evidence(m.trigger.i, m.end) for m in cluster]
        evidence = self.evidence(first.trigger.i, first.end)
        digest = hashlib.sha256(
            f"{self.article.id}|{code.plover}|{evidence.span.start}".encode()
        ).hexdigest()[:16]
        cue = first.status_cue
        return Event(
            id=f"ev-{digest}",
            article_id=self.article.id,
            type=code.plover,
            mode=mode or None,
            context=code.context or None,
            cameo=code.cameo,
            status=first.status,
            evidence=evidence,
            sources=tuple(sources),
            targets=tuple(targets),
            symmetric=len(_sides(sources)) >= 2 and not targets,
            host=host,
            place=place,
            venue=venue,
            time=time,
            attribution=attribution,
            status_cue=self.evidence(cue.i, cue.i + 1) if cue is not None else None,
            refers_to=refers_to,
            mentions=tuple(sorted(mentions, key=lambda e: e.span.start)),
        )

    def article_time(self) -> TimeValue | None:
        day = self.article.published_date
        if day is None:
            return None
        return TimeValue(
            type="DATE",
            value=day.isoformat(),
            evidence=Evidence(Span(self.article.id, 0, 0, ""), EXTRACTOR, VERSION, 0.5),
            precision="article",
        )

    def _country_name(self, code: str) -> str:
        place = self.owner.gazetteer.country(code)
        return place.name if place else code


# The public name of the per-article helpers, for later stages.
ArticleContext = _Context


# Codes whose target may be a place's state when no actor is named: attacks and
# seizures of territory ("shelled Kharkiv", "occupied villages in the Donetsk region").
PLACE_TARGETED = frozenset({"ASSAULT", "COERCE"})
# Prepositions of the verb whose object is the place an act of each type is aimed at
# ("hit bases inside Russia" when the parse hangs "inside" on the verb); never "from" for
# an attack ("fired rockets from Lebanon" names where the attacker stood).
_AT_PLACE = frozenset({"on", "against", "in", "inside", "near", "at", "across"})
PLACE_TARGET_PREPS = {
    "ASSAULT": _AT_PLACE,
    "COERCE": _AT_PLACE,
    "RETREAT": frozenset({"from", "in", "inside", "out"}),
    # a protest in a country is aimed at its state ("demonstrated in Serbia")
    "PROTEST": frozenset({"in", "outside", "across"}),
}
# Acts whose target may be named after "from": "accepted demands from the rebels".
YIELDED_FROM = frozenset({"REQUEST", "CONCEDE"})


# "face sanctions", "risk prosecution": the subject undergoes a penalty; the dictionary
# reads FACE as a meeting (CONSULT 040).
UNDERGOING = frozenset({"face", "confront", "encounter", "risk"})
PENALTY_NOUNS = frozenset(
    {"sanction", "charge", "consequence", "penalty", "prosecution", "trial", "punishment"}
)
WARNING_VERBS = frozenset({"warn", "threaten", "caution"})
# Verbs that carry out the act their object names: "carried out strikes", "launched an
# offensive", "mounted a raid" (an attack or seizure noun of the lexicon).
EXECUTING_VERBS = frozenset({"carry", "launch", "conduct", "mount", "stage", "unleash", "step"})
# Verbs that declare an act by naming it: "announced a ceasefire", "declared an embargo".
DECLARING_VERBS = frozenset({"announce", "declare", "order"})
ACT_NOUN_VERBS: dict[str, frozenset[str]] = {
    **{v: PLACE_TARGETED for v in EXECUTING_VERBS},
    **{v: frozenset({"SANCTION", "COERCE", "RETREAT"}) for v in DECLARING_VERBS},
}
# Heads of a partitive object that stand for the noun after "of": "launched one of its
# largest attacks", "carried out a series of strikes".
PARTITIVES = frozenset({"one", "some", "several", "many", "series", "wave", "barrage", "string"})
# Acts told to someone through the clause they govern: "demanded that X ...", "threatened
# to ... unless X ...".
ADDRESSED_IN_CLAUSE = frozenset({"REQUEST", "THREATEN"})
CONDITIONS = frozenset({"if", "unless"})
# Modals that lay an obligation on a reported clause's subject ("X said Y must ...").
OBLIGING = frozenset({"must", "should"})
# Coercive acts that, announced for the future on a condition another party controls, are
# threats ("will withdraw its force unless ...").
CONDITIONAL_THREATS = frozenset({"RETREAT", "SANCTION", "REJECT", "COERCE", "ASSAULT"})
# Verbs whose complement is an event put forward, not one that happened or is planned.
PROPOSING = frozenset({"propose", "suggest", "offer", "recommend"})


def _conditions(verb: Token) -> list[tuple[Token, Token]]:
    """(clause, its 'if'/'unless') of the condition clauses on a verb or its open
    complement: "threatened to quit the talks if France imposes sanctions"."""
    heads = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
    return [
        (c, m)
        for h in heads
        for c in h.children
        if c.dep_ == "advcl"
        for m in c.children
        if m.dep_ == "mark" and m.lower_ in CONDITIONS
    ]


def _partitive_noun(token: Token) -> Token:
    """The noun a partitive head stands for ("one of its largest attacks" -> attacks, "a
    wave of strikes" -> strikes); else the token itself."""
    if token.lemma_.lower() not in PARTITIVES:
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    noun = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
    return _partitive_noun(noun) if noun is not None else token


def _in_other_clause(token: Token, trigger: Token) -> bool:
    """Whether `token` lies in a clause with its own subject that the trigger is not in:
    "the meeting took place a day after Ukraine struck bases inside Russia" - Russia is
    where the strike was, not the meeting."""
    current = token
    while current.head.i != current.i:
        if (
            current.dep_ in {"advcl", "ccomp", "relcl", "acl"}
            and any(c.dep_ in {"nsubj", "nsubjpass"} for c in current.children)
            and not (current.left_edge.i <= trigger.i <= current.right_edge.i)
        ):
            return True
        current = current.head
    return False


def _same_meeting(cluster: list[_Mention], m: _Mention) -> bool:
    """Could mention m report the meeting of this cluster?"""
    places = {c.place.place.id for c in cluster if c.place}
    venues = {c.venue.place.id for c in cluster if c.venue}
    days = {_day(c.time) for c in cluster if _day(c.time)}
    parties = _sides(a for c in cluster for a in c.sources)
    m_parties = _sides(m.sources)
    if m.place and places and m.place.place.id not in places:
        return False
    if m.venue and venues and m.venue.place.id not in venues:
        return False
    m_day = _day(m.time)
    if m_day and days and m_day not in days:
        return False
    if not _same_year(m.time, [c.time for c in cluster]):
        return False  # "talks in March 2022" are not the talks proposed for Thursday
    if len(m_parties) >= 2 and len(parties) >= 2 and m_parties != parties:
        return False
    same_place = bool(m.place and m.place.place.id in places)
    same_day = bool(m_day and m_day in days)
    if m.proposed and not (same_place or same_day):
        return False
    # "the talks" with no parties of its own points back to a meeting between parties
    return same_place or same_day or (m.anaphoric and not m.sources and len(parties) >= 2)


def _same_year(tv: TimeValue | None, others: Iterable[TimeValue | None]) -> bool:
    """Whether a time's year agrees with each other time's ("2022-03" and "2025-05-15" do
    not). Times borrowed from the article, and values with no year, say nothing."""
    if tv is None or tv.precision == "article" or not tv.value[:4].isdigit():
        return True
    return all(
        other is None
        or other.precision == "article"
        or not other.value[:4].isdigit()
        or other.value[:4] == tv.value[:4]
        for other in others
    )


def _same_act(a: _Mention, b: _Mention) -> bool:
    if a.code.plover != b.code.plover:
        return False
    src_a = {x.actor.country for x in a.sources}
    src_b = {x.actor.country for x in b.sources}
    if not src_a or src_a != src_b:
        return False
    if a.refers_to and b.refers_to:
        return a.refers_to == b.refers_to
    tgt_a = {x.actor.country for x in a.targets}
    tgt_b = {x.actor.country for x in b.targets}
    return bool(tgt_a and tgt_a == tgt_b and a.trigger.lemma_ == b.trigger.lemma_)


def _day(tv: TimeValue | None) -> date | None:
    if tv is None or tv.precision == "article":
        return None
    try:
        return date.fromisoformat(tv.value[:10])
    except ValueError:
        return None


def _time_rank(tv: TimeValue) -> tuple[int, int]:
    precision = {"minute": 5, "hour": 4, "day": 3, "week": 2, "month": 1}.get(tv.precision, 0)
    return (precision, 1 if tv.instant else 0)


def _unique(mentions: Iterable[ActorMention]) -> list[ActorMention]:
    """One mention per actor; a bare state gives way to a more specific actor of the same
    country named in the same role ("Ukraine" beside "the Ukrainian delegation")."""
    out: list[ActorMention] = []
    for m in mentions:
        if any(o.actor.code == m.actor.code for o in out):
            continue
        same = [
            o
            for o in out
            if o.actor.country
            and o.actor.country == m.actor.country
            and o.actor.kind == "state"
            and m.actor.kind == "state"
        ]
        if same:
            if same[0].actor.sector is None and m.actor.sector is not None:
                out[out.index(same[0])] = m
            continue
        out.append(m)
    return out


def _contains(place: Place, venue: Place) -> bool:
    """Is the venue in this place (its city, or its country)?"""
    if venue.within and place.id == venue.within:
        return True
    return (
        place.kind == "country" and place.country is not None and (place.country == venue.country)
    )


def _mutual(cluster: list[_Mention]) -> bool:
    return len(_sides(a for m in cluster for a in m.sources)) >= 2


def _sides(mentions: Iterable[ActorMention]) -> set[str]:
    """The sides the actors stand for (resolution.side_of)."""
    return {side for a in mentions if (side := side_of(a.actor))}


def _doc_span(doc: Doc, mention: ActorMention) -> SpacySpan | None:
    span = mention.evidence.span
    return doc.char_span(span.start, span.end, alignment_mode="expand")


def _denied_by(verb: Token) -> Token | None:
    """The denial verb whose complement holds the trigger ("denied attacking the convoy",
    "rejected reports that it had shelled ..."), if any."""
    current = verb
    for _ in range(4):
        if current.head.i == current.i or current.dep_ not in {
            "xcomp",
            "ccomp",
            "pcomp",
            "acl",
            "pobj",
            "prep",
        }:
            return None
        head = current.head
        if head.lemma_.lower() in DENIAL_VERBS:
            return head
        if head.lemma_.lower() in {"report", "claim", "allegation", "accusation"}:
            current = head
            continue
        current = head
    return None


def _nonfinite(verb: Token) -> bool:
    """Is the verb (or the verb whose complement it is) a modifier inside a noun phrase?"""
    current = verb
    for _ in range(6):
        if current.dep_ in NONFINITE_DEPS:
            return True
        if current.dep_ == "advcl" and current.tag_ in {"VBG", "VBN"}:
            return True
        if current.dep_ != "xcomp" or current.head.i == current.i:
            return False
        current = current.head
    return False


def _clause_subtree(verb: Token) -> Iterable[Token]:
    """The verb's subtree without embedded clauses that have their own subject."""
    stack = [verb]
    while stack:
        t = stack.pop()
        yield t
        for c in t.children:
            if c.dep_ in {"ccomp", "relcl", "advcl", "parataxis", "conj"} and c.pos_ in {
                "VERB",
                "AUX",
            }:
                continue
            if c.lower_ == "according":
                continue  # the source of the report, not a party to the event
            stack.append(c)


def _path_to(token: Token, ancestor: Token) -> list[Token] | None:
    path = [token]
    current = token
    for _ in range(30):
        if current.i == ancestor.i:
            return path
        if current.head.i == current.i:
            return None
        current = current.head
        path.append(current)
    return None


def _source_phrase(obj: Token) -> Token:
    """ "information obtained from Turkish Foreign Ministry sources" -> the sources."""
    if obj.lemma_.lower() in {"information", "data", "report", "reports", "detail", "details"}:
        for t in obj.subtree:
            if t.dep_ == "pobj" and t.head.lower_ in {"from", "by"}:
                return t
    return obj
