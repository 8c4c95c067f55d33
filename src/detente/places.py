"""Place names: a location or a government? And which gazetteer entry?

A country or capital name in a role only an actor can fill ("Russia proposed",
"encouraged Moscow and Kyiv", "talks with Kyiv") is a state actor, the capital marked as
a metonym; in a locative phrase ("in Istanbul", "the Istanbul talks") it is a place,
resolved through the gazetteer. Venues ("Ciragan Palace") come from the venue table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from detente.gazetteer import Gazetteer, normalize
from detente.mentions import Candidate, find_toponyms, is_locative
from detente.registry import Registry
from detente.resolution import EXTRACTOR, VERSION, Resolution, evidence, heads
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Evidence,
    Place,
    PlaceMention,
    Span,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A capitalized name outside any entity is taken as a city only if one this large bears it.
MATCH_POPULATION = 100_000
# Kinds of place a town name may denote, for the region vote.
LOCAL_KINDS = frozenset({"city", "admin2"})
# How many entries of a name take part in the region vote, and the size of a place past
# which a name is not a local one.
REGION_CANDIDATES = 25
REGION_LOCAL = 100_000


# Words that make a name a building or site, whatever town it is named after.
BUILDING_WORDS = frozenset(
    {
        "palace",
        "airport",
        "bridge",
        "hotel",
        "base",
        "station",
        "stadium",
        "house",
        "tower",
        "hall",
        "center",
        "centre",
        "plant",
        "port",
        "camp",
        "prison",
        "square",
        "street",
    }
)


class PlaceResolver:
    """Resolves place-name candidates of one Doc; registry and gazetteer are injected."""

    def __init__(self, *, registry: Registry, gazetteer: Gazetteer) -> None:
        self.registry = registry
        self.gazetteer = gazetteer

    def _city_not_building(self, text: str) -> bool:
        """A name the tagger took for a building that is a city of 100,000 or more and
        has no building word in it ("Russian forces shelled Kharkiv": FAC)."""
        if set(text.lower().split()) & BUILDING_WORDS:
            return False
        place = self.gazetteer.resolve(text)
        return place is not None and place.kind == "city" and (place.population or 0) >= 100_000

    def resolve_name(
        self, doc: Doc, article: Article, cand: Candidate, result: Resolution, taken: set[int]
    ) -> None:
        text = doc[cand.start : cand.end].text.removesuffix("'s").strip()
        head = doc[cand.head]
        if cand.label == "FAC":
            venue = self.gazetteer.venue(text)
            if venue is not None:
                result.add_place(
                    PlaceMention(venue, evidence(doc, article, cand.start, cand.end)), cand.head
                )
                taken.update(range(cand.start, cand.end))
                return
            if not self._city_not_building(text):
                return
        country = self.registry.country(text)
        capital = None if country else self.registry.capital(text)
        region = country is not None and country.is_region
        if region and head.dep_ == "poss":
            # "Europe's largest conflict": neither who nor where the event was; `toponyms`
            # still lists the name for the geoparser.
            return
        if capital and self._contained(doc, cand, capital):
            capital = None  # "Paris, Texas": a town, whatever its role
        if not is_locative(head) and (country or capital) and _acting(head):
            code = country.iso3 if country else capital
            assert code is not None
            actor = Actor(
                code=code,
                name=text if region else self._country_name(code),
                kind="group" if region else "state",
                country=code,
            )
            result.add_actor(
                ActorMention(
                    actor,
                    evidence(doc, article, cand.start, cand.end),
                    metonym=capital is not None,
                ),
                *heads(head),
            )
            taken.update(range(cand.start, cand.end))
            return
        if head.dep_ == "compound" and head.head.ent_type_ in {"PERSON", "ORG"}:
            return
        place: Place | None
        if country is not None:
            place = self.gazetteer.country(country.iso3)
        else:
            place = self.gazetteer.resolve(text)
        if place is not None:
            result.add_place(
                PlaceMention(place, evidence(doc, article, cand.start, cand.end)), cand.head
            )
            taken.update(range(cand.start, cand.end))

    def _contained(self, doc: Doc, cand: Candidate, capital_of: str) -> bool:
        """Is the name followed by ", <state or country>" other than the capital's own
        country ("Paris, Texas", "Moscow, Idaho")?"""
        if cand.end + 1 >= len(doc) or doc[cand.end].text != ",":
            return False
        after = doc[cand.end + 1]
        if not after.ent_type_ and not after.text[:1].isupper():
            return False
        end = cand.end + 2
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        found = self.gazetteer.candidates(doc[cand.end + 1 : end].text)
        return (
            bool(found)
            and found[0].kind in {"admin1", "country"}
            and (found[0].country != capital_of)
        )

    def with_missed_places(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        """Add the place names the NER missed or mislabelled: country and capital names
        ("Kyiv" often comes out as an organisation or not at all), names in place-noun
        constructions ("the town of Bakwa", "Laurel County"; `find_toponyms`), and
        capitalized names the gazetteer knows as a country, state, county or a city of at
        least `MATCH_POPULATION` people that no entity covers (`gazetteer_matches`)."""
        candidates = [
            replace(c, label="GPE")
            if c.label in {"NORP", "ORG"}
            and (self.registry.country(t := doc[c.start : c.end].text) or self.registry.capital(t))
            else c
            for c in candidates
        ]
        covered = {i for c in candidates for i in range(c.start, c.end)}
        extra = [
            Candidate(t.i, t.i + 1, t.i, "GPE", is_locative(t))
            for t in doc
            if t.i not in covered
            and t.pos_ == "PROPN"
            and (self.registry.country(t.text) or self.registry.capital(t.text))
        ]
        covered.update(c.start for c in extra)
        for cand in [*find_toponyms(doc), *self.gazetteer_matches(doc)]:
            span = range(cand.start, cand.end)
            if any(i in covered for i in span):
                # A place-noun construction overrides a PERSON/ORG reading of its name.
                clash = [c for c in candidates if c.start < cand.end and cand.start < c.end]
                if not clash or any(c.label in {"GPE", "LOC", "FAC"} for c in clash):
                    continue
                if any(c.start < cand.start or c.end > cand.end for c in clash):
                    continue
                candidates = [c for c in candidates if c not in clash]
            extra.append(cand)
            covered.update(span)
        return sorted([*candidates, *extra], key=lambda c: (c.start, c.end))

    def gazetteer_matches(self, doc: Doc) -> list[Candidate]:
        """Runs of capitalized proper nouns outside any entity whose whole text is a
        gazetteer name with a strong prior: a country, a US state, a county, a continent,
        a region, or a city of at least MATCH_POPULATION people. A name that the article
        also writes in lower case ("Reading", "Bath" beside "bath") is a common word."""
        lower_words = {t.lower_ for t in doc if t.text.islower()}
        out: list[Candidate] = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if token.ent_type_ or token.pos_ != "PROPN" or not token.text[:1].isupper():
                i += 1
                continue
            j = i
            while j < len(doc) and doc[j].pos_ == "PROPN" and not doc[j].ent_type_:
                j += 1
            text = doc[i:j].text
            if (j - i > 1 or token.lower_ not in lower_words) and self._strong(text):
                head = doc[i:j].root
                out.append(Candidate(i, j, head.i, "GPE", is_locative(head)))
            i = j
        return out

    def _strong(self, text: str) -> bool:
        found = self.gazetteer.candidates(text)
        if not found or len(text) < 3:
            return False
        best = found[0]
        if best.kind in {"country", "admin1", "admin2", "continent", "region"}:
            return True
        return best.kind == "city" and (best.population or 0) >= MATCH_POPULATION

    def finish(self, doc: Doc, result: Resolution) -> None:
        """Resolve the Doc's place names together, once every name is known:
        - "City, State" and "City, Country" pairs ("Paris, Texas", "Charleston, W.Va.",
          "Dublin, Ohio"): the first inside the second;
        - the article's context: the countries of its places, of its state actors and
          of its unambiguous names, and the US states it names, passed to
          `Gazetteer.resolve` (a name of several places takes the one inside the context
          unless one elsewhere is far more populous);
        - one sense per document: every mention of a name gets the sense chosen for it,
          and a later bare "Paris" the sense of an earlier "Paris, Texas"."""
        self._same_name_places(doc, result)
        by_token = sorted(result.place_by_token.items())
        if not by_token:
            return
        gazetteer = self.gazetteer
        fixed: dict[int, Place] = {}
        names: dict[int, str] = {}
        for token_i, mention in by_token:
            names[token_i] = mention.evidence.span.text.removesuffix("'s").strip()
        spans = {token_i: (m.evidence.span.start, m.evidence.span.end) for token_i, m in by_token}
        text = doc.text
        # "City, Container" pairs.
        for (a, ma), (b, mb) in pairwise(by_token):
            gap = text[spans[a][1] : spans[b][0]]
            container = self._division(names[b], mb.place)
            if gap.strip() != "," or container.kind not in {"admin1", "country"}:
                continue
            if ma.place.kind in {"venue", "region", "continent"}:
                continue
            if ma.place.kind == "country" and (
                container.kind != "admin1" or container.country == ma.place.country
            ):
                continue  # but "Palestine, Texas" and "Lebanon, Ind." are towns
            within = self._within(names[a], container)
            if within is not None:
                fixed[a] = within
        # Context, by the name that gives it: a name is resolved against the others'.
        countries: dict[str, set[str]] = {}
        regions: dict[str, set[tuple[str, str]]] = {}
        for token_i, mention in by_token:
            place = fixed.get(token_i, self._division(names[token_i], mention.place))
            key = normalize(names[token_i])
            if place.country and (place.kind == "admin1" or token_i in fixed):
                regions.setdefault(key, set()).add((place.country, gazetteer.admin1(place) or ""))
            if place.country and self._unambiguous(names[token_i], place):
                countries.setdefault(key, set()).add(place.country)
        for mention in result.actors:
            if mention.actor.kind == "state" and mention.actor.country:
                key = normalize(mention.evidence.span.text.removesuffix("'s"))
                countries.setdefault(key, set()).add(mention.actor.country)
        for name, state in self._named_in_organisations(doc):
            regions.setdefault(name, set()).add(state)
        self._states_named_as_countries(by_token, names, countries, regions)
        local_names = {
            normalize(names[t]): names[t] for t, m in by_token if m.place.kind in LOCAL_KINDS
        }
        for name in self._counties_in_organisations(doc):
            local_names.setdefault(normalize(name), name)
        named_regions = {r for rs in regions.values() for r in rs}
        voted = self._voted_region(
            local_names, {c for cs in countries.values() for c in cs}, named_regions
        )
        if voted is None and countries:
            # The article's countries may come from a misread actor ("UK" for the
            # University of Kentucky): let the towns vote in every country then.
            voted = self._voted_region(local_names, set(), named_regions)
        if voted is not None:
            regions.setdefault("", set()).add(voted)
        senses: dict[str, Place] = {}
        for token_i, _mention in by_token:
            if token_i in fixed:
                senses.setdefault(normalize(names[token_i]), fixed[token_i])
        for token_i, mention in by_token:
            key = normalize(names[token_i])
            place = mention.place
            if token_i in fixed:
                new = fixed[token_i]
            elif key in senses:
                new = senses[key]
            elif place.kind in {"city", "admin1", "admin2", "country", "continent", "region"}:
                chosen = gazetteer.resolve(
                    names[token_i],
                    country={c for k, cs in countries.items() if k != key for c in cs},
                    admin1={r for k, rs in regions.items() if k != key for r in rs},
                )
                new = chosen if chosen is not None else place
                if new.kind == "country" and place.kind == "country":
                    new = place
                senses[key] = new
            else:
                new = place
            if new is not place:
                replacement = PlaceMention(new, mention.evidence)
                result.place_by_token[token_i] = replacement
                result.places = [replacement if m is mention else m for m in result.places]

    def _same_name_places(self, doc: Doc, result: Resolution) -> None:
        """One sense per document for recognition: a one-word name that the document
        uses as a place elsewhere, or that the gazetteer knows with a strong prior, is a
        place where the syntax puts a location ("in Alexandria", "residents of
        Huntsville", "Steven Sachs of Alexandria") even when the entity recognizer
        called it a person or an organisation; such a one-word "person" is dropped."""
        known = {
            m.evidence.span.text: m
            for m in result.place_by_token.values()
            if m.place.kind != "venue"
        }
        article = next(iter(known.values())).evidence.span.article_id if known else ""
        changed = False
        for token in doc:
            if token.i in result.place_by_token or token.pos_ != "PROPN":
                continue
            if token.ent_type_ not in {"", "PERSON", "ORG"} or (
                token.ent_type_
                and (
                    token.ent_iob_ != "B"
                    or (token.i + 1 < len(doc) and doc[token.i + 1].ent_iob_ == "I")
                )
            ):
                continue  # part of a longer name
            head = token.head
            located = is_locative(token) or (
                token.dep_ == "pobj"
                and head.lower_ in {"of", "from"}
                and head.head.pos_ in {"NOUN", "PROPN"}
            )
            if (
                not located
                or self.registry.country(token.text)
                or self.registry.capital(token.text)
            ):
                continue
            if token.text in known:
                place = known[token.text].place
            elif self._strong(token.text) and self.registry.nationality(token.text) is None:
                place = self.gazetteer.resolve(token.text)
            else:
                continue
            if place is None:
                continue
            span = Span(article or "", token.idx, token.idx + len(token), token.text)
            mention = PlaceMention(place, Evidence(span=span, extractor=EXTRACTOR, version=VERSION))
            result.places.append(mention)
            result.place_by_token[token.i] = mention
            result.actors = [
                a
                for a in result.actors
                if not (a.actor.kind == "person" and a.evidence.span.start == token.idx)
            ]
            if token.i in result.by_token:
                result.by_token[token.i] = [
                    a for a in result.by_token[token.i] if a.actor.kind != "person"
                ]
            changed = True
        if changed:
            result.places.sort(key=lambda m: m.evidence.span.start)

    def _voted_region(
        self, names: dict[str, str], countries: set[str], named: set[tuple[str, str]]
    ) -> tuple[str, str] | None:
        """The first-level division most of the article's town names can lie in, within
        a country of the article ("Dublin", "Newark" and "Licking County" all have an
        entry in Ohio): the region that local news leaves unsaid. Each name votes once
        for every division holding one of its entries, a division the article names
        votes too; the winner needs two votes and more than any other division has, and
        at least one voting name must be a small place's (no entry of REGION_LOCAL
        people or more), so world cities alone ("Paris", "London") never pull an article
        into Kentucky; a name whose towns of that name all lie in one division counts
        twice ("Shreveport")."""
        votes: dict[tuple[str, str], int] = {region: 1 for region in named}
        local: dict[tuple[str, str], bool] = {}
        for name in names.values():
            found = [
                p
                for p in self.gazetteer.candidates(name)[:REGION_CANDIDATES]
                if p.kind in LOCAL_KINDS and (p.country in countries or not countries)
            ]
            is_local = all(
                (p.population or 0) < REGION_LOCAL for p in self.gazetteer.candidates(name)
            )
            held = {(p.country or "", self.gazetteer.admin1(p) or "") for p in found}
            # A name whose towns of that very name all lie in one division ("Shreveport")
            # is the surest voter: it counts twice.
            key = normalize(name)
            unique = len(held) == 1 and any(normalize(p.name) == key for p in found)
            for region in held:
                votes[region] = votes.get(region, 0) + (2 if unique else 1)
                local[region] = local.get(region, False) or is_local
        if not votes:
            return None
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        best, count = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if count >= 2 and count > second and (local.get(best) or best in named):
            return best
        return None

    def _states_named_as_countries(
        self,
        by_token: list[tuple[int, PlaceMention]],
        names: dict[int, str],
        countries: dict[str, set[str]],
        regions: dict[str, set[tuple[str, str]]],
    ) -> None:
        """A country's name that is also a state's ("Georgia") gives the state as context
        when the article's other names lie in the state's country and none in the
        country's: its sense must be settled before the towns are ("Atlanta" beside
        "Georgia" and "Texas" is Atlanta, Georgia)."""
        for token_i, mention in by_token:
            if mention.place.kind != "country":
                continue
            key = normalize(names[token_i])
            others = {c for k, cs in countries.items() if k != key for c in cs}
            if mention.place.country in others:
                continue
            state = next(
                (
                    p
                    for p in self.gazetteer.candidates(names[token_i])
                    if p.kind == "admin1" and p.country in others
                ),
                None,
            )
            if state is not None and state.country:
                countries[key] = {state.country}
                regions.setdefault(key, set()).add(
                    (state.country, self.gazetteer.admin1(state) or "")
                )

    def _counties_in_organisations(self, doc: Doc) -> list[str]:
        """Names of US counties that open the names of organisations or facilities ("the
        Rapides Parish Sheriff's Office", "Henderson County Jail"): voters for the
        article's state, like its towns."""
        out = []
        for ent in doc.ents:
            if ent.label_ not in {"ORG", "FAC"} or len(ent) < 3:
                continue
            start = ent.start + (1 if ent[0].pos_ == "DET" else 0)
            for end in range(start + 2, min(ent.end, start + 4)):
                if doc[end - 1].lower_ in COUNTY_WORDS:
                    name = doc[start:end].text
                    found = self.gazetteer.candidates(name)
                    if found and found[0].kind == "admin2":
                        out.append(name)
                    break
        return out

    def _named_in_organisations(self, doc: Doc) -> list[tuple[str, tuple[str, str]]]:
        """(key, (country, division)) of the first-level divisions that open the names of
        organisations or facilities ("the Indiana State Police", "Kentucky Utilities"):
        such a name places the story in that division though no place mention does."""
        out = []
        for ent in doc.ents:
            if ent.label_ not in {"ORG", "FAC"} or len(ent) < 2:
                continue
            start = ent.start + (1 if ent[0].pos_ == "DET" else 0)
            for end in range(min(ent.end - 1, start + 3), start, -1):
                name = doc[start:end].text
                found = self.gazetteer.candidates(name)
                if found and found[0].kind == "admin1" and found[0].country:
                    code = self.gazetteer.admin1(found[0]) or ""
                    out.append((normalize(name), (found[0].country, code)))
                    break
        return out

    def _division(self, name: str, place: Place) -> Place:
        """A hand-written region's twin among the first-level divisions ("Ontario" is in
        the region table, with its own point, and a province of Canada with a GeoNames
        code), so that it can contain towns and give the article a division context;
        any other place as it is."""
        if place.kind != "region" or not place.country:
            return place
        for other in self.gazetteer.candidates(name):
            if other.kind == "admin1" and other.country == place.country:
                return other
        return place

    def _within(self, name: str, container: Place) -> Place | None:
        """The entry for `name` inside a state or country, or None."""
        region = self.gazetteer.admin1(container) if container.kind == "admin1" else None
        for place in self.gazetteer.candidates(name):
            if place.kind not in {"city", "admin2"} or place.country != container.country:
                continue
            if region is None or self.gazetteer.admin1(place) == region:
                return place
        return None

    def _unambiguous(self, name: str, place: Place) -> bool:
        """Is a resolved name safe context: a country, a state or region, or a city
        whose name has no rival of a hundredth of its size in another country?"""
        if place.kind in {"country", "admin1", "region", "venue"}:
            return True
        if place.kind != "city":
            return False
        rivals = [
            p
            for p in self.gazetteer.candidates(name)
            if p.country != place.country and p.kind in {"city", "country", "admin1"}
        ]
        floor = (place.population or 0) / 100
        return not any((p.population or 0) >= floor or p.kind != "city" for p in rivals)

    def _country_name(self, code: str) -> str:
        return country_name(self.registry, code)


def country_name(registry: Registry, code: str) -> str:
    """The name news uses for a country: "Russia", "Turkey", "the United States"."""
    entry = registry.country(code)
    if entry is None:
        return code
    usable = [
        n
        for n in (entry.name, *entry.names[:4])
        if "," not in n and "." not in n and not n.isupper() and len(n) >= 4
    ]
    name = min(usable, key=len) if usable else entry.name
    if (
        name.startswith("United ")
        or "Republic" in name
        or name
        in {"Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles"}
    ):
        return f"the {name}"
    return name


def _acting(token: Token) -> bool:
    """A place name in a role only an actor can fill."""
    dep = token.dep_
    if dep in {"nsubj", "nsubjpass", "dobj", "iobj", "dative", "poss", "agent"}:
        return True
    if dep == "pobj" and token.head.lower_ in {
        "with",
        "between",
        "to",
        "against",
        "by",
        "from",
        "on",
        "for",
        "among",
    }:
        return True
    if dep == "conj" and token.head.i != token.i:
        return _acting(token.head)
    return False


def toponyms(
    result: Resolution,
    *,
    gazetteer: Gazetteer,
    doc: Doc | None = None,
    registry: Registry | None = None,
    demonyms: bool = True,
) -> list[ToponymMention]:
    """Every place name of a resolved Doc with its gazetteer entry, in text order:
    - the place mentions ("in Istanbul"), kind "place";
    - country and capital names that stand for a government ("Moscow said"), kind
      "metonym", placed where they name;
    - with `doc` and `registry`: country names inside other names ("U.S. Army", "the
      Zimbabwe Electoral Commission"), kind "embedded", and, when `demonyms`, nationality
      words ("Turkish" is Turkey), kind "demonym", both placed at the country.
    """
    out = [ToponymMention(m.place, m.evidence, "place") for m in result.places]
    countries, regions = article_context(result, gazetteer)
    # One sense per document: a name the article uses as a place keeps that sense where it
    # stands for a government ("London" of London, Ontario) or opens another name.
    place_senses = {
        normalize(m.evidence.span.text.removesuffix("'s")): m.place
        for m in result.places
        if m.place.kind != "venue"
    }
    for mention in result.actors:
        if mention.actor.kind != "state" or not mention.actor.country:
            continue
        text = mention.evidence.span.text.removesuffix("'s").strip()
        found = gazetteer.candidates(text)
        if not found:
            continue
        if normalize(text) in place_senses:
            place = place_senses[normalize(text)]
        elif mention.metonym:
            place = gazetteer.resolve(text, country=mention.actor.country) or found[0]
        else:
            # The name's own entry: the country, or a part of it that acts as a state
            # ("Scotland"), else the point of the country it stands for.
            own = found[0].kind == "country" or (
                found[0].kind in {"region", "admin1"} and found[0].country == mention.actor.country
            )
            named = found[0] if own else None
            place = named or gazetteer.country(mention.actor.country) or found[0]
        out.append(ToponymMention(place, mention.evidence, "metonym"))
    if doc is not None and registry is not None:
        taken = set()
        for m in out:
            taken.update(range(m.evidence.span.start, m.evidence.span.end))
        senses = {
            normalize(m.evidence.span.text.removesuffix("'s")): m.place
            for m in out
            if m.place.kind not in {"venue"}
        }
        article = result.places[0].evidence.span.article_id if result.places else ""
        if not article and result.actors:
            article = result.actors[0].evidence.span.article_id
        i = 0
        while i < len(doc):
            token = doc[i]
            if token.idx in taken or not token.text[:1].isupper() or token.pos_ == "DET":
                i += 1
                continue
            found_span = None
            for j in range(min(len(doc), i + 4), i, -1):
                text = doc[i:j].text.removesuffix("'s")
                if j - i > 1 and doc[j - 1].lower_ in COUNTY_WORDS:
                    # "the Guernsey County Sheriff's Office": the county, not Guernsey, when
                    # the article uses it as a place or its state is the article's.
                    county = place_senses.get(normalize(text)) or gazetteer.resolve(
                        text, country=countries, admin1=regions
                    )
                    if (
                        county is not None
                        and county.kind == "admin2"
                        and (
                            normalize(text) in place_senses
                            or (county.country or "", gazetteer.admin1(county) or "") in regions
                        )
                    ):
                        found_span = (j, county, "embedded")
                        break
                    if registry.country(doc[i].text) is not None:
                        break  # not the country either
                entry = registry.country(text)
                if entry is not None and not entry.is_region:
                    place = place_senses.get(normalize(text)) or _local_sense(
                        text, entry.iso3, countries, regions, gazetteer
                    )
                    if place is not None:
                        found_span = (j, place, "embedded")
                        break
                if entry is not None and entry.is_region and token.dep_ == "poss":
                    place = gazetteer.resolve(text)  # "Europe's largest conflict"
                    if place is not None:
                        found_span = (j, place, "embedded")
                        break
                code = registry.nationality(text) if demonyms and j == i + 1 else None
                if code and "-" not in text and (place := gazetteer.country(code)) is not None:
                    found_span = (j, place, "demonym")
                    break
            if found_span is None:
                found_span = _leading_place(doc, i, senses, gazetteer)
            if found_span is None:
                i += 1
                continue
            j, place, kind = found_span
            span = doc[i:j]
            end = span.end_char - (2 if span.text.endswith("'s") else 0)
            out.append(
                ToponymMention(
                    place,
                    Evidence(
                        span=Span(article, span.start_char, end, doc.text[span.start_char : end]),
                        extractor=EXTRACTOR,
                        version=VERSION,
                    ),
                    kind,
                )
            )
            i = j
    out.sort(key=lambda m: m.evidence.span.start)
    return out


# Last words of the names of US counties and parishes.
COUNTY_WORDS = frozenset({"county", "parish", "borough"})


def article_context(
    result: Resolution, gazetteer: Gazetteer
) -> tuple[set[str], set[tuple[str, str]]]:
    """The countries of the article's resolved places and its first-level divisions: those
    it names as places, and the one that most of its towns of different names lie in
    (at least two names, ahead of every other division), the local paper's own state."""
    countries = {m.place.country for m in result.places if m.place.country}
    regions: set[tuple[str, str]] = set()
    towns: dict[tuple[str, str], set[str]] = {}
    for mention in result.places:
        place = mention.place
        if not place.country:
            continue
        code = gazetteer.admin1(place) or ""
        if place.kind == "admin1" and code:
            regions.add((place.country, code))
        elif place.kind in LOCAL_KINDS and code:
            towns.setdefault((place.country, code), set()).add(normalize(place.name))
    ranked = sorted(towns.items(), key=lambda kv: -len(kv[1]))
    if (
        ranked
        and len(ranked[0][1]) >= 2
        and (len(ranked) == 1 or len(ranked[0][1]) > len(ranked[1][1]))
    ):
        regions.add(ranked[0][0])
    return countries, regions


def _local_sense(
    text: str,
    iso3: str,
    countries: set[str],
    regions: set[tuple[str, str]],
    gazetteer: Gazetteer,
) -> Place | None:
    """A country name inside another name, in the article's own context: a state of the
    name ("the Georgia School Boards Association" in an American article) or a town of its
    state ("Palestine" in a Texas paper) when the article's places all lie in one other
    country; else the country."""
    others = countries - {iso3}
    if len(others) == 1 and (iso3 not in countries or regions):
        local = gazetteer.resolve(text, country=others, admin1=regions)
        if local is not None and local.kind != "country":
            return local
    return gazetteer.country(iso3)


def _leading_place(
    doc: Doc, i: int, senses: dict[str, Place], gazetteer: Gazetteer
) -> tuple[int, Place, str] | None:
    """A place name opening an organisation or facility name ("Gainesville Police",
    "the Texas Forest Service", "Dublin City Council"): a US state, or a name the
    document uses as a place elsewhere (in that sense)."""
    token = doc[i]
    label = token.ent_type_
    if label not in {"ORG", "FAC"} or token.pos_ == "DET":
        return None
    opens = token.ent_iob_ == "B" or (
        i > 0 and doc[i - 1].ent_iob_ == "B" and doc[i - 1].lower_ == "the"
    )
    if not opens:
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I" and doc[end].ent_type_ == label:
        end += 1
    for j in range(min(end - 1, i + 3), i, -1):  # a proper prefix of the name
        text = doc[i:j].text.removesuffix("'s")
        key = normalize(text)
        if key in senses:
            return j, senses[key], "embedded"
        found = gazetteer.candidates(text)
        if found and found[0].kind == "admin1":
            return j, found[0], "embedded"
    return None


@dataclass(frozen=True)
class ToponymMention:
    """A place name of the text with its entry: `kind` is "place", "metonym",
    "embedded" or "demonym" (see `toponyms`)."""

    place: Place
    evidence: Evidence
    kind: str = "place"
