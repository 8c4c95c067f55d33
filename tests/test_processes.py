"""Processes across articles (detente.processes and the Store's process queries), on
hand-built Readings: merging, user-defined processes, alias resolution of proposals, the
positions matrix, derived cells, overlap, and the sentence every cell cites."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from conftest import evidence_of
from detente.errors import DetenteError, InputError
from detente.processes import (
    ProcessView,
    UnknownProcess,
    build_view,
    find_process,
    process_id,
    process_view,
    sentence_around,
)
from detente.store import Store
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Delegation,
    Position,
    Process,
    Proposal,
    Provision,
    Reading,
    Round,
    StatusChange,
    ThirdParty,
)

UKR = Actor("UKR", "Ukraine", "state", country="UKR")
RUS = Actor("RUS", "Russia", "state", country="RUS")
TUR = Actor("TUR", "Turkey", "state", country="TUR")
USA = Actor("USA", "the United States", "state", country="USA")
SAU = Actor("SAU", "Saudi Arabia", "state", country="SAU")
PID = "process:RUS-UKR"


def article(aid: str, published: str, text: str) -> Article:
    return Article(id=aid, text=text, published=date.fromisoformat(published), source="t")


def reading(a: Article, **items: Sequence[object]) -> Reading:
    return Reading(article=a, **{k: tuple(v) for k, v in items.items()})  # type: ignore[arg-type]


def position(
    a: Article, party: Actor, issue: str, stance: str, words: str, *, day: str | None = None,
    process: str | None = PID,
) -> Position:  # fmt: skip
    return Position(party, issue, stance, evidence_of(a, words), text=words, date=day,
                    process=process)  # fmt: skip


def proposal(
    a: Article,
    pid: str,
    author: Actor | None,
    names: tuple[str, ...],
    words: str,
    *,
    provisions: Sequence[tuple[int, str, str]] = (),
    history: Sequence[tuple[str, str, str | None]] = (),
    process: str | None = PID,
) -> Proposal:
    return Proposal(
        id=pid,
        author=author,
        recipient=RUS if author == UKR else UKR,
        names=names,
        status=history[-1][0] if history else "mentioned",
        evidence=evidence_of(a, words),
        provisions=tuple(
            Provision(step, issue, evidence_of(a, phrase)) for step, issue, phrase in provisions
        ),
        history=tuple(StatusChange(s, evidence_of(a, w), date=d) for s, w, d in history),
        mentions=(evidence_of(a, words),),
        process=process,
    )


def talks(a: Article, words: str, *, ordinal: int | None, event: str, heads: bool = False,
          process: str | None = PID) -> Round:  # fmt: skip
    delegations = (
        Delegation(UKR, evidence_of(a, "Ukraine"),
                   head=ActorMention(Actor("rustem-umerov", "Rustem Umerov", "person", "UKR"),
                                     evidence_of(a, "Umerov")) if heads else None),
        Delegation(RUS, evidence_of(a, "Russia")),
    )  # fmt: skip
    return Round(event, evidence_of(a, words), ordinal=ordinal, delegations=delegations,
                 parties=(UKR, RUS), host=TUR, process=process)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "p.db")


# -- processes ---------------------------------------------------------------------------------

FIRST = article(
    "a1",
    "2025-05-16",
    "Ukraine and Russia held talks in Istanbul, hosted by Turkey. Umerov led Ukraine. "
    "The United States urged both sides on.",
)
SECOND = article(
    "a2",
    "2025-07-23",
    "Ukraine and Russia met for a third round. Umerov spoke. Saudi Arabia offered to mediate.",
)


def test_one_process_id_across_articles_is_one_process(store: Store) -> None:
    read1 = Process(PID, "Russia-Ukraine War peace talks", (RUS, UKR),
                    evidence=evidence_of(FIRST, "Ukraine and Russia"), hosts=(TUR,),
                    third_parties=(ThirdParty(TUR, "host", evidence_of(FIRST, "Turkey")),
                                   ThirdParty(USA, "encourages", evidence_of(FIRST, "urged"))),
                    )  # fmt: skip
    read2 = Process(PID, "Russia-Ukraine talks", (RUS, UKR),
                    third_parties=(ThirdParty(SAU, "mediator", evidence_of(SECOND, "mediate")),
                                   ThirdParty(TUR, "host; venue", evidence_of(SECOND, "third"))),
                    )  # fmt: skip
    store.add_reading(reading(FIRST, processes=[read1]))
    store.add_reading(reading(SECOND, processes=[read2]))
    (merged,) = store.processes()
    assert merged.id == PID and merged.name == "Russia-Ukraine War peace talks"
    assert merged.aliases == ("Russia-Ukraine talks",)
    assert [a.code for a in merged.parties] == ["RUS", "UKR"] and merged.hosts == (TUR,)
    roles = {t.actor.code: t.role for t in merged.third_parties}
    assert roles == {"TUR": "host; venue", "USA": "encourages", "SAU": "mediator"}


def test_a_process_is_found_by_id_name_alias_or_its_parties(store: Store) -> None:
    store.add_reading(reading(FIRST, processes=[Process(PID, "Istanbul talks", (RUS, UKR))]))
    for name in ("process:rus-ukr", "RUS-UKR", "istanbul TALKS", "Russia-Ukraine",
                 "ukraine - russia", "UKR-RUS", "istanbul"):  # fmt: skip
        assert store.find_process(name).id == PID, name
    with pytest.raises(UnknownProcess) as caught:
        store.find_process("Geneva talks")
    assert isinstance(caught.value, DetenteError)
    assert "Geneva talks" in str(caught.value) and "Istanbul talks (process:RUS-UKR)" in str(
        caught.value
    )


def test_an_ambiguous_partial_name_finds_nothing() -> None:
    a = Process(process_id(["UKR", "RUS"]), "Istanbul talks", (RUS, UKR))
    b = Process(process_id(["UKR", "USA"]), "Istanbul minerals talks", (UKR, USA))
    assert find_process([a, b], "istanbul talks") is a  # exact wins
    with pytest.raises(UnknownProcess):
        find_process([a, b], "istanbul")


def test_a_defined_process_takes_the_users_name_and_is_stored(store: Store, tmp_path: Path) -> None:
    store.add_reading(reading(FIRST, processes=[Process(PID, "Russia-Ukraine talks", (RUS, UKR))]))
    made = store.define_process("Istanbul process", ["Ukraine", "rus"], mediators=["TUR"],
                                aliases=["Black Sea talks"])  # fmt: skip
    assert made.id == PID and [a.code for a in made.parties] == ["RUS", "UKR"]
    assert [(a.code, a.kind) for a in made.mediators] == [("TUR", "state")]
    reopened = Store(tmp_path / "p.db")
    (merged,) = reopened.processes()
    assert merged.name == "Istanbul process"
    assert set(merged.aliases) == {"Black Sea talks", "Russia-Ukraine talks"}
    assert reopened.find_process("black sea TALKS").id == PID
    assert reopened.counts().processes == 1
    again = reopened.define_process("Istanbul process", ["UKR", "RUS"], hosts=["TUR"])
    assert [a.code for a in again.hosts] == ["TUR"] and len(reopened.defined_processes()) == 1


@pytest.mark.parametrize(
    ("name", "parties", "message"),
    [
        ("  ", ["UKR", "RUS"], "blank"),
        ("Solo", ["UKR"], "at least two"),
        ("Solo", ["UKR", "Ukraine"], "at least two"),
        ("Bad", ["UKR", "no such place!"], "neither a country nor an actor code"),
    ],
)
def test_define_process_refuses_bad_definitions(
    store: Store, name: str, parties: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.define_process(name, parties)
    assert store.defined_processes() == []


def test_a_name_names_one_defined_process(store: Store) -> None:
    store.define_process("Talks", ["UKR", "RUS"], aliases=["Istanbul"])
    with pytest.raises(InputError, match="already that of Talks"):
        store.define_process("istanbul", ["UKR", "USA"])
    store.define_process("Minerals deal", ["UKR", "USA"])
    assert [p.name for p in store.defined_processes()] == ["Minerals deal", "Talks"]


def test_items_without_a_process_join_the_one_process_of_their_parties(store: Store) -> None:
    text = "Ukraine and Russia held talks. Ukraine rejects neutrality. Umerov spoke."
    a = article("a3", "2025-06-01", text)
    store.add_reading(
        reading(
            a,
            rounds=[talks(a, "talks", ordinal=None, event="e1", process=None)],
            positions=[
                position(
                    a, UKR, "alliance_membership", "rejects", "rejects neutrality", process=None
                )
            ],
        )
    )
    assert store.processes() == []
    store.define_process("Mine", ["UKR", "RUS"])
    assert len(store.rounds(process="mine")) == 1
    assert len(store.positions(process="Mine")) == 1
    # a second process with Ukraine: the position could be of either, so it is of neither;
    # the round (Ukraine and Russia) still fits only the first
    store.define_process("Minerals", ["UKR", "USA"])
    assert store.positions(process="Mine") == [] and store.positions(process="Minerals") == []
    assert len(store.rounds(process="Mine")) == 1 and store.rounds(process="Minerals") == []


# -- proposals across articles -------------------------------------------------------------------

EARLY = article(
    "p1",
    "2025-05-20",
    "Kyiv drafted a peace roadmap with Ukraine's terms, the framework for talks.",
)
LATE = article(
    "p2",
    "2025-06-01",
    "Ukraine sent the framework. It begins with a ceasefire, followed by an exchange of "
    "prisoners. Russia rejected the ceasefire. The blueprint was welcomed.",
)
OTHER = article("p3", "2025-06-03", "Ukraine presented the blueprint. Russia has a roadmap.")


def test_proposals_sharing_a_name_are_one_document_across_articles(store: Store) -> None:
    store.add_reading(reading(LATE, proposals=[
        proposal(LATE, "late", UKR, ("framework", "blueprint"), "framework",
                 provisions=[(2, "prisoner_exchange", "exchange of prisoners"),
                             (1, "ceasefire", "ceasefire")],
                 history=[("sent", "sent the framework", None)])]))  # fmt: skip
    store.add_reading(reading(EARLY, proposals=[
        proposal(EARLY, "early", UKR, ("peace roadmap", "framework"), "peace roadmap",
                 history=[("drafted", "drafted a peace roadmap", "2025-05-20")])]))  # fmt: skip
    store.add_reading(reading(OTHER, proposals=[
        proposal(OTHER, "other", UKR, ("the blueprint",), "blueprint",
                 history=[("presented", "presented the blueprint", "2025-06-03")]),
        proposal(OTHER, "theirs", RUS, ("roadmap",), "roadmap")]))  # fmt: skip
    assert len(store.proposals(merged=False)) == 4
    ours, theirs = sorted(store.proposals(), key=lambda p: p.author.code != "UKR")  # type: ignore[union-attr]
    assert theirs.id == "theirs"  # the same name from another author is another document
    assert ours.id == "early"  # the earliest account gives the id
    assert ours.names == ("peace roadmap", "framework", "blueprint")
    assert [(h.status, h.date) for h in ours.history] == [
        ("drafted", "2025-05-20"),
        ("sent", None),  # dated by its article: 2025-06-01
        ("presented", "2025-06-03"),
    ]
    assert ours.status == "presented"
    assert [p.issue for p in sorted(ours.provisions, key=lambda p: p.step)] == [
        "ceasefire",
        "prisoner_exchange",
    ]
    assert {m.span.article_id for m in ours.mentions} == {"p1", "p2", "p3"}
    assert len(store.proposals(process=PID)) == 2


def test_an_issue_only_one_account_gives_is_added_after_the_fullest(store: Store) -> None:
    store.add_reading(reading(LATE, proposals=[
        proposal(LATE, "late", UKR, ("framework",), "framework",
                 provisions=[(1, "ceasefire", "ceasefire"),
                             (2, "prisoner_exchange", "exchange of prisoners")])]))  # fmt: skip
    store.add_reading(reading(EARLY, proposals=[
        proposal(EARLY, "early", UKR, ("framework",), "framework",
                 provisions=[(1, "peace_process", "peace roadmap")])]))  # fmt: skip
    (merged,) = store.proposals()
    assert [(p.step, p.issue) for p in merged.provisions] == [
        (1, "ceasefire"), (2, "prisoner_exchange"), (3, "peace_process"),
    ]  # fmt: skip


# -- the view ------------------------------------------------------------------------------------

ROADMAP = article(
    "r1",
    "2025-06-01",
    "Ukraine will present a roadmap to Russia at the talks. The roadmap begins with a full "
    "ceasefire, followed by an exchange of prisoners, then a meeting of the two leaders and "
    "widgets. Ukraine demands reparations and rejects foreign troops. Russia accepts "
    "reparations talk but rejects the ceasefire. Russia also rejects foreign troops. "
    "Ukraine accepts elections if the war ends, and Russia demands elections. Russia is "
    "unclear about amnesty. Umerov leads Ukraine at the second round. Ukraine seeks a "
    "referendum; Russia seeks a plebiscite. The United States rejects reparations.",
)
LATER = article(
    "r2",
    "2025-06-20",
    "Ukraine now rejects the prisoner exchange until Russia lists the captives. "
    "Ukraine and Russia met for a third round with Umerov.",
)


def view_of(store: Store) -> ProcessView:
    a, b = ROADMAP, LATER
    store.add_reading(reading(
        a,
        processes=[Process(PID, "Russia-Ukraine talks", (RUS, UKR), hosts=(TUR,))],
        rounds=[talks(a, "second round", ordinal=2, event="e2", heads=True)],
        proposals=[proposal(a, "rm", UKR, ("roadmap",), "roadmap",
                            provisions=[(3, "leaders_meeting", "meeting of the two leaders"),
                                        (1, "ceasefire", "full ceasefire"),
                                        (2, "prisoner_exchange", "exchange of prisoners"),
                                        (3, "widgets", "widgets")],
                            history=[("presented", "will present a roadmap", "2025-06-01")])],
        positions=[
            position(a, UKR, "reparations", "demands", "demands reparations"),
            position(a, RUS, "reparations", "accepts", "accepts reparations"),
            position(a, RUS, "ceasefire", "rejects", "rejects the ceasefire"),
            position(a, UKR, "foreign_troops", "rejects", "rejects foreign troops"),
            position(a, RUS, "foreign_troops", "rejects", "rejects foreign troops", ),
            position(a, UKR, "elections", "accepts_with_conditions", "accepts elections"),
            position(a, RUS, "elections", "demands", "demands elections"),
            position(a, RUS, "amnesty", "unclear", "unclear about amnesty"),
            position(a, UKR, "referendum", "demands", "seeks a referendum"),
            position(a, RUS, "referendum", "proposes", "seeks a plebiscite"),
            position(a, USA, "reparations", "rejects", "rejects reparations"),
        ],
    ))  # fmt: skip
    store.add_reading(reading(
        b,
        rounds=[talks(b, "third round", ordinal=3, event="e3")],
        positions=[position(b, UKR, "prisoner_exchange", "rejects",
                            "rejects the prisoner exchange")],
    ))  # fmt: skip
    return process_view(store, "Russia-Ukraine")


def test_rounds_in_date_order_with_their_delegations(store: Store) -> None:
    view = view_of(store)
    assert [(r.ordinal, r.date, r.dated_by) for r in view.rounds] == [
        (2, "2025-06-01", "article"),
        (3, "2025-06-20", "article"),
    ]
    heads = {d.party.code: d.head for d in view.rounds[0].delegations}
    assert heads == {"UKR": "Rustem Umerov", "RUS": None}


def test_rounds_with_one_ordinal_are_one_round(store: Store) -> None:
    again = article("r3", "2025-06-02", "Ukraine and Russia: the second round is over. Umerov.")
    store.add_reading(reading(again, rounds=[talks(again, "second round", ordinal=2, event="x")]))
    view = view_of(store)
    assert [r.ordinal for r in view.rounds] == [2, 3]
    assert {c.article_id for c in view.rounds[0].reports} == {"r1", "r3"}


def test_provisions_in_step_order_with_their_codes(store: Store) -> None:
    (roadmap,) = view_of(store).proposals
    assert [(p.step, p.issue) for p in roadmap.provisions] == [
        (1, "ceasefire"), (2, "prisoner_exchange"), (3, "leaders_meeting"), (3, "widgets"),
    ]  # fmt: skip
    first, second, _, unknown = roadmap.provisions
    assert (first.ucdp, first.pax, first.label) == ("cease", ("Ce",), "Ceasefire")
    assert (second.ucdp, second.pax) == ("pris", ("TjPrire",))
    assert (unknown.ucdp, unknown.pax, unknown.label) == (None, (), "widgets")


def test_matrix_latest_stance_history_and_derived_cells(store: Store) -> None:
    view = view_of(store)
    assert [a.code for a in view.parties] == ["RUS", "UKR", "USA"]  # a third party's row last
    exchange = view.cell("UKR", "prisoner_exchange")
    assert exchange is not None
    # the roadmap proposes it on 2025-06-01 (derived); Ukraine rejects it on 2025-06-20
    assert [(e.label, e.derived, e.date) for e in exchange.history] == [
        ("proposes (in roadmap)", True, "2025-06-01"),
        ("rejects", False, "2025-06-20"),
    ]
    assert exchange.latest.stance == "rejects" and not exchange.latest.derived
    meeting = view.cell("UKR", "leaders_meeting")
    assert meeting is not None and meeting.latest.derived
    assert meeting.latest.label == "proposes (in roadmap)" and meeting.latest.proposal == "rm"
    assert view.cell("RUS", "leaders_meeting") is None
    assert view.issues[:3] == ("ceasefire", "prisoner_exchange", "leaders_meeting")
    assert view.issues[-1] == "widgets"  # not in the taxonomy: after the known issues


def test_overlap_only_where_the_evidence_supports_it(store: Store) -> None:
    verdicts = {o.issue: o for o in view_of(store).overlap}
    assert verdicts["reparations"].verdict == "overlap"  # UKR demands, RUS accepts
    assert verdicts["ceasefire"].verdict == "no overlap"  # UKR proposes, RUS rejects
    assert verdicts["ceasefire"].reason == "RUS rejects what UKR proposes (in roadmap)"
    assert verdicts["foreign_troops"].verdict == "overlap"  # both reject
    assert "rejects" in verdicts["foreign_troops"].reason
    assert verdicts["elections"].verdict == "overlap"
    assert "with conditions" in verdicts["elections"].reason
    assert verdicts["leaders_meeting"].verdict == "unknown"  # only Ukraine has spoken
    assert verdicts["amnesty"].verdict == "unknown"  # "unclear" is no stance on the scale
    assert verdicts["prisoner_exchange"].verdict == "unknown"  # Ukraine only, now rejecting
    # the United States rejects reparations too, but it is not a party to these talks
    assert {p for p, _ in verdicts["reparations"].stances} == {"RUS", "UKR"}
    assert len(verdicts["reparations"].cites) == 2
    # each demands or proposes its own terms: no evidence that either accepts the other's
    assert verdicts["referendum"].verdict == "unknown"
    assert "each states its own terms" in verdicts["referendum"].reason


def test_every_cell_cites_its_sentence(store: Store) -> None:
    view = view_of(store)
    texts = {"r1": ROADMAP.text, "r2": LATER.text}
    cites = [e.cite for c in view.cells for e in c.history]
    cites += [p.cite for x in view.proposals for p in x.provisions]
    cites += [r.cite for r in view.rounds] + [d.cite for r in view.rounds for d in r.delegations]
    cites += [c for o in view.overlap for c in o.cites]
    assert len(cites) > 20
    for c in cites:
        text = texts[c.article_id]
        assert text[c.start : c.end] == c.text
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert c.sentence_start <= c.start and c.end <= c.sentence_end
        assert c.published == ("2025-06-01" if c.article_id == "r1" else "2025-06-20")
    rejects = view.cell("RUS", "ceasefire")
    assert rejects is not None
    assert (
        rejects.latest.cite.sentence == "Russia accepts reparations talk but rejects the ceasefire."
    )


def test_the_view_without_a_store() -> None:
    a = ROADMAP
    process = Process(PID, "Talks", (RUS, UKR))
    stated = [position(a, UKR, "reparations", "demands", "demands reparations")]
    view = build_view(process, [], [], stated, {})  # article texts unknown: the span alone
    (cell,) = view.cells
    assert cell.latest.cite.sentence == "demands reparations"
    assert view.overlap[0].verdict == "unknown"


def test_stored_processes_are_negotiation_rows(store: Store) -> None:
    read = Process(PID, "Talks", (RUS, UKR))  # no evidence: the row points at the article start
    store.add_reading(reading(FIRST, processes=[read]))
    assert store.counts().negotiation == 1 and store.processes() == [read]


def test_sentence_around_cuts_at_plain_punctuation() -> None:
    text = "One. Two words here? Three"
    assert text[slice(*sentence_around(text, 5, 8))] == "Two words here?"
    assert text[slice(*sentence_around(text, 21, 26))] == "Three"


def test_an_armed_group_is_a_party_apart_from_its_country() -> None:
    from detente.processes import actor_key
    from detente.vocabulary import Actor

    hamas = Actor(code="PSEREB", name="Hamas", kind="organization", country="PSE", sector="REB")
    palestine = Actor(code="PSE", name="Palestine", kind="state", country="PSE")
    congo = Actor(code="CODGOV", name="DR Congo", kind="state", country="COD", sector="GOV")
    assert actor_key(hamas) == "PSEREB"
    assert actor_key(palestine) == "PSE"
    assert actor_key(congo) == "COD"
