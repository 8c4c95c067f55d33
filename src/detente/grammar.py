"""Small readings of the dependency parse shared by the time and event stages.

Tense here is the tense of the clause a token belongs to, read from auxiliaries, modal
verbs, the verb's own tag, and the "expected to / set to / due to" family that news uses
for scheduled things. It is what decides whether "Monday" is the next or the last one and
whether an event is past, present or future.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "can"})
# Predicates that put their complement in the future: "expected to hold talks".
SCHEDULING = frozenset(
    {
        "expect",
        "anticipate",
        "schedule",
        "set",
        "due",
        "plan",
        "intend",
        "prepare",
        "slate",
        "aim",
        "hope",
        "go",
        "poise",
        "likely",
        "determine",
        "agree",
        "propose",
    }
)
NEGATIONS = frozenset({"not", "n't", "never", "no"})


def clause_verb(token: Token) -> Token:
    """The verb that heads the clause `token` sits in (itself if it is a verb)."""
    current = token
    for _ in range(40):
        if current.pos_ in {"VERB", "AUX"} and current.dep_ != "aux":
            return current
        if current.head.i == current.i:
            return current
        current = current.head
    return current


def _aux_lemmas(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}


def _past_perfect(verb: Token) -> bool:
    """ "had" on the verb or on the predicate its open complement hangs from ("had been
    due to expire", "had planned to meet"); a reported clause (ccomp) is its own."""
    current = verb
    for _ in range(4):
        if "had" in _aux_lemmas(current):
            return True
        if current.dep_ not in {"xcomp", "acomp"} or current.head.i == current.i:
            return False
        current = current.head
    return False


def clause_tense(token: Token) -> str:
    """ "past", "present" or "future" for the clause of `token`.

    An open complement of a scheduling predicate ("expected to convene", "proposed
    conducting", "plans to visit") is future whatever the tense of its head: it names
    something that has not happened yet when the head is asserted.
    """
    verb = clause_verb(token)
    auxes = _aux_lemmas(verb)
    if auxes & FUTURE_AUX:
        return "future"
    if _past_perfect(verb):
        return "past"  # "had been due to expire Friday": that plan is over
    head = verb.head
    if verb.dep_ in {"xcomp", "ccomp"} and head.i != verb.i:
        head_lemma = head.lemma_.lower()
        if head_lemma in SCHEDULING and verb.dep_ == "xcomp":
            return "future"
        if head_lemma == "go" and head.tag_ == "VBG":
            return "future"
        if head_lemma == "be" and head.tag_ in {"VBZ", "VBP"} and verb.dep_ == "xcomp":
            return "future"  # "is to resume trading Tuesday": a plan
    if verb.lemma_.lower() in {"expect", "anticipate", "schedule", "due", "slate"}:
        return "future"
    if verb.tag_ == "VBD" or auxes & {"did", "had", "was", "were", "has", "have"}:
        return "past"
    if verb.tag_ == "VBN" and head.i != verb.i and head.tag_ == "VBD":
        return "past"
    if verb.tag_ == "VBN" and verb.dep_ == "ROOT" and not auxes and _has_subject(verb):
        return "past"  # "Students protested in Berlin" tagged as a participle: finite
    return "present"


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ == "nsubj" for c in verb.children)


def is_negated(verb: Token) -> bool:
    return any(
        c.dep_ == "neg" or (c.lower_ in NEGATIONS and c.dep_ == "advmod") for c in verb.children
    )


def is_hypothetical(verb: Token) -> bool:
    return bool(_aux_lemmas(verb) & HYPOTHETICAL_AUX) or any(
        c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in verb.children
    )


def sentence_of(token: Token) -> SpacySpan:
    return token.sent


def line_starts(text: str) -> list[int]:
    """Character offsets at which each line (1-based index + 1) starts."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


# Verbs that move something to a later deadline: "postponed until Tuesday".
DEFERRING = frozenset({"postpone", "delay", "extend", "adjourn", "defer", "suspend", "give"})


def _deadline(token: Token) -> bool:
    """Whether `token` is the deadline of a deferring verb ("postponed until Tuesday",
    "has given them until 9 a.m. Tuesday"): that day is still to come."""
    for ancestor in token.ancestors:
        if ancestor.lower_ in {"until", "till"} and ancestor.dep_ == "prep":
            return ancestor.head.lemma_.lower() in DEFERRING
        if ancestor.pos_ in {"VERB", "AUX"}:
            return False
    return False


def tense_at(doc: object, offset: int) -> str:
    """The clause tense at a character offset of a parsed Doc ("present" off the tokens),
    as the time tagger needs it: a deadline set by a deferring verb is in the future."""
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")  # type: ignore[attr-defined]
    if span is None or len(span) == 0:
        return "present"
    if _deadline(span[0]):
        return "future"
    return clause_tense(span[0])
