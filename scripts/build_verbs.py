"""Build src/detente/data/verbs.tsv: the verb and nominal-trigger lexicon of detente.

    python scripts/build_verbs.py --resources ../shared/resources --out src/detente/data

Reads two public files from the resources folder:

* CAMEO.2.0.txt, the PETRARCH CAMEO verb-pattern dictionary (Open Event Data Alliance,
  MIT). Synonym sets `&NAME` with `+MEMBER` lines; verb blocks `--- LABEL [code] ---`
  whose lines are the verbs (`VERB {irregular forms} [own code]`, `+VERB_PARTICLE` for
  multi-word verbs) followed by patterns `- subject-words * object-words (PREP words)
  [code] # comment`. `{A B}` is a multi-word noun, `_` joins words, `$`/`+`/`^`/`%`
  mark the source, target and skipped actors, `[a:b]` is a coded pair whose first
  non-empty half we keep (an empty first half, `[:173]`, is a passive reading: kept with
  its colon so a coder can tell), `[---]` means "not an event".
* CAMEO2PLOVER-2021.txt, the PLOVER project's CAMEO-to-PLOVER table (CC BY-SA 4.0):
  `code: EVENT, mode, context # gloss`.

Writes one TSV with a `#` header naming both sources and their licences. Because it is
derived from CAMEO2PLOVER, the table is shared under CC BY-SA 4.0. Rows:

    kind  lemma  words  preps  cameo  plover  mode  context  pattern

`words` are the object words of a pattern (outside parentheses); `preps` its
prepositional phrases, each `prep` or `prep:word+word`.

kind is `verb` (a verb's default code), `pattern` (object words and/or prepositions
that give the verbs of one CAMEO block, `lemma` = those verbs joined by `|`, a code),
`noun` (a nominal trigger), `cameo` (lemma = a CAMEO code: the mapping table itself)
or `synset` (lemma = set name, words = its members;
patterns refer to sets as `&NAME`). Words and lemmas are lower-case and singular
(detente.verbs.normalize), the form the lexicon looks them up in.

The hand-written section below (HAND_*) lists every entry that does not come from the
two files, each with its reason.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from detente.verbs import normalize as norm  # one spelling on both sides

CAMEO_FILE = "CAMEO.2.0.txt"
MAP_FILE = "CAMEO2PLOVER-2021.txt"
OUT_FILE = "verbs.tsv"
MARKERS = {"$", "+", "^", "%", "*"}

# ---------------------------------------------------------------------------------------
# HAND-WRITTEN SECTION. Everything here is ours, not read from the two source files.
# ---------------------------------------------------------------------------------------

# CAMEO2PLOVER-2021 has no rows for CAMEO 01 (public statements: PLOVER drops them) and
# 02 (appeals). PLOVER's codebook defines REQUEST as "all requests, demands, and orders",
# so appeals (02x) are REQUEST, with the modes the table gives their 10x twins (demands).
HAND_CODES: dict[str, tuple[str, str, str]] = {
    "02": ("REQUEST", "", ""),
    "020": ("REQUEST", "", ""),
    "021": ("REQUEST", "assist", ""),
    "0211": ("REQUEST", "assist", "economic"),
    "0212": ("REQUEST", "assist", "military"),
    "0213": ("REQUEST", "assist", "legal"),
    "0214": ("REQUEST", "assist", "intelligence"),
    "022": ("REQUEST", "assist", "diplomatic"),
    "023": ("REQUEST", "assist", ""),
    "0231": ("REQUEST", "assist", "economic"),
    "0232": ("REQUEST", "assist", "military"),
    "0233": ("REQUEST", "assist", "humanitarian"),
    "0234": ("REQUEST", "assist", "peacekeeping"),
    "024": ("REQUEST", "change", "political_institutions"),
    "0241": ("REQUEST", "change", "executive"),
    "0242": ("REQUEST", "change", "executive"),
    "0243": ("REQUEST", "change", "rights_freedoms"),
    "0244": ("REQUEST", "change", "political_institutions"),
    "025": ("REQUEST", "yield", ""),
    "0251": ("REQUEST", "yield", "legal"),
    "0252": ("REQUEST", "yield", "legal"),
    "0253": ("REQUEST", "yield", "legal"),
    "0254": ("REQUEST", "yield", "economic"),
    "0255": ("REQUEST", "yield", "diplomatic"),
    "0256": ("REQUEST", "yield", "military"),
    "026": ("REQUEST", "meet", "diplomatic"),
    "027": ("REQUEST", "meet", "diplomatic"),
    "028": ("REQUEST", "meet", "diplomatic"),
}

# Verbs CAMEO.2.0 lacks or codes against the PLOVER codebook: (verb, cameo, reason).
HAND_VERBS: list[tuple[str, str, str]] = [
    ("urge", "020", "not in CAMEO.2.0; an appeal (PLOVER REQUEST)"),
    ("press", "020", "'press X to do' is an appeal; CAMEO only has press-conference patterns"),
    ("implore", "020", "not in CAMEO.2.0; an appeal"),
    ("exhort", "020", "not in CAMEO.2.0; an appeal"),
    ("beg", "020", "not in CAMEO.2.0; an appeal"),
    ("await", "020", "CAMEO lists it uncoded; awaiting a counterpart's document is a request"),
    ("propose", "020", "CAMEO lists it uncoded in SUGGEST [020]; made explicit (a proposal)"),
    ("negotiate", "046", "CAMEO has it only in an uncoded block; PLOVER CONSULT (negotiation)"),
    ("talk", "040", "'talk with' is a consultation (CAMEO block is 010 statements)"),
    ("discuss", "040", "PLOVER CONSULT covers all consultations"),
    ("convene", "040", "CAMEO codes it 042 (visit); PLOVER CONSULT either way"),
    ("release", "0841", "CAMEO 084 'return, release' (RETREAT): release captives"),
    ("free", "0841", "release of captives (PLOVER RETREAT/release)"),
    ("withdraw", "0872", "withdrawal of forces is PLOVER RETREAT (withdraw)"),
    ("sanction", "1621", "not in CAMEO.2.0; PLOVER SANCTION: curtail exchanges"),
    ("shell", "194", "artillery fire (CAMEO lists it in GUNFIRE)"),
    ("bomb", "195", "aerial or other bombing; PLOVER ASSAULT"),
    ("praise", "051", "praise or endorse (PLOVER SUPPORT)"),
    ("welcome", "051", "praise or endorse (PLOVER SUPPORT)"),
    ("support", "051", "verbal support (PLOVER SUPPORT)"),
    ("promise", "030", "express intent to cooperate (PLOVER AGREE)"),
    ("agree", "030", "CAMEO's block code 050 is SUPPORT; PLOVER AGREE: 'agree to, offer, promise'"),
    ("reject", "120", "PLOVER REJECT: all rejections and refusals"),
    ("refuse", "120", "PLOVER REJECT: all rejections and refusals"),
    ("threaten", "130", "PLOVER THREATEN"),
    ("sue", "115", "CAMEO's SUE block is 173 (COERCE); the codebook: sue in court is ACCUSE"),
    ("commit", "030", "'commit to' is a commitment to cooperate (PLOVER AGREE)"),
    ("deploy", "154", "mobilize armed forces (PLOVER MOBILIZE); uncoded in CAMEO's SEND"),
    ("convict", "116", "CAMEO 116 'find guilty or liable' (the dictionary says 173, arrest)"),
    ("indict", "1121", "codebook: 'criminally indict' is ACCUSE (the dictionary says 173)"),
    ("charge", "1121", "codebook: 'charge with a crime' is ACCUSE"),
    ("accept", "080", "accept demands or terms: yield (CAMEO 08); patterns refine it"),
    ("provide", "070", "codebook AID: 'provide monetary aid ...' (CAMEO's GRANT block: 060)"),
    ("lend", "071", "loans are economic aid (codebook AID: credit)"),
    ("suspend", "160", "suspend aid, talks or ties: reduce relations (SANCTION)"),
    ("defend", "052", "'defend verbally' (CAMEO 052); military defence comes from patterns"),
    ("return", "084", "codebook RETREAT: 'return property' (the dictionary leaves it uncoded)"),
    ("encourage", "020", "CAMEO 051 (praise); encouraging an actor to act is a request"),
]

# Nominal triggers that light-verb patterns in CAMEO do not yield (or yield wrongly):
# (noun lemma, cameo, reason). Nouns are singular, as `norm` makes them.
HAND_NOUNS: list[tuple[str, str, str]] = [
    ("talk", "046", "'talks' are negotiations (PLOVER CONSULT)"),
    ("negotiation", "046", "PLOVER CONSULT, negotiation"),
    ("meeting", "040", "PLOVER CONSULT: all consultations and meetings"),
    ("summit", "040", "a meeting of leaders (CONSULT)"),
    ("consultation", "040", "PLOVER CONSULT"),
    ("round", "046", "'round of talks' (the head noun of the phrase)"),
    ("visit", "042", "make a visit (CONSULT, visit)"),
    ("conference", "040", "a meeting (CONSULT)"),
    ("dialogue", "040", "a consultation (CONSULT)"),
    ("discussion", "040", "a consultation (CONSULT); light-verb votes say 036"),
    ("approval", "051", "approve (SUPPORT)"),
    ("suspension", "162", "suspension of aid or ties (SANCTION)"),
    ("expulsion", "166", "expel (SANCTION)"),
    ("mediation", "045", "engage in mediation (CONSULT)"),
    ("proposal", "020", "a proposal put to another party asks it to act (REQUEST)"),
    ("offer", "030", "an offer expresses intent to cooperate (PLOVER AGREE: 'offer')"),
    ("roadmap", "020", "a peace plan put to another party (a proposal: REQUEST)"),
    ("plan", "020", "a plan put to another party (a proposal: REQUEST)"),
    ("blueprint", "020", "a plan put to another party (a proposal: REQUEST)"),
    ("framework", "020", "a plan put to another party (a proposal: REQUEST)"),
    ("memorandum", "020", "a memorandum of proposals (a proposal: REQUEST)"),
    ("ceasefire", "0871", "declare truce, ceasefire (RETREAT, ceasefire)"),
    ("truce", "0871", "declare truce, ceasefire (RETREAT, ceasefire)"),
    ("armistice", "0871", "declare truce, ceasefire (RETREAT, ceasefire)"),
    ("agreement", "057", "sign formal agreement (SUPPORT)"),
    ("treaty", "057", "sign formal agreement (SUPPORT)"),
    ("accord", "057", "sign formal agreement (SUPPORT)"),
    ("call", "020", "a call for something is an appeal (REQUEST)"),
    ("appeal", "020", "an appeal (REQUEST)"),
    ("demand", "100", "a demand (REQUEST)"),
    ("request", "020", "a request (REQUEST)"),
    ("accusation", "112", "accuse (ACCUSE)"),
    ("criticism", "111", "criticize (ACCUSE)"),
    ("condemnation", "111", "condemn (ACCUSE)"),
    ("threat", "130", "threaten (THREATEN)"),
    ("ultimatum", "139", "give ultimatum (THREATEN)"),
    ("attack", "190", "use conventional military force (ASSAULT)"),
    ("strike", "190", "military strike (ASSAULT); labour strikes need context"),
    ("airstrike", "195", "aerial weapons (ASSAULT)"),
    ("offensive", "190", "military force (ASSAULT)"),
    ("war", "190", "military force (ASSAULT)"),
    ("warfare", "190", "military force (ASSAULT)"),
    ("fighting", "190", "military force (ASSAULT)"),
    ("bombardment", "194", "artillery and other heavy weapons (ASSAULT)"),
    ("shelling", "194", "artillery (ASSAULT)"),
    ("bombing", "195", "aerial weapons (ASSAULT)"),
    ("invasion", "192", "occupy territory (COERCE per CAMEO2PLOVER)"),
    ("sanction", "1621", "reduce or stop assistance / exchanges (SANCTION)"),
    ("embargo", "163", "impose embargo (CAMEO2PLOVER: COERCE)"),
    ("protest", "141", "demonstrate or rally (PROTEST)"),
    ("demonstration", "141", "demonstrate or rally (PROTEST)"),
    ("rally", "141", "demonstrate or rally (PROTEST)"),
    ("aid", "070", "provide aid (AID)"),
    ("assistance", "070", "provide aid (AID)"),
    ("arrest", "173", "arrest, detain (COERCE)"),
    ("release", "0841", "release of persons (RETREAT)"),
    ("withdrawal", "0872", "withdrawal of forces (RETREAT)"),
    ("exchange", "0841", "a prisoner exchange releases persons (RETREAT)"),
    ("support", "051", "express support (SUPPORT)"),
    ("praise", "051", "praise (SUPPORT)"),
    ("rejection", "120", "reject (REJECT)"),
    ("refusal", "120", "reject (REJECT)"),
    ("investigation", "090", "investigate (ACCUSE, investigate)"),
    ("lawsuit", "115", "bring lawsuit against (ACCUSE)"),
    ("cooperation", "060", "material cooperation (COOPERATE)"),
    ("deployment", "154", "mobilize armed forces (MOBILIZE)"),
    ("exercise", "062", "joint military exercises: cooperate militarily (COOPERATE)"),
    ("drill", "062", "joint military drills: cooperate militarily (COOPERATE)"),
]

# Light verbs whose object noun names the event itself ("hold talks", "issue a threat");
# patterns under these verbs vote for the nominal code of their object noun.
LIGHT_VERBS = {
    "hold",
    "conduct",
    "stage",
    "launch",
    "carry",
    "issue",
    "declare",
    "mount",
    "lodge",
    "wage",
    "organize",
    "organise",
}

MIN_NOUN_VOTES = 2

# Patterns the dictionary lacks or codes against the PLOVER codebook, written like the
# table's rows: (verbs joined by "|", object words, phrases "prep:word+word", cameo,
# reason). They precede the dictionary's patterns, so they win ties of specificity.
# Members added to the dictionary's synonym sets: (set, member, reason).
HAND_SYNSET_MEMBERS: list[tuple[str, str, str]] = [
    (
        "WEAPON",
        "drone",
        "the weapon of the 2020s wars; without it 'struck bases with drones'"
        " falls to the dictionary's 'strike ... (WITH)', a labour strike (PROTEST)",
    ),
    ("WEAPON", "uav", "as above"),
    ("WEAPON", "warplane", "as 'bomber', which the set has"),
    ("WEAPON", "helicopter", "as 'attack helicopter', which the set has"),
    ("WEAPON", "tank", "as 'battle tank', which the set has"),
    ("WEAPON", "mortar", "as 'artillery', which the set has"),
]

HAND_PATTERNS: list[tuple[str, str, str, str, str]] = [
    (
        "meet",
        "",
        "at",
        "040",
        "the dictionary says 036 (intent to meet); a reported meeting is CONSULT",
    ),
    ("meet", "", "with:leader", "040", "as above"),
    ("meet", "", "for:talk", "046", "as above: a meeting for talks is a negotiation"),
    (
        "agree|reach|conclude|strike|sign|initial|ink|finalize|seal|clinch",
        "&TREATY",
        "",
        "057",
        "codebook SUPPORT: 'ratify, sign, or finalize an agreement'",
    ),
    (
        "agree|reach|conclude|strike|sign|initial|ink|finalize|seal|clinch",
        "deal",
        "",
        "057",
        "as above",
    ),
    ("agree", "", "to:&TREATY", "057", "as above"),
    ("agree", "", "to:deal", "057", "as above"),
    ("agree", "", "on:&TREATY", "057", "as above"),
    ("find", "guilty", "", "116", "CAMEO 116 'find guilty or liable' (ACCUSE)"),
    (
        "file|bring|press|level|lodge",
        "charge",
        "",
        "1121",
        "codebook ACCUSE: 'charge with a crime' (the dictionary says 173, arrest)",
    ),
    ("file|bring|lodge", "lawsuit", "", "115", "CAMEO 115 'bring lawsuit against'"),
    ("file|bring|lodge", "suit", "", "115", "as above"),
    ("file|bring|lodge", "complaint", "", "114", "CAMEO 114 'complain officially'"),
    (
        "remain|stay|be|go|put|place|keep",
        "",
        "on:alert",
        "152",
        "CAMEO 152 'increase military alert status' (the dictionary has it for PUT only)",
    ),
    ("go|come|remain|stay", "", "on:strike", "143", "CAMEO 143 'conduct strike' (PROTEST)"),
    (
        "reduce|cut|lower|ease|lift|roll|slash|scrap|remove",
        "tariff",
        "",
        "085",
        "CAMEO 085 'ease economic sanctions, boycott, embargo' (RETREAT)",
    ),
    (
        "pledge|promise|express|voice|reiterate|reaffirm|declare",
        "support",
        "",
        "051",
        "codebook SUPPORT: 'express support for'; the dictionary reads it as 032 (intent)",
    ),
    (
        "reduce|cut|slash|halt|suspend|freeze|stop|end|withdraw|withhold|cancel|terminate",
        "aid",
        "",
        "162",
        "CAMEO 162 'reduce or stop aid' (SANCTION)",
    ),
    (
        "reduce|cut|slash|halt|suspend|freeze|stop|end|withdraw|withhold|cancel|terminate",
        "assistance",
        "",
        "162",
        "as above",
    ),
    ("expel|eject|oust", "inspector", "", "1662", "CAMEO 1662 'expel inspectors' (SANCTION)"),
    ("expel|eject|oust", "worker", "", "1663", "CAMEO 1663 'expel aid agencies' (SANCTION)"),
    ("expel|eject|oust", "diplomat", "", "166", "CAMEO 166 'expel or withdraw' (SANCTION)"),
    ("expel|eject|oust", "ambassador", "", "166", "as above"),
    ("expel|eject|oust", "peacekeeper", "", "1661", "CAMEO 1661 'expel peacekeepers'"),
    (
        "order|issue|seek|obtain",
        "arrest",
        "",
        "173",
        "CAMEO 173 'arrest, detain, or charge' (COERCE); the dictionary codes 'order' 100",
    ),
    ("order|issue", "warrant", "", "173", "as above: an arrest or production warrant"),
    ("order|issue", "detention", "", "173", "as above"),
    (
        "end|halt|suspend|break|stop|quit|abandon|freeze|terminate",
        "talk",
        "",
        "164",
        "CAMEO 164 'halt negotiations' (SANCTION)",
    ),
    (
        "end|halt|suspend|break|stop|quit|abandon|freeze|terminate",
        "&NEGOTIATION",
        "",
        "164",
        "as above",
    ),
    (
        "end|halt|suspend|break|stop|quit|abandon|freeze|terminate",
        "mediation",
        "",
        "165",
        "CAMEO 165 'halt mediation' (SANCTION)",
    ),
    ("file|bring|press|level|lodge", "charge", "against", "1121", "as 'file charges' above"),
    ("sue", "", "for", "115", "suing is ACCUSE (codebook: 'sue in court'); the dictionary: 173"),
    ("let|set", "free", "", "0841", "release persons (RETREAT); CAMEO has it for SET only"),
    ("call", "off strike", "", "082", "CAMEO 082 'ease political dissent': a strike called off"),
    ("call", "off protest", "", "082", "as above"),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "sanction",
        "",
        "085",
        "CAMEO 085 'ease economic sanctions, boycott, embargo' (RETREAT)",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "embargo",
        "",
        "085",
        "as above",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "boycott",
        "",
        "085",
        "as above",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "ban",
        "",
        "081",
        "CAMEO 081 'ease administrative sanctions' (CONCEDE)",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "restriction",
        "",
        "081",
        "as above",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "curfew",
        "",
        "0813",
        "CAMEO 0813 'ease curfew' (RETREAT)",
    ),
    (
        "lift|ease|relax|end|remove|scrap|drop|loosen|rescind|repeal",
        "blockade",
        "",
        "0872",
        "CAMEO 0872 'ease military blockade' (RETREAT)",
    ),
    (
        "provide|give|deliver|contribute|extend",
        "support",
        "",
        "070",
        "support that is provided or delivered is material: codebook AID",
    ),
    ("hand", "over", "", "084", "handing over persons or property: return, release (RETREAT)"),
]

# ---------------------------------------------------------------------------------------
# End of the hand-written section.
# ---------------------------------------------------------------------------------------


@dataclass
class Row:
    kind: str
    lemma: str
    words: tuple[str, ...]
    preps: tuple[str, ...]
    cameo: str
    pattern: str
    source_verb: str = ""


def read_mapping(path: Path) -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER event, mode, context) from CAMEO2PLOVER, then HAND_CODES."""
    table: dict[str, tuple[str, str, str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        event, mode, context = parts[0], parts[1], ";".join(p for p in parts[2:] if p)
        context = context.replace(" ", "")
        if m.group(1) not in table:
            table[m.group(1)] = (event, mode.replace(" ", ""), context)
    for code, value in HAND_CODES.items():
        table.setdefault(code, value)
    return table


def plover_of(code: str, table: dict[str, tuple[str, str, str]]) -> tuple[str, str, str]:
    """Map a CAMEO code, falling back to its parent codes; ("", "", "") when unmapped."""
    c = code.lstrip(":")
    while c:
        if c in table:
            return table[c]
        c = c[:-1]
        if len(c) == 2 and c in table:
            return table[c]
        if len(c) < 2:
            break
    return ("", "", "")


def parse_code(text: str) -> str | None:
    """`[042:043]` -> "042"; `[:173]` -> ":173"; `[---]` -> "---"; no brackets -> None."""
    m = re.search(r"\[([^\]]*)\]", text)
    if not m:
        return None
    raw = m.group(1).strip()
    if raw.startswith("---") or not raw:
        return "---"
    first, _, second = raw.partition(":")
    first, second = first.strip(), second.strip()
    if first:
        return first
    return ":" + second if second else "---"


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    synsets: dict[str, list[str]] = {}
    current: str | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("&"):
            current = line[1:].strip().rstrip("_")
            synsets[current] = []
        elif line.startswith("+") and current is not None:
            synsets[current].append(line[1:].strip())
        elif line.startswith("---"):
            current = None
    return synsets


def _words(raw: Iterable[str]) -> list[str]:
    out: list[str] = []
    for w in raw:
        w = w.strip("$+^%")
        if not w:
            continue
        if w.startswith("&"):
            out.append("&" + w[1:].rstrip("_"))
        else:
            out.extend(norm(p) for p in w.replace("/", "_").split("_") if p)
    return out


def pattern_slots(body: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Object words and prepositional phrases after `*` (subject words are dropped).

    A phrase is written `prep` or `prep:word+word` ("(FOR &CEASEFIRE)" -> "for:&CEASEFIRE").
    """
    if "*" not in body:
        return None
    after = body.split("*", 1)[1]
    after = re.sub(r"\{([^}]*)\}", lambda m: m.group(1).replace(" ", "_").strip("_"), after)
    words: list[str] = []
    phrases: list[str] = []
    for group, plain in re.findall(r"\(([^)]*)\)|([^()\s]+)", after):
        if group:
            toks = [t for t in group.split() if t not in MARKERS]
            if toks:
                inner = _words(toks[1:])
                prep = norm(toks[0].split("/")[0])
                phrases.append(prep + (":" + "+".join(inner) if inner else ""))
        elif plain and plain not in MARKERS and not plain.startswith("/"):
            words.append(plain)
    return tuple(_words(words)), tuple(phrases)


def read_verbs(lines: list[str]) -> list[Row]:
    """Verb and pattern rows from the VERB PATTERNS section."""
    rows: list[Row] = []
    block_code = "---"
    block_verbs: list[str] = []
    in_verbs = False
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        text = line.strip()
        if not text:
            continue
        if text.startswith("---"):
            m = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", text)
            block_code = parse_code(text) or "---" if m else "---"
            block_verbs = []
            in_verbs = True
            continue
        if text.startswith("-"):
            in_verbs = False
            code = parse_code(text)
            body = re.sub(r"\[[^\]]*\]", "", text[1:])
            slots = pattern_slots(body)
            if code is None or slots is None or not (slots[0] or slots[1]):
                continue
            shown = " ".join(body.split())
            comment = raw.split("#", 1)[1].split(",")[0].strip() if "#" in raw else ""
            origin = comment.split()[0].lower() if comment else ""
            rows.append(
                Row("pattern", "|".join(block_verbs), slots[0], slots[1], code, shown, origin)
            )
            continue
        if text.startswith("~") or not in_verbs:
            continue
        head = re.sub(r"\{[^}]*\}", "", text)
        code = parse_code(head)
        name = re.sub(r"\[[^\]]*\]", "", head).split()
        if not name:
            continue
        word = name[0]
        own = code if code is not None else block_code
        if word.startswith("+"):
            parts = [p for p in word[1:].split("_") if p]
            if not parts:
                continue
            verb = parts[0].lower()
            rest = tuple(norm(p) for p in parts[1:])
            if verb not in block_verbs:
                block_verbs.append(verb)
            if rest:
                rows.append(Row("pattern", verb, (), rest, own, word[1:].replace("_", " ")))
            else:
                rows.append(Row("verb", verb, (), (), own, word[1:]))
        else:
            verb = word.lower().replace("_", "")
            if verb not in block_verbs:
                block_verbs.append(verb)
            rows.append(Row("verb", verb, (), (), own, word))
    return rows


def noun_votes(
    rows: list[Row], synsets: dict[str, list[str]], table: dict[str, tuple[str, str, str]]
) -> dict[str, str]:
    """Nominal codes voted by light-verb patterns with a single object noun or set.

    The pattern's comment names the verb it was first written for; only patterns first
    written for a light verb ("HOLD TALKS", "STAGE DEMONSTRATION") vote, and only for a
    code that maps to a PLOVER event.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.kind != "pattern" or row.source_verb not in LIGHT_VERBS or row.preps:
            continue
        if not plover_of(row.cameo, table)[0]:
            continue
        if len(row.words) != 1 or row.cameo in ("---",) or row.cameo.startswith(":"):
            continue
        word = row.words[0]
        members = synsets.get(word[1:], []) if word.startswith("&") else [word]
        for member in members:
            if " " in member or "_" in member.strip("_"):
                continue
            votes[norm(member)][row.cameo] += 1
    # A noun needs at least two votes: single patterns carry person nouns ("enemy") and
    # places ("prison") that only make sense with their verb.
    return {
        noun: counter.most_common(1)[0][0]
        for noun, counter in votes.items()
        if sum(counter.values()) >= MIN_NOUN_VOTES
    }


def build(resources: Path) -> list[list[str]]:
    """All output rows (without the header)."""
    cameo_path = resources / CAMEO_FILE
    map_path = resources / MAP_FILE
    for path in (cameo_path, map_path):
        if not path.is_file():
            raise SystemExit(f"build_verbs: {path} not found (pass --resources)")
    table = read_mapping(map_path)
    lines = cameo_path.read_text(encoding="utf-8", errors="replace").splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("####### VERB PATTERNS"))
    end = next(i for i, x in enumerate(lines) if x.startswith("######## TRANSFORMATIONS"))
    synsets = read_synsets(lines[:start])
    for name, member, _reason in HAND_SYNSET_MEMBERS:
        synsets.setdefault(name, []).append(member)
    rows = read_verbs(lines[start:end])

    hand_patterns = [
        Row("pattern", verbs, tuple(words.split()), tuple(preps.split()), code, f"hand: {reason}")
        for verbs, words, preps, code, reason in HAND_PATTERNS
    ]
    rows = hand_patterns + rows
    hand_verbs = {verb for verb, _, _ in HAND_VERBS}
    rows = [r for r in rows if not (r.kind == "verb" and r.lemma in hand_verbs)]
    for verb, code, reason in HAND_VERBS:
        rows.append(Row("verb", verb, (), (), code, f"hand: {reason}"))

    nouns = noun_votes(rows, synsets, table)
    hand_nouns = {noun for noun, _, _ in HAND_NOUNS}
    for noun, code in sorted(nouns.items()):
        if noun not in hand_nouns:
            rows.append(Row("noun", noun, (), (), code, "light-verb patterns"))
    for noun, code, reason in HAND_NOUNS:
        rows.append(Row("noun", noun, (), (), code, f"hand: {reason}"))

    out: list[list[str]] = []
    for code in sorted(table, key=lambda c: (c[:2], c)):
        event, mode, context = table[code]
        out.append(
            [
                "cameo",
                code,
                "",
                "",
                code,
                event,
                mode,
                context,
                "CAMEO2PLOVER" if code not in HAND_CODES else "hand: CAMEO 02x appeal",
            ]
        )
    for name, members in sorted(synsets.items()):
        words = sorted({" ".join(norm(p) for p in m.split("_") if p) for m in members})
        out.append(["synset", name, "|".join(words), "", "", "", "", "", ""])
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        cameo = row.cameo
        event, mode, context = ("", "", "") if cameo == "---" else plover_of(cameo, table)
        record = [
            row.kind,
            row.lemma,
            " ".join(row.words),
            " ".join(row.preps),
            cameo,
            event,
            mode,
            context,
            row.pattern.replace("\t", " "),
        ]
        key = tuple(record[:5])
        if key in seen:
            continue
        seen.add(key)
        out.append(record)
    return out


HEADER = """\
# detente verb lexicon, generated by scripts/build_verbs.py; do not edit by hand.
# Sources:
#   CAMEO.2.0.txt: PETRARCH CAMEO verb-pattern dictionary, Open Event Data Alliance,
#     openeventdata/petrarch2 @676801c. MIT License, Copyright (c) 2015 Open Event Data
#     Alliance.
#   CAMEO2PLOVER-2021.txt: CAMEO to PLOVER conversion table, Philip Schrodt,
#     openeventdata/PLOVER @5e0c24f. Creative Commons Attribution-ShareAlike 4.0.
# This derived table is shared under the same terms: CC BY-SA 4.0.
# Rows marked "hand:" in the pattern column come from the hand-written section of the
# script (each with its reason); CAMEO 02x appeals map to PLOVER REQUEST there.
# Columns: kind lemma words preps cameo plover mode context pattern
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = build(args.resources)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / OUT_FILE
    with target.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        fh.write(
            "\t".join(
                ["kind", "lemma", "words", "preps", "cameo", "plover", "mode", "context", "pattern"]
            )
            + "\n"
        )
        for record in rows:
            fh.write("\t".join(record) + "\n")
    print(f"build_verbs: wrote {len(rows)} rows to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
