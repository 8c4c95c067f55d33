"""Code the event that links a source span to a target span in one parsed sentence.

    code, trigger = code_dyad(doc, source_span, target_span)

The trigger is found in the dependency tree: the lowest common ancestor of the two
spans' heads, then the verbs on the path from it down to the target (so "X called on Y
to ..." is coded by "called", "X said it would attack Y" by "attack" once "said" codes
nothing). Each candidate verb is coded with `VerbLexicon.code` from its objects,
particles and prepositional phrases; a nominal trigger ("talks between X and Y", "X
held talks") is coded with `VerbLexicon.noun`. Then a few status rules drawn from the
PLOVER codebook and CAMEO's own structure: a promised or wanted cooperative deed is
AGREE and a hostile one THREATEN, a negated cooperative one REJECT, "Y must ..." said by
X a REQUEST, an intent code read off a deed verb the deed's code, and a contact verb
with a purpose ("summoned the envoy to complain") the purpose's code. Rules only;
nothing is trained.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from detente.verbs import VerbCode, VerbLexicon

# Dependencies whose head (with its compounds and adjectives) counts as an object word.
OBJECT_DEPS = {"dobj", "obj", "attr", "oprd", "dative", "acomp", "nsubjpass"}
PREP_DEPS = {"prep", "agent"}
PARTICLE_DEPS = {"prt", "neg"}
MODIFIER_DEPS = {"compound", "amod", "nmod", "prt"}
TIME_ENTS = {"DATE", "TIME"}
VERBAL = {"VERB", "AUX"}


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def _phrase(head: Token) -> list[str]:
    """A noun phrase's head lemma with its compound and adjective modifiers."""
    words = [_lemma(head)]
    words.extend(_lemma(c) for c in head.children if c.dep_ in MODIFIER_DEPS)
    return words


def _pp(prep: Token, phrases: list[tuple[str, list[str]]]) -> None:
    """Add the phrase headed by `prep`, and one level of phrases nested in its object
    ("(FOR END) (TO OPERATION)"). Phrases about a date or time are left out."""
    words: list[str] = []
    nested: list[Token] = []
    for obj in prep.children:
        if obj.dep_ in {"pobj", "pcomp"}:
            if obj.ent_type_ in TIME_ENTS:
                return
            words.extend(_phrase(obj))
            nested.extend(sub for sub in obj.children if sub.dep_ == "prep")
    phrases.append((_lemma(prep), words))
    for sub in nested:
        sub_words = [w for o in sub.children if o.dep_ == "pobj" for w in _phrase(o)]
        phrases.append((_lemma(sub), sub_words))


def slot_words(verb: Token) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Object words and prepositional phrases around a verb, as pattern lookups want them.

    Words: the heads of its objects and complements with their compound and adjective
    modifiers, its particles, and the verb of a clausal complement ("agree to release"
    -> "release"). Phrases: (preposition, words) for its own prepositional phrases and
    those attached to its object ("call for an end to ...").
    """
    words: list[str] = []
    phrases: list[tuple[str, list[str]]] = []
    for child in verb.children:
        dep = child.dep_
        if dep in PARTICLE_DEPS:
            words.append(_lemma(child))
        elif dep in PREP_DEPS:
            _pp(child, phrases)
        elif dep in {"xcomp", "ccomp"}:
            words.append(_lemma(child))
            words.extend(_lemma(c) for c in child.children if c.dep_ in {"dobj", "prt"})
        elif dep in OBJECT_DEPS:
            words.extend(_phrase(child))
            for sub in child.children:
                if sub.dep_ == "prep":
                    _pp(sub, phrases)
    return words, phrases


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


# Verbs whose object names the event ("stepped up attacks", "launched cyber warfare",
# "intensified its bombardment"): the object noun's code comes first.
ASPECTUAL = {
    "launch",
    "step",
    "intensify",
    "escalate",
    "continue",
    "resume",
    "begin",
    "start",
    "mount",
    "stage",
    "conduct",
    "carry",
    "wage",
    "unleash",
    "renew",
}


def code_verb(verb: Token, lexicon: VerbLexicon) -> VerbCode | None:
    """Code one verb token from its lemma and slot words; falls back to its object noun."""
    if _lemma(verb) in ASPECTUAL:
        for child in verb.children:
            if child.dep_ in {"dobj", "obj"}:
                noun = code_noun(child, lexicon)
                if noun is not None:
                    return noun
    words, phrases = slot_words(verb)
    code = lexicon.code(_lemma(verb), objects=words, phrases=phrases)
    if code is not None:
        return code
    # "X presented a roadmap to Y": an uncoded verb whose object is a nominal trigger.
    for child in verb.children:
        if child.dep_ in {"dobj", "obj", "attr", "nsubjpass"}:
            noun = code_noun(child, lexicon)
            if noun is not None:
                return noun
    return None


# Nouns that count events rather than name them: "a new round of joint exercises".
CONTAINERS = {"round", "series", "wave", "spate", "string", "number", "set", "campaign"}


def code_noun(noun: Token, lexicon: VerbLexicon) -> VerbCode | None:
    """A nominal trigger's code; a counting noun defers to its "of" phrase."""
    if _lemma(noun) in CONTAINERS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for obj in prep.children:
                    inner = lexicon.noun(_lemma(obj)) if obj.dep_ == "pobj" else None
                    if inner is not None:
                        return inner
    return lexicon.noun(_lemma(noun))


def _code_token(token: Token, lexicon: VerbLexicon) -> VerbCode | None:
    if token.pos_ in VERBAL:
        return code_verb(token, lexicon)
    if token.pos_ in {"NOUN", "PROPN"}:
        return code_noun(token, lexicon)
    return None


# CAMEO's "express intent to ..." (03x) and "threaten to ..." (13x), and PLOVER's notes
# that promised retreats, meetings, aid and signatures are AGREE: a future or volitional trigger
# turns a cooperative action into AGREE and a hostile one into THREATEN; a negated
# cooperative trigger ("did not agree", "refused to meet" is coded by its verb) into
# REJECT.
FUTURE_AUX = {"will", "would", "shall", "'ll"}
VOLITION = {
    "willing",
    "ready",
    "prepared",
    "plan",
    "intend",
    "pledge",
    "vow",
    "offer",
    "promise",
    "agree",
    "decide",
    "expect",
    "want",
    "hope",
    "aim",
    "seek",
}
PROMISABLE = {"CONSULT", "RETREAT", "CONCEDE", "AID", "COOPERATE", "SUPPORT"}
HOSTILE = {"ASSAULT", "COERCE", "SANCTION", "PROTEST"}  # CAMEO 13x threatens each
COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
OBLIGATION = {"must", "should", "ought"}
_SHIFTS = {
    "REQUEST": ("REQUEST", None, "100"),
    "AGREE": ("AGREE", None, "030"),
    "THREATEN": ("THREATEN", None, "130"),
    "REJECT": ("REJECT", None, "120"),
}


def _future(tok: Token) -> bool:
    """Is the trigger said to happen later, or wanted ("will meet", "willing to pull out")?"""
    if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in tok.children):
        return True
    if tok.dep_ == "xcomp" and _lemma(tok.head) in VOLITION:
        return True
    return False


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _obliged(tok: Token, source: Span) -> bool:
    """ "Y must disarm", said by X: an obligation laid on someone other than the source."""
    if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION for c in tok.children):
        return False
    subjects = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return bool(subjects) and not any(source.start <= c.i < source.end for c in subjects)


# CAMEO "express intent to X" (03x) and the material code of X itself. The dictionary
# puts intent codes on action verbs ("deployed peacekeepers" 0334); when such a verb
# reports a done deed (no future, no volition), PLOVER codes the deed (AID, not AGREE).
INTENT_TO_DEED = {
    "031": "060",
    "0311": "061",
    "0312": "062",
    "0313": "063",
    "0314": "064",
    "032": "050",
    "033": "070",
    "0331": "071",
    "0332": "072",
    "0333": "073",
    "0334": "074",
    "035": "080",
    "0351": "081",
    "0353": "084",
    "0354": "085",
    "0355": "086",
    "0356": "087",
    "038": "045",
    "039": "045",
}


def _deed(code: VerbCode, tok: Token, lexicon: VerbLexicon) -> VerbCode:
    """An intent code read off an action verb that reports a deed -> the deed's code."""
    deed = INTENT_TO_DEED.get(code.cameo)
    if deed is None or tok.pos_ not in VERBAL or _future(tok):
        return code
    default = lexicon.code(_lemma(tok))
    if default is not None and default.cameo.startswith("03"):
        return code  # a verb of intent itself ("pledge", "offer", "agree")
    mapped = lexicon.cameo(deed)
    return mapped if mapped is not None else code


def _shift(code: VerbCode, tok: Token, source: Span, lexicon: VerbLexicon) -> VerbCode:
    """Apply the status rules above to a code read off a verb."""
    code = _deed(code, tok, lexicon)
    target = None
    if tok.pos_ in VERBAL and _obliged(tok, source) and code.plover != "REQUEST":
        target = "REQUEST"
    elif tok.pos_ in VERBAL and _negated(tok) and code.plover in COOPERATIVE:
        target = "REJECT"
    elif tok.pos_ in VERBAL and _future(tok):
        if code.plover in PROMISABLE:
            target = "AGREE"
        elif code.plover in HOSTILE:
            target = "THREATEN"
    if target is None:
        return code
    plover, mode, cameo = _SHIFTS[target]
    return VerbCode(plover, mode, code.context, cameo, f"{code.pattern} ({target.lower()}: status)")


def _purpose(tok: Token, code: VerbCode, lexicon: VerbLexicon) -> tuple[VerbCode, Token] | None:
    """A contact verb with a purpose ("summoned the envoy to complain", "called him to
    congratulate him") is coded by its purpose when that has another code."""
    if code.plover != "CONSULT":
        return None
    for child in tok.children:
        if child.dep_ not in {"advcl", "xcomp"} or child.pos_ not in VERBAL:
            continue
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            continue
        inner = code_verb(child, lexicon)
        if inner is not None and inner.plover and inner.plover != "CONSULT":
            return inner, child
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

    spans = [sp for sp in (source_span, target_span) if sp is not None]

    def add(tok: Token) -> None:
        # A verb inside an actor's own words ("visiting Saudi Crown Prince") is no trigger.
        inside = any(sp.start <= tok.i < sp.end for sp in spans)
        if inside and tok.pos_ in VERBAL and tok.i != top.i:
            return
        if all(tok.i != c.i for c in candidates):
            candidates.append(tok)

    # 1. The common ancestor, and 2. the verbs and trigger nouns on the path from it down
    # to the target. A reporting verb with no event code of its own ("said", "stated")
    # goes after the path: "X said it would withdraw from Y" is coded by "withdraw".
    top = lca
    path = [t for t in _path_down(top, t_root) if t.pos_ in VERBAL or t.pos_ == "NOUN"]
    if target_span is None:  # "X said they will not end the strike": the reported clause
        path = [c for c in top.children if c.dep_ in {"ccomp", "xcomp"} and c.pos_ in VERBAL]
    reporting = (
        top.pos_ in VERBAL and not lexicon.code(_lemma(top)) and any(t.pos_ in VERBAL for t in path)
    )
    for tok in [*path, top] if reporting else [top, *path]:
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
        if code is not None and _has_code(code):
            purpose = _purpose(tok, code, lexicon)
            if purpose is not None:
                return _shift(purpose[0], purpose[1], source_span, lexicon), purpose[1]
            return _shift(code, tok, source_span, lexicon), tok
    # 5. Nothing on the path: the sentence root, then any coded verb, nearest the target;
    # then a nominal trigger anywhere in the sentence, nearest the target.
    sent = t_root.sent
    rest = sorted(
        (tok for tok in sent if tok.pos_ in VERBAL and tok.i not in {c.i for c in candidates}),
        key=lambda tok: (tok.i != sent.root.i, abs(tok.i - t_root.i)),
    )
    for tok in rest:
        code = _code_token(tok, lexicon)
        if code is not None and _has_code(code):
            return _shift(code, tok, source_span, lexicon), tok
    nouns = sorted(
        (tok for tok in sent if tok.pos_ == "NOUN"), key=lambda tok: abs(tok.i - t_root.i)
    )
    for tok in nouns:
        code = lexicon.noun(_lemma(tok))
        if _has_code(code):
            return code, tok
    return None, first_verbal or (candidates[0] if candidates else None)


__all__ = ["code_dyad", "code_noun", "code_verb", "slot_words"]
