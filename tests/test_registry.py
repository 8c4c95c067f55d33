"""The actor registry: each lookup path, name variants, dated offices, lazy loading, and
that the committed data is what scripts/build_actors.py makes from the shared sources."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from detente.errors import ResourceError
from detente.registry import Registry, fold_name, normalize

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO.parent / "shared" / "resources"
GENERATED = ("countries.tsv", "organizations.tsv", "agents.tsv", "phoenix_persons.tsv")


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.default()


# ------------------------------------------------------------------ folding


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("the U.S.", "us"),
        ("Russia's", "russia"),
        ("Ukraine’s", "ukraine"),
        ("Türkiye", "turkiye"),
        ("Al-Jazeera", "al jazeera"),
        ("  The  Kremlin ", "kremlin"),
    ],
)
def test_normalize(text: str, key: str) -> None:
    assert normalize(text) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zelenskyy", "Zelensky"),
        ("Zelenskiy", "Zelensky"),
        ("Medinsky", "Medinskiy"),
        ("Sergey Lavrov", "Sergei Lavrov"),
        ("Yuriy", "Yury"),
        ("Andriy", "Andrii"),
        ("Erdoğan", "Erdogan"),
    ],
)
def test_fold_name_meets_transliterations(a: str, b: str) -> None:
    assert fold_name(a) == fold_name(b)


# ------------------------------------------------------------------ countries


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Ukraine", "UKR"),
        ("the United States", "USA"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("America", "USA"),
        ("Russia's", "RUS"),
        ("Russian Federation", "RUS"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Europe", "EUR"),
        ("European partners", "EUR"),
    ],
)
def test_country(reg: Registry, text: str, iso3: str) -> None:
    entry = reg.country(text)
    assert entry is not None and entry.iso3 == iso3


def test_country_entry_fields(reg: Registry) -> None:
    ukraine = reg.country("Ukraine")
    assert ukraine is not None
    assert (ukraine.iso2, ukraine.name) == ("UA", "Ukraine")
    assert "Kyiv" in ukraine.capitals and "Ukrainian" in ukraine.adjectives
    assert not ukraine.is_region and reg.country("Europe").is_region  # type: ignore[union-attr]


def test_country_acronym_needs_capitals(reg: Registry) -> None:
    assert reg.country("us") is None
    assert reg.country("Moscow") is None
    assert reg.country("nowhere land") is None


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Ukrainian", "UKR"),
        ("Ukrainians", "UKR"),
        ("Russian", "RUS"),
        ("Turkish", "TUR"),
        ("American", "USA"),
        ("Americans", "USA"),
        ("European", "EUR"),
        ("Israeli", "ISR"),
        ("Russian-held", "RUS"),
        ("U.S.-brokered", "USA"),
        ("Turkish-mediated", "TUR"),
    ],
)
def test_nationality(reg: Registry, text: str, iso3: str) -> None:
    assert reg.nationality(text) == iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [("Moscow", "RUS"), ("Kyiv", "UKR"), ("Kiev", "UKR"), ("Washington", "USA"), ("Ankara", "TUR")],
)
def test_capital(reg: Registry, text: str, iso3: str) -> None:
    assert reg.capital(text) == iso3


def test_nationality_unknown(reg: Registry) -> None:
    assert reg.nationality("Russia-Ukraine") is None
    assert reg.nationality("Martian") is None


def test_capital_is_only_capitals(reg: Registry) -> None:
    assert reg.capital("Istanbul") is None


# ------------------------------------------------------------------ agents and titles


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("negotiators", "GOV"),
        ("Foreign Ministry", "GOV"),
        ("delegation", "GOV"),
        ("officials", "GOV"),
        ("senior Ukrainian officials", "GOV"),
        ("Turkish Foreign Ministry sources", "GOV"),
        ("minister", "GOV"),
        ("ministers", "GOV"),
        ("president", "GOV"),
        ("government", "GOV"),
        ("spokesperson", "GOV"),
        ("envoy", "GOV"),
        ("diplomats", "GOV"),
        ("adviser", "GOV"),
        ("advisor", "GOV"),
        ("the Russian side", "GOV"),
        ("army", "MIL"),
        ("troops", "MIL"),
        ("soldiers", "MIL"),
        ("police", "COP"),
        ("rebels", "REB"),
        ("court", "JUD"),
        ("parliament", "LEG"),
        ("journalists", "MED"),
        ("farmers", "AGR"),
    ],
)
def test_agent(reg: Registry, text: str, sector: str) -> None:
    assert reg.agent(text) == sector


def test_agent_entry_keeps_full_code_and_source(reg: Registry) -> None:
    entry = reg.agent_entry("Defence Ministry")
    assert entry is not None and entry.code == "GOVMIL" and entry.sector == "GOV"
    stemmed = reg.agent_entry("ministries")
    assert stemmed is not None and stemmed.sector == "GOV"
    assert reg.agent("xylophone") is None


@pytest.mark.parametrize(
    ("text", "canonical", "sector"),
    [
        ("President", "president", "GOV"),
        ("Foreign Minister", "foreign minister", "GOV"),
        ("Defense Minister", "defence minister", "GOV"),
        ("Defence Minister", "defence minister", "GOV"),
        ("Prime Minister", "prime minister", "GOV"),
        ("advisor", "adviser", "GOV"),
        ("aide", "aide", "GOV"),
        ("envoy", "envoy", "GOV"),
        ("spokesman", "spokesperson", "GOV"),
        ("Russian Foreign Minister", "foreign minister", "GOV"),
        ("Secretary-General", "secretary general", "IGO"),
        ("President of Ukraine", "president", "GOV"),
        ("advisor to Russian President", "adviser", "GOV"),
        ("Ukrainian President", "president", "GOV"),
    ],
)
def test_title(reg: Registry, text: str, canonical: str, sector: str) -> None:
    entry = reg.title(text)
    assert entry is not None and (entry.title, entry.sector) == (canonical, sector)


def test_title_unknown(reg: Registry) -> None:
    assert reg.title("plumber") is None


# ------------------------------------------------------------------ persons


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskyy", "UKR"),
        ("Zelensky", "Volodymyr Zelenskyy", "UKR"),
        ("Zelenskiy", "Volodymyr Zelenskyy", "UKR"),
        ("Vladimir Zelensky", "Volodymyr Zelenskyy", "UKR"),
        ("Medinskiy", "Vladimir Medinsky", "RUS"),
        ("Vladimir Medinsky", "Vladimir Medinsky", "RUS"),
        ("Sergei Lavrov", "Sergey Lavrov", "RUS"),
        ("Lavrov", "Sergey Lavrov", "RUS"),
        ("Putin", "Vladimir Putin", "RUS"),
        ("President Putin", "Vladimir Putin", "RUS"),
        ("Yury Ushakov", "Yuri Ushakov", "RUS"),
        ("Peskov", "Dmitry Peskov", "RUS"),
        ("Erdogan", "Recep Tayyip Erdoğan", "TUR"),
        ("Hakan Fidan", "Hakan Fidan", "TUR"),
        ("Witkoff", "Steve Witkoff", "USA"),
        ("Marco Rubio", "Marco Rubio", "USA"),
        ("Kellogg", "Keith Kellogg", "USA"),
        ("Andrii Sybiha", "Andrii Sybiha", "UKR"),
        ("Andriy Yermak", "Andriy Yermak", "UKR"),
    ],
)
def test_person(reg: Registry, text: str, name: str, country: str) -> None:
    person = reg.person(text)
    assert person is not None
    assert (person.name, person.country, person.origin) == (name, country, "detente")


def test_person_dated_office_umerov(reg: Registry) -> None:
    june, september = date(2025, 6, 1), date(2025, 9, 1)
    umerov = reg.person("Rustem Umerov", on=june)
    assert umerov is not None
    assert umerov.office_on(june).title == "Minister of Defence of Ukraine"  # type: ignore[union-attr]
    office = umerov.office_on(september)
    assert office is not None and "National Security and Defence Council" in office.title
    assert umerov.sector_on(september) == "GOV"
    assert reg.person("Umerov", on=september) is umerov


def test_person_trump_second_term(reg: Registry) -> None:
    trump = reg.person("Donald Trump")
    assert trump is not None
    assert trump.wikidata == "Q22686"
    assert trump.office_on(date(2025, 1, 19)) is None
    office = trump.office_on(date(2025, 1, 20))
    assert office is not None and office.title == "President of the United States"


def test_person_falls_back_to_phoenix(reg: Registry) -> None:
    blair = reg.person("Tony Blair")
    assert blair is not None and blair.origin == "phoenix" and blair.country == "GBR"
    assert any(o.start is not None for o in blair.offices)


def test_person_unknown(reg: Registry) -> None:
    assert reg.person("Nobody Inparticular") is None
    assert reg.person("") is None


PERSONS = """\
# two people with one surname
name: Anna Petrenko
country: UKR
office: 2020 .. 2021-06 | Minister of Examples | GOV

name: Olha Petrenko
country: UKR
sector: MIL
office: 2022-03-01 .. | Commander of Tests | MIL
"""


def test_person_surname_ambiguity_and_dates() -> None:
    small = Registry(files={"persons.txt": PERSONS, "phoenix_persons.tsv": "name\n"})
    assert small.person("Petrenko") is None  # two of them
    olha = small.person("Petrenko", on=date(2023, 1, 1))
    assert olha is not None and olha.name == "Olha Petrenko"
    anna = small.person("A. Petrenko")
    assert anna is not None and anna.name == "Anna Petrenko"
    # month and year precision: a start counts from its first day, an end to its last
    assert anna.office_on(date(2020, 1, 1)) is not None
    assert anna.office_on(date(2021, 6, 30)) is not None
    assert anna.office_on(date(2021, 7, 1)) is None
    assert anna.sector == "GOV" and olha.sector == "MIL"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name Ann\n", "name Ann"),
        ("name: Ann Bee\n", "no `country:`"),
        ("name: Ann Bee\ncountry: UKR\noffice: 2020-13 .. | x | GOV\n", "2020-13"),
        ("name: Ann Bee\ncountry: UKR\noffice: 2020 ..\n", "START .. END"),
        ("name: Ann Bee\ncountry: UKR\ndied: last May\n", "died: last May"),
    ],
)
def test_persons_file_errors_name_the_problem(text: str, message: str) -> None:
    bad = Registry(files={"persons.txt": text, "phoenix_persons.tsv": "name\n"})
    with pytest.raises(ResourceError, match=message):
        bad.person("Ann")


# ------------------------------------------------------------------ organizations


@pytest.mark.parametrize(
    ("text", "code", "country", "sector"),
    [
        ("NATO", "IGOWSTNAT", None, "IGO"),
        ("Nato", "IGOWSTNAT", None, "IGO"),
        ("the United Nations", "IGOUNO", None, "IGO"),
        ("UN", "IGOUNO", None, "IGO"),
        ("EU", "IGOEUREEC", None, "IGO"),
        ("European Union", "IGOEUREEC", None, "IGO"),
        ("OSCE", "IGOEUR", None, "IGO"),
        ("ICRC", "NGOHLHIRC", None, "NGO"),
        ("IAEA", "IGOUNOIAE", None, "IGO"),
        ("the Kremlin", "RUSGOV", "RUS", "GOV"),
        ("White House", "USAGOV", "USA", "GOV"),
        ("Hamas", "PSEREB", "PSE", "REB"),
        ("Reuters", "GBRMED", "GBR", "MED"),
        ("Associated Press", "USAMED", "USA", "MED"),
        ("AP", "USAMED", "USA", "MED"),
        ("AFP", "FRAMED", "FRA", "MED"),
        ("TASS", "RUSMED", "RUS", "MED"),
        ("RIA Novosti", "RUSMED", "RUS", "MED"),
        ("Interfax", "RUSMED", "RUS", "MED"),
        ("Anadolu Agency", "TURMED", "TUR", "MED"),
        ("Ukrinform", "UKRMED", "UKR", "MED"),
        ("BBC", "GBRMED", "GBR", "MED"),
        ("CNN", "USAMED", "USA", "MED"),
        ("Al-Jazeera", "QATMED", "QAT", "MED"),
    ],
)
def test_organization(
    reg: Registry, text: str, code: str, country: str | None, sector: str
) -> None:
    org = reg.organization(text)
    assert org is not None
    assert (org.code, org.country, org.sector) == (code, country, sector)


def test_organization_acronym_case(reg: Registry) -> None:
    assert reg.organization("ap") is None
    assert reg.organization("who") is None


# ------------------------------------------------------------------ loading


def test_default_is_cached() -> None:
    assert Registry.default() is Registry.default()


def test_missing_data_file_is_a_resource_error() -> None:
    reg = Registry()
    with pytest.raises(ResourceError, match="make data"):
        reg._text("no-such-file.tsv")


def test_import_does_not_load_data() -> None:
    """Importing detente.registry reads no data file; the first lookup does."""
    probe = """
import pathlib
reads = []
original = pathlib.Path.read_text
def spy(self, *args, **kwargs):
    reads.append(str(self))
    return original(self, *args, **kwargs)
pathlib.Path.read_text = spy
import detente.registry as registry
assert registry.Registry._default is None, "a Registry was made at import"
assert not [r for r in reads if "actors" in r], reads
assert registry.Registry.default().country("Ukraine").iso3 == "UKR"
assert [r for r in reads if r.endswith("countries.tsv")], "probe saw no read"
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(
    not (RESOURCES / "Phoenix.agents.txt").is_file(),
    reason=f"shared resources not found at {RESOURCES} (../shared/resources beside the repo)",
)
def test_build_script_reproduces_committed_data(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_actors.py"),
            "--resources",
            str(RESOURCES),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    committed = REPO / "src" / "detente" / "data" / "actors"
    for name in GENERATED:
        fresh = (tmp_path / "actors" / name).read_bytes()
        assert fresh == (committed / name).read_bytes(), f"{name} is stale: run `make data`"


# ------------------------------------------------------------------ free-text codes


@pytest.mark.parametrize(
    ("text", "context", "country", "sector"),
    [
        ("Ukrainian negotiators", "", "UKR", "GOV"),
        ("Ankara", "", "TUR", "GOV"),  # a capital speaks for the government
        ("Ukrainians", "", "UKR", None),  # a demonym alone: a people, no sector
        ("ordinary Ukrainians", "", "UKR", "CVL"),
        ("a retired Turkish general", "", "TUR", "ELI"),
        ("Russia's Foreign Ministry", "", "RUS", "GOV"),
        ("Turkey's Defense Department", "", "TUR", "GOV"),  # not the Pentagon
        ("the border guards", "Polish", "POL", None),
        ("Polish farm workers", "", "POL", "AGR"),
        ("the SBU", "", "UKR", "SPY"),
        ("a Turkish harbour", "", "TUR", "UNK"),
    ],
)
def test_code(reg: Registry, text: str, context: str, country: str, sector: str | None) -> None:
    coded = reg.code(text, context=context, on=date(2025, 6, 1))
    assert coded.country == country
    if sector is not None or text in {"Ukrainians"}:
        assert coded.sector == sector


def test_code_person_with_office_on_the_day(reg: Registry) -> None:
    coded = reg.code("Rustem Umerov", on=date(2025, 6, 1))
    assert (coded.kind, coded.country, coded.sector) == ("person", "UKR", "GOV")
    assert coded.wikipedia == "Rustem Umerov"


def test_code_apposition_merges_person_and_title(reg: Registry) -> None:
    coded = reg.code("Rustem Umerov, Ukraine's chief negotiator", on=date(2025, 6, 1))
    assert (coded.kind, coded.country, coded.sector) == ("person", "UKR", "GOV")


def test_code_iso_codes_are_not_names(reg: Registry) -> None:
    # "PRI" is Puerto Rico's ISO code; news never names the island so: the PRI is
    # Mexico's Institutional Revolutionary Party.
    assert reg.code("the PRI").country != "PRI"
    assert (reg.code("the PRI").country, reg.code("the PRI").sector) == ("MEX", "PTY")
    assert reg.code("the USA").country == "USA"


def test_search_nationality(reg: Registry) -> None:
    assert reg.search_nationality("a Turkish frigate") == ("TUR", "frigate")
    assert reg.search_nationality("Kazakhstan") == ("KAZ", "")
    assert reg.search_nationality("a frigate") == (None, "frigate")


SPANISH = """
name: Ana Maria Lopez Garcia
country: ESP
office: 2024-01-01 .. | Minister of Foreign Affairs of Spain | GOV
source: test

name: Arif Nuri
country: AFG
sector: GOV
source: test
"""


def test_person_given_name_and_one_later_part() -> None:
    reg = Registry(files={"persons.txt": SPANISH})
    assert reg.person("Ana Lopez").name == "Ana Maria Lopez Garcia"
    assert reg.person("Minister Ana Garcia").name == "Ana Maria Lopez Garcia"


def test_person_drops_only_title_words() -> None:
    reg = Registry(files={"persons.txt": SPANISH})
    assert reg.person("President Arif Nuri").name == "Arif Nuri"
    assert reg.person("Mohammad Arif Nuri") is None  # a longer name is someone else


def test_former_office_holder_is_elite() -> None:
    reg = Registry(files={"persons.txt": SPANISH.replace("2024-01-01 ..", "2020 .. 2021")})
    assert reg.code("Ana Maria Lopez Garcia", on=date(2025, 1, 1)).sector == "ELI"
    assert reg.code("Ana Maria Lopez Garcia", on=date(2021, 1, 1)).sector == "GOV"


def test_the_dead_are_coded_as_on_their_last_day() -> None:
    """Someone who died in office keeps that office's sector after death (any act told of
    them happened while they lived); someone who died out of office stays a former one."""

    def person(end: str) -> str:
        return (
            "name: Ana Maria Lopez Garcia\ncountry: ESP\n"
            f"office: 2020 .. {end} | Minister of Foreign Affairs of Spain | GOV\n"
            "died: 2023-05-01\n"
        )

    reg = Registry(files={"persons.txt": person("2023-05-01")})
    assert reg.code("Ana Maria Lopez Garcia", on=date(2025, 1, 1)).sector == "GOV"
    reg = Registry(files={"persons.txt": person("2021")})
    assert reg.code("Ana Maria Lopez Garcia", on=date(2025, 1, 1)).sector == "ELI"
    assert reg.code("Ana Maria Lopez Garcia", on=date(2021, 1, 1)).sector == "GOV"


def test_the_living_win_a_shared_surname() -> None:
    persons = (
        "name: Omar Haddad\ncountry: JOR\noffice: 2010 .. 2015 | Prime Minister | GOV\n"
        "died: 2016-01-01\n\n"
        "name: Sami Haddad\ncountry: LBN\noffice: 2010 .. 2012 | Minister | GOV\n"
    )
    reg = Registry(files={"persons.txt": persons, "phoenix_persons.tsv": "name\n"})
    assert reg.person("Haddad", on=date(2020, 1, 1)).name == "Sami Haddad"


def test_phoenix_keys_are_folded_names(reg: Registry) -> None:
    """The build folds Phoenix names once; the keys must be what fold_name gives now."""
    _ = reg._phoenix_persons
    for row in reg._phoenix_rows[::500]:
        assert row[4].split("|")[0] == fold_name(row[0])


def test_country_of_name_by_majority() -> None:
    persons = "\n\n".join(
        f"name: {first} Doe\ncountry: {c}\nsector: GOV\nsource: test"
        for first, c in (("Ann", "CAN"), ("Bob", "CAN"), ("Cy", "NZL"))
    )
    reg = Registry(files={"persons.txt": persons, "phoenix_persons.tsv": "name\n"})
    assert reg.person("Doe") is None  # three of them
    assert reg.country_of_name("Doe") == "CAN"  # two of three
    reg2 = Registry(
        files={
            "persons.txt": persons.replace("NZL", "CAN")
            .replace("Bob Doe\ncountry: CAN", "Bob Doe\ncountry: NZL")
            .replace("Ann Doe\ncountry: CAN", "Ann Doe\ncountry: AUS"),
            "phoenix_persons.tsv": "name\n",
        }
    )
    assert reg2.country_of_name("Doe") is None  # no majority


def test_near_miss_surname_with_the_same_given_name() -> None:
    persons = "name: Ana Rajapaksa\ncountry: LKA\nsector: GOV\nsource: test\n"
    reg = Registry(files={"persons.txt": persons, "phoenix_persons.tsv": "name\n"})
    assert reg.person("Ana Rajapakse").name == "Ana Rajapaksa"
    assert reg.person("Eva Rajapakse") is None  # another given name
    assert reg.person("Ana Rajapaxxe") is None  # two letters apart


def test_code_country_of_a_place_in_the_phrase(reg: Registry) -> None:
    towns = {"Lyon": "FRA", "Porto": "PRT"}
    assert reg.code("Lyon authorities", place=towns.get).country == "FRA"
    assert reg.code("people in Porto", place=towns.get).country == "PRT"
    # a capitalized word that is not before an agent noun or after "in" is no place
    assert reg.code("General Porto Lyon", place=towns.get).country is None


def test_code_international_bodies(reg: Registry) -> None:
    assert reg.code("the U.N.").country == "UNO"  # the UN proper, as NGEC's table codes it
    assert reg.code("NATO").country == "IGO"
    assert reg.code("NATO").sector == "IGO"


# ------------------------------------------------------------------ coverage of 2015-2026 actors


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("Morena", "MEX", "PTY"),  # a party
        ("PSOE", "ESP", "PTY"),
        ("the Sinaloa Cartel", "MEX", "CRM"),  # organised crime
        ("M23 rebels", "COD", "REB"),  # an armed group
        ("Northern Cyprus", "CYP", "PRE"),  # a partially recognised state
        ("KCNA", "PRK", "GOV"),  # a state news agency speaks for its government
        ("soldiers of the FARDC", "COD", "MIL"),  # a five-letter acronym inside a phrase
        ("Huawei", "CHN", "BUS"),
    ],
)
def test_code_named_bodies(reg: Registry, text: str, country: str, sector: str) -> None:
    coded = reg.code(text)
    assert (coded.country, coded.sector) == (country, sector)


def test_code_office_holders_of_recent_years(reg: Registry) -> None:
    lapid = "Yair Lapid"
    assert reg.code(lapid, on=date(2022, 9, 1)).sector == "GOV"  # prime minister
    assert reg.code(lapid, on=date(2024, 1, 1)).sector == "OPP"  # opposition leader
    assert reg.code("Malcolm Turnbull", on=date(2020, 1, 1)).sector == "ELI"  # out of office
    coded = reg.code("Tedros Adhanom Ghebreyesus", on=date(2024, 1, 1))
    assert (coded.country, coded.sector, coded.kind) == ("ETH", "IGO", "person")


def test_code_military_ranks_and_deputy_ministers(reg: Registry) -> None:
    assert reg.code("Lieutenant General Jane Roe").sector == "MIL"
    assert reg.code("Lt. Gen. Jane Roe").sector == "MIL"
    assert reg.code("Deputy Defence Minister Jane Roe").sector == "GOV"
    assert reg.code("Brazil's deputy minister of defence").country == "BRA"


def test_code_intelligence_agency_is_spy_whatever_its_branch(reg: Registry) -> None:
    assert reg.code("a military intelligence agency").sector == "SPY"
    assert reg.code("the breakaway region").sector == "PRE"


def test_code_place_inside_the_name_of_a_body(reg: Registry) -> None:
    places = {"Lyon": "FRA", "College": "USA", "Upper Volta": "BFA"}
    assert reg.code("Lyon Institute of Technology", place=places.get).country == "FRA"
    # a word of the body's own name is never read as a place
    assert reg.code("Royal College", place=places.get).country is None
    coded = reg.code("Teachers Union Upper Volta", place=places.get)
    assert (coded.country, coded.sector) == ("BFA", "LAB")


def test_code_unknown_person_is_a_civilian(reg: Registry) -> None:
    coded = reg.code("Maria Kowalczykowa")
    assert (coded.kind, coded.sector, coded.country) == ("person", "CVL", None)
    # not a name: a country word, an agent noun, an acronym
    assert reg.code("Maria Hospital").sector != "CVL"
    assert reg.code("Polish Maria").sector is None
    # an apposition's title says who the person is
    assert reg.code("Maria Kowalczykowa, Poland's deputy foreign minister").sector == "GOV"


def test_hand_written_person_wins_over_a_phoenix_entry_of_the_name() -> None:
    persons = (
        "name: Ana Doe\ncountry: XKX\nsector: GOV\n"
        "office: 2021-03-22 .. | Prime Minister of Kosovo | GOV\nsource: test\n"
    )
    orgs = (
        "# test\ncode\tname\tcountry\tsector\taliases\tsource\tkeys\n"
        "XKXOPP\tAna Doe\tXKX\tOPP\t\ttest\tana doe\n"
    )
    reg = Registry(
        files={"persons.txt": persons, "organizations.tsv": orgs, "phoenix_persons.tsv": "n\n"}
    )
    coded = reg.code("Ana Doe", on=date(2022, 1, 1))
    assert (coded.kind, coded.sector) == ("person", "GOV")


@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("Congolese", "COD"),  # the DRC, as recent news means it
        ("Uzbeks", "UZB"),
        ("Nigeriens", "NER"),
        ("South Sudanese", "SSD"),
        ("Kosovars", "XKX"),
        ("Filipinos", "PHL"),
        ("Emiratis", "ARE"),
        ("Belarussian", "BLR"),
    ],
)
def test_more_demonyms(reg: Registry, word: str, iso3: str) -> None:
    assert reg.nationality(word) == iso3


def test_code_one_word_body_before_an_agent_noun(reg: Registry) -> None:
    # the body, not a town of the same name somewhere (the place callable is not asked)
    def nowhere(name: str) -> str | None:
        return "DEU"

    assert reg.code("Hamas gunmen", place=nowhere).country == "PSE"
    assert reg.code("al-Shabaab fighters").country == "SOM"


def test_code_known_person_after_a_description(reg: Registry) -> None:
    coded = reg.code("Foreign Ministry spokeswoman Mao Ning", on=date(2024, 1, 1))
    assert (coded.kind, coded.name, coded.country, coded.sector) == (
        "person",
        "Mao Ning",
        "CHN",
        "GOV",
    )


def test_code_title_with_of(reg: Registry) -> None:
    coded = reg.code("Secretary of State Antony Blinken", on=date(2026, 1, 1))
    # the title says what he was; the registry says who he is
    assert (coded.kind, coded.country, coded.sector) == ("person", "USA", "GOV")
    assert reg.person("Secretary Antony Blinken").name == "Antony Blinken"  # folded "secretari"


def test_peoples_of_one_country(reg: Registry) -> None:
    assert reg.code("Tigrayan fighters").country == "ETH"
    assert reg.code("Uyghur activists").country == "CHN"
    assert reg.nationality("Tigrayan") == "ETH"


@pytest.mark.skipif(
    not (RESOURCES / "PLOVER_agents.txt").is_file(),
    reason=f"shared resources not found at {RESOURCES} (../shared/resources beside the repo)",
)
def test_agent_nouns_agree_with_the_plover_dictionary(reg: Registry) -> None:
    """Every plain phrase of NGEC's PLOVER_agents.txt gets the sector the dictionary gives
    it first, save for the few agents.txt corrects on purpose (and the dictionary's own
    duplicates with two codes)."""
    from detente.evaluation.actors import to_ngec

    entry = re.compile(r"^([^\[{!]+?)\s*(?:\{[^}]*\})?\s*\[~?([A-Z]{3})[A-Z]*\]")
    total, wrong = 0, []
    text = (RESOURCES / "PLOVER_agents.txt").read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        m = entry.match(line.strip())
        if line.startswith("#") or m is None or m.group(2) in {"JNK", "NON"}:
            continue
        phrase = m.group(1).strip().rstrip("_").replace("_", " ").lower()
        found = reg.agent_entry(phrase)
        total += 1
        if (to_ngec(found.sector) if found else "") != m.group(2):
            wrong.append((phrase, m.group(2), found.code if found else None))
    assert total > 1500
    assert len(wrong) / total < 0.01, wrong


def test_family_name_first_for_chinese_and_korean_names(reg: Registry) -> None:
    assert reg.person("Xi").name == "Xi Jinping"
    assert reg.person("President Moon", on=date(2020, 1, 1)).name == "Moon Jae-in"
    assert reg.person("Wu").name == "Joseph Wu"  # a Western-order name keeps its last word
    assert reg.person("In") is None  # not the end of "Moon Jae-in"


def test_names_with_particles_and_a_body_before_them(reg: Registry) -> None:
    day = date(2022, 6, 1)
    assert reg.code("Crown Prince Mohammed bin Salman", on=day).name == "Mohammed bin Salman"
    assert reg.code("von der Leyen", on=day).name == "Ursula von der Leyen"
    coded = reg.code("NATO Secretary-General Jens Stoltenberg", on=day)
    assert (coded.kind, coded.name, coded.sector) == ("person", "Jens Stoltenberg", "IGO")
    # an office held that day beats the words before the name
    assert reg.code("Hezbollah leader Hassan Nasrallah", on=day).sector == "REB"


def test_an_opposition_leader_out_of_office_is_no_former_official(reg: Registry) -> None:
    assert reg.code("Juan Guaido", on=date(2022, 6, 1)).sector == "OPP"
    assert reg.code("Malcolm Turnbull", on=date(2022, 6, 1)).sector == "ELI"


def test_a_substantive_office_comes_before_an_acting_one_held_beside_it() -> None:
    from detente.registry import Office, PersonEntry

    minister = Office("Foreign Minister of Ruritania", "GOV", "RUR", start=date(2024, 1, 1))
    acting = Office("Defence Minister of Ruritania (acting)", "GOV", "RUR", start=date(2024, 6, 1))
    person = PersonEntry(
        id="ana-vel", name="Ana Vel", country="RUR", sector="GOV", offices=(minister, acting)
    )
    assert person.office_on(date(2024, 7, 1)) is minister
    # acting alone is still the office held
    only_acting = PersonEntry(
        id="bo-vel", name="Bo Vel", country="RUR", sector="GOV", offices=(acting,)
    )
    assert only_acting.office_on(date(2024, 7, 1)) is acting
    # of two substantive offices, the later
    later = Office("Prime Minister of Ruritania", "GOV", "RUR", start=date(2024, 6, 1))
    both = PersonEntry(
        id="cy-vel", name="Cy Vel", country="RUR", sector="GOV", offices=(minister, later)
    )
    assert both.office_on(date(2024, 7, 1)) is later
