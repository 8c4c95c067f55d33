"""detente.agreements: UCDP provision flags from hand-written sentences (no gold text)."""

from __future__ import annotations

import pytest

import detente.agreements as agreements
from detente.agreements import (
    ENCODER_DIM,
    FLAG_NAMES,
    UCDP_FLAGS,
    ProvisionModel,
    cues,
    default_model,
    flags_of,
    provisions_of,
    rule_flags,
    sentences,
    text_vectors,
    train,
)
from detente.errors import ResourceError

# One hand-written sentence per flag, each stating that provision and no other.
STATED: dict[str, str] = {
    "cease": "Both sides committed to a ceasefire that would take effect at midnight.",
    "intarmy": "Fighters of the movement were to be integrated into the national army.",
    "ddr": "The accord set out a programme to disarm and demobilize the militia.",
    "withd": "All foreign troops would withdraw from the country within ninety days.",
    "pp": "The rebel movement would be allowed to register as a political party.",
    "intgov": "Three cabinet posts were reserved for the rebel movement.",
    "elections": "General elections would be held within eighteen months.",
    "interim": "An interim administration would run the capital for a year.",
    "natalks": "The signatories called for a national dialogue on the constitution.",
    "aut": "The northern province would receive wide autonomy over schools and taxes.",
    "fed": "The country would become a federal state of six regions.",
    "ind": "The territory would gain independence after a transition.",
    "ref": "Residents of the region would decide their status in a referendum.",
    "demarcation": "A joint commission would demarcate the line between the two states.",
    "amn": "An amnesty was granted to all fighters.",
    "pris": "Each side agreed to release the prisoners it held.",
    "recon": "A truth and reconciliation commission was to be established.",
    "return": "Refugees and displaced people would be helped to return home.",
    "pko": "A peacekeeping mission would monitor the accord.",
    "gender": "The accord named the protection of women and girls as a duty of the police.",
}
NEGATED = {
    "cease": "The agreement did not include a ceasefire.",
    "amn": "No amnesty was granted to the leaders.",
    "pris": "The accord made no provision for the release of prisoners.",
    "ref": "The deal was signed without a referendum.",
}
# Flags whose cues in the dev data are reliable enough that the model follows them.
MODEL_FOLLOWS = ("cease", "intarmy", "ddr", "withd", "amn", "pris", "return", "pko")


def test_twenty_flags_each_described() -> None:
    assert len(UCDP_FLAGS) == 20
    assert FLAG_NAMES == tuple(f.name for f in UCDP_FLAGS)
    assert len(set(FLAG_NAMES)) == 20
    assert "cease" in FLAG_NAMES and "gender" in FLAG_NAMES
    for name, description in UCDP_FLAGS:
        assert description and "\n" not in description, name


def test_every_flag_has_a_sentence() -> None:
    assert set(STATED) == set(FLAG_NAMES)


@pytest.mark.parametrize("flag", FLAG_NAMES)
def test_cue_rules_find_each_flag(flag: str) -> None:
    on = rule_flags(STATED[flag])
    assert on[flag], f"{flag}: {STATED[flag]!r}"


@pytest.mark.parametrize("flag", FLAG_NAMES)
def test_cue_rules_do_not_fire_on_other_flags(flag: str) -> None:
    on = {f for f, v in rule_flags(STATED[flag]).items() if v}
    assert on == {flag}, f"{flag}: {STATED[flag]!r} also gave {on - {flag}}"


@pytest.mark.parametrize("flag", sorted(NEGATED))
def test_negated_cue_is_not_a_provision(flag: str) -> None:
    text = NEGATED[flag]
    hits = [c for c in cues(text) if c.flag == flag]
    assert hits and all(c.negated for c in hits)
    assert not rule_flags(text)[flag]
    assert flag not in provisions_of(text)


def test_negation_stays_in_its_clause() -> None:
    text = "The talks failed to agree on a ceasefire, but prisoners were exchanged."
    on = {f for f, v in rule_flags(text).items() if v}
    assert on == {"pris"}
    assert provisions_of(text) == ["pris"]


def test_cue_offsets_point_into_the_text() -> None:
    text = "Opening line.\n\nThe parties signed a truce. Later, all detainees were freed."
    found = cues(text)
    assert {c.flag for c in found} >= {"cease", "pris"}
    for c in found:
        assert text[c.start : c.end] == c.text


def test_sentences_split_on_ends_and_blank_lines() -> None:
    text = "Partial peace agreement\n\nFirst point. Second point."
    assert [s.strip() for _, s in sentences(text)] == [
        "Partial peace agreement",
        "First point.",
        "Second point.",
    ]


def test_flags_of_gives_a_probability_per_flag() -> None:
    probabilities = flags_of(STATED["pris"])
    assert list(probabilities) == list(FLAG_NAMES)
    assert all(0.0 <= p <= 1.0 for p in probabilities.values())
    assert probabilities["pris"] > probabilities["cease"]


def test_shipped_model_is_installed_and_records_its_training() -> None:
    model = default_model()
    assert model is not None
    assert set(model.flags) == set(FLAG_NAMES)
    trained = model.record["trained_on"][0]
    assert trained["name"].endswith("ucdp_peace_agreements_dev.csv")
    assert len(trained["sha256"]) == 64 and trained["bytes"] > 0
    assert model.record["model"]


@pytest.mark.parametrize("flag", MODEL_FOLLOWS)
def test_shipped_model_follows_clear_cues(flag: str) -> None:
    assert flag in provisions_of(STATED[flag])
    assert flags_of(STATED[flag])[flag] > flags_of("The talks were held in a hotel.")[flag]


def test_plain_sentence_yields_nothing_with_evidence() -> None:
    assert provisions_of("The delegations met in a hotel by the sea on Monday.") == []


def test_train_and_round_trip() -> None:
    texts = [STATED[f] for f in FLAG_NAMES] * 2
    labels = [{g: int(g == f) for g in FLAG_NAMES} for f in FLAG_NAMES] * 2
    model = train(texts, labels, record={"note": "toy"})
    again = ProvisionModel.from_json(model.to_json())
    assert again.to_json() == model.to_json()
    assert again.record == {"note": "toy"}
    assert "amn" in provisions_of(STATED["amn"], model=again)
    assert train(texts, labels).to_json() == train(texts, labels).to_json()


def test_broken_model_file_is_a_resource_error() -> None:
    with pytest.raises(ResourceError, match="train provisions"):
        ProvisionModel.from_json('{"flags": 3}', source="x.json")


# Wordings of a provision that the first rules missed (hand-written).
MORE_CUES: dict[str, str] = {
    "withd": "Both armies would withdraw their units behind the river.",
    "pko": "The truce would be watched by UNOMIX, the new observer body.",
    "intgov": "The movement was offered a place in the government.",
    "natalks": "A national constitutional conference would follow.",
    "cease": "The two sides agreed to end hostilities at once.",
    "interim": "An interim regional council would run the province.",
    "amn": "Its leaders would receive temporary immunity.",
}


@pytest.mark.parametrize("flag", sorted(MORE_CUES))
def test_more_cue_wordings(flag: str) -> None:
    assert rule_flags(MORE_CUES[flag])[flag], MORE_CUES[flag]


def test_a_rebel_acronym_is_not_a_mission() -> None:
    on = rule_flags("UNITA and the government met in the capital.")
    assert not on["pko"]


def test_text_vectors_match_a_sentence_to_its_flag() -> None:
    for flag in ("cease", "amn", "pris", "return", "gender"):
        vectors = text_vectors(STATED[flag])
        assert set(vectors.similarity) == set(FLAG_NAMES)
        assert max(vectors.similarity, key=vectors.similarity.__getitem__) == flag
        assert vectors.vector.shape == (ENCODER_DIM,)
        assert abs(float((vectors.vector**2).sum()) - 1.0) < 1e-2


def test_shipped_model_reads_the_encoder_and_records_it() -> None:
    model = default_model()
    assert model is not None and model.reads_vectors
    assert "all-MiniLM-L6-v2" in model.record["parameters"]["encoder"]
    assert 0.0 < model.record["cross_validated"]["micro_f1"] < 1.0
    assert set(model.record["cross_validated"]["per_flag_f1"]) == set(FLAG_NAMES)


def test_a_text_without_cues_is_not_encoded(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError(f"encoded {text!r}")

    monkeypatch.setattr(agreements, "_text_vectors", refuse)
    assert provisions_of("The delegations met again on Tuesday.") == []
    with pytest.raises(AssertionError, match="encoded"):
        provisions_of(STATED["cease"])


def test_train_without_vectors_reads_cues_only() -> None:
    texts = [STATED[f] for f in FLAG_NAMES] * 2
    labels = [{g: int(g == f) for g in FLAG_NAMES} for f in FLAG_NAMES] * 2
    model = train(texts, labels, vectors=False)
    assert not model.reads_vectors
    assert "pris" in provisions_of(STATED["pris"], model=model)


def test_model_file_with_vector_weights_of_the_wrong_size() -> None:
    data = (
        '{"flags": {"cease": {"bias": 0, "threshold": 0.5, "weights": {}, '
        '"vector_weights": [0.1, 0.2]}}}'
    )
    with pytest.raises(ResourceError, match="vector weights"):
        ProvisionModel.from_json(data, source="x.json")
