"""detente's own taxonomy of what peace negotiations are about, and its words.

An *issue* is a subject a provision or a position can be about ("ceasefire",
"prisoner_exchange", "limits_on_armed_forces"). Each issue names the UCDP Peace Agreement
Dataset flag and the PA-X codebook variables it maps to, where one exists, so a provision
read from the news can be compared with coded agreements, and carries the cue patterns
that recognise it in a phrase. A *stance* is what a party says about an issue; a round's
*format* is how the parties meet.

The patterns match lower-cased text. A phrase takes the issue whose cue starts earliest
in it ("the return of children taken into occupied territory" is about the children, not
the territory); ties go to the issue listed first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    key: str
    label: str
    ucdp: str | None  # one of the 20 UCDP peace-agreement provision flags
    pax: tuple[str, ...]  # PA-X codebook variables
    cues: tuple[str, ...]  # regular expressions over lower-cased text


_PRISONERS = r"(?:prisoners?|pows?|detainees|captives|hostages|captured (?:soldiers|servicemen))"
_PEOPLE = r"(?:refugees|displaced|idps|civilians|deportees|residents|population)"

ISSUES: tuple[Issue, ...] = (
    Issue(
        "ceasefire",
        "Ceasefire",
        "cease",
        ("Ce",),
        (
            r"\bcease-?fires?\b",
            r"\btruces?\b",
            r"\barmistice\b",
            r"\bcessation of (?:all )?(?:hostilities|fighting|attacks|strikes)",
            r"\b(?:halt|end|stop|pause|moratorium)(?:s|ing)? (?:to |on |of )?(?:the |all )?"
            r"(?:fighting|hostilities|strikes|attacks|shelling)",
            r"\b(?:short|local|brief|temporary|humanitarian) (?:\w+ )?(?:pauses?|lulls?)\b",
        ),
    ),
    Issue(
        "prisoner_exchange",
        "Prisoner exchange or release",
        "pris",
        ("TjPrire",),
        (
            rf"\b(?:exchange|swap|release|return|handover|trade)s? of "
            rf"(?:\w+[- ]){{0,4}}{_PRISONERS}",
            rf"\b{_PRISONERS} (?:exchange|swap|release)s?\b",
            rf"\b(?:exchange|swap|release|free|return)(?:d|s|ing)? "
            rf"(?:[\w,]+[- ]){{0,7}}{_PRISONERS}",
            r"\ball[- ]for[- ]all\b",
        ),
    ),
    Issue(
        "return_of_children",
        "Return of children",
        None,
        ("GCh",),
        (
            r"\b(?:return|repatriation|reunification)s? of (?:\w+[- ]){0,4}(?:children|minors)",
            r"\b(?:deported|abducted|forcibly transferred|taken) (?:\w+ ){0,2}children",
        ),
    ),
    Issue(
        "return_of_civilians",
        "Return of refugees, displaced people or civilians",
        "return",
        ("GRef",),
        (
            rf"\b(?:return|repatriation|resettlement)s? of (?:\w+[- ]){{0,4}}{_PEOPLE}",
            rf"\b{_PEOPLE} (?:would |will |to )?return",
        ),
    ),
    Issue(
        "return_of_remains",
        "Return of the bodies of the dead",
        None,
        ("TjMis",),
        (
            r"\b(?:return|repatriation|exchange|handover|transfer)s? of (?:\w+[- ]){0,5}"
            r"(?:bodies|remains|dead)\b",
            r"\b(?:bodies|remains) (?:of )?(?:\w+ ){0,4}(?:soldiers|servicemen|fallen)",
        ),
    ),
    Issue(
        "humanitarian_access",
        "Humanitarian access and corridors",
        None,
        (),
        (
            r"\bhumanitarian (?:access|corridors?|aid|assistance|pause|convoys?)",
            r"\b(?:aid|relief) (?:deliveries|convoys|access)",
            r"\bevacuation of civilians",
        ),
    ),
    Issue(
        "leaders_meeting",
        "Meeting of leaders",
        None,
        (),
        (
            r"\b(?:summit|meeting|talks) (?:between|of) (?:the )?(?:two )?(?:\w+ ){0,3}"
            r"(?:leaders|presidents|heads of state)",
            r"\bleaders'? (?:meeting|summit)",
            r"\b(?:direct |face-to-face |personal )?(?:meeting|summit) between (?:\w+ ){0,3}"
            r"(?:president|prime minister|leader)",
            r"\b(?:presidents?|leaders?) (?:[\w.]+ ){1,8}(?:to |would |should |could )?meet\b",
        ),
    ),
    Issue(
        "multilateral_talks",
        "Talks widened to other states or organisations",
        None,
        (),
        (
            r"\b(?:negotiations|talks|consultations|conference) (?:\w+ ){0,2}"
            r"(?:involving|including|with the participation of|joined by)\b",
            r"\b(?:international|multilateral) (?:peace )?(?:conference|talks|negotiations)",
        ),
    ),
    Issue(
        "further_talks",
        "Further rounds of talks",
        None,
        (),
        (
            r"\b(?:further|subsequent|new|next|another|more|continued) (?:round of )?"
            r"(?:negotiations|talks|rounds?)",
            r"\bround of (?:negotiations|talks)",
            r"\bworking groups?\b",
            r"\b(?:begin|start|open|launch|resume|hold)(?:s|ed|ing)? (?:\w+ ){0,2}"
            r"(?:negotiations|talks)\b",
            r"\bnegotiations (?:on|towards|toward|for) (?:a |the )?(?:\w+ ){0,2}"
            r"(?:peace|final|comprehensive|lasting) (?:agreement|deal|settlement|treaty)",
        ),
    ),
    Issue(
        "national_dialogue",
        "National dialogue",
        "natalks",
        (),
        (r"\bnational dialogue", r"\bnational (?:conference|reconciliation talks)"),
    ),
    Issue(
        "recognition_of_occupied_territory",
        "Recognition of control over occupied or annexed territory",
        None,
        ("StDef",),
        (
            r"\brecogni(?:[sz]e|[sz]ed|[sz]ing|tion) (?:\w+ ){0,4}"
            r"(?:sovereignty|annexation|control)",
            r"\b(?:sovereignty|annexation) (?:\w+ ){0,3}(?:over|of) (?:\w+ ){0,3}"
            r"(?:territor|region|crimea|donbas|land)",
            r"\brecogni(?:[sz]e|[sz]ed|[sz]ing|tion) (?:of )?(?:the )?(?:crimea|donbas|"
            r"(?:annexed|occupied|seized|four|five|disputed) (?:regions|territor|lands?))",
        ),
    ),
    Issue(
        "territory",
        "Territory, front lines and withdrawal from land",
        None,
        (),
        (
            r"\b(?:cede|cession|hand(?:ing)? over|give up|surrender)\w* (?:of )?(?:\w+ ){0,3}"
            r"(?:territor|land|regions?)",
            r"\b(?:line of contact|front ?lines?|territorial (?:concessions|integrity|issues))",
            r"\bterritor(?:y|ies|ial)\b",
        ),
    ),
    Issue(
        "border_demarcation",
        "Border demarcation",
        "demarcation",
        ("StBor",),
        (
            r"\b(?:demarcation|delimitation) of (?:the )?(?:border|boundary)",
            r"\bborder demarcation",
        ),
    ),
    Issue(
        "withdrawal_of_forces",
        "Withdrawal of forces",
        "withd",
        (),
        (
            r"\bwithdraw(?:al|s|ing)? (?:of )?(?:all )?(?:\w+ ){0,3}(?:troops|forces|army|units|"
            r"fighters|militants|rebels|combatants|soldiers)",
            r"\b(?:any|a|full|complete|total) withdrawal\b(?! (?:from|of) (?:the )?(?:talks|"
            r"negotiations|agreement|deal|treaty|accord|process))",
            r"\b(?:troops|forces) (?:would |will |to )?(?:withdraw|pull (?:out|back))",
            r"\bpull-?(?:out|back) of (?:\w+ ){0,2}(?:troops|forces)",
            r"\bwithdraw(?:al|s|n|ing)? (?:to|from|behind|beyond) "
            r"(?!(?:the |a |an )?(?:\w+ )?(?:talks|negotiations|agreement|deal|treaty|accord|"
            r"process|pact|organi[sz]ation|alliance|race|election)\b)",
            r"\b(?:military|troop|army|full|complete|phased|gradual|partial) withdrawal\b",
        ),
    ),
    Issue(
        "security_guarantees",
        "Security guarantees",
        None,
        ("SsrGua",),
        (
            r"\bsecurity (?:guarantees?|assurances?)",
            r"\bguarantees? (?:of|for) (?:\w+ ){0,2}security",
        ),
    ),
    Issue(
        "alliance_membership",
        "Alliance membership and neutrality",
        None,
        (),
        (
            r"\b(?:nato|alliance) (?:membership|accession|enlargement|expansion)",
            r"\b(?:membership|accession) (?:in|to) (?:nato|the alliance)",
            r"\bneutral(?:ity| status)\b",
            r"\bnon-?aligned status",
        ),
    ),
    Issue(
        "limits_on_armed_forces",
        "Limits on the size or arms of armed forces",
        None,
        ("SsrArm",),
        (
            r"\b(?:restrictions?|limits?|limitations?|caps?|ceilings?|constraints?) "
            r"(?:on|to) (?:\w+[' ]*){0,5}(?:military|army|armed forces|forces|troops|arms|"
            r"weapons|defen[cs]e)",
            r"\bdemilitari[sz](?:ation|e)\b",
            r"\b(?:reduce|reduction of|cut) (?:the size of )?(?:\w+ ){0,2}(?:army|armed forces)",
        ),
    ),
    Issue(
        "foreign_troops",
        "Foreign or peacekeeping troops",
        "pko",
        ("ImPK",),
        (
            r"\bpeace-?keep(?:ing|ers?)\b",
            r"\b(?:foreign|western|european|international|multinational) (?:\w+ ){0,2}"
            r"(?:troops|forces?|contingent|peacekeepers|monitors|observers)\b",
            r"\b(?:monitoring|observer) mission",
        ),
    ),
    Issue(
        "sanctions_relief",
        "Sanctions relief",
        None,
        (),
        (
            r"\b(?:lift|lifting|ease|easing|relief|removal|suspension) (?:of )?(?:the )?"
            r"(?:\w+ ){0,2}sanctions",
            r"\bsanctions (?:relief|would be lifted|be lifted)",
        ),
    ),
    Issue(
        "reparations",
        "Reparations and compensation",
        None,
        ("TjRep",),
        (r"\breparations?\b", r"\bcompensation (?:for|to)\b", r"\bwar damages?\b"),
    ),
    Issue(
        "accountability",
        "War crimes accountability",
        None,
        ("TjCou",),
        (r"\bwar crimes?\b", r"\baccountability\b", r"\btribunal\b", r"\bprosecution of\b"),
    ),
    Issue(
        "amnesty",
        "Amnesty",
        "amn",
        ("TjAm",),
        (r"\bamnest(?:y|ies)\b", r"\bpardons?\b"),
    ),
    Issue(
        "elections",
        "Elections",
        "elections",
        ("Ele",),
        (r"\belections?\b", r"\bvote\b", r"\bpolls\b"),
    ),
    Issue(
        "referendum",
        "Referendum",
        "ref",
        (),
        (r"\breferend(?:um|a|ums)\b", r"\bplebiscite\b"),
    ),
    Issue(
        "interim_government",
        "Interim or transitional government",
        "interim",
        ("PolNewTemp",),
        (
            r"\b(?:interim|transitional|provisional|caretaker) "
            r"(?:government|administration|council)",
        ),
    ),
    Issue(
        "power_sharing",
        "Power sharing in government",
        "pp",
        ("Polps",),
        (r"\bpower[- ]sharing\b", r"\b(?:unity|coalition) government"),
    ),
    Issue(
        "autonomy",
        "Autonomy or special status",
        "aut",
        ("Terps",),
        (r"\bautonom(?:y|ous)\b", r"\bspecial status\b", r"\bself-rule\b"),
    ),
    Issue(
        "federalism",
        "Federal arrangement",
        "fed",
        ("Terps",),
        (r"\bfederal(?:ism|isation|ization| system| structure| state)\b",),
    ),
    Issue(
        "independence",
        "Independence",
        "ind",
        (),
        (r"\bindependence\b", r"\bsecession\b"),
    ),
    Issue(
        "ddr",
        "Disarmament, demobilisation and reintegration",
        "ddr",
        ("SsrDdr",),
        (
            r"\bdisarm(?:ament|ing)?\b",
            r"\bdemobili[sz]ation\b",
            r"\breintegration of (?:\w+ )?"
            r"(?:fighters|combatants|rebels)",
        ),
    ),
    Issue(
        "integration_into_army",
        "Integration of fighters into the army",
        "intarmy",
        ("SsrArm",),
        (
            r"\b(?:integration|integrate|incorporation)\w* (?:of )?(?:\w+ ){0,3}(?:into|in) "
            r"(?:the )?(?:national )?(?:army|armed forces|security forces)",
        ),
    ),
    Issue(
        "reconciliation",
        "Reconciliation and truth-seeking",
        "recon",
        ("TjNR",),
        (r"\breconciliation\b", r"\btruth (?:and reconciliation )?commission"),
    ),
    Issue(
        "minority_rights",
        "Language, religious and minority rights",
        None,
        (),
        (
            r"\b(?:rights|protection) of (?:\w+[- ]){0,2}(?:minorit|speakers|language|"
            r"church|believers)",
            r"\b(?:status of the \w+ language|language rights)",
        ),
    ),
    Issue(
        "peace_process",
        "Commitment to peace or to the talks",
        None,
        (),
        (
            r"\b(?:pursu\w*|seek\w*|achiev\w*|work\w* (?:for|toward)) (?:a )?(?:lasting |just |"
            r"durable )?peace\b",
            r"\bpeace process\b",
            r"\bpeaceful (?:settlement|resolution)",
            r"\bdiplomatic (?:solution|settlement)",
        ),
    ),
    Issue(
        "gender",
        "Women's participation and gender provisions",
        "gender",
        ("GeWom",),
        (r"\bwomen\b", r"\bgender\b"),
    ),
)

BY_KEY: dict[str, Issue] = {issue.key: issue for issue in ISSUES}
_COMPILED: tuple[tuple[Issue, tuple[re.Pattern[str], ...]], ...] = tuple(
    (issue, tuple(re.compile(p) for p in issue.cues)) for issue in ISSUES
)


def issue_of(text: str) -> Issue | None:
    """The issue a phrase is about: the cue that starts earliest wins; None if none does."""
    low = text.lower()
    best: tuple[int, int, Issue] | None = None
    for rank, (issue, patterns) in enumerate(_COMPILED):
        for pattern in patterns:
            match = pattern.search(low)
            if match is not None and (best is None or (match.start(), rank) < best[:2]):
                best = (match.start(), rank, issue)
    return best[2] if best else None


def issue(key: str) -> Issue:
    """The issue of a key; KeyError names the known keys."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown issue {key!r}; known: {', '.join(BY_KEY)}") from None


# -- stances -------------------------------------------------------------------------------

STANCES: tuple[str, ...] = (
    "demands",
    "proposes",
    "accepts",
    "accepts_with_conditions",
    "rejects",
    "commits",
)
# Verbs whose subject takes a stance on their object, by stance.
STANCE_VERBS: dict[str, str] = {
    **dict.fromkeys(
        ["demand", "insist", "require", "seek", "want", "press", "urge", "call"], "demands"
    ),
    **dict.fromkeys(["propose", "offer", "suggest", "table", "float", "raise"], "proposes"),
    **dict.fromkeys(["accept", "agree", "endorse", "approve", "back", "support"], "accepts"),
    **dict.fromkeys(["reject", "refuse", "dismiss", "oppose", "veto", "exclude"], "rejects"),
    **dict.fromkeys(["commit", "pledge", "vow", "promise", "undertake", "guarantee"], "commits"),
}
# Phrasal stances: (verb lemma, particle) -> stance.
STANCE_PHRASES: dict[tuple[str, str], str] = {
    ("rule", "out"): "rejects",
    ("call", "for"): "demands",
    ("insist", "on"): "demands",
    ("press", "for"): "demands",
    ("agree", "to"): "accepts",
    ("put", "forward"): "proposes",
}
CONDITION_MARKS: frozenset[str] = frozenset(
    {"if", "provided", "providing", "unless", "condition", "conditions", "only"}
)
# How far a stance supports the issue's provision coming about (ordinal, not a utility).
SUPPORT: dict[str, int] = {
    "rejects": 0,
    "accepts_with_conditions": 1,
    "accepts": 2,
    "proposes": 3,
    "demands": 3,
    "commits": 3,
}

# -- rounds ----------------------------------------------------------------------------------

# Words that say how a round is held, and what each implies.
FORMATS: dict[str, tuple[str, ...]] = {
    "face-to-face": ("direct", "face-to-face"),
    "in-person": ("direct", "face-to-face"),
    "direct": ("direct",),
    "proximity": ("indirect", "proximity"),
    "indirect": ("indirect",),
    "shuttle": ("indirect", "shuttle"),
    "mediated": ("indirect",),
    "video": ("video",),
    "virtual": ("video",),
    "online": ("video",),
    "videoconference": ("video",),
    "phone": ("phone",),
    "telephone": ("phone",),
}
FORMAT_ORDER: tuple[str, ...] = (
    "direct",
    "indirect",
    "face-to-face",
    "proximity",
    "shuttle",
    "video",
    "phone",
)
# Sectors of a party that is not a state: armed groups, separatists, the opposition.
NON_STATE_SECTORS: frozenset[str] = frozenset({"REB", "INS", "SEP", "OPP"})
ROUND_NOUNS: frozenset[str] = frozenset(
    {"talk", "talks", "negotiation", "negotiations", "round", "meeting", "session", "summit"}
)

# -- proposals -------------------------------------------------------------------------------

# Nouns that name a negotiating document.
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    {
        "roadmap",
        "road-map",
        "declaration",
        "framework",
        "blueprint",
        "memorandum",
        "plan",
        "proposal",
        "draft",
        "initiative",
        "formula",
        "points",
        "terms",
        "ultimatum",
    }
)
# Plain words that point back to a proposal named before ("the document also calls for").
DOCUMENT_ANAPHORS: frozenset[str] = frozenset({"document", "text", "paper", "option"})
# Verbs that change a proposal's status, by the status they give it.
STATUS_VERBS: dict[str, str] = {
    **dict.fromkeys(["draft", "prepare", "write", "develop", "craft", "finalize"], "drafted"),
    **dict.fromkeys(["send", "deliver", "transmit", "forward", "hand", "give"], "sent"),
    **dict.fromkeys(["present", "submit", "table", "unveil", "put", "outline"], "presented"),
    **dict.fromkeys(["await", "expect", "wait"], "awaited"),
    **dict.fromkeys(["accept", "approve", "endorse", "sign", "adopt"], "accepted"),
    **dict.fromkeys(["reject", "dismiss", "refuse", "spurn"], "rejected"),
    **dict.fromkeys(["propose", "offer", "suggest"], "proposed"),
}
# Verbs whose subject is a proposal and whose complements are its provisions.
PROVISION_VERBS: frozenset[str] = frozenset(
    {
        "begin",
        "start",
        "open",
        "call",
        "include",
        "envisage",
        "envision",
        "foresee",
        "provide",
        "propose",
        "stipulate",
        "contain",
        "demand",
        "require",
        "seek",
        "outline",
        "set",
        "consist",
        "end",
        "conclude",
        "culminate",
        "continue",
        "move",
        "proceed",
        "feature",
        "offer",
        "cover",
        "suggest",
    }
)
# Words that put what follows in a later step of a sequence.
NEXT_STEP: frozenset[str] = frozenset(
    {
        "then",
        "followed",
        "subsequent",
        "subsequently",
        "after",
        "afterwards",
        "later",
        "next",
        "thereafter",
        "finally",
        "second",
        "third",
        "final",
        "culminate",
        "culminating",
        "end",
        "conclude",
    }
)
FIRST_STEP: frozenset[str] = frozenset({"begin", "begins", "start", "starts", "open", "first"})
