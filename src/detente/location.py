"""The event's own location: which place named in a sentence is where the event happened.

    where = event_location(trigger, places, nouns=[talks])   # one of `places`, or None

`places` maps the head token of each place name in the Doc to whatever the caller keeps
for it (a PlaceMention in the event stage, a span in the scorer). The choice reads the
dependency parse only:

1. a place in a locative phrase on the trigger or on its event nouns ("clashes erupted in
   Aleppo", "talks in Istanbul", "the Istanbul talks"), however deep inside that phrase
   ("in the bombardment of the Aziziyah district", "at Ciragan Palace in Istanbul");
2. the place the event acts on, for verbs of taking, striking or moving over ground
   (`TERRITORIAL`: "captured Gaza", "liberated the cities of Palmyra", "patrolled the
   streets of Reynosa", "Gaza was shelled");
3. a locative phrase on a verb that governs the trigger, unless that verb reports speech
   ("In Vienna, thousands marched to celebrate ...");
4. a sentence-initial or dateline-like "In X," phrase anywhere above the trigger;
5. any other place of the sentence that nothing below rules out (parses of long
   sentences attach phrases wrongly often enough that a place is better than none).

Never chosen: where the speaker stood ("said in Washington" when saying is not the
event), a place that acts ("Moscow said"), the origin of a movement ("fled from Aleppo"),
or a place merely mentioned in another clause (a relative or reported clause that does
not hold the trigger). Ties go to the place nearest the trigger in the tree, then in the
text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from detente.mentions import LOCATIVE_PREPS, PLACE_NOUNS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

T = TypeVar("T")

# Verbs whose direct object (or passive subject) is the ground the event happens on.
TERRITORIAL = frozenset(
    {
        "capture",
        "seize",
        "take",
        "overrun",
        "liberate",
        "occupy",
        "retake",
        "recapture",
        "storm",
        "raid",
        "attack",
        "bomb",
        "shell",
        "strike",
        "hit",
        "invade",
        "besiege",
        "surround",
        "encircle",
        "enter",
        "patrol",
        "control",
        "visit",
        "tour",
        "rock",
        "target",
        "blockade",
        "flood",
        "evacuate",
        "clear",
        "free",
        "loot",
        "burn",
        "destroy",
        "pound",
        "bombard",
        "reach",
        "cross",
        "hold",
        "defend",
        "lose",
        "siege",
        "infiltrate",
        "ambush",
        "torch",
        "march",
    }
)
# Verbs of saying: a place on them is where the speaker stood.
REPORTING = frozenset(
    {
        "say",
        "tell",
        "announce",
        "report",
        "state",
        "add",
        "claim",
        "declare",
        "note",
        "insist",
        "confirm",
        "deny",
        "warn",
        "write",
        "quote",
        "according",
        "speak",
        "explain",
        "stress",
        "argue",
    }
)
# Prepositions that never give the event's location ("from" is an origin).
NOT_LOCATIVE = frozenset({"from", "to", "with", "between", "against", "by", "for", "about"})
# Dependencies that open another clause: a place inside belongs to that clause's event.
CLAUSES = frozenset({"relcl", "ccomp", "parataxis", "csubj"})
# Dependent clauses of the event's own (adverbial, participial, open complements): a place
# inside is often the event's too ("killed fighting in the town of Qusayr"), ranked lower.
SOFT_CLAUSES = frozenset({"acl", "advcl", "xcomp", "pcomp"})
# Dependencies that make a name act (a government, not a ground).
ACTING = frozenset({"nsubj", "agent", "iobj", "dative", "poss", "appos"})
# Nouns of place that a location name may sit under ("the town of Bakwa").
EXTRA_LOCATIVE = frozenset({"during", "amid", "outside", "inside", "off", "along", "across"})
# Subordinators of a clause that tells another event than the trigger's: a condition, a
# cause, a concession or an earlier start ("even if he is not in Switzerland", "since
# bombers hit Istanbul"); a place inside is not where the trigger's event happened.
OTHER_EVENT_MARKS = frozenset(
    {"if", "unless", "because", "since", "although", "though", "whereas", "whether"}
)
# Prepositions that set the event after or before another one ("captured ... after a
# rocket attack near the base at Shkin"): a place inside belongs to that other event.
OTHER_EVENT_PREPS: frozenset[str] = frozenset()
# Verbs of going somewhere: "to" on them gives where the event went ("marched to the city
# government offices", "the checkpoint leading to the airport").
DESTINATION_VERBS = frozenset(
    {"march", "lead", "walk", "parade", "head", "advance", "proceed", "move", "drive"}
)
# Event nouns whose "on"/"against" object is the ground ("the attack on Sere Kaniye",
# "the siege on Manbij"); "on" after other nouns gives a topic ("a statement on Iraq").
ASSAULT_NOUNS = frozenset(
    {
        "attack", "attacks", "assault", "assaults", "raid", "raids", "strike", "strikes",
        "airstrike", "airstrikes", "siege", "offensive", "bombardment", "shelling",
        "crackdown", "offensives", "push", "advance", "march", "invasion", "incursion",
    }
)  # fmt: skip
# Units of distance: "10 miles from the city of X" places the event near X.
DISTANCE_UNITS = frozenset(
    {"mile", "miles", "kilometer", "kilometers", "kilometre", "kilometres", "km", "kms"}
)
# Dependencies of a noun that acts: a place name modifying it says whose or where from
# ("a Tampa woman shot", "the Dili students demonstrated"), not where the event was.
ACTOR_DEPS = frozenset({"nsubj"})
# Places of a state abroad: a country name on them says whose ("the US embassy").
MISSION_NOUNS = frozenset({"embassy", "consulate", "mission", "legation"})
# Head nouns that make an unknown name a division, by size ("Homs province", "Pulwama
# district"): the kind it ranks as in `SPECIFICITY`.
DIVISION_NOUNS = {
    "province": "admin1",
    "governorate": "admin1",
    "region": "admin1",
    "state": "admin1",
    "oblast": "admin1",
    "prefecture": "admin1",
    "district": "admin2",
    "county": "admin2",
    "countryside": "admin2",
    "municipality": "admin2",
    "parish": "admin2",
}


def event_location(
    trigger: Token,
    places: Mapping[int, T],
    *,
    nouns: Iterable[Token] = (),
    countries: Collection[int] = (),
    specificity: Mapping[int, int] | None = None,
) -> T | None:
    """The place (a value of `places`) where the event of `trigger` happened, or None.

    `countries` holds the head tokens of the places that are countries: a country name
    modifying a noun other than the event's ("a U.S. airstrike", "US soldiers") says
    whose, not where. `specificity` ranks places of one tier: lower is smaller (a
    village before its province, a city before its country; see `SPECIFICITY`)."""
    ranked = rank_locations(
        trigger, places, nouns=nouns, countries=countries, specificity=specificity
    )
    return ranked[0] if ranked else None


def rank_locations(
    trigger: Token,
    places: Mapping[int, T],
    *,
    nouns: Iterable[Token] = (),
    countries: Collection[int] = (),
    specificity: Mapping[int, int] | None = None,
) -> list[T]:
    """The places of the trigger's sentence that may be its location, best first: by
    tier, then the most specific place (the event happened in the village, which lies
    in the province), then the nearest in the tree and in the text."""
    sent = trigger.sent
    anchors = [trigger, *nouns]
    specificity = specificity or {}
    scored: list[tuple[int, int, int, int, T]] = []
    for i, value in places.items():
        if not (sent.start <= i < sent.end):
            continue
        head = trigger.doc[i]
        if (
            head.dep_ in {"compound", "amod", "nmod"}
            and head.head.i not in {a.i for a in anchors}
            and (head.head.lower_ not in PLACE_NOUNS or head.head.lower_ in MISSION_NOUNS)
            and (i in countries or head.head.dep_ in ACTOR_DEPS)
        ):
            continue  # "a U.S. airstrike", "the US embassy": whose, not where
        if _across_quote(head, trigger):
            continue  # a title or a quotation the trigger stands outside
        tier = _tier(head, trigger, anchors)
        if tier is None:
            continue
        size = specificity.get(i, 0)
        if tier == 1 and size < 0 and head.dep_ == "dobj" and head.head.i == trigger.i:
            tier = 2  # an unknown name as the object ("captured Abu Zubaydah ... in Pakistan")
        if _reference(head):
            size += 10  # "in Diyala province, north of Baghdad": Baghdad only locates it
        scored.append(
            (
                tier,
                size,
                _tree_distance(head, trigger),
                abs(i - trigger.i),
                value,
            )
        )
    scored.sort(key=lambda row: row[:4])
    return [row[4] for row in scored]


# How large a kind of place is, for `specificity`: a name the gazetteer does not know is
# usually a village, a district or a site, the smallest of all (negative: `rank_locations`
# also reads it as "unknown").
SPECIFICITY = {
    "unknown": -1,
    "venue": 0,
    "city": 1,
    "admin2": 2,
    "admin1": 3,
    "region": 3,
    "country": 4,
    "continent": 5,
}


# Words that make a capitalized name an organisation's or a person's, not a place's.
NOT_PLACE_WORDS = frozenset(
    {
        "agency", "army", "association", "bank", "brigade", "church", "committee",
        "company", "congress", "corp", "council", "court", "forces", "front", "government",
        "group", "inc", "institute", "league", "ministry", "movement", "news", "party",
        "police", "post", "times", "team", "union", "university", "organization",
        "organisation", "parliament", "school", "college", "club", "co", "ltd",
    }
)  # fmt: skip
# Entity labels under which a name in a place's slot may still be a place (the small
# model calls many towns ORG or PRODUCT).
UNSURE_LABELS = frozenset({"", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT"})


def ground_names(doc: Doc) -> list[tuple[int, int, int]]:
    """(start, end, head) token spans of capitalized names that the syntax puts where only a
    place fits though the entity recognizer missed them or called them an organisation:
    the object of a locative preposition ("in al-Bukamal"), the object of a verb of taking
    or striking ("captured Birao", "patrolled Kakata"), or a modifier of a place noun ("the
    Balata refugee camp", "Kawkab army base"). Never a person's name, an all-capital
    acronym ("SDF") or a name holding an organisation word (`NOT_PLACE_WORDS`)."""
    out: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    for token in doc:
        if token.i in seen or token.pos_ != "PROPN" or token.ent_type_ not in UNSURE_LABELS:
            continue
        if token.dep_ == "compound" and token.head.pos_ == "PROPN":
            continue  # not the head of its name
        start, end = _name_extent(token)
        words = [t for t in doc[start:end] if t.is_alpha]
        if not words or any(
            not (t.text[:1].isupper() or (t.is_lower and len(t) <= 3)) for t in words
        ):
            continue
        if any(t.lower_ in NOT_PLACE_WORDS or t.ent_type_ == "PERSON" for t in doc[start:end]):
            continue
        if len(words) == 1 and words[0].text.isupper():
            continue
        if any(c.dep_ == "poss" and c.pos_ == "NOUN" for c in token.children):
            continue  # "the city's central Bazaar": a part of a place named before
        if not _ground_slot(token):
            continue
        out.append((start, end, token.i))
        seen.update(range(start, end))
    return out


BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})


def border_names(doc: Doc) -> list[tuple[int, int, int]]:
    """(start, end, head) token spans of borders named by the two sides they divide
    ("the Lebanese-Israeli border", "the Greek-Macedonian frontier"): capitalized words
    joined by hyphens before a border noun."""
    out: list[tuple[int, int, int]] = []
    for token in doc:
        if token.lower_ not in BORDER_NOUNS:
            continue
        start = token.i
        while start > 0 and (
            doc[start - 1].text == "-"
            or (doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha)
        ):
            start -= 1
        words = doc[start : token.i]
        if (
            len(words) >= 3
            and any(t.text == "-" for t in words)
            and words[0].text != "-"
            and words[-1].text != "-"
        ):
            out.append((start, token.i + 1, token.i))
    return out


def _name_extent(head: Token) -> tuple[int, int]:
    """The tokens of a name headed by `head`: its compound and hyphen parts on the left
    ("Mazar - e - Sharif", "al - Bukamal"), or its entity when it has one."""
    if head.ent_type_:
        start = end = head.i
        doc = head.doc
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = head.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return start, end
    start = head.i
    for child in reversed(list(head.lefts)):
        if child.i == start - 1 and (
            child.dep_ in {"compound", "punct", "nummod", "nmod"}
            and (child.pos_ in {"PROPN", "PUNCT"} or child.text == "-" or child.is_lower)
        ):
            start = child.left_edge.i if child.left_edge.i < child.i else child.i
        else:
            break
    if start < head.i and head.doc[start].text == "-":
        start += 1
    return start, head.i + 1


# Ways, whose names follow "on" ("a bomb went off on the Yaha Road").
ROAD_NOUNS = frozenset({"road", "street", "highway", "avenue", "boulevard", "lane"})
# Buildings that a place-like name may modify ("in al-Zahawi school").
FACILITY_NOUNS = frozenset(
    {"school", "hospital", "mosque", "church", "temple", "stadium", "prison", "hotel"}
)
# Nouns of a part or the surroundings of a place ("in the vicinity of Kobane").
AREA_NOUNS = frozenset(
    {"vicinity", "outskirts", "outskirt", "suburbs", "centre", "center", "heart", "edge"}
)


def _ground_slot(token: Token) -> bool:
    """Is the name where only a place fits (see `ground_names`)?"""
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        if head.lower_ in {"on", "against"} and head.head.lower_ in ASSAULT_NOUNS:
            return True  # "the siege on Manbij"
        if head.lower_ == "on" and token.lower_ in ROAD_NOUNS:
            return True  # "on the Saipatae-Yaha Road"
        if head.lower_ == "of" and head.head.lower_ in AREA_NOUNS:
            return head.head.dep_ == "pobj" and head.head.head.lower_ in LOCATIVE_PREPS
        return head.lower_ in LOCATIVE_PREPS and head.lower_ not in {"on", "over", "by"}
    if token.dep_ in {"dobj", "nsubjpass"} and head.pos_ == "VERB":
        return head.lemma_.lower() in TERRITORIAL
    if token.dep_ == "compound" and head.lower_ in PLACE_NOUNS | FACILITY_NOUNS:
        return True
    if token.dep_ == "appos" and head.dep_ in {"dobj", "nsubjpass", "pobj"}:
        return _ground_slot(head) or head.lower_ in PLACE_NOUNS
    if token.dep_ == "compound":
        nxt = head
        return nxt.dep_ == "compound" and nxt.head.lower_ in PLACE_NOUNS
    return False


def _names_ground(place: Token, trigger: Token) -> bool:
    """An appositive that names the ground of a verb of taking or striking ("the main
    Kabul military base, Darulaman Palace, was captured")."""
    ground = place.head
    return (
        place.dep_ == "appos"
        and ground.dep_ in {"dobj", "nsubjpass"}
        and ground.head.i == trigger.i
        and trigger.lemma_.lower() in TERRITORIAL
    )


def _owns_ground(place: Token, trigger: Token) -> bool:
    """A possessive on the ground of a verb of taking or striking ("patrolled Venezuela's
    oil installations", "shelled Syria's north") names where the event happened."""
    ground = place.head
    return (
        place.dep_ == "poss"
        and ground.dep_ in {"dobj", "nsubjpass"}
        and ground.head.i == trigger.i
        and trigger.lemma_.lower() in TERRITORIAL
    )


# Words that name a part of a place ("south Kashmir", "northern Iraq"): the part is of the
# same kind as the place for `SPECIFICITY`.
COMPASS = frozenset(
    {
        "north", "south", "east", "west", "northern", "southern", "eastern", "western",
        "central", "northeastern", "northwestern", "southeastern", "southwestern",
        "northeast", "northwest", "southeast", "southwest", "upper", "lower",
    }
)  # fmt: skip


def division_kind(name: str, head: Token | None = None) -> str | None:
    """The kind of place a name the gazetteer does not know denotes by its last word
    ("Homs province" is a first-level division, "Pulwama district" a second-level one)
    or, given its head token, by the noun it names ("the province of Irian Jaya"); or
    None."""
    words = name.lower().split()
    if len(words) > 1 and words[-1] in DIVISION_NOUNS:
        return DIVISION_NOUNS[words[-1]]
    if head is not None and head.dep_ == "pobj" and head.head.lower_ == "of":
        return DIVISION_NOUNS.get(head.head.head.lower_)
    return None


def without_compass(name: str) -> str:
    """The place a part of it is named after: "south Kashmir" -> "Kashmir"."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in COMPASS:
        words = words[1:]
    return " ".join(words)


def _other_event(clause: Token) -> bool:
    """An adverbial clause that tells another event (see OTHER_EVENT_MARKS)."""
    return clause.dep_ == "advcl" and any(
        child.dep_ == "mark" and child.lower_ in OTHER_EVENT_MARKS for child in clause.children
    )


def _tier(place: Token, trigger: Token, anchors: list[Token]) -> int | None:
    """1-4 as in the module docstring (lower is better), or None when ruled out."""
    if _antecedent_ground(place, trigger):
        return 2
    if (
        place.dep_ in ACTING
        and not _under_locative(place, trigger)
        and not _owns_ground(place, trigger)
        and not _names_ground(place, trigger)
    ):
        return None
    path = _path_to(place, anchors)
    if path is not None:
        anchor, steps = path
        kinds = _kinds(steps, anchor)
        if kinds is not None:
            # A place inside an adverbial clause of the trigger ("captured while carrying
            # out an attack in northern Israel") ranks below one on the trigger itself.
            extra = 2 if "clause" in kinds else 0
            if "coordinated" in kinds:
                if "ground" in kinds or "locative" in kinds:
                    return 5
            elif "actor" in kinds:
                # A place in the phrase of the subject says whose or where from before
                # it says where: it ranks with the loose places.
                if "ground" in kinds or "locative" in kinds:
                    return 5
            elif place.dep_ == "poss" and "ground" in kinds:
                return 2 + extra  # the ground's owner, after the ground itself
            elif "ground" in kinds or "locative" in kinds:
                return 1 + extra
        elif anchor.i == trigger.i:
            return None  # under the trigger, but in another event's phrase or clause
    # A governing verb's locative phrase ("In Vienna, ... marched to celebrate").
    governor = trigger.head
    seen = 0
    while governor.i != trigger.i and seen < 6:
        if governor.lemma_.lower() in REPORTING:
            break
        path = _path_to(place, [governor])
        if path is not None:
            kinds = _kinds(path[1], governor)
            if kinds is not None and "locative" in kinds:
                return 3
        if governor.head.i == governor.i:
            break
        governor = governor.head
        seen += 1
    if _sentence_initial_in(place) and not _under_reporting(place, trigger):
        return 4
    if _loose(place, trigger):
        return 5
    return None


def _antecedent_ground(place: Token, trigger: Token) -> bool:
    """The trigger in a relative clause on a place that owns its ground or is where it
    happened ("Iraq, whose targets were bombed", "Aleppo, where clashes erupted")."""
    return (
        trigger.dep_ == "relcl"
        and trigger.head.i == place.i
        and any(t.lower_ in {"whose", "where"} for t in trigger.subtree if t.i < trigger.i)
    )


def _loose(place: Token, trigger: Token) -> bool:
    """A place elsewhere in the sentence that nothing rules out: not acting, not an
    origin or a party, not under a verb of saying, not in a relative clause; when the
    trigger is in a relative clause, not outside it (the main clause tells another
    event)."""
    if trigger.dep_ == "relcl" and not any(t.i == trigger.i for t in place.ancestors):
        return False
    current = place
    for _ in range(40):
        if current.head.i == current.i:
            return True
        if current.dep_ in CLAUSES or current.dep_ in {"advcl", "acl"}:
            return False
        if current.dep_ == "conj" and current.pos_ in {"VERB", "AUX"}:
            return False  # a coordinated clause tells its own event
        if current.dep_ == "prep" and (
            current.lower_ in NOT_LOCATIVE
            or current.lower_ in OTHER_EVENT_PREPS
            or current.lower_ == "according"
        ):
            return False
        current = current.head
        if current.i == trigger.i:
            return True
        if current.lemma_.lower() in REPORTING and current.pos_ == "VERB":
            return False
    return False


def _path_to(place: Token, anchors: list[Token]) -> tuple[Token, list[Token]] | None:
    """The tokens from `place` up to (not including) the first anchor among its ancestors."""
    steps: list[Token] = []
    current = place
    ids = {a.i for a in anchors}
    for _ in range(40):
        if current.i in ids:
            return current, steps
        if current.head.i == current.i:
            return None
        steps.append(current)
        current = current.head
    return None


def _kinds(steps: list[Token], anchor: Token) -> set[str] | None:
    """What the path from a place up to its anchor passes through: a locative preposition
    ("locative"), the object of a territorial verb ("ground"), a dependent clause
    ("clause"); None when it crosses a clause of another event (a relative, reported or
    coordinated clause, a clause of condition or cause, a phrase set before or after
    another event, two nested dependent clauses), an origin, a party or a topic."""
    kinds: set[str] = set()
    for n, token in enumerate(steps):
        dep = token.dep_
        if _other_event(token):
            return None
        if dep == "conj" and token.pos_ in {"VERB", "AUX"}:
            if _later(token):
                return None  # "shot ... and later died at the hospital": another event
            if any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
                kinds.add("coordinated")  # "..., and in the X area four were hurt"
        if dep in SOFT_CLAUSES:
            kinds.add("clause")
            continue
        if dep in CLAUSES:
            return None
        if token.lower_ == "according":
            return None  # "according to a statement from the ministry in Abu Dhabi"
        if dep == "prep":
            word = token.lower_
            head = token.head
            if word in OTHER_EVENT_PREPS:
                return None
            if word == "on" and n == 1 and _topic(steps[0], head):
                return None  # "a statement on Iraq"
            if word in {"on", "against"} and head.lower_ in ASSAULT_NOUNS:
                kinds.add("ground")  # "the attack on Sere Kaniye"
            elif word in LOCATIVE_PREPS or word in EXTRA_LOCATIVE:
                kinds.add("locative")
            elif word == "between" and head.lower_ in PLACE_NOUNS | AREA_NOUNS:
                kinds.add("locative")  # "in the buffer zone between the border and X"
            elif word == "to" and head.lemma_.lower() in DESTINATION_VERBS:
                kinds.add("locative")  # "marched to the city government offices"
            elif word == "from" and _distance(token):
                kinds.add("locative")  # "10 miles from the city of X"
            elif word in NOT_LOCATIVE and not kinds:
                return None
        elif dep == "npadvmod" and token.head.i == anchor.i:
            kinds.add("locative")
        elif dep in {"compound", "nmod", "amod"} and token.head.i == anchor.i:
            if anchor.pos_ in {"NOUN", "PROPN"}:
                kinds.add("locative")
        elif dep in {"dobj", "nsubjpass"} and token.head.i != anchor.i:
            verb = token.head
            if verb.dep_ in SOFT_CLAUSES and verb.lemma_.lower() in TERRITORIAL:
                kinds.add("ground")  # "killed while defending Kawkab army base"
    last = steps[-1] if steps else None
    if last is not None and last.dep_ in {"dobj", "nsubjpass"}:
        if anchor.lemma_.lower() in TERRITORIAL:
            kinds.add("ground")
        elif last.dep_ == "dobj" and not kinds:
            return None  # "killed a US adviser": the object is a party, not a ground
    if last is not None and last.dep_ in {"nsubj", "nsubjpass"} and len(steps) > 1:
        if "ground" not in kinds:
            kinds.add("actor")  # "a merchant in the city's bazaar was killed": whose
    return kinds


# Adverbs that put a coordinated verb after the trigger's event ("and later died").
LATER = frozenset({"later", "then", "afterwards", "subsequently", "eventually"})


def _later(verb: Token) -> bool:
    """A coordinated verb told as a later event ("was shot and later died at ...")."""
    return any(child.dep_ == "advmod" and child.lower_ in LATER for child in verb.children)


def _topic(place: Token, prep_head: Token) -> bool:
    """A bare proper name after "on" on a noun other than an assault is a topic ("a key
    statement on Iraq", "talks on Ukraine"), not a place."""
    return (
        prep_head.pos_ in {"NOUN", "PROPN"}
        and prep_head.lower_ not in ASSAULT_NOUNS
        and place.pos_ == "PROPN"
        and not any(child.dep_ == "det" for child in place.children)
    )


def _distance(prep: Token) -> bool:
    """Is "from" preceded by a distance ("10 miles from", "a few km from"), on it or on
    the word it hangs from?"""
    return prep.head.lower_ in DISTANCE_UNITS or any(
        child.lower_ in DISTANCE_UNITS and child.i < prep.i
        for child in (*prep.children, *prep.head.children)
    )


def _under_locative(place: Token, trigger: Token) -> bool:
    """An appositive or possessive inside a locative phrase ("in Aleppo, Syria's ...")."""
    current = place
    for _ in range(6):
        if current.head.i == current.i or current.head.i == trigger.i:
            return False
        current = current.head
        if current.dep_ == "prep" and current.lower_ in LOCATIVE_PREPS:
            return True
    return False


def _sentence_initial_in(place: Token) -> bool:
    """A place in a phrase that opens the sentence ("In Vienna, ...")."""
    sent = place.sent
    current = place
    for _ in range(4):
        if current.dep_ == "prep" and current.lower_ in {"in", "at"}:
            return current.i - sent.start <= 1
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _under_reporting(place: Token, trigger: Token) -> bool:
    current = place
    for _ in range(40):
        if current.head.i == current.i:
            return False
        current = current.head
        if current.i == trigger.i:
            return False
        if current.lemma_.lower() in REPORTING and current.pos_ == "VERB":
            return True
    return False


QUOTES = frozenset({'"', "\u201c", "\u201d", "``", "''"})


def _across_quote(place: Token, trigger: Token) -> bool:
    """Is a quotation mark's boundary between the place and the trigger (an odd number of
    quotation marks between them): one is inside a quotation or a title ("captured by
    Graham Greene in \"Our Man in Havana\""), the other outside?"""
    low, high = sorted((place.i, trigger.i))
    marks = sum(1 for t in place.doc[low + 1 : high] if t.text in QUOTES)
    return marks % 2 == 1


def _reference(place: Token) -> bool:
    """A place that only serves to locate another ("north of Baghdad", "west of the
    capital"): the object of "of" after a compass word."""
    prep = place.head
    return (
        place.dep_ == "pobj"
        and prep.lower_ == "of"
        and prep.head.lower_ in COMPASS
        and prep.head.i != prep.i
    )


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a, *a.ancestors]
    up_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, token in enumerate(up_a):
        if token.i in up_b:
            return n + up_b[token.i]
    return 99


__all__ = [
    "REPORTING",
    "TERRITORIAL",
    "border_names",
    "division_kind",
    "event_location",
    "ground_names",
    "rank_locations",
    "without_compass",
]
