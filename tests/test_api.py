"""The REST API through a real uvicorn server on loopback, over a real SQLite file.

The helpers here (`served`, `with_negotiation`) are also used by test_api_schema.py and
test_web.py.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from conftest import actor_mention, build_reading, evidence_of
from detente.api import CSP, create_app, sentence_around
from detente.store import Store
from detente.vocabulary import (
    Delegation,
    Position,
    Process,
    Proposal,
    Provision,
    Reading,
    Round,
)

# -- helpers shared with the schema and browser tests -----------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Run the app in a uvicorn server on a free loopback port; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def with_negotiation(
    reading: Reading,
    *,
    round_words: str,
    parties: list[tuple[str, str, str | None]],
    proposal_words: str,
    provisions: list[tuple[str, str, tuple[tuple[str, str], ...]]],
    positions: list[tuple[str, str, str, str, str]],
) -> Reading:
    """The reading with a hand-built negotiation record anchored on words of its text.

    parties: (word naming the party, actor code, word naming the head or None);
    provisions: (issue, words, parameters), given out of order on purpose by callers;
    positions: (party word, party code, issue, stance, words of the evidence).
    Everything belongs to the process of the parties ("process:RUS-UKR").
    """
    article = reading.article
    round_event = next(e for e in reading.events if e.type == "CONSULT")
    delegations = tuple(
        Delegation(
            party=actor_mention(article, word, code, code).actor,
            evidence=evidence_of(article, word),
            head=actor_mention(article, head, head.lower().replace(" ", "-"), code)
            if head
            else None,
        )
        for word, code, head in parties
    )
    parties_ = tuple(sorted((d.party for d in delegations), key=lambda a: a.code))
    pid = "process:" + "-".join(a.code for a in parties_)
    rnd = Round(
        event_id=round_event.id,
        evidence=evidence_of(article, round_words),
        ordinal=2,
        format="direct",
        delegations=delegations,
        parties=tuple(d.party for d in delegations),
        process=pid,
    )
    author, recipient = delegations[0].party, delegations[-1].party
    proposal = Proposal(
        id=f"{article.id}-p1",
        author=author,
        recipient=recipient,
        names=(proposal_words,),
        status="presented",
        evidence=evidence_of(article, proposal_words),
        provisions=tuple(
            Provision(step=step, issue=issue, evidence=evidence_of(article, words), parameters=p)
            for step, (issue, words, p) in enumerate(provisions, start=1)
        )[::-1],
        process=pid,
    )
    stances = tuple(
        Position(
            party=actor_mention(article, word, code, code).actor,
            issue=issue,
            stance=stance,
            evidence=evidence_of(article, words),
            process=pid,
        )
        for word, code, issue, stance, words in positions
    )
    process = Process(id=pid, name="-".join(a.name for a in parties_) + " talks", parties=parties_)
    return dataclasses.replace(
        reading, rounds=(rnd,), proposals=(proposal,), positions=stances, processes=(process,)
    )


TALKS = (
    "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks. "
    "Ukraine proposed a ceasefire of 30 days, then an exchange of prisoners. "
    "Russia rejected the ceasefire. Ukraine supports the exchange."
)


def talks_reading() -> Reading:
    reading = build_reading(TALKS)
    return with_negotiation(
        reading,
        round_words="talks",
        parties=[("Ukraine", "UKR", None), ("Russia", "RUS", None)],
        proposal_words="ceasefire of 30 days",
        provisions=[
            ("ceasefire", "ceasefire of 30 days", (("minimum_days", "30"),)),
            ("prisoner_exchange", "exchange of prisoners", ()),
        ],
        positions=[
            ("Russia", "RUS", "ceasefire", "rejects", "rejected the ceasefire"),
            ("Ukraine", "UKR", "prisoner_exchange", "accepts", "supports the exchange"),
        ],
    )


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("api") / "api.db"
    with Store(path) as store:
        store.add_reading(talks_reading())
        store.add_reading(
            build_reading(
                "Ukraine and Russia met in Istanbul again after June 2. Turkey hosted the talks.",
                published=date(2025, 7, 22),
                event_day="2025-07-23",
            )
        )
        store.add_reading(
            build_reading(
                "Ukraine and Russia met in Istanbul, well before June 2. Turkey hosted the talks.",
                published=date(2025, 5, 15),
                event_day="2025-05-16",
                event_type="AGREE",
            )
        )
    with served(create_app(path)) as url:
        yield url


def get(url: str, **params: Any) -> httpx.Response:
    return httpx.get(url, params=params, timeout=10)


# -- tests ------------------------------------------------------------------------------------


def test_events_filter_like_the_cli_and_paginate(api: str) -> None:
    everything = get(f"{api}/api/events").json()
    assert everything["total"] == 3
    assert [e["date"] for e in everything["items"]] == ["2025-05-16", "2025-06-02", "2025-07-23"]
    consult = get(f"{api}/api/events", type="consult").json()
    assert {e["type"] for e in consult["items"]} == {"CONSULT"} and consult["total"] == 2
    june = get(f"{api}/api/events", since="2025-06-01", until="2025-06-30").json()
    assert [e["date"] for e in june["items"]] == ["2025-06-02"]
    assert get(f"{api}/api/events", actor="TUR").json()["total"] == 3
    assert get(f"{api}/api/events", actor="USA").json()["total"] == 0
    assert get(f"{api}/api/events", dyad="RUS,UKR").json()["total"] == 3
    assert get(f"{api}/api/events", dyad="RUS,USA").json()["total"] == 0
    assert get(f"{api}/api/events", place="Istanbul").json()["total"] == 3
    assert get(f"{api}/api/events", place="Geneva").json()["total"] == 0
    (second,) = get(f"{api}/api/events", round=2).json()["items"]
    assert second["date"] == "2025-06-02"
    assert get(f"{api}/api/events", round=3).json()["total"] == 0
    page = get(f"{api}/api/events", limit=1, offset=1).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert [e["date"] for e in page["items"]] == ["2025-06-02"]


def test_bad_parameters_are_clear_4xx(api: str) -> None:
    bad_type = get(f"{api}/api/events", type="HUG")
    assert bad_type.status_code == 422
    assert "'type'" in bad_type.json()["error"] and "CONSULT" in bad_type.json()["error"]
    bad_date = get(f"{api}/api/events", since="June 1st")
    assert bad_date.status_code == 422 and "'since'" in bad_date.json()["error"]
    backwards = get(f"{api}/api/events", since="2025-07-01", until="2025-06-01")
    assert backwards.status_code == 422 and "after" in backwards.json()["error"]
    assert get(f"{api}/api/events", limit=0).status_code == 422
    bad_dyad = get(f"{api}/api/events", dyad="UKR")
    assert bad_dyad.status_code == 422 and "'dyad'" in bad_dyad.json()["error"]
    assert get(f"{api}/api/events", round=0).status_code == 422
    assert get(f"{api}/api/events", limit=10_000).status_code == 422
    missing = get(f"{api}/api/articles/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["error"]
    assert get(f"{api}/api/events/nope").status_code == 404
    empty = httpx.post(f"{api}/api/extract", json={"text": "   "}, timeout=10)
    assert empty.status_code == 422 and "'text'" in empty.json()["error"]
    unknown = httpx.post(f"{api}/api/extract", json={"text": "x", "colour": 1}, timeout=10)
    assert unknown.status_code == 422 and "colour" in unknown.json()["error"]


def test_article_has_its_text_events_and_every_span(api: str) -> None:
    listing = get(f"{api}/api/articles").json()
    assert listing["total"] == 3
    assert [a["published"] for a in listing["items"]] == ["2025-05-15", "2025-06-01", "2025-07-22"]
    (last,) = get(f"{api}/api/articles", limit=1, offset=2).json()["items"]
    assert last == listing["items"][2]
    talks = next(a for a in listing["items"] if a["events"] == 1 and "06-01" in a["published"])
    article = get(f"{api}/api/articles/{talks['id']}").json()
    assert article["text"] == TALKS
    (event,) = article["event_list"]
    spans = article["spans"]
    for span in spans:
        assert TALKS[span["start"] : span["end"]] == span["text"]
    linked = {(s["field"], s["text"]) for s in spans if s["event_id"] == event["id"]}
    assert {("trigger", "met"), ("sources[0]", "Ukraine"), ("targets[0]", "Russia"),
            ("host", "Turkey"), ("place", "Istanbul"), ("time", "June 2")} <= linked  # fmt: skip
    kinds = {s["kind"] for s in spans}
    assert {"round", "proposal", "position"} <= kinds


def test_actors_places_and_negotiation(api: str) -> None:
    actors = {a["code"]: a["events"] for a in get(f"{api}/api/actors").json()}
    assert actors == {"UKR": 3, "RUS": 3, "TUR": 3}
    (place,) = get(f"{api}/api/places").json()
    assert place["name"] == "Istanbul" and place["events"] == 3 and place["lat"] == 41.01
    (rnd,) = get(f"{api}/api/rounds").json()
    assert [d["party"]["code"] for d in rnd["delegations"]] == ["UKR", "RUS"]
    assert rnd["event"]["date"] == "2025-06-02" and rnd["event"]["place"] == "Istanbul"
    assert len(get(f"{api}/api/delegations").json()) == 2
    (process,) = get(f"{api}/api/processes").json()
    assert [a["code"] for a in process["parties"]] == ["RUS", "UKR"]
    assert (process["rounds"], process["proposals"], process["positions"]) == (1, 1, 2)
    assert (process["first"], process["defined"]) == ("2025-06-02", False)
    (proposal,) = get(f"{api}/api/proposals").json()
    assert [p["step"] for p in proposal["provisions"]] == [1, 2]  # stored out of order
    assert proposal["provisions"][0]["parameters"] == [["minimum_days", "30"]]
    assert get(f"{api}/api/proposals", author="RUS").json() == []
    positions = get(f"{api}/api/positions").json()
    assert {(p["party"]["code"], p["issue"], p["stance"]) for p in positions} == {
        ("RUS", "ceasefire", "rejects"),
        ("UKR", "prisoner_exchange", "accepts"),
    }
    assert {p["process"] for p in positions} == {"process:RUS-UKR"}
    (rus,) = get(f"{api}/api/positions", party="rus").json()
    assert rus["evidence"]["sentence"]["text"] == "Russia rejected the ceasefire."
    assert get(f"{api}/api/positions", issue="territory").json() == []


def test_process_view_cites_every_cell(api: str) -> None:
    view = get(f"{api}/api/processes/russia-ukraine").json()
    assert view == get(f"{api}/api/processes/process:RUS-UKR").json()
    assert view["process"]["id"] == "process:RUS-UKR" and not view["defined"]
    (rnd,) = view["rounds"]
    assert rnd["date"] == "2025-06-02" and [d["party"]["code"] for d in rnd["delegations"]] == [
        "UKR",
        "RUS",
    ]
    (proposal,) = view["proposals"]
    steps = [(p["step"], p["issue"], p["ucdp"], p["pax"]) for p in proposal["provisions"]]
    assert steps == [
        (1, "ceasefire", "cease", ["Ce"]),
        (2, "prisoner_exchange", "pris", ["TjPrire"]),
    ]
    cells = {(c["party"], c["issue"]): c for c in view["cells"]}
    rus = cells["RUS", "ceasefire"]["latest"]
    assert (rus["stance"], rus["derived"]) == ("rejects", False)
    assert rus["cite"]["sentence"] == "Russia rejected the ceasefire."
    derived = cells["UKR", "ceasefire"]["latest"]
    assert derived["derived"] and derived["label"] == "proposes (in ceasefire of 30 days)"
    for cell in view["cells"]:
        c = cell["latest"]["cite"]
        assert TALKS[c["start"] : c["end"]] == c["text"]
        assert TALKS[c["sentence_start"] : c["sentence_end"]] == c["sentence"]
    verdicts = {o["issue"]: o["verdict"] for o in view["overlap"]}
    # UKR proposes the ceasefire (its proposal) and RUS rejects it; on the exchange UKR
    # both proposes and accepts, and no one else has spoken.
    assert verdicts == {"ceasefire": "no overlap", "prisoner_exchange": "unknown"}
    for path in ("rounds", "proposals", "positions"):
        assert len(get(f"{api}/api/{path}", process="Russia-Ukraine talks").json()) >= 1
        assert get(f"{api}/api/{path}", process="Atlantis").status_code == 404
    missing = get(f"{api}/api/processes/Atlantis")
    assert missing.status_code == 404
    assert "Atlantis" in missing.json()["error"] and "process:RUS-UKR" in missing.json()["error"]


def test_headers_schema_and_page(api: str) -> None:
    response = get(f"{api}/api/counts")
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP and "script-src 'self'" in CSP
    assert response.json()["events"] == 3
    schema = get(f"{api}/openapi.json").json()
    for path in ("/api/events", "/api/articles/{article_id}", "/api/positions", "/api/extract",
                 "/api/processes/{name}"):  # fmt: skip
        assert path in schema["paths"]
    page = get(f"{api}/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert page.headers["content-security-policy"] == CSP
    shapes = get(f"{api}/static/countries.json").json()
    assert {"UKR", "RUS", "TUR"} <= {c["id"] for c in shapes["countries"]}
    assert "Natural Earth" in shapes["source"]
    jumps = [
        c["id"]
        for c in shapes["countries"]
        for ring in c["rings"]
        for a, b in pairwise(ring)
        if abs(a[0] - b[0]) > 180
    ]
    assert jumps == [], "rings crossing the antimeridian would draw a line across the map"


def test_empty_store_serves_empty_lists(tmp_path: Path) -> None:
    with served(create_app(tmp_path / "empty.db")) as url:
        for path in ("rounds", "delegations", "proposals", "positions", "processes", "actors"):
            assert get(f"{url}/api/{path}").json() == []
        assert get(f"{url}/api/events").json()["total"] == 0


def test_sentence_around() -> None:
    text = "First one. Second one here!\nThird"
    assert text[slice(*sentence_around(text, 11, 17))] == "Second one here!"
    assert text[slice(*sentence_around(text, 0, 5))] == "First one."
    assert text[slice(*sentence_around(text, 30, 33))] == "Third"


@pytest.mark.slow
def test_extract_reads_and_optionally_stores(tmp_path: Path, nlp: Any) -> None:
    from detente.pipeline import Extractor

    path = tmp_path / "x.db"
    text = "Ukrainian and Russian delegations met in Istanbul on Monday."
    app = create_app(path, extractor=Extractor(nlp=nlp))
    with served(app) as url:
        body = {"text": text, "published": "2025-06-01"}
        read = httpx.post(f"{url}/api/extract", json=body, timeout=60).json()
        assert read["stored"] is False and read["events"]
        assert read["events"][0]["evidence"]["span"]["article_id"] == read["article_id"]
        assert get(f"{url}/api/counts").json()["articles"] == 0
        stored = httpx.post(f"{url}/api/extract", json={**body, "store": True}, timeout=60)
        assert stored.json()["new"] is True
        assert get(f"{url}/api/events").json()["total"] == len(read["events"])
        again = httpx.post(f"{url}/api/extract", json={**body, "store": True}, timeout=60)
        assert again.json()["new"] is False
        clash = httpx.post(
            f"{url}/api/extract",
            json={"text": "Other text.", "id": read["article_id"], "store": True},
            timeout=60,
        )
        assert clash.status_code == 409 and "different text" in clash.json()["error"]


def test_serve_command_serves_a_database(tmp_path: Path) -> None:
    """`detente serve` as a user runs it: a subprocess on a free port, then stopped."""
    binary = str(Path(sys.executable).parent / "detente")
    missing = subprocess.run(
        [binary, "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.db'}: no such database; run `detente ingest` to create it"
    ]
    path = tmp_path / "serve.db"
    with Store(path) as store:
        store.add_reading(build_reading())
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--db", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                counts = httpx.get(f"http://127.0.0.1:{port}/api/counts", timeout=2).json()
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "detente serve did not answer in 30 s"
                time.sleep(0.1)
        assert counts["events"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
