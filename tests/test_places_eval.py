"""The geo and event-location scorers on tiny hand-written files (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import EvalError
from detente.evaluation.event_location import read_items
from detente.evaluation.event_location import score as location_score
from detente.evaluation.geo import auc_of_errors, haversine_km, match, read_corpus, score

TEXT = "Talks opened in Geneva. Rain fell on Lyon."

LGL = f"""<articles><article docid="a1"><text>{TEXT}</text><toponyms>
<toponym><start>16</start><end>22</end><phrase>Geneva</phrase>
<gaztag geonameid="2660646"><lat>46.20</lat><lon>6.14</lon></gaztag></toponym>
<toponym><start>37</start><end>41</end><phrase>Lyon</phrase></toponym>
</toponyms></article></articles>"""

GEOVIRUS = f"""<articles><article><source>x</source><text>{TEXT}</text><locations>
<location><name>Geneva</name><start>17</start><end>23</end><lat>46.2</lat><lon>6.1</lon>
</location></locations></article></articles>"""

GWN = f"""<articles><article file="7"><text>{TEXT}</text><toponyms>
<toponym><extractedName>Geneva</extractedName><type>Literal</type><start>16</start>
<end>22</end><latitude>46.2</latitude><longitude>6.1</longitude></toponym>
<toponym><extractedName>Lyon</extractedName><type>Demonym</type><start>37</start>
<end>41</end><latitude/><longitude/></toponym>
</toponyms></article></articles>"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_format_is_detected_and_read(tmp_path: Path) -> None:
    lgl = read_corpus(write(tmp_path, "lgl.xml", LGL))
    assert lgl.format == "lgl" and lgl.articles[0].doc == "a1"
    assert [(t.text, t.geonameid) for t in lgl.articles[0].toponyms] == [
        ("Geneva", "2660646"),
        ("Lyon", None),
    ]
    virus = read_corpus(write(tmp_path, "gv.xml", GEOVIRUS))
    assert virus.format == "geovirus" and virus.articles[0].doc == "0"
    # GeoVirus counts one too far: the span is moved onto its own name.
    geneva = virus.articles[0].toponyms[0]
    assert TEXT[geneva.start : geneva.end] == "Geneva"
    gwn = read_corpus(write(tmp_path, "gwn.xml", GWN))
    assert gwn.format == "geowebnews" and gwn.articles[0].doc == "7"
    assert [t.text for t in gwn.articles[0].toponyms] == ["Geneva"]  # demonyms are not


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="not a geoparsing corpus"):
        read_corpus(
            write(tmp_path, "x.xml", "<articles><article><text>a</text></article></articles>")
        )
    with pytest.raises(EvalError, match="not a readable XML"):
        read_corpus(write(tmp_path, "y.xml", "no xml here"))


def test_recognition_exact_and_overlapping_and_resolution(tmp_path: Path) -> None:
    article = read_corpus(write(tmp_path, "lgl.xml", LGL)).articles[0]
    predicted = [
        {"start": 16, "end": 22, "lat": 46.2, "lon": 6.14},  # Geneva, right place
        {"start": 36, "end": 41, "lat": 45.76, "lon": 4.84},  # " Lyon": overlaps only
        {"start": 0, "end": 5, "lat": 0.0, "lon": 0.0},  # "Talks": a false positive
    ]
    figures = score([(article, predicted)])
    assert figures["recognition"]["exact"]["tp"] == 1
    assert figures["recognition"]["overlap"]["tp"] == 2
    assert figures["recognition"]["overlap"]["fp"] == 1
    resolution = figures["resolution"]
    assert resolution["scored"] == 1 and resolution["acc@161km"] == 1.0  # Lyon has no point
    assert resolution["coverage"] == 1.0


def test_matching_is_one_to_one() -> None:
    assert match([(0, 5), (10, 15)], [(0, 15)], exact=False) == {0: 0}
    assert match([(0, 5)], [(0, 5), (1, 4)], exact=True) == {0: 0}


def test_the_error_curve_area() -> None:
    assert auc_of_errors([0.0, 0.0]) == 0.0
    assert auc_of_errors([20039.0, 20039.0]) == pytest.approx(1.0)
    assert 0 < auc_of_errors([1.0, 100.0, 1000.0]) < 1
    assert haversine_km(46.2, 6.14, 45.76, 4.84) == pytest.approx(110, abs=10)


def test_event_location_rows_with_token_offsets_are_kept_for_repair(tmp_path: Path) -> None:
    rows = [
        {
            "text": "Clashes erupted in Aleppo.",
            "_id": "r1",
            "spans": [
                {"start": 8, "end": 15, "label": "VERB"},
                {"start": 3, "end": 3, "token_start": 3, "label": "LOCATION", "text": "Aleppo"},
            ],
        },
        {"text": "Nothing marked here.", "_id": "r2"},
    ]
    path = write(tmp_path, "el.jsonl", "\n".join(json.dumps(r) for r in rows))
    items, skipped = read_items(path)
    assert skipped == 1 and len(items) == 1
    assert items[0].hints == ((1, "Aleppo", 3),)
    figures = location_score([(items[0], (19, 25))])
    assert figures["items"] == 1
    empty = location_score([(items[0], None)])
    assert empty["accuracy"] == 0.0
