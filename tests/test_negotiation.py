"""The negotiation stage on hand-written sentences: rounds, delegations, proposals (aliases,
status, ordered provisions of each kind), positions (each stance) and the process."""

from __future__ import annotations

from datetime import date

import pytest

from detente.pipeline import Extractor
from detente.taxonomy import BY_KEY, ISSUES, STANCES, issue_of
from detente.vocabulary import Article, Reading

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def read(nlp):  # type: ignore[no-untyped-def]
    extractor = Extractor(nlp=nlp)

    def run(text: str, published: date = date(2024, 5, 10)) -> Reading:
        return extractor.extract(Article(id="t", text=text, published=published))

    return run


# -- the taxonomy ---------------------------------------------------------------------------

PHRASES = {
    "ceasefire": "an immediate cessation of hostilities along the front",
    "prisoner_exchange": "a swap of captured soldiers",
    "return_of_children": "the repatriation of deported children",
    "return_of_civilians": "the safe return of refugees to their homes",
    "humanitarian_access": "humanitarian corridors for besieged towns",
    "return_of_remains": "the handover of the bodies of fallen soldiers",
    "leaders_meeting": "a summit between the two presidents",
    "multilateral_talks": "an international peace conference",
    "further_talks": "a new round of talks next month",
    "national_dialogue": "a national dialogue with opposition parties",
    "recognition_of_occupied_territory": "recognition of sovereignty over the annexed peninsula",
    "territory": "territorial concessions in the east",
    "border_demarcation": "the delimitation of the border",
    "withdrawal_of_forces": "the withdrawal of all foreign troops",
    "security_guarantees": "binding security guarantees from Western powers",
    "alliance_membership": "neutral status outside any military bloc",
    "limits_on_armed_forces": "caps on the size of the army",
    "foreign_troops": "a United Nations peacekeeping force",
    "sanctions_relief": "the lifting of economic sanctions",
    "reparations": "compensation for war damage",
    "accountability": "a special tribunal for war crimes",
    "amnesty": "an amnesty for former fighters",
    "elections": "early elections within six months",
    "referendum": "a referendum on the region's status",
    "interim_government": "a transitional government of technocrats",
    "power_sharing": "a power-sharing arrangement in the cabinet",
    "autonomy": "broad autonomy for the province",
    "federalism": "a federal system with strong regions",
    "independence": "independence for the territory",
    "ddr": "the demobilization of militia units",
    "integration_into_army": "the integration of rebel units into the national army",
    "reconciliation": "a truth and reconciliation commission",
    "minority_rights": "protection of the rights of minority language speakers",
    "peace_process": "working toward a lasting peace",
    "gender": "a quota for women in the negotiating teams",
}


def test_every_issue_has_a_phrase_here() -> None:
    assert set(PHRASES) == set(BY_KEY)


@pytest.mark.parametrize(("key", "phrase"), sorted(PHRASES.items()))
def test_issue_of_a_phrase(key: str, phrase: str) -> None:
    found = issue_of(phrase)
    assert found is not None and found.key == key


def test_the_earliest_cue_wins() -> None:
    found = issue_of("the return of abducted children from occupied territory")
    assert found is not None and found.key == "return_of_children"
    assert issue_of("the weather in the capital") is None


def test_issues_map_to_ucdp_flags_and_pax_codes() -> None:
    ucdp = {i.ucdp for i in ISSUES if i.ucdp}
    assert {"cease", "pris", "amn", "elections", "pko", "ddr", "withd"} <= ucdp
    assert BY_KEY["ceasefire"].pax == ("Ce",)
    assert "TjPrire" in BY_KEY["prisoner_exchange"].pax


# -- rounds and the process -------------------------------------------------------------------


def test_round_with_ordinal_format_and_host(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Armenia and Azerbaijan held a third round of proximity talks in Almaty on Tuesday "
        "to end the Armenia-Azerbaijan conflict."
    )
    assert len(reading.rounds) == 1
    rnd = reading.rounds[0]
    assert rnd.ordinal == 3
    assert rnd.format == "indirect, proximity"
    assert {p.code for p in rnd.parties} == {"ARM", "AZE"}
    assert rnd.place is not None and rnd.place.place.name == "Almaty"
    assert rnd.host is not None and rnd.host.code == "KAZ"
    (process,) = reading.processes
    assert process.id == "process:ARM-AZE"
    assert process.name == "Armenia-Azerbaijan conflict peace talks"
    assert [t.role for t in process.third_parties] == ["host"]


def test_process_named_by_parties_without_a_conflict_name(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("Armenia and Azerbaijan held face-to-face talks in Geneva on Monday.")
    (process,) = reading.processes
    assert process.name == "Armenia-Azerbaijan talks"
    assert reading.rounds[0].format == "direct, face-to-face"


def test_a_phone_call_is_not_a_round(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("The Armenian president spoke by phone with the Azerbaijani president.")
    assert reading.rounds == ()


# -- delegations --------------------------------------------------------------------------------


def test_delegation_head_appointed_by_head_of_state(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Ukraine and Russia will hold talks in Istanbul on Friday. Ukrainian President "
        "Volodymyr Zelenskyy said that Defense Minister Rustem Umerov will lead the Ukrainian "
        "delegation."
    )
    (delegation,) = reading.rounds[0].delegations
    assert delegation.party.code == "UKR"
    assert delegation.head is not None and delegation.head.actor.code == "rustem-umerov"
    assert delegation.head_role == "Defense Minister"
    assert delegation.appointed_by is not None
    assert delegation.appointed_by.actor.code == "volodymyr-zelenskyy"
    assert delegation.reported_by is None


def test_delegation_reported_by_a_minister(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Ukraine and Russia will hold talks in Istanbul on Friday. Russian Foreign Minister "
        "Sergey Lavrov said that Vladimir Medinsky will head the Russian delegation."
    )
    (delegation,) = reading.rounds[0].delegations
    assert delegation.party.code == "RUS"
    assert delegation.appointed_by is None
    assert delegation.reported_by is not None
    assert delegation.reported_by.actor.code == "sergey-lavrov"


def test_delegation_led_by(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Ukraine and Russia held talks in Istanbul on Friday. The Russian delegation led by "
        "Vladimir Medinsky arrived a day early."
    )
    (delegation,) = reading.rounds[0].delegations
    assert delegation.party.code == "RUS"
    assert delegation.head is not None and delegation.head.actor.code == "vladimir-medinsky"


# -- proposals: aliases, status, order ----------------------------------------------------------


PLAN = (
    "Ukraine and Russia will hold talks in Istanbul on Friday. "
    "Ukrainian officials have drafted a peace plan for the talks. "
    "The plan starts with a complete ceasefire of at least 60 days, followed by the release "
    "of all detainees and the return of displaced civilians. "
    "The plan then calls for the demarcation of the border, with subsequent elections. "
    "The blueprint was sent to Russia on Wednesday. "
    "Russia handed Ukraine a memorandum of its own. Kyiv rejected the memorandum."
)


def test_proposal_aliases_and_recipient(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(PLAN)
    plan, memo = reading.proposals
    assert plan.names == ("peace plan", "plan", "blueprint")
    assert plan.author is not None and plan.author.code == "UKR"
    assert plan.recipient is not None and plan.recipient.code == "RUS"
    assert len(plan.mentions) == 4
    assert memo.names == ("memorandum",)
    assert memo.author is not None and memo.author.code == "RUS"
    assert memo.recipient is not None and memo.recipient.code == "UKR"


def test_proposal_status_history(read) -> None:  # type: ignore[no-untyped-def]
    plan, memo = read(PLAN).proposals
    assert [h.status for h in plan.history] == ["drafted", "sent"]
    assert plan.status == "sent"
    assert memo.status == "rejected"
    assert [h.status for h in memo.history] == ["sent", "rejected"]


def test_ordered_provisions_of_each_step(read) -> None:  # type: ignore[no-untyped-def]
    plan = read(PLAN).proposals[0]
    assert plan.ordered
    assert [(p.step, p.issue) for p in plan.provisions] == [
        (1, "ceasefire"),
        (2, "prisoner_exchange"),
        (2, "return_of_civilians"),
        (3, "border_demarcation"),
        (4, "elections"),
    ]
    ceasefire = dict(plan.provisions[0].parameters)
    assert ceasefire["duration_min"] == "P60D"
    assert ceasefire["scope"] == "complete"
    assert dict(plan.provisions[1].parameters)["scope"] == "all detainees"


def test_unordered_provisions(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Russia sent Ukraine a memorandum on Monday. The memorandum includes an amnesty for "
        "former fighters and the lifting of sanctions."
    )
    (memo,) = reading.proposals
    assert not memo.ordered
    assert [p.issue for p in memo.provisions] == ["amnesty", "sanctions_relief"]
    assert {p.step for p in memo.provisions} == {1}


# -- positions: each stance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "party", "issue", "stance"),
    [
        ("Azerbaijan rejected the deployment of foreign peacekeepers.", "AZE", "foreign_troops",
         "rejects"),
        ("Armenia demanded the release of all prisoners of war.", "ARM", "prisoner_exchange",
         "demands"),
        ("Azerbaijan proposed a ceasefire along the border.", "AZE", "ceasefire", "proposes"),
        ("Armenia accepted the withdrawal of troops from the border.", "ARM",
         "withdrawal_of_forces", "accepts"),
        ("Armenia agreed to a referendum if international observers monitor the vote.", "ARM",
         "referendum", "accepts_with_conditions"),
        ("Azerbaijan refused to discuss autonomy for the region.", "AZE", "autonomy", "rejects"),
        ("Armenia committed to a peaceful settlement of the dispute.", "ARM", "peace_process",
         "commits"),
        ("Armenia will not accept any limits on its armed forces.", "ARM",
         "limits_on_armed_forces", "rejects"),
    ],
)  # fmt: skip
def test_stance(read, sentence: str, party: str, issue: str, stance: str) -> None:  # type: ignore[no-untyped-def]
    positions = [(p.party.code, p.issue, p.stance) for p in read(sentence).positions]
    assert positions == [(party, issue, stance)]


def test_stances_are_the_taxonomy_s() -> None:
    assert set(STANCES) == {
        "demands", "proposes", "accepts", "accepts_with_conditions", "rejects", "commits"
    }  # fmt: skip


def test_a_list_of_positions(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Kyiv restated its positions, including no limits on its army, no recognition of "
        "Russian sovereignty over occupied land, and reparations for the damage."
    )
    got = [(p.party.code, p.issue, p.stance) for p in reading.positions]
    assert got == [
        ("UKR", "limits_on_armed_forces", "rejects"),
        ("UKR", "recognition_of_occupied_territory", "rejects"),
        ("UKR", "reparations", "demands"),
    ]


def test_proposing_a_round_is_not_a_position(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("Russia proposed a new round of talks with Ukraine in Istanbul on June 2.")
    assert reading.positions == ()


def test_round_outcome_is_what_both_sides_agreed(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Armenia and Azerbaijan held talks in Almaty on Tuesday. Both sides agreed to "
        "exchange all prisoners of war."
    )
    (rnd,) = reading.rounds
    assert rnd.outcome is not None and "exchange all prisoners of war" in rnd.outcome
    assert len(rnd.outcomes) == 1


def test_no_outcome_when_only_one_side_agrees(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("Armenia and Azerbaijan held talks in Almaty on Tuesday.")
    assert reading.rounds[0].outcome is None


def test_extract_prints_the_whole_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys
    from pathlib import Path

    article = tmp_path / "talks.txt"
    article.write_text(
        "Armenia and Azerbaijan held a second round of talks in Almaty on Tuesday.",
        encoding="utf-8",
    )
    detente = Path(sys.executable).with_name("detente")
    done = subprocess.run(
        [str(detente), "extract", str(article), "--published", "2024-05-10", "--reading"],
        capture_output=True,
        text=True,
        check=True,
    )
    reading = json.loads(done.stdout)
    assert reading["rounds"][0]["ordinal"] == 2
    assert reading["processes"][0]["id"] == "process:ARM-AZE"


def test_a_document_someone_would_send_is_not_sent_yet(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("Lavrov said that Moscow would hand Kyiv a draft memorandum next week.")
    (memo,) = reading.proposals
    assert memo.status == "to be sent"
    assert memo.author is not None and memo.author.code == "RUS"


def test_talks_of_another_year_are_another_round(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Putin proposed that Russian and Ukrainian negotiators resume talks in Istanbul on "
        "Thursday. The last direct talks between the two countries took place in Istanbul "
        "in March 2022.",
        published=date(2025, 5, 11),
    )
    # the proposed talks are not held yet; the 2022 talks are a round of their own
    assert [r.time.value if r.time else None for r in reading.rounds] == ["2022-03"]


def test_provisions_of_a_document_that_sets_them_out(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Russia handed Ukraine a memorandum setting out its conditions for a ceasefire and "
        "an amnesty for prisoners of war."
    )
    (memo,) = reading.proposals
    assert [p.issue for p in memo.provisions] == ["ceasefire", "amnesty"]


# -- beyond the Istanbul article: a non-state party, a dateline, a chain of steps -------------


def test_an_armed_group_is_a_party_in_its_own_name(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Israeli and Hamas negotiators began indirect talks in Cairo on Monday. "
        "The Hamas delegation is headed by Khalil al-Hayya. "
        "Hamas has accepted the release of the hostages.",
        date(2025, 10, 6),
    )
    (talks,) = [e for e in reading.events if e.type == "CONSULT"]
    assert sorted(m.actor.name for m in talks.sources) == ["Hamas", "Israel"]
    (rnd,) = reading.rounds
    assert rnd.format == "indirect"
    heads = {d.party.name: d.head.actor.name for d in rnd.delegations if d.head}
    assert heads == {"Hamas": "Khalil al-Hayya"}
    assert [p.party.name for p in reading.positions] == ["Hamas"]
    (process,) = reading.processes
    assert sorted(p.name for p in process.parties) == ["Hamas", "Israel"]


def test_steps_chained_by_then_and_followed_by(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "The plan calls first for an immediate ceasefire, then the release of all hostages, "
        "followed by an Israeli withdrawal to an agreed line and the deployment of an "
        "international stabilization force."
    )
    (plan,) = reading.proposals
    steps = [(p.step, p.issue) for p in plan.provisions]
    assert steps == [
        (1, "ceasefire"),
        (2, "prisoner_exchange"),
        (3, "withdrawal_of_forces"),
        (3, "foreign_troops"),
    ]
    texts = [p.evidence.span.text for p in plan.provisions]
    assert texts[1] == "the release of all hostages"
    assert plan.ordered


def test_withdrawal_from_talks_is_no_troop_withdrawal() -> None:
    assert issue_of("an Israeli withdrawal to an agreed line").key == "withdrawal_of_forces"
    assert issue_of("its withdrawal from the nuclear deal") is None


def test_mediators_named_by_a_noun_and_demands_by_must(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Israeli and Hamas negotiators began indirect talks in Cairo on Monday. "
        "Egyptian and Qatari mediators will shuttle between the two delegations. "
        "Israeli Prime Minister Benjamin Netanyahu said on Sunday that Hamas must disarm.",
        date(2025, 10, 6),
    )
    (process,) = reading.processes
    assert sorted(a.name for a in process.mediators) == ["Egypt", "Qatar"]
    demands = [(p.party.name, p.issue, p.stance) for p in reading.positions]
    assert ("Israel", "ddr", "demands") in demands


DRC = (
    "DOHA, July 19 (Wire) - The government of the Democratic Republic of Congo and the M23 "
    "rebel group signed a declaration of principles in Doha on Saturday. "
    "The Congolese delegation was led by Sumbu Sita Mambu, a senior adviser to President "
    "Felix Tshisekedi, while the M23 side was headed by Benjamin Mbonimpa. "
    "Under the declaration, the two sides will first observe a ceasefire, then exchange "
    "prisoners with the help of the International Committee of the Red Cross, and finally "
    "begin direct negotiations on a comprehensive peace agreement. "
    "Kinshasa has demanded the withdrawal of M23 fighters from Goma and Bukavu. "
    "The rebels have rejected any withdrawal."
)


def test_a_signing_session_between_a_government_and_a_rebel_group(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(DRC, date(2025, 7, 19))
    (signed,) = [e for e in reading.events if e.type == "SUPPORT"]
    assert sorted(m.actor.name for m in signed.sources) == ["DR Congo", "March 23 Movement"]
    (rnd,) = reading.rounds
    assert rnd.host is not None and rnd.host.code == "QAT"
    assert rnd.outcome is not None and "signed a declaration" in rnd.outcome
    heads = {d.party.name: d.head.actor.name for d in rnd.delegations if d.head}
    assert heads == {"DR Congo": "Sumbu Sita Mambu", "March 23 Movement": "Benjamin Mbonimpa"}
    (declaration,) = reading.proposals
    assert [(p.step, p.issue) for p in declaration.provisions] == [
        (1, "ceasefire"),
        (2, "prisoner_exchange"),
        (3, "further_talks"),
    ]
    stances = {(p.party.name, p.issue, p.stance) for p in reading.positions}
    assert stances == {
        ("DR Congo", "withdrawal_of_forces", "demands"),
        ("March 23 Movement", "withdrawal_of_forces", "rejects"),
    }
    observe = next(e for e in reading.events if e.type == "RETREAT")
    assert observe.targets == ()  # the Red Cross helps; the ceasefire is not done to it
    towns = {m.evidence.span.text: m.place.country for m in reading.places}
    assert towns.get("Goma") == "COD" and towns.get("Bukavu") == "COD"


def test_leaders_initial_an_agreement_at_a_venue_and_ministers_meet_again(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham Aliyev "
        "initialed a peace agreement at the White House on Friday. The two leaders also "
        "signed a joint declaration. Foreign ministers Ararat Mirzoyan and Jeyhun Bayramov "
        "are expected to meet again in the autumn.",
        date(2025, 8, 8),
    )
    signings = [e for e in reading.events if e.type == "SUPPORT"]
    assert len(signings) == 2
    for e in signings:
        assert sorted(m.actor.country for m in e.sources) == ["ARM", "AZE"]
    signing = next(r for r in reading.rounds if r.venue is not None)
    assert signing.venue.place.name == "White House"
    assert signing.host is not None and signing.host.code == "USA"
    assert any(r.time is not None and r.time.value == "2025-FA" for r in reading.rounds)


def test_a_minister_who_carries_messages_between_the_delegations_mediates(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Iranian and American negotiators will hold indirect talks in Muscat on Saturday. "
        "Omani Foreign Minister Badr Albusaidi will carry messages between the two "
        "delegations.",
        date(2025, 4, 11),
    )
    (process,) = reading.processes
    assert process.name == "Iran-United States talks"
    assert [a.code for a in process.mediators] == ["OMN"]


def test_a_memorandum_handed_over_and_what_the_document_calls_for(read) -> None:  # type: ignore[no-untyped-def]
    reading = read(
        "Russia's memorandum, handed to the Ukrainian delegation in Istanbul on Monday, sets "
        "out two options for a ceasefire, according to a document seen by Reuters. "
        "The document also calls for Ukraine's neutrality and the recognition of Crimea as "
        "part of Russia.",
        date(2025, 6, 3),
    )
    (memo,) = reading.proposals
    assert memo.names == ("memorandum",)
    assert memo.status == "sent"
    assert memo.recipient is not None and memo.recipient.code == "UKR"
    issues = [p.issue for p in memo.provisions]
    assert "recognition_of_occupied_territory" in issues and "alliance_membership" in issues


def test_calling_something_unacceptable_is_no_phone_call(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("Ukrainian Foreign Minister Andrii Sybiha called the demands unacceptable.")
    assert not [e for e in reading.events if e.mode == "phone"]


def test_a_hyphenated_count_stays_in_the_proposal_name(read) -> None:  # type: ignore[no-untyped-def]
    reading = read("U.S. President Donald Trump presented a 20-point plan to end the war.")
    (plan,) = reading.proposals
    assert plan.names == ("20-point plan",)
    assert plan.status == "presented"


def test_two_groups_of_one_country_are_two_parties(read) -> None:  # type: ignore[no-untyped-def]
    from detente.negotiation import NegotiationReader
    from detente.registry import Registry
    from detente.vocabulary import Actor

    reading = read(
        "Colombian government negotiators and the National Liberation Army held talks in "
        "Havana on Monday.",
        date(2023, 5, 8),
    )
    (process,) = reading.processes
    assert sorted(a.code for a in process.parties) == ["COL", "COLREB-ELN"]
    owner = NegotiationReader(registry=Registry.default())

    def group(name: str) -> str | None:
        party = owner.state(
            Actor(code="COLREB", name=name, kind="organization", country="COL", sector="REB")
        )
        return party.code if party else None

    assert group("Revolutionary Armed Forces of Colombia") == "COLREB-FARC"
    assert group("National Liberation Army") == "COLREB-ELN"
