"""The verb lexicon (data/verbs.tsv via VerbLexicon) and the dyad coder built on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language

from detente.dyad import code_dyad
from detente.errors import ResourceError
from detente.verbs import VerbCode, VerbLexicon, normalize

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO.parent / "shared" / "resources"


@pytest.fixture(scope="module")
def lexicon() -> VerbLexicon:
    return VerbLexicon.default()


def test_not_loaded_at_import() -> None:
    probe = (
        "import detente.verbs as v, detente.dyad; "
        "assert v._default_lexicon.cache_info().currsize == 0; "
        "first = v.VerbLexicon.default(); assert v.VerbLexicon.default() is first"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


@pytest.mark.parametrize(
    ("verb", "objects", "preps", "plover"),
    [
        ("hold", ["talks"], [], "CONSULT"),
        ("negotiate", [], [], "CONSULT"),
        ("meet", [], [], "CONSULT"),
        ("convene", [], [], "CONSULT"),
        ("propose", [], [], "REQUEST"),
        ("encourage", [], [], "REQUEST"),
        ("urge", [], [], "REQUEST"),
        ("call", [], ["on"], "REQUEST"),
        ("await", [], [], "REQUEST"),
        ("demand", [], [], "REQUEST"),
        ("accuse", [], [], "ACCUSE"),
        ("condemn", [], [], "ACCUSE"),
        ("reject", [], [], "REJECT"),
        ("refuse", [], [], "REJECT"),
        ("attack", [], [], "ASSAULT"),
        ("shell", [], [], "ASSAULT"),
        ("threaten", [], [], "THREATEN"),
        ("agree", [], [], "AGREE"),
        ("promise", [], [], "AGREE"),
        ("praise", [], [], "SUPPORT"),
        ("welcome", [], [], "SUPPORT"),
        ("support", [], [], "SUPPORT"),
        ("release", [], [], "RETREAT"),
        ("withdraw", [], [], "RETREAT"),
        ("sanction", [], [], "SANCTION"),
    ],
)
def test_verb_codes(
    lexicon: VerbLexicon, verb: str, objects: list[str], preps: list[str], plover: str
) -> None:
    code = lexicon.code(verb, objects=objects, preps=preps)
    assert code is not None, verb
    assert code.plover == plover, (verb, code)


def test_send_material_follows_cameo(lexicon: VerbLexicon) -> None:
    aid = lexicon.code("send", objects=["aid"])
    weapons = lexicon.code("send", objects=["weapons"])
    assert aid is not None and aid.plover in {"AID", "COOPERATE"}
    assert weapons is not None and weapons.plover in {"AID", "COOPERATE"}
    assert lexicon.code("send") is None  # CAMEO leaves bare "send" uncoded


def test_pattern_beats_default(lexicon: VerbLexicon) -> None:
    bare = lexicon.code("call")
    specific = lexicon.code("call", objects=["ceasefire"], preps=["for"])
    assert specific is not None and specific.plover == "REQUEST"
    assert specific.mode == "yield"
    assert bare is None or bare.cameo != specific.cameo
    assert "CEASEFIRE" in specific.pattern


def test_nominal_triggers(lexicon: VerbLexicon) -> None:
    for noun in ("talks", "negotiations", "meeting", "summit", "consultations", "round"):
        code = lexicon.noun(noun)
        assert code is not None and code.plover == "CONSULT", noun
    proposal = lexicon.noun("proposal")
    assert proposal is not None and proposal.plover in {"REQUEST", "AGREE"}
    ceasefire = lexicon.noun("ceasefire")
    assert ceasefire is not None and ceasefire.plover in {"RETREAT", "CONCEDE", "AGREE"}
    assert lexicon.noun("teapot") is None


def test_cameo_table(lexicon: VerbLexicon) -> None:
    release = lexicon.cameo("0841")
    assert release is not None and (release.plover, release.mode) == ("RETREAT", "release")
    appeal = lexicon.cameo("0256")  # CAMEO 02x appeals: REQUEST (hand-written section)
    assert appeal is not None and appeal.plover == "REQUEST"
    assert lexicon.cameo("010") is None  # public statements have no PLOVER event
    assert lexicon.cameo("163") is not None and lexicon.cameo("163").plover == "COERCE"


def test_normalize() -> None:
    assert normalize("Talks") == "talk"
    assert normalize("ceasefires") == "ceasefire"
    assert normalize("press") == "press"
    assert normalize("Cease_Fire") == "cease-fire"


def test_from_path_and_bad_file(tmp_path: Path) -> None:
    table = tmp_path / "verbs.tsv"
    table.write_text(
        "# a tiny table\n"
        "kind\tlemma\twords\tpreps\tcameo\tplover\tmode\tcontext\tpattern\n"
        "synset\tPACT\tpact|peace deal\t\t\t\t\t\t\n"
        "verb\tsign\t\t\t050\tSUPPORT\t\tdiplomatic\tSIGN\n"
        "pattern\tsign|ink\t&PACT\t\t057\tSUPPORT\t\tdiplomatic\t* &PACT\n"
        "pattern\tsign|ink\tpeace\twith\t---\t\t\t\t* PEACE (WITH)\n"
        "noun\ttruce\t\t\t0871\tRETREAT\tceasefire\tmilitary\thand\n",
        encoding="utf-8",
    )
    lex = VerbLexicon.from_path(table)
    assert lex.code("sign") == VerbCode("SUPPORT", None, "diplomatic", "050", "SIGN")
    deal = lex.code("ink", objects=["peace", "deal"])
    assert deal is not None and deal.cameo == "057"
    # A "---" pattern is not an event: the verb's default stands.
    peace = lex.code("sign", objects=["peace"], preps=["with"])
    assert peace is not None and peace.cameo == "050"
    assert lex.noun("truces") is not None
    bad = tmp_path / "bad.tsv"
    bad.write_text("lemma\tcode\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="lacks columns"):
        VerbLexicon.from_path(bad)
    with pytest.raises(ResourceError, match="cannot be read"):
        VerbLexicon.from_path(tmp_path / "missing.tsv")


@pytest.mark.skipif(not RESOURCES.is_dir(), reason="shared resources not present")
def test_data_rebuilds_identically(tmp_path: Path) -> None:
    script = REPO / "scripts" / "build_verbs.py"
    subprocess.run(
        [sys.executable, str(script), "--resources", str(RESOURCES), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built = (tmp_path / "verbs.tsv").read_text(encoding="utf-8")
    shipped = (REPO / "src" / "detente" / "data" / "verbs.tsv").read_text(encoding="utf-8")
    assert built == shipped
    assert "CC BY-SA 4.0" in built.split("\nkind\t", 1)[0]
    assert "MIT" in built.split("\nkind\t", 1)[0]


# -- dyad coder (needs the model; sentences are our own) ---------------------------------


def _dyad(nlp: Language, text: str, source: str, target: str | None):
    doc = nlp(text)
    s = text.index(source)
    src = doc.char_span(s, s + len(source), alignment_mode="expand")
    tgt = None
    if target is not None:
        t = text.index(target)
        tgt = doc.char_span(t, t + len(target), alignment_mode="expand")
    return code_dyad(doc, src, tgt)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "source", "target", "plover", "trigger"),
    [
        (
            "Norway has condemned the shelling of Ruritania's ports.",
            "Norway",
            "Ruritania",
            "ACCUSE",
            "condemned",
        ),
        (
            "The Freedonian foreign minister called on Sylvania to free the sailors.",
            "The Freedonian foreign minister",
            "Sylvania",
            "REQUEST",
            "called",
        ),
        (
            "Rebels attacked an army convoy near the river on Sunday.",
            "Rebels",
            "an army convoy",
            "ASSAULT",
            "attacked",
        ),
        (
            "Envoys from Freedonia held talks with Sylvanian officials in Geneva.",
            "Envoys from Freedonia",
            "Sylvanian officials",
            "CONSULT",
            "held",
        ),
        (
            "The government rejected the union's demands for higher pay.",
            "The government",
            "the union",
            "REJECT",
            "rejected",
        ),
        (
            "Sylvania said it would withdraw its troops from the border zone.",
            "Sylvania",
            "the border zone",
            "AGREE",
            "withdraw",
        ),
        (
            "The ministry said the rebels released twelve hostages on Monday.",
            "the rebels",
            "twelve hostages",
            "RETREAT",
            "released",
        ),
        (
            "Norway accepted two hundred refugees from Ruritania last year.",
            "Norway",
            "two hundred refugees",
            "AID",
            "accepted",
        ),
    ],
)
def test_code_dyad(
    nlp: Language, text: str, source: str, target: str, plover: str, trigger: str
) -> None:
    code, token = _dyad(nlp, text, source, target)
    assert code is not None and code.plover == plover, (text, code)
    assert token is not None and token.text == trigger


@pytest.mark.slow
def test_code_dyad_without_target(nlp: Language) -> None:
    code, token = _dyad(
        nlp, "The Sylvanian prime minister agreed to resign.", "The Sylvanian prime minister", None
    )
    assert code is not None and code.plover in {"AGREE", "RETREAT", "CONCEDE"}
    assert token is not None
