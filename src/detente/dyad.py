"""Code the event that links a source span to a target span in one parsed sentence.

    code, trigger = code_dyad(doc, source_span, target_span)

The trigger is found in the dependency tree: the lowest common ancestor of the two
spans' heads, then the verbs on the path from it down to the target (so "X called on Y
to ..." is coded by "called", "X said it would attack Y" by "attack" once "said" codes
nothing). Each candidate verb is coded with `VerbLexicon.code` from its objects,
particles and prepositional phrases; a nominal trigger ("talks between X and Y", "X
held talks") is coded with `VerbLexicon.noun`. Rules only; nothing is trained.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from detente.verbs import VerbCode, VerbLexicon

# Dependencies whose subtree words count as a verb's object words.
OBJECT_DEPS = {"dobj", "obj", "attr", "oprd", "dative", "acomp", "ccomp", "xcomp", "npadvmod"}
PREP_DEPS = {"prep", "agent"}
PARTICLE_DEPS = {"prt", "advmod", "neg"}
SKIP_POS = {"DET", "PUNCT", "PRON", "CCONJ", "SCONJ", "NUM", "SYM", "SPACE", "PART"}
VERBAL = {"VERB", "AUX"}
# Clausal links a trigger search may follow downwards from the common ancestor.
DOWN_DEPS = {"xcomp", "ccomp", "advcl", "conj", "relcl", "acl", "pcomp", "dobj", "pobj", "prep"}


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def slot_words(verb: Token) -> tuple[list[str], list[str]]:
    """Object words and prepositions around a verb, as pattern lookups want them.

    Words: lemmas of the direct object / complement subtrees (the nouns, adjectives and
    verbs in them), of prepositional objects, and particles. Prepositions: the verb's
    own prepositions and those nested in its object phrases ("call for an end to").
    """
    words: list[str] = []
    preps: list[str] = []
    for child in verb.children:
        dep = child.dep_
        if dep in PARTICLE_DEPS:
            words.append(_lemma(child))
        elif dep in OBJECT_DEPS or dep in PREP_DEPS:
            for tok in child.subtree:
                if tok.dep_ in PREP_DEPS or (tok.pos_ == "ADP" and tok.dep_ != "prt"):
                    preps.append(_lemma(tok))
                elif tok.pos_ not in SKIP_POS or tok.dep_ == "prt":
                    words.append(_lemma(tok))
            if dep in PREP_DEPS:
                preps.append(_lemma(child))
    return words, preps


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def _path_down(top: Token, bottom: Token) -> list[Token]:
    """Tokens strictly below `top` on the way to `bottom`, top-down."""
    chain = _ancestors(bottom)
    out: list[Token] = []
    for tok in chain:
        if tok.i == top.i:
            break
        out.append(tok)
    return list(reversed(out))


def code_verb(verb: Token, lexicon: VerbLexicon) -> VerbCode | None:
    """Code one verb token from its lemma and slot words; falls back to its object noun."""
    words, preps = slot_words(verb)
    code = lexicon.code(_lemma(verb), objects=words, preps=preps)
    if code is not None:
        return code
    # "X presented a roadmap to Y": an uncoded verb whose object is a nominal trigger.
    for child in verb.children:
        if child.dep_ in {"dobj", "obj", "attr", "nsubjpass"}:
            noun = lexicon.noun(_lemma(child))
            if noun is not None:
                return noun
    return None


def _code_token(token: Token, lexicon: VerbLexicon) -> VerbCode | None:
    if token.pos_ in VERBAL:
        return code_verb(token, lexicon)
    if token.pos_ in {"NOUN", "PROPN"}:
        return lexicon.noun(_lemma(token))
    return None


def _has_code(code: VerbCode | None) -> bool:
    return code is not None and bool(code.plover)


def code_dyad(
    doc: Doc | Span,
    source_span: Span | None,
    target_span: Span | None,
    *,
    lexicon: VerbLexicon | None = None,
) -> tuple[VerbCode | None, Token | None]:
    """The code of the event from `source_span` to `target_span`, and its trigger token.

    With no target (an event without a recipient: "X agreed to resign") the source's
    governing verb is the common ancestor. Returns (None, best-guess trigger or None)
    when no candidate codes.
    """
    lexicon = lexicon or VerbLexicon.default()
    if source_span is None and target_span is None:
        raise ValueError("code_dyad needs a source span, a target span or both")
    if source_span is None:
        source_span, target_span = target_span, None
    assert source_span is not None
    s_root = source_span.root
    if target_span is None:
        lca = next((t for t in _ancestors(s_root)[1:] if t.pos_ in VERBAL), s_root.head)
        t_root = lca
    else:
        t_root = target_span.root
        t_chain = {tok.i for tok in _ancestors(t_root)}
        lca = next((tok for tok in _ancestors(s_root) if tok.i in t_chain), s_root.sent.root)

    candidates: list[Token] = []

    def add(tok: Token) -> None:
        if all(tok.i != c.i for c in candidates):
            candidates.append(tok)

    # 1. The common ancestor.
    top = lca
    add(top)
    # 2. Verbs and trigger nouns on the path from the ancestor down to the target.
    for tok in _path_down(top, t_root):
        if tok.pos_ in VERBAL or tok.pos_ == "NOUN":
            add(tok)
    # 3. Verbs above the ancestor (a noun phrase "talks between X and Y" inside a clause).
    for tok in _ancestors(top)[1:]:
        if tok.pos_ in VERBAL:
            add(tok)
            break
    # 4. Verbs on the path from the ancestor down to the source ("X, who attacked Y").
    for tok in _path_down(top, s_root):
        if tok.pos_ in VERBAL:
            add(tok)

    first_verbal: Token | None = None
    for tok in candidates:
        if first_verbal is None and tok.pos_ in VERBAL:
            first_verbal = tok
        code = _code_token(tok, lexicon)
        if _has_code(code):
            return code, tok
    # 5. Nothing on the path: the sentence root, then any coded verb, nearest the target.
    sent = t_root.sent
    rest = sorted(
        (tok for tok in sent if tok.pos_ in VERBAL and tok.i not in {c.i for c in candidates}),
        key=lambda tok: (tok.i != sent.root.i, abs(tok.i - t_root.i)),
    )
    for tok in rest:
        code = _code_token(tok, lexicon)
        if _has_code(code):
            return code, tok
    return None, first_verbal or (candidates[0] if candidates else None)


__all__ = ["code_dyad", "code_verb", "slot_words"]
