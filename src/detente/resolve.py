"""Resolve: turn mention candidates into Actors and Places, with in-document coreference.

- Persons: a run of capitalized tokens is split into nationality, title and name
  ("Russian | Foreign Minister | Sergey Lavrov"); the name is looked up in the actor
  registry (office valid on the article's date); an appositive gives a role ("advisor to
  Russian President Vladimir Putin"). A later surname ("Lavrov") is the same person.
- Bodies: nationality + agent noun ("Turkish Foreign Ministry", "Ukrainian negotiators")
  is country + sector; named organisations come from the registry.
- Place names (places.py): a location ("in Istanbul") goes to the gazetteer; a country or capital in
  an acting role ("Russia proposed", "encouraged Moscow and Kyiv") is a state actor, the
  capital marked as a metonym. One sense per document for place names.

The result maps head tokens to actor mentions, which is how the event stage finds the
actors of a verb's subject and objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from detente.gazetteer import Gazetteer
from detente.mentions import Candidate, find_mentions, is_locative
from detente.places import PlaceResolver, country_name
from detente.registry import Office, Registry, surname
from detente.resolution import Resolution, evidence, heads, side_of
from detente.taxonomy import NON_STATE_SECTORS
from detente.vocabulary import Actor, ActorMention, Article

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PERSON_PRONOUNS = frozenset({"he", "she"})
# Sectors through which a state acts: a mention in one of them is the state itself.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
# Adjectives between a nationality and its noun that change what kind of actor the noun
# is ("Russian civilian advisers" are civilians, "Afghan opposition leaders" opposition).
# Nouns for a people living somewhere ("the Albanian population of the province").
_PEOPLE_NOUNS = frozenset({"population", "minority", "community"})
_KIND_ADJECTIVES = frozenset({"civilian", "opposition", "rebel", "military", "religious"})


def _surname_key(name: str) -> str:
    last = name.split()[-1].lower()
    for suffix in ("iy", "yy", "y", "i"):
        if last.endswith(suffix) and len(last) > 4:
            return last[: -len(suffix)]
    return last


class Resolver:
    """Resolves the mentions of one Doc; registry and gazetteer are injected."""

    def __init__(self, *, registry: Registry, gazetteer: Gazetteer) -> None:
        self.registry = registry
        self.gazetteer = gazetteer
        self.places = PlaceResolver(registry=registry, gazetteer=gazetteer)

    # -- entry point ----------------------------------------------------------------------

    def resolve(self, doc: Doc, article: Article) -> Resolution:
        result = Resolution()
        on = article.published_date
        taken: set[int] = set()
        people: dict[str, Actor] = {}
        candidates = find_mentions(doc)
        for chain in self._titled_names(doc, _capitalized_chains(doc)):
            self._person_or_body(doc, article, chain, on, result, taken, people)
        candidates = self.places.with_missed_places(doc, candidates)
        for cand in candidates:
            if any(i in taken for i in range(cand.start, cand.end)):
                continue
            text = doc[cand.start : cand.end].text
            if cand.label == "ORG" and cand.locative and self.gazetteer.venue(text) is not None:
                cand = replace(cand, label="FAC")  # "at the White House": the building
            if cand.label == "PERSON" and self._place_not_person(text, people, on):
                # the tagger's PERSON on "Kyiv" or "Bosphorus": a place (or a government)
                cand = replace(cand, label="GPE")
            if (
                cand.label in {"GPE", "NORP"}
                and self.registry.country(text) is None
                and (self.registry.nationality(text))
            ) or (cand.label in {"GPE", "NORP", "LOC"} and self._names_body(doc, cand)):
                # "Ukrainian negotiators"; a country name before or owning an agent noun:
                # "Mozambique government", "Ivory Coast rebels", "Belarus's rulers".
                self._nationality(doc, article, cand, result, taken)
            elif cand.label in {"GPE", "LOC", "FAC"} and self._body_not_place(text):
                # the tagger's GPE on "M23": a body the registry names
                self._organization(doc, article, cand, result, taken)
            elif cand.label in {"GPE", "LOC", "FAC"}:
                self.places.resolve_name(doc, article, cand, result, taken)
            elif cand.label == "ORG":
                self._organization(doc, article, cand, result, taken)
            elif (
                cand.label == "PERSON"
                and cand.end - cand.start == 1
                and (
                    self.registry.nationality(text) and doc[cand.head].dep_ in {"amod", "compound"}
                )
            ):
                # the tagger's PERSON on a nationality adjective ("Moldovan officials")
                self._nationality(doc, article, cand, result, taken)
            elif cand.label == "PERSON":
                self._surname(doc, article, cand, result, taken, people)
        for cand in candidates:
            if cand.label == "NORP" and not any(i in taken for i in range(cand.start, cand.end)):
                self._nationality(doc, article, cand, result, taken)
        for token in doc:
            if token.i not in taken and token.text[:1].isupper():
                key = _surname_key(token.text)
                if key in people and token.pos_ in {"PROPN", "NOUN"}:
                    actor = people[key]
                    result.add_actor(
                        ActorMention(actor, evidence(doc, article, token.i, token.i + 1)),
                        token.i,
                    )
                    taken.add(token.i)
        _capitals_as_governments(result)
        self._pronouns(doc, article, result, taken)
        self._office_of_country(doc, article, result, taken)
        self._pairs(doc, article, result)
        self._definite_references(doc, article, result)
        self._definite_officials(doc, article, result)
        self.places.finish(doc, result)  # context, "City, State", one sense per document
        result.actors.sort(key=lambda m: m.evidence.span.start)
        result.places.sort(key=lambda m: m.evidence.span.start)
        return result

    # -- persons and bodies ---------------------------------------------------------------

    def _person_or_body(
        self,
        doc: Doc,
        article: Article,
        chain: tuple[int, int],
        on: date | None,
        result: Resolution,
        taken: set[int],
        people: dict[str, Actor],
    ) -> None:
        start, end = chain
        start = _with_leading_title(doc, start, end, self._title)
        tokens = list(doc[start:end])
        whole = doc[start:end].text
        if self._country_of_word(whole) or self.registry.capital(whole):
            return  # a place name or a nationality: the place and nationality steps decide
        known = people.get(_surname_key(whole)) if end - start == 1 else None
        if end - start == 1 and known is None and self._city_not_person(doc[start], people, on):
            return  # "Bukavu" tagged PERSON: the place step decides
        if end - start == 1 and (known is not None or tokens[0].ent_type_ != "PERSON"):
            if known is not None and tokens[0].pos_ in {"PROPN", "NOUN"}:
                result.add_actor(ActorMention(known, evidence(doc, article, start, end)), start)
                taken.add(start)
            return
        country: str | None = None
        i = 0
        # Leading nationality or country ("Russian", "U.S.", "Ukraine's").
        if tokens and (nat := self._country_of_word(tokens[0].text)):
            country, i = nat, 1
        # Then the longest title ("Foreign Minister", "President").
        title_entry = None
        title_text = ""
        for j in range(len(tokens), i, -1):
            words = " ".join(t.text for t in tokens[i:j])
            entry = self._title(words)
            if entry is not None:
                title_entry, title_text, i = entry, _title_case(words), j
                if title_text.endswith("s") and not entry.surface.endswith("s"):
                    title_text = title_text[:-1]  # "Presidents X and Y": each a President
                break
        name_tokens = tokens[i:]
        name = " ".join(t.text for t in name_tokens).removesuffix(" 's")
        is_person_ent = any(t.ent_type_ == "PERSON" for t in name_tokens)
        person = (
            self.registry.person(name, on=on)
            if name and (len(name_tokens) >= 2 or is_person_ent or title_entry)
            else None
        )
        if (
            name_tokens
            and country
            and not title_entry
            and not is_person_ent
            and self.registry.person(name, on=on) is None
            and self.registry.agent(name) is not None
        ):
            name_tokens = []  # "Montenegro Assembly": a country's body, not a name
        if not name_tokens and (org := self.registry.organization(whole)) and not org.country:
            # "European Community": an international body, not Europe's community
            actor = Actor(
                code=org.code, name=org.name, kind="organization", country=None, sector=org.sector
            )
            result.add_actor(
                ActorMention(actor, evidence(doc, article, start, end)), *heads(doc[end - 1])
            )
            taken.update(range(start, end))
            return
        if not name_tokens:
            # No name left: a body ("Turkish Foreign Ministry") if the rest is an agent.
            words = " ".join(t.text for t in tokens[1 if country else 0 :])
            sector = self.registry.agent(words) if words else None
            if country and sector and tokens[-1].pos_ == "PROPN":
                actor = Actor(
                    code=f"{country}{sector}",
                    name=doc[start:end].text,
                    kind="organization",
                    country=country,
                    sector=sector,
                )
                result.add_actor(
                    ActorMention(actor, evidence(doc, article, start, end)),
                    *heads(doc[end - 1]),
                )
                taken.update(range(start, end))
            return
        described = (
            len(name_tokens) >= 2
            and all(t.pos_ == "PROPN" for t in name_tokens)
            and not any(t.ent_type_ == "ORG" for t in name_tokens)
            and self._appositive_role(doc, doc[end - 1], on, set()) is not None
        )  # "Sumbu Sita Mambu, a senior adviser to President Felix Tshisekedi"
        if not (person or is_person_ent or described or (title_entry and len(name_tokens) >= 2)):
            return
        if any(t.ent_type_ in {"GPE", "LOC", "FAC", "EVENT", "NORP"} for t in name_tokens):
            return
        role = None
        sector = title_entry.sector if title_entry else None
        if title_entry and country:
            role = f"{title_text} of {self._country_name(country)}"
        root = doc[end - 1]
        appos_role = self._appositive_role(doc, root, on, taken)
        if appos_role:
            role, appos_sector, appos_country = appos_role
            sector = sector or appos_sector
            country = country or appos_country
        if person is None and country is None and (title_entry or is_person_ent):
            country = self.registry.country_of_name(name)  # "President Bush": USA either way
        if person is not None:
            office = person.office_on(person.last_day(on)) if on else None
            country = country or person.country
            known_sector = person.sector_on(person.last_day(on)) if on else person.sector
            if title_entry is None and known_sector:
                # An apposition's common noun ("the group's chief negotiator") does not
                # outrank the registry's office of a known person.
                sector = known_sector
            sector = sector or person.sector
            if role is None and title_entry and country:
                # The article's own words for the office, the registry's country.
                role = f"{title_text} of {self._country_name(country)}"
            if role is None and office is not None:
                role = self._office_role(office, person.country)
            full_name = person.name
            code = person.id
        else:
            full_name = name
            code = "-".join(w.lower() for w in name.split())
        actor = Actor(
            code=code,
            name=full_name,
            kind="person",
            country=country,
            sector=sector,
            role=role,
            wikidata=person.wikidata if person is not None else None,
        )
        people[_surname_key(full_name)] = actor
        people[_surname_key(name)] = actor
        if person is not None:  # "Xi" after "Xi Jinping", "Moon" after "Moon Jae-in"
            people.setdefault(_surname_key(surname(full_name, person.country)), actor)
        result.add_actor(ActorMention(actor, evidence(doc, article, start, end)), root.i)
        taken.update(range(start, end))

    def _office_role(self, office: Office | None, country: str | None) -> str | None:
        """ "Minister of Defence of Ukraine" as written; "government official" of a Phoenix
        role gets its country ("government official of Russia")."""
        if office is None:
            return None
        if " of " in office.title:
            return office.title
        where = office.country or country
        return f"{office.title} of {self._country_name(where)}" if where else office.title

    def _appositive_role(
        self, doc: Doc, root: Token, on: date | None, taken: set[int]
    ) -> tuple[str, str | None, str | None] | None:
        """ "X, advisor to Russian President Vladimir Putin" -> a role, sector, country."""
        for child in root.children:
            if child.dep_ != "appos":
                continue
            entry = self._title(child.text)
            if entry is None:
                continue
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ in {"to", "of"}:
                    for obj in prep.children:
                        if obj.dep_ != "pobj":
                            continue
                        chain = _chain_of(doc, obj)
                        words = list(doc[chain[0] : chain[1]])
                        country = self._country_of_word(words[0].text) if words else None
                        if words and country is None:
                            # "aide to President Vladimir Putin": the country of the
                            # person named
                            other = self.registry.person(" ".join(t.text for t in words), on=on)
                            country = other.country if other else None
                            if country:
                                words = [doc[chain[0]], *words]  # title starts at words[1:]
                        inner = None
                        inner_text = ""
                        for j in range(len(words), 1, -1):
                            inner_text = " ".join(t.text for t in words[1:j])
                            inner = self._title(inner_text)
                            if inner:
                                break
                        if inner and country:
                            return (
                                f"{_title_case(child.text)} {prep.lower_} the "
                                f"{_title_case(inner_text)} of "
                                f"{self._country_name(country)}",
                                entry.sector,
                                country,
                            )
            # "X, Ukraine's deputy foreign minister": the title's own modifiers and the
            # country that owns it.
            words = [
                t for t in doc[child.left_edge.i : child.i] if t.pos_ in {"NOUN", "ADJ", "PROPN"}
            ]
            country = None
            for t in doc[child.left_edge.i : child.i]:
                if t.dep_ in {"poss", "amod", "compound"} and (
                    code := self._country_of_word(t.text)
                ):
                    country = code
                    words = [w for w in words if w.i != t.i]
                    taken.add(t.i)  # the person's own country, not another actor
            title_words = " ".join(w.text for w in words) + f" {child.text}"
            longer = self._title(title_words.strip())
            if longer is not None:
                entry, title_text = longer, title_words.strip()
            else:
                title_text = child.text
            role = _title_case(title_text)
            if country:
                role = f"{role} of {self._country_name(country)}"
            return role, entry.sector, country
        return None

    def _surname(
        self,
        doc: Doc,
        article: Article,
        cand: Candidate,
        result: Resolution,
        taken: set[int],
        people: dict[str, Actor],
    ) -> None:
        name = doc[cand.start : cand.end].text
        actor = people.get(_surname_key(name))
        if actor is None:
            person = self.registry.person(name, on=article.published_date)
            if person is None:
                actor = Actor(code="-".join(name.lower().split()), name=name, kind="person")
            else:
                day = person.last_day(article.published_date) if article.published_date else None
                office = person.office_on(day) if day else None
                actor = Actor(
                    code=person.id,
                    name=person.name,
                    kind="person",
                    country=person.country,
                    sector=person.sector_on(day),
                    role=self._office_role(office, person.country),
                    wikidata=person.wikidata,
                )
            people[_surname_key(name)] = actor
        result.add_actor(
            ActorMention(actor, evidence(doc, article, cand.start, cand.end)), cand.head
        )
        taken.update(range(cand.start, cand.end))

    def _organization(
        self, doc: Doc, article: Article, cand: Candidate, result: Resolution, taken: set[int]
    ) -> None:
        text = doc[cand.start : cand.end].text
        org = self.registry.organization(text)
        if org is None:
            # A body the registry does not list, named with a country word and an agent
            # noun ("Montenegro Municipality Association", "Tehran University").
            coded = self.registry.code(text, on=article.published_date)
            if coded.kind == "person" or not coded.country or coded.sector in {None, "UNK"}:
                return
            actor = Actor(
                code=f"{coded.country}{coded.sector}",
                name=text.removeprefix("the ").removeprefix("The "),
                kind="organization",
                country=coded.country,
                sector=coded.sector,
            )
            result.add_actor(
                ActorMention(actor, evidence(doc, article, cand.start, cand.end)),
                *heads(doc[cand.head]),
            )
            taken.update(range(cand.start, cand.end))
            return
        actor = Actor(
            code=org.code,
            name=org.name,
            kind="organization",
            country=org.country,
            sector=org.sector,
        )
        result.add_actor(
            ActorMention(actor, evidence(doc, article, cand.start, cand.end)),
            *heads(doc[cand.head]),
        )
        taken.update(range(cand.start, cand.end))

    def _nationality(
        self, doc: Doc, article: Article, cand: Candidate, result: Resolution, taken: set[int]
    ) -> None:
        token = doc[cand.head]
        text = doc[cand.start : cand.end].text
        code = self.registry.nationality(text) or (
            entry.iso3 if (entry := self.registry.country(text)) else None
        )
        if code is None:
            return
        # The noun this adjective qualifies: "Ukrainian [and Russian] delegations".
        anchor = token
        while anchor.dep_ in {"conj", "cc"} and anchor.head.i != anchor.i:
            anchor = anchor.head
        noun = anchor.head if anchor.dep_ in {"amod", "compound", "nmod", "poss"} else token
        if noun.pos_ not in {"NOUN", "PROPN"} or noun.i in taken:
            noun = token
        agent_words = " ".join(
            t.text
            for t in doc[noun.left_edge.i : noun.i + 1]
            if (t.dep_ == "compound" or (t.dep_ == "amod" and t.lower_ in _KIND_ADJECTIVES))
            and t.i > token.i
        )
        sector = (
            self.registry.agent(f"{agent_words} {noun.text}".strip()) if noun is not token else None
        )
        if noun is not token and noun.lemma_.lower() == "side":
            sector = sector or "GOV"
        ethnic = cand.start > 0 and doc[cand.start - 1].lower_ == "ethnic"
        people_noun = noun is not token and noun.lemma_.lower() in _PEOPLE_NOUNS
        if ethnic or (people_noun and self._country_in_sentence(doc, token, besides=code)):
            # "ethnic Albanians", "the Albanian population (of the province)", "the Russian
            # minority": a people, coded where they live (a country named in the sentence,
            # "... in Serbia"), as civilians unless a noun says otherwise.
            code = self._country_in_sentence(doc, token, besides=code) or code
            sector = sector if sector in STATE_SECTORS or sector == "REB" else "CVL"
            first = cand.start - 1 if ethnic else cand.start
            actor = Actor(
                code=f"{code}{sector}",
                name=doc[first : (noun.i if noun is not token else cand.end - 1) + 1].text,
                kind="group",
                country=code,
                sector=sector,
            )
            end = noun.i + 1 if noun is not token and noun.i == cand.end else cand.end
            mention = ActorMention(actor, evidence(doc, article, first, end))
            result.add_actor(mention, noun.i if noun is not token else token.i)
            taken.update(range(cand.start, cand.end))
            return
        is_region = len(code) != 3 or code in {"EUR", "AFR", "ASA", "MEA", "SAM", "NAM"}
        named = self._named_holder(doc, token, noun, code, result) if noun is not token else None
        if named is not None:
            # "the Ukrainian president" after "Volodymyr Zelenskyy": the same person
            mention = ActorMention(named, evidence(doc, article, cand.start, noun.i + 1, 0.8))
            result.add_actor(mention, noun.i)
            taken.update(range(cand.start, cand.end))
            return
        if is_region or (sector is not None and sector not in STATE_SECTORS):
            # A region's members, or a country's people rather than its state
            # ("Ukrainian children", "Russian businesses"): a group of that country.
            span_end = noun.i + 1 if noun is not token else cand.end
            actor = Actor(
                code=f"{code}{sector or ''}" if not is_region else code,
                name=doc[cand.start : span_end].text,
                kind="group",
                country=code,
                sector=sector,
            )
        else:
            actor = Actor(
                code=f"{code}{sector or ''}",
                name=self._country_name(code),
                kind="state",
                country=code,
                sector=sector,
            )
        adjacent = noun is not token and noun.i == cand.end
        end = noun.i + 1 if adjacent or (is_region and noun is not token) else cand.end
        mention = ActorMention(actor, evidence(doc, article, cand.start, end))
        if sector and noun is not token:
            result.add_actor(mention, noun.i)
        else:
            result.actors.append(mention)
        taken.update(range(cand.start, cand.end))

    def _country_in_sentence(self, doc: Doc, token: Token, *, besides: str) -> str | None:
        """The first country named in `token`'s sentence (a GPE entity the registry knows
        by name) other than `besides`."""
        sent = token.sent
        for ent in doc.ents:
            if ent.start < sent.start or ent.end > sent.end or ent.label_ != "GPE":
                continue
            entry = self.registry.country(ent.text)
            if entry is not None and entry.iso3 != besides:
                return entry.iso3
        return None

    def _pronouns(self, doc: Doc, article: Article, result: Resolution, taken: set[int]) -> None:
        """A pronoun subject of reported speech is the speaker when they agree ("officials
        confirmed they sent", "Russia said it would", "Lavrov said he had"): "he"/"she" a
        person, "it", "they" and "we" a state, body or group. "he"/"she" otherwise is the
        last person named in the sentence or before."""
        for token in doc:
            if token.i in taken or token.pos_ != "PRON" or token.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            if token.lower_ not in PERSON_PRONOUNS | {"they", "we", "it"}:
                continue
            verb = token.head
            speaker: list[ActorMention] = []
            if verb.dep_ == "ccomp" and verb.head.i != verb.i:
                for sib in verb.head.children:
                    if sib.dep_ in {"nsubj", "nsubjpass"}:
                        speaker = result.by_token.get(sib.i, [])
                personal = token.lower_ in PERSON_PRONOUNS
                speaker = [m for m in speaker if (m.actor.kind == "person") == personal]
                if token.lower_ == "it" and len(speaker) > 1:
                    speaker = []  # "it" is one actor
            if not speaker and token.lower_ == "they":
                speaker = _previous_subjects(doc, token, result)
            if not speaker and token.lower_ in PERSON_PRONOUNS:
                before = [
                    m
                    for m in result.actors
                    if m.actor.kind == "person" and m.evidence.span.end <= token.idx
                ]
                speaker = _previous_subject(doc, token, result) or before[-1:]
            for m in speaker:
                result.add_actor(
                    ActorMention(m.actor, evidence(doc, article, token.i, token.i + 1, 0.8)),
                    token.i,
                )
            if speaker:
                taken.add(token.i)

    def _titled_names(self, doc: Doc, chains: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Join a title chain and the name right after it when the parse split them ("and
        Polish Prime Minister | Donald Tusk" in a list of leaders)."""
        out: list[tuple[int, int]] = []
        for start, end in chains:
            if out and out[-1][1] == start and any(t.ent_type_ == "PERSON" for t in doc[start:end]):
                prev_start, prev_end = out[-1]
                words = [t.text for t in doc[prev_start:prev_end]]
                if self._country_of_word(words[0]):
                    words = words[1:]
                if words and self._title(" ".join(words)) is not None:
                    out[-1] = (prev_start, end)
                    continue
            out.append((start, end))
        return out

    def _body_not_place(self, text: str) -> bool:
        """A name tagged as a place that the hand-written registry lists as a body with a
        sector, and that is no country, capital or place the gazetteer knows."""
        org = self.registry.organization(text)
        if org is None or org.sector is None or org.kind == "phoenix":
            return False
        if self.registry.country(text) or self.registry.capital(text):
            return False
        return self.gazetteer.resolve(text) is None

    def _city_not_person(self, token: Token, people: dict[str, Actor], on: date | None) -> bool:
        """One word tagged PERSON, before any person step takes it: a place when the syntax
        puts it as one, or a city of 100,000 or more that is nobody's subject ("including
        Goma and Bukavu", not "Clinton said" or a "Kent" of a small town)."""
        if not self._place_not_person(token.text, people, on):
            return False
        if is_locative(token):
            return True
        if token.dep_ in {"nsubj", "nsubjpass", "poss", "agent"}:
            return False
        place = self.gazetteer.resolve(token.text)
        return place is not None and (place.population or 0) >= 100_000

    def _place_not_person(self, text: str, people: dict[str, Actor], on: date | None) -> bool:
        """One word tagged PERSON that names a country, a capital, or a place the gazetteer
        knows and no person in the registry or the article has."""
        if " " in text.strip():
            return False
        if self.registry.country(text) or self.registry.capital(text):
            return True
        if _surname_key(text) in people:
            return False
        place = self.gazetteer.resolve(text)
        person = self.registry.person(text, on=on)
        if person is not None:
            # a bare surname from the old Phoenix lists gives way to a city of 100,000 or
            # more ("Goma": the city, not a Congolese politician of the 1970s)
            return (
                person.origin == "phoenix"
                and place is not None
                and (place.population or 0) >= 100_000
            )
        return place is not None

    def _office_of_country(
        self, doc: Doc, article: Article, result: Resolution, taken: set[int]
    ) -> None:
        """ "the president of Armenia", "the foreign minister of Qatar": an office holder
        named by the office and its country (a person, coded as that state's sector)."""
        for token in doc:
            if token.i in taken or token.i in result.by_token or token.pos_ != "NOUN":
                continue
            preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"]
            objs = [o for p in preps for o in p.children if o.dep_ == "pobj"]
            if not objs:
                continue
            obj = objs[0]
            left = doc[token.left_edge.i : token.i + 1]
            words = " ".join(t.text for t in left if t.pos_ != "DET")
            entry = self._title(words) or self._title(token.text)
            span = next(
                (e for e in doc.ents if e.start <= obj.i < e.end),
                doc[obj.left_edge.i : obj.i + 1],
            )  # the whole name: "the Democratic Republic of Congo"
            country = self.registry.country(span.text)
            if country is None:
                continue
            if entry is None:
                # "the government of the Democratic Republic of Congo", "the army of Mali":
                # a body of the state
                sector = self.registry.agent(token.text) if token.tag_ == "NN" else None
                if sector in {"GOV", "MIL", "LEG", "JUD", "COP", "SPY"} and not any(
                    c.dep_ == "poss" for c in token.children
                ):
                    organ = Actor(
                        code=f"{country.iso3}{sector}",
                        name=self._country_name(country.iso3),
                        kind="state",
                        country=country.iso3,
                        sector=sector,
                    )
                    start = left.start + (1 if doc[left.start].pos_ == "DET" else 0)
                    mention = ActorMention(organ, evidence(doc, article, start, span.end))
                    result.add_actor(mention, token.i)
                continue
            role = f"{_title_case(entry.title)} of {self._country_name(country.iso3)}"
            actor = Actor(
                code=f"{country.iso3}{entry.sector}",
                name=doc[left.start : obj.i + 1].text,
                kind="person",
                country=country.iso3,
                sector=entry.sector,
                role=role,
            )
            start = left.start + (1 if doc[left.start].pos_ == "DET" else 0)
            result.add_actor(ActorMention(actor, evidence(doc, article, start, obj.i + 1)), token.i)

    def _named_holder(
        self, doc: Doc, adjective: Token, noun: Token, code: str, result: Resolution
    ) -> Actor | None:
        """ "the Ukrainian president", "the Russian foreign minister" (singular, definite):
        the one person of that country holding that office named before, if exactly one."""
        if noun.tag_ != "NN" or not any(c.lower_ == "the" for c in noun.children):
            return None
        words = [t.text for t in doc[adjective.i + 1 : noun.i + 1]]
        entry = self._title(" ".join(words))
        if entry is None:
            return None
        holders = {
            m.actor.code: m.actor
            for m in result.actors
            if m.actor.kind == "person"
            and m.actor.country == code
            and m.evidence.span.end <= noun.idx
            and self._office_title(m.actor.role, code) == entry.title
        }
        return next(iter(holders.values())) if len(holders) == 1 else None

    def _office_title(self, role: str | None, code: str) -> str | None:
        """The canonical title of a role: "Minister of Foreign Affairs of Russia" ->
        "foreign minister"."""
        if not role:
            return None
        office = role.removesuffix(f" of {self._country_name(code)}")
        entry = self._title(office) or self.registry.title(office)
        return entry.title if entry is not None else None

    def _names_body(self, doc: Doc, cand: Candidate) -> bool:
        """A country name that qualifies an agent noun after it ("Mozambique government",
        "Russia's rulers"): the pair names that country's body, not a place."""
        head = doc[cand.head]
        text = doc[cand.start : cand.end].text.removesuffix("'s")
        if head.dep_ not in {"compound", "poss", "nmod", "amod"} or head.head.i < cand.end:
            return False
        noun = head.head
        if noun.pos_ not in {"NOUN", "PROPN"} or noun.ent_type_ in {"GPE", "LOC", "FAC"}:
            return False
        if self.registry.country(text) is None:
            return False
        return self.registry.agent(noun.text) is not None

    def _pairs(self, doc: Doc, article: Article, result: Resolution) -> None:
        """ "both countries", "the two delegations", "the two sides": the two states named
        most before the phrase, the latest first on a tie (their governments for
        delegations and sides); "the two presidents/leaders": the two office holders named
        most."""
        for token in doc:
            if token.tag_ != "NNS" or token.lemma_.lower() not in _PAIR_NOUNS:
                continue
            if token.i in result.by_token:
                continue
            if not any(
                c.lower_ == "both" or (c.dep_ == "nummod" and c.lower_ in {"two", "2"})
                for c in token.children
            ):
                continue
            # Not the one who speaks of the pair: "Erdogan said he hoped to bring the two
            # leaders together" (a lone subject of the sentence's main verb).
            speaker = {
                m.actor.code
                for t in token.sent.root.children
                if t.dep_ in {"nsubj", "nsubjpass"}
                and not any(c.dep_ == "conj" for c in t.children)
                for m in result.by_token.get(t.i, [])
            }
            before = [
                m
                for m in result.actors
                if m.evidence.span.end <= token.idx and m.actor.code not in speaker
            ]
            start = min(c.i for c in token.subtree if c.i <= token.i)
            lemma = token.lemma_.lower()
            if lemma in _PAIR_PERSONS:
                # "the two leaders" after "Pashinyan and Aliyev initialed ...": the last two
                # persons of two countries named together as a subject
                named = self._last_named_pair(doc, token, result, persons=True)
                if named is not None:
                    for actor in named:
                        result.add_actor(
                            ActorMention(actor, evidence(doc, article, start, token.i + 1, 0.8)),
                            token.i,
                        )
                    continue
                # "the two presidents": the two persons of that office most named so far
                people = _most_named(
                    [
                        m
                        for m in before
                        if m.actor.kind == "person"
                        and m.actor.country
                        and _holds(m.actor.role, lemma)
                    ],
                    key=lambda m: m.actor.code,
                )
                if len(people) == 2 and people[0].actor.country != people[1].actor.country:
                    for m in people:
                        result.add_actor(
                            ActorMention(m.actor, evidence(doc, article, start, token.i + 1, 0.8)),
                            token.i,
                        )
                    continue
            sector = _PAIR_NOUNS[lemma]
            pair = self._last_named_pair(doc, token, result)
            if pair is not None:
                # the last two sides named together as one subject ("the government and
                # the M23 rebels signed ..."): a state as its government, a group as itself
                for side in pair:
                    actor = side
                    if side.kind == "state" and side.sector not in NON_STATE_SECTORS:
                        actor = Actor(
                            code=f"{side.country}{sector or ''}",
                            name=self._country_name(side.country or ""),
                            kind="state",
                            country=side.country,
                            sector=sector,
                        )
                    result.add_actor(
                        ActorMention(actor, evidence(doc, article, start, token.i + 1, 0.8)),
                        token.i,
                    )
                continue
            # states and their bodies only: not a ministry, an outlet or a person; the two
            # named most so far (the latest first on a tie)
            countries = [
                m.actor.country
                for m in _most_named(
                    [
                        m
                        for m in before
                        if m.actor.kind == "state" and m.actor.country and len(m.actor.country) == 3
                    ],
                    key=lambda m: m.actor.country,
                )
            ]
            if len(countries) < 2:
                continue
            for code in countries:
                actor = Actor(
                    code=f"{code}{sector or ''}",
                    name=self._country_name(code),
                    kind="state",
                    country=code,
                    sector=sector,
                )
                result.add_actor(
                    ActorMention(actor, evidence(doc, article, start, token.i + 1, 0.8)), token.i
                )

    def _definite_references(self, doc: Doc, article: Article, result: Resolution) -> None:
        """ "the army", "the government", "the rebels", "the group" with nothing else
        naming whose: the last actor of that kind named before (a guess, confidence 0.8):
        a state's organ ("Sudan's army ... the army delegation") or an armed group or
        opposition ("the M23 ... the rebels")."""
        for token in doc:
            lemma = token.lemma_.lower()
            organ = _ORGAN_NOUNS.get(lemma)
            if (organ is None and lemma not in _GROUP_NOUNS) or token.i in result.by_token:
                continue
            mods = [c for c in token.children if c.dep_ in {"det", "amod", "compound", "poss"}]
            bare = [c.lower_ for c in mods] == ["the"]
            if organ is not None:
                # one organ, its own "the" or the one of the noun it qualifies ("the army
                # delegation")
                bare = token.tag_ == "NN" and (
                    bare
                    or (
                        not mods
                        and token.dep_ == "compound"
                        and token.i > 0
                        and doc[token.i - 1].lower_ == "the"
                    )
                )
            if not bare:
                continue
            before = [
                m.actor
                for m in result.actors
                if m.evidence.span.end <= token.idx
                and (
                    (m.actor.kind == "state" and m.actor.sector == organ)
                    if organ is not None
                    else (m.actor.kind == "organization" and m.actor.sector in NON_STATE_SECTORS)
                )
            ]
            if before:
                start = mods[0].i if mods else token.i - 1
                result.add_actor(
                    ActorMention(before[-1], evidence(doc, article, start, token.i + 1, 0.8)),
                    token.i,
                )

    def _definite_officials(self, doc: Doc, article: Article, result: Resolution) -> None:
        """ "the secretary", "the foreign minister", "the envoy" with nothing naming whose:
        the one person named before who holds that office, by the registry's role or the
        title the article gave them ("US Secretary of State Marco Rubio arrived. The
        secretary said ..."). None when two people before could be meant."""
        for token in doc:
            if token.i in result.by_token or token.pos_ != "NOUN" or token.tag_ != "NN":
                continue
            mods = [c for c in token.children if c.dep_ in {"det", "amod", "compound", "poss"}]
            if not mods or mods[0].lower_ != "the" or any(c.dep_ == "poss" for c in mods):
                continue
            if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
                continue  # "the minister of X": _office_of_country
            words = [t.text for t in doc[mods[0].i + 1 : token.i + 1]]
            if any(result.by_token.get(mods[0].i + 1 + k) for k in range(len(words))):
                continue
            lowered = [w.lower() for w in words]
            if self._title(" ".join(words)) is None and lowered != ["secretary"]:
                continue  # "secretary" alone is no title, but the head of several
            holders = {
                m.actor.code: m.actor
                for m in result.actors
                if m.actor.kind == "person"
                and m.evidence.span.end <= token.idx
                and (
                    all(w in _titled(doc, m) for w in lowered)
                    or (len(lowered) == 1 and _holds(m.actor.role, token.lemma_.lower()))
                )
            }
            if len(holders) == 1:
                actor = next(iter(holders.values()))
                mention = ActorMention(actor, evidence(doc, article, mods[0].i, token.i + 1, 0.7))
                result.add_actor(mention, token.i)

    def _last_named_pair(
        self, doc: Doc, token: Token, result: Resolution, *, persons: bool = False
    ) -> list[Actor] | None:
        """The last two sides before `token` named together as the subject of a verb when
        one of them is not a state ("the government of Congo and the M23 rebel group"),
        in text order; None when there is no such pair (the counting rule decides)."""
        found: list[Actor] | None = None
        for subj in doc[: token.sent.start]:
            if subj.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            sides: dict[str, Actor] = {}
            for t in subj.subtree:
                for m in result.by_token.get(t.i, []):
                    actor = m.actor
                    wanted = (
                        actor.kind == "person"
                        if persons
                        else actor.kind == "state"
                        or (actor.kind == "organization" and actor.sector in NON_STATE_SECTORS)
                    )
                    if wanted and (side := side_of(actor)):
                        sides.setdefault(side, actor)
            non_state = [a for a in sides.values() if a.sector in NON_STATE_SECTORS]
            if len(sides) == 2 and (non_state or persons):
                found = list(sides.values())
        return found

    # -- places ---------------------------------------------------------------------------

    # -- helpers --------------------------------------------------------------------------

    def _title(self, words: str):
        """A title that covers exactly these words ("Foreign Minister", not "Foreign
        Minister Sergey Lavrov")."""
        entry = self.registry.title(words)
        if entry is None or len(entry.surface.split()) != len(words.split()):
            return None
        return entry

    def _country_of_word(self, word: str) -> str | None:
        word = word.removesuffix("'s")
        nat = self.registry.nationality(word)
        if nat:
            return nat
        entry = self.registry.country(word)
        return entry.iso3 if entry else None

    def _country_name(self, code: str) -> str:
        return country_name(self.registry, code)


# Plural nouns that, with "both" or "the two", stand for the two parties last named.
_PAIR_NOUNS: dict[str, str | None] = {
    "country": None,
    "nation": None,
    "state": None,
    "side": "GOV",
    "delegation": "GOV",
    "government": "GOV",
    "party": "GOV",
    "leader": "GOV",
    "president": "GOV",
    "capital": "GOV",
}


# Pair nouns that name two persons when two office holders have been named.
_PAIR_PERSONS = frozenset({"president", "leader", "minister"})


_LEADERS = (
    "president",
    "prime minister",
    "chancellor",
    "premier",
    "king",
    "emir",
    "supreme leader",
    "monarch",
    "crown prince",
)


# Nouns of a state's organs that point back to the one named before ("the army").
_ORGAN_NOUNS = {"army": "MIL", "military": "MIL", "junta": "MIL", "government": "GOV"}
# Nouns that point back to an armed group or an opposition named before.
_GROUP_NOUNS = frozenset({"rebel", "group", "movement", "militant", "insurgent", "militia"})


def _titled(doc: Doc, mention: ActorMention) -> str:
    """A person's mention with the words the article put before it in its sentence
    ("US Secretary of State Marco Rubio" for the mention "Marco Rubio"), lowercased."""
    span = mention.evidence.span
    start = span.start
    for sent in doc.sents:
        if sent.start_char <= span.start < sent.end_char:
            start = max(sent.start_char, span.start - 48)
            break
    return doc.text[start : span.end].lower()


def _holds(role: str | None, noun: str) -> bool:
    """Is `role` ("Foreign Minister of Russia") an office `noun` ("minister") names? The
    office is the part before " of "/" to ": an aide to the President is no president."""
    office = re.split(r" of | to ", (role or "").lower())[0]
    if noun == "leader":
        return office.startswith(_LEADERS)
    if noun == "president":
        return office.startswith("president")
    return noun in office


def _most_named(mentions: list[ActorMention], *, key: Callable[[ActorMention], object]):
    """The two actors named most often among `mentions` (the one named last first on a
    tie), one mention each; fewer if there are fewer."""
    count: dict[object, int] = {}
    last: dict[object, tuple[int, ActorMention]] = {}
    for m in mentions:
        k = key(m)
        count[k] = count.get(k, 0) + 1
        if k not in last or m.evidence.span.start >= last[k][0]:
            last[k] = (m.evidence.span.start, m)
    ranked = sorted(count, key=lambda k: (-count[k], -last[k][0]))
    return [last[k][1] for k in ranked[:2]]


def _capitals_as_governments(result: Resolution) -> None:
    """A capital standing for its state ("Moscow said") is that state's government."""
    for index, mention in enumerate(result.actors):
        actor = mention.actor
        if not mention.metonym or actor.sector is not None or not actor.country:
            continue
        governing = replace(actor, code=f"{actor.country}GOV", sector="GOV")
        new = replace(mention, actor=governing)
        result.actors[index] = new
        for bucket in result.by_token.values():
            for j, m in enumerate(bucket):
                if m is mention:
                    bucket[j] = new


def _with_leading_title(doc: Doc, start: int, end: int, title_of: Callable[[str], object]) -> int:
    """Move the start of a name left over a lower-case title and a nationality that
    modify it ("U.S. negotiator Paul Nitze", "Russian envoy Kirill Dmitriev")."""
    if not any(t.ent_type_ == "PERSON" for t in doc[start:end]):
        return start
    j = start
    while (
        j > 0
        and doc[j - 1].dep_ in {"compound", "amod", "nmod"}
        and (start <= doc[j - 1].head.i < end or j <= doc[j - 1].head.i < end)
        and not doc[j - 1].is_punct
    ):
        j -= 1
    if j == start:
        return start
    words = [t.text for t in doc[j:start]]
    # The words taken must end in a title; a nationality or country may come before it.
    for k in range(len(words)):
        if title_of(" ".join(words[k:])) is not None:
            return j if k <= 1 else start
    return start


def _title_case(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words.split())


def _chain_of(doc: Doc, token: Token) -> tuple[int, int]:
    """The capitalized run of compounds ending at `token` ("Russian President Vladimir
    Putin")."""
    start = token.i
    while start > 0 and (
        doc[start - 1].dep_ in {"compound", "amod"} and doc[start - 1].text[:1].isupper()
    ):
        start -= 1
    return start, token.i + 1


def _capitalized_chains(doc: Doc) -> list[tuple[int, int]]:
    """Maximal runs of capitalized words bound by compound/amod/flat relations, the shape
    of "Russian Foreign Minister Sergey Lavrov" or "Defense Minister Rustem Umerov"."""
    chains: list[tuple[int, int]] = []
    i = 0
    n = len(doc)
    while i < n:
        t = doc[i]
        if _chainable(t):
            j = i
            while True:
                if (
                    j + 2 < n
                    and _inner_hyphen(doc, j + 1)
                    and _chainable(doc[j + 2])
                    and doc[j].head.i > doc[j].i
                ):
                    j += 2  # "Khalil al-Hayya", "Abu-Bakr": a hyphen inside a name
                    continue
                if not (
                    j + 1 < n
                    and _chainable(doc[j + 1])
                    and doc[j].head.i > doc[j].i
                    and doc[j].dep_ in {"compound", "amod", "nmod", "flat"}
                ):
                    break
                j += 1
            if j > i or t.pos_ == "PROPN":
                chains.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return chains


def _inner_hyphen(doc: Doc, i: int) -> bool:
    """A hyphen written without spaces between two words."""
    return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _chainable(t: Token) -> bool:
    return (t.pos_ in {"PROPN", "NOUN", "ADJ"} and t.text[:1].isupper() and t.is_alpha) or (
        t.pos_ == "PROPN" and t.text.replace(".", "").isalpha()
    )


def _previous_subjects(doc: Doc, token: Token, result: Resolution) -> list[ActorMention]:
    """A "they" subject of its sentence's main verb, with no actor before it in the
    sentence, is the coordinated subject of the sentence before when that names two or
    more actors ("Macron and Merz met Zelenskyy. They warned that ...")."""
    sent = token.sent
    if token.head.i != sent.root.i or sent.start == 0:
        return []
    if any(result.by_token.get(t.i) for t in doc[sent.start : token.i]):
        return []
    previous = doc[sent.start - 1].sent
    found: list[ActorMention] = []
    for subject in (t for t in previous.root.children if t.dep_ in {"nsubj", "nsubjpass"}):
        for t in subject.subtree:
            for m in result.by_token.get(t.i, []):
                if all(m.actor.code != f.actor.code for f in found):
                    found.append(m)
    return found if len(found) >= 2 else []


def _previous_subject(doc: Doc, token: Token, result: Resolution) -> list[ActorMention]:
    """A sentence-opening "he"/"she" with no person before it in its sentence is the person
    the previous sentence is about, its main subject ("Putin proposed talks and said
    Erdogan would host them. He did not accept the deadline": Putin), not the last named."""
    sent = token.sent
    if token.head.i != sent.root.i or sent.start == 0:
        return []
    if any(
        m.actor.kind == "person"
        for t in doc[sent.start : token.i]
        for m in result.by_token.get(t.i, [])
    ):
        return []
    previous = doc[sent.start - 1].sent
    subjects = [t for t in previous.root.children if t.dep_ in {"nsubj", "nsubjpass"}]
    for subject in subjects:
        people = [m for m in result.by_token.get(subject.i, []) if m.actor.kind == "person"]
        if people:
            return people[:1]
    return []
