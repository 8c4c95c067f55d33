"""The verb lexicon: verb lemmas, their object and preposition patterns, and nominal
triggers, each coded in CAMEO and mapped to PLOVER (event type, mode, context).

    lexicon = VerbLexicon.default()            # bundled data/verbs.tsv, loaded on first use
    lexicon.code("call", preps=["for"], objects=["ceasefire"])   # REQUEST (0256)
    lexicon.noun("talks")                                         # CONSULT (046)

The table is built by scripts/build_verbs.py from the PETRARCH CAMEO verb dictionary
(MIT) and the PLOVER project's CAMEO-to-PLOVER table (CC BY-SA 4.0); see its header.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from detente.errors import ResourceError

DATA_FILE = "verbs.tsv"
# CAMEO codes that say "not an event" or "a passive reading" in the table.
NO_CODE = "---"


def normalize(word: str) -> str:
    """Lower-case, singular form used on both sides of every lookup ("Talks" -> "talk").

    A crude rule set on purpose: the build script applies the same function to the
    dictionary's words, so both sides agree even where the singular is not English.
    """
    w = word.lower().strip().strip("_").replace("_", "-")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ws")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class VerbCode:
    """A coded trigger. `cameo` is the CAMEO code; a leading ":" (":173") marks a passive
    pattern whose event runs from the target to the source ("face trial"). `pattern` is
    the dictionary pattern that matched, or the verb/noun itself for a default."""

    plover: str
    mode: str | None
    context: str | None
    cameo: str
    pattern: str


Phrase = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]  # object words: normalized words or "&SET" references
    phrases: tuple[Phrase, ...]  # (preposition, words of its object)
    code: VerbCode

    @property
    def weight(self) -> int:
        return len(self.words) + sum(1 + len(w) for _, w in self.phrases)


def _phrases(column: str) -> tuple[Phrase, ...]:
    out: list[Phrase] = []
    for item in column.split():
        prep, _, words = item.partition(":")
        out.append((prep, tuple(w for w in words.split("+") if w)))
    return tuple(out)


def _verb_code(row: dict[str, str]) -> VerbCode | None:
    if not row["plover"] or row["cameo"] == NO_CODE:
        return None
    return VerbCode(
        plover=row["plover"],
        mode=row["mode"] or None,
        context=row["context"] or None,
        cameo=row["cameo"],
        pattern=row["pattern"] or row["lemma"],
    )


class VerbLexicon:
    """Verb and nominal-trigger codes. Build with `default()` or `from_path()`."""

    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self._synsets: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._verbs: dict[str, VerbCode] = {}
        self._patterns: dict[str, list[_Pattern]] = {}
        self._nouns: dict[str, VerbCode] = {}
        self._cameo: dict[str, VerbCode] = {}
        hand_verbs: set[str] = set()
        for row in rows:
            kind, lemma = row["kind"], row["lemma"]
            if kind == "synset":
                members = tuple(tuple(m.split()) for m in row["words"].split("|") if m)
                self._synsets[lemma] = members
                continue
            code = _verb_code(row)
            if code is None:
                continue
            if kind == "cameo":
                self._cameo[lemma] = VerbCode(
                    code.plover, code.mode, code.context, lemma, f"CAMEO {lemma}"
                )
            elif kind == "verb":
                is_hand = row["pattern"].startswith("hand:")
                if is_hand:
                    hand_verbs.add(lemma)
                    self._verbs[lemma] = code
                elif lemma not in hand_verbs:
                    self._verbs.setdefault(lemma, code)
            elif kind == "pattern":
                pattern = _Pattern(tuple(row["words"].split()), _phrases(row["preps"]), code)
                for verb in lemma.split("|"):
                    self._patterns.setdefault(verb, []).append(pattern)
            elif kind == "noun":
                self._nouns[lemma] = code

    @classmethod
    def from_path(cls, path: Path) -> VerbLexicon:
        """Read a table written by scripts/build_verbs.py."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ResourceError(f"verb lexicon {path} cannot be read: {exc}") from exc
        return cls._from_text(text, str(path))

    @classmethod
    def _from_text(cls, text: str, name: str) -> VerbLexicon:
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        required = {"kind", "lemma", "words", "preps", "cameo", "plover", "mode", "context"}
        if not required <= set(reader.fieldnames or ()):
            raise ResourceError(
                f"verb lexicon {name} lacks columns {sorted(required)}: rebuild it with `make data`"
            )
        return cls(reader)

    @classmethod
    def default(cls) -> VerbLexicon:
        """The bundled lexicon (package data), read once on first use."""
        return _default_lexicon()

    # -- lookups ---------------------------------------------------------------------

    def knows(self, verb_lemma: str) -> bool:
        """True when the verb has a default code or any pattern."""
        v = verb_lemma.lower()
        return v in self._verbs or v in self._patterns

    def code(
        self,
        verb_lemma: str,
        *,
        objects: Sequence[str] = (),
        preps: Sequence[str] = (),
        phrases: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> VerbCode | None:
        """The code of a verb given the words around it, or None.

        `objects` are lemmas of its objects and particles; `preps` its prepositions. With
        only these, a pattern's prepositional words may come from `objects` ("call",
        objects=["ceasefire"], preps=["for"] matches "* (FOR &CEASEFIRE)"). `phrases`
        gives each prepositional phrase with its own words, (prep, words), and is then
        matched strictly. The most specific matching pattern wins (most words and
        prepositions; the dictionary's order breaks ties); with none, the verb's default.
        """
        verb = verb_lemma.lower().strip()
        have_words = {normalize(w) for w in objects if w}
        have: list[tuple[str, set[str]]] = [
            (normalize(p), {normalize(w) for w in ws if w}) for p, ws in phrases
        ]
        loose = set(have_words)
        for _, ws in have:
            loose |= ws
        have.extend((normalize(p), loose) for p in preps if p)
        best: _Pattern | None = None
        for pattern in self._patterns.get(verb, ()):
            if best is not None and pattern.weight <= best.weight:
                continue
            if self._matches(pattern, have_words, have):
                best = pattern
        if best is not None:
            return best.code
        return self._verbs.get(verb)

    def cameo(self, code: str) -> VerbCode | None:
        """The PLOVER reading of a bare CAMEO code that the table uses ("0841")."""
        return self._cameo.get(code)

    def root_cameo(self, plover: str) -> str | None:
        """The most general CAMEO code the table maps to a PLOVER type ("ASSAULT" ->
        "18"), for a type that came from a model rather than a dictionary pattern."""
        codes = [c for c, v in self._cameo.items() if v.plover == plover]
        return min(codes, key=lambda c: (len(c), c)) if codes else None

    def noun(self, lemma: str) -> VerbCode | None:
        """The code of a nominal trigger ("talks", "ceasefire", "proposal"), or None."""
        return self._nouns.get(normalize(lemma))

    def _has(self, word: str, words: set[str]) -> bool:
        if word.startswith("&"):
            members = self._synsets.get(word[1:], ())
            return any(all(m in words for m in member) for member in members)
        return word in words

    def _matches(
        self, pattern: _Pattern, words: set[str], phrases: list[tuple[str, set[str]]]
    ) -> bool:
        if not all(self._has(w, words) for w in pattern.words):
            return False
        for prep, needed in pattern.phrases:
            if not needed and prep in words:  # a particle written as a phrase ("CALL_OFF")
                continue
            if not any(p == prep and all(self._has(w, ws) for w in needed) for p, ws in phrases):
                return False
        return True


@cache
def _default_lexicon() -> VerbLexicon:
    try:
        text = resources.files("detente").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ResourceError(
            f"bundled verb lexicon data/{DATA_FILE} is missing: run `make data`"
        ) from exc
    return VerbLexicon._from_text(text, f"detente/data/{DATA_FILE}")


__all__ = ["VerbCode", "VerbLexicon", "normalize"]
