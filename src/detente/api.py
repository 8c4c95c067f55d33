"""The HTTP edge: a FastAPI application over a Store, and the web page it serves.

    app = create_app("detente.db")              # or create_app(Store(...), extractor=...)
    uvicorn.run(app, host="127.0.0.1", port=8000)

Routes (all JSON under /api; the schema is at /openapi.json):
    GET  /api/counts                        rows per table
    GET  /api/articles                      articles, newest data first is not assumed: by date
    GET  /api/articles/{id}                 one article, its events, every span read in it
    GET  /api/events                        ?actor= &dyad= &type= &place= &round= &since= &until=
                                            &limit= &offset=
    GET  /api/events/{id}
    GET  /api/actors, /api/places           who and where, with event counts
    GET  /api/processes                     peace processes (read from articles or defined)
    GET  /api/processes/{name}              one process (id, name or alias): rounds,
                                            proposals, positions matrix, overlap, each cited
    GET  /api/rounds, /api/delegations      rounds of talks and who sat at them (?process=)
    GET  /api/proposals                     documents across articles, provisions in order
                                            (?author= &process=)
    GET  /api/positions                     ?party= &issue= &process=; each with its sentence
    POST /api/extract                       an article in, its Reading out (?store)
    GET  /                                  the web page (static files under /static)

Pydantic lives here and nowhere else: the library speaks frozen dataclasses
(detente.vocabulary) and every response model is filled from `to_dict` of them. Errors:
a bad parameter is a 422 whose `error` says which one and what to give; an unknown id is
a 404; a DetenteError from the library is a 4xx (input) or 503 (store) with its message.
Every response carries a Content-Security-Policy that allows only this server's own
scripts, styles and images: the page shows untrusted article text and never runs it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError, InputError, StoreError
from detente.processes import UnknownProcess, effective_process, process_view, sentence_around
from detente.read import content_id
from detente.store import Store, StoredEvent, event_from_dict
from detente.vocabulary import (
    EVENT_TYPES,
    Article,
    Event,
    Evidence,
    Proposal,
    Round,
    to_dict,
)

if TYPE_CHECKING:
    from detente.pipeline import Extractor

__all__ = ["CSP", "create_app", "sentence_around"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
MAX_LIMIT = 500
MAX_TEXT = 200_000
T = TypeVar("T")


# -- response models -------------------------------------------------------------------------


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SpanOut(Model):
    article_id: str
    start: int
    end: int
    text: str


class SentenceOut(Model):
    """The sentence of the article around an evidence span (offsets into the article)."""

    start: int
    end: int
    text: str


class EvidenceOut(Model):
    span: SpanOut
    extractor: str
    version: str
    confidence: float = 1.0
    sentence: SentenceOut | None = None


class ActorOut(Model):
    code: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    wikidata: str | None = None


class ActorMentionOut(Model):
    actor: ActorOut
    evidence: EvidenceOut
    metonym: bool = False


class PlaceOut(Model):
    id: str
    name: str
    kind: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    timezone: str | None = None
    population: int | None = None
    within: str | None = None


class PlaceMentionOut(Model):
    place: PlaceOut
    evidence: EvidenceOut


class TimeValueOut(Model):
    type: str
    value: str
    evidence: EvidenceOut
    instant: str | None = None
    local: str | None = None
    timezone: str | None = None
    bound: str | None = None
    precision: str = "day"


class AttributionOut(Model):
    text: str
    evidence: EvidenceOut | None = None
    actor: ActorOut | None = None


class EventOut(Model):
    id: str
    article_id: str
    type: str
    status: str
    evidence: EvidenceOut
    mode: str | None = None
    context: str | None = None
    cameo: str | None = None
    sources: list[ActorMentionOut] = []
    targets: list[ActorMentionOut] = []
    symmetric: bool = False
    host: ActorMentionOut | None = None
    place: PlaceMentionOut | None = None
    venue: PlaceMentionOut | None = None
    time: TimeValueOut | None = None
    attribution: AttributionOut | None = None
    status_cue: EvidenceOut | None = None
    refers_to: str | None = None
    mentions: list[EvidenceOut] = []
    date: str | None = Field(None, description="the day the event is filed under (ISO)")
    dated_by: Literal["event", "article"] | None = None
    outlet: str | None = None
    url: str | None = None


class Page(Model, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


class ArticleSummary(Model):
    id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    language: str = "en"
    events: int = 0


class ArticleSpan(Model):
    """A span read in the article: what it is and the event (if any) it supports."""

    start: int
    end: int
    text: str
    kind: str = Field(description="trigger, mention, actor, place, time, attribution, ...")
    field: str | None = Field(None, description="the event field it fills (sources[0], ...)")
    event_id: str | None = None
    label: str | None = None


class ArticleOut(ArticleSummary):
    text: str
    event_list: list[EventOut] = []
    spans: list[ArticleSpan] = []


class ActorSummary(Model):
    code: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    events: int


class PlaceSummary(Model):
    id: str
    name: str
    kind: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    events: int
    event_ids: list[str]


class DelegationOut(Model):
    party: ActorOut
    evidence: EvidenceOut
    head: ActorMentionOut | None = None
    members: list[ActorMentionOut] = []
    appointed_by: ActorMentionOut | None = None
    head_role: str | None = None
    reported_by: ActorMentionOut | None = None
    mentions: list[EvidenceOut] = []
    round_event_id: str | None = None


class RoundEventOut(Model):
    """The CONSULT event a round is, as far as the store holds it."""

    id: str
    date: str | None = None
    place: str | None = None
    venue: str | None = None
    status: str | None = None


class RoundOut(Model):
    event_id: str
    evidence: EvidenceOut
    ordinal: int | None = None
    format: str | None = None
    delegations: list[DelegationOut] = []
    parties: list[ActorOut] = []
    host: ActorOut | None = None
    place: PlaceMentionOut | None = None
    venue: PlaceMentionOut | None = None
    time: TimeValueOut | None = None
    outcome: str | None = None
    process: str | None = None
    mentions: list[EvidenceOut] = []
    cues: list[EvidenceOut] = []
    event: RoundEventOut | None = None


class ProvisionOut(Model):
    step: int
    issue: str
    evidence: EvidenceOut
    parameters: list[tuple[str, str]] = []


class StatusChangeOut(Model):
    status: str
    evidence: EvidenceOut
    date: str | None = None
    tense: str | None = None


class ProposalOut(Model):
    id: str
    author: ActorOut | None = None
    recipient: ActorOut | None = None
    names: list[str] = []
    status: str
    evidence: EvidenceOut
    provisions: list[ProvisionOut] = []
    ordered: bool = False
    mentions: list[EvidenceOut] = []
    history: list[StatusChangeOut] = []
    sources: list[AttributionOut] = []
    process: str | None = None


class PositionOut(Model):
    party: ActorOut
    issue: str
    stance: str
    evidence: EvidenceOut
    text: str | None = None
    date: str | None = None
    proposal: str | None = None
    process: str | None = None


class ThirdPartyOut(Model):
    actor: ActorOut
    role: str
    evidence: EvidenceOut


class ProcessOut(Model):
    """A peace process: read from the articles (merged by id) or defined by a user."""

    id: str
    name: str
    parties: list[ActorOut]
    hosts: list[ActorOut] = []
    mediators: list[ActorOut] = []
    third_parties: list[ThirdPartyOut] = []
    aliases: list[str] = []
    evidence: EvidenceOut | None = None
    defined: bool = False
    rounds: int = 0
    proposals: int = 0
    positions: int = 0
    first: str | None = Field(None, description="day of its first round")
    last: str | None = Field(None, description="day of its last round")


class CitationOut(Model):
    """A cited span and the sentence around it (offsets into the article)."""

    article_id: str
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    sentence: str
    published: str | None = None


class DelegationViewOut(Model):
    party: ActorOut
    cite: CitationOut
    head: str | None = None
    head_role: str | None = None
    appointed_by: str | None = None
    reported_by: str | None = None
    members: list[str] = []


class RoundViewOut(Model):
    event_id: str
    cite: CitationOut
    date: str | None = None
    dated_by: str | None = None
    ordinal: int | None = None
    format: str | None = None
    parties: list[ActorOut] = []
    host: ActorOut | None = None
    place: str | None = None
    venue: str | None = None
    time: str | None = None
    outcome: str | None = None
    delegations: list[DelegationViewOut] = []
    reports: list[CitationOut] = []


class ProvisionViewOut(Model):
    step: int
    issue: str
    label: str
    cite: CitationOut
    ucdp: str | None = None
    pax: list[str] = []
    parameters: list[tuple[str, str]] = []


class StatusViewOut(Model):
    status: str
    cite: CitationOut
    date: str | None = None
    tense: str | None = None


class ProposalViewOut(Model):
    id: str
    name: str
    names: list[str]
    status: str
    cite: CitationOut
    author: ActorOut | None = None
    recipient: ActorOut | None = None
    ordered: bool = False
    provisions: list[ProvisionViewOut] = []
    history: list[StatusViewOut] = []
    articles: list[str] = []


class StanceEntryOut(Model):
    stance: str
    label: str
    cite: CitationOut
    date: str | None = None
    text: str | None = None
    derived: bool = False
    proposal: str | None = None


class CellOut(Model):
    party: str
    issue: str
    latest: StanceEntryOut
    history: list[StanceEntryOut]


class OverlapOut(Model):
    issue: str
    verdict: Literal["overlap", "no overlap", "unknown"]
    reason: str
    stances: list[tuple[str, str]] = []
    cites: list[CitationOut] = []


class ThirdPartyViewOut(Model):
    actor: ActorOut
    role: str
    cite: CitationOut | None = None


class ProcessInfoOut(Model):
    id: str
    name: str
    parties: list[ActorOut]
    hosts: list[ActorOut] = []
    mediators: list[ActorOut] = []
    aliases: list[str] = []


class ProcessViewOut(Model):
    """Everything stored on one process; `cells` is the positions matrix (party x issue)."""

    process: ProcessInfoOut
    defined: bool
    parties: list[ActorOut]
    issues: list[str]
    rounds: list[RoundViewOut]
    proposals: list[ProposalViewOut]
    cells: list[CellOut]
    overlap: list[OverlapOut]
    third_parties: list[ThirdPartyViewOut] = []


class CountsOut(Model):
    articles: int
    mentions: int
    events: int
    event_actors: int
    evidence: int
    negotiation: int
    fused_events: int = 0
    fused_members: int = 0
    fused_actors: int = 0
    processes: int = Field(0, description="processes users defined")


class ErrorOut(Model):
    error: str


def _clean_text(value: str | None) -> str | None:
    """Refuse text that cannot be stored as UTF-8 (lone surrogates) or holds NUL."""
    if value is None:
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("holds characters that are not valid Unicode; send UTF-8 text") from exc
    if "\x00" in value:
        raise ValueError("holds a NUL character; remove it")
    return value


class ExtractRequest(Model):
    """An article to read. `store`: also keep it (and its reading) in the database."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    published: date | datetime | None = None
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=500)
    id: str | None = Field(None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")
    store: bool = False

    @field_validator("text", "title", "url", "outlet")
    @classmethod
    def _valid_text(cls, value: str | None) -> str | None:
        return _clean_text(value)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank; send the article's text")
        return value


class ExtractResponse(Model):
    article_id: str
    stored: bool
    new: bool | None = Field(None, description="when stored: False if it was already there")
    events: list[EventOut]
    actors: list[ActorMentionOut]
    places: list[PlaceMentionOut]
    times: list[TimeValueOut]
    rounds: list[RoundOut]
    proposals: list[ProposalOut]
    positions: list[PositionOut]


# -- the application -------------------------------------------------------------------------


def create_app(
    store_or_path: Store | str | Path,
    *,
    extractor: Extractor | Callable[[], Extractor] | None = None,
) -> FastAPI:
    """The API and web page over a Store (or the database at a path or URL).

    `extractor`: an Extractor, or a function making one on the first POST /api/extract
    (default: detente.pipeline.Extractor(), which loads the spaCy model then).
    """
    store = store_or_path if isinstance(store_or_path, Store) else Store(store_or_path)
    reader = _Extraction(extractor)
    app = FastAPI(
        title="detente",
        version=_version(),
        description="A sourced record of conflict and diplomacy read from the news.",
        docs_url=None,  # Swagger UI needs a CDN and inline script; the schema is enough
        redoc_url=None,
    )
    app.state.store = store
    _install_errors(app)
    _install_headers(app)
    _add_routes(app, store, reader)
    _add_page(app)
    return app


def _version() -> str:
    from detente import __version__

    return __version__


class _Extraction:
    """The extractor, made once on first use; one extraction at a time."""

    def __init__(self, given: Extractor | Callable[[], Extractor] | None) -> None:
        self._given = given
        self._extractor: Extractor | None = None
        self._lock = threading.Lock()

    def extract(self, article: Article) -> Any:
        with self._lock:
            if self._extractor is None:
                self._extractor = self._make()
            return self._extractor.extract(article)

    def _make(self) -> Extractor:
        from detente.pipeline import Extractor

        if self._given is None:
            return Extractor()
        if isinstance(self._given, Extractor):
            return self._given
        return self._given()


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        return JSONResponse(
            status_code=422,
            content={"error": _validation_message(errors), "detail": jsonable_encoder(errors)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"error": str(exc.detail)}, headers=exc.headers
        )

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": str(exc)})

    @app.exception_handler(StoreError)
    async def _store(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"error": str(exc)})

    @app.exception_handler(DetenteError)
    async def _detente(_request: Request, exc: DetenteError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"error": str(exc)})


def _validation_message(errors: Iterable[Any]) -> str:
    """One line: which input was wrong and how."""
    parts = []
    for error in errors:
        where = [str(x) for x in error.get("loc", ())]
        if where and where[0] in ("query", "path", "body"):
            origin = {"query": "query parameter", "path": "path parameter", "body": "body"}[
                where[0]
            ]
            name = ".".join(where[1:])
            where_text = f"{origin} {name!r}" if name else origin
        else:
            where_text = ".".join(where) or "request"
        parts.append(f"{where_text}: {error.get('msg', 'is not valid')}")
    return "; ".join(parts) or "the request is not valid"


def _install_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Callable[..., Any]) -> Any:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


def _page(items: list[T], *, limit: int, offset: int) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset : offset + limit]}  # fmt: skip


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}}
INVALID: dict[int | str, dict[str, Any]] = {422: {"model": ErrorOut}}


def _add_routes(app: FastAPI, store: Store, reader: _Extraction) -> None:
    limit_q = Query(100, ge=1, le=MAX_LIMIT, description=f"items per page (1-{MAX_LIMIT})")
    offset_q = Query(0, ge=0, le=10**9, description="items to skip")

    @app.get("/api/counts", response_model=CountsOut, tags=["store"])
    def counts() -> Any:
        return to_dict(store.counts())

    @app.get("/api/articles", response_model=Page[ArticleSummary], tags=["articles"])
    def list_articles(limit: int = limit_q, offset: int = offset_q) -> Any:
        total, items = _article_page(store, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get(
        "/api/articles/{article_id}",
        response_model=ArticleOut,
        responses=NOT_FOUND,
        tags=["articles"],
    )
    def get_article(article_id: str) -> Any:
        article = _find_article(store, article_id)
        rows = _events_where(store, _events.c.article_id == article.id)
        texts = {article.id: article.text}
        out = _article_summary(article, len(rows))
        out["text"] = article.text
        out["event_list"] = [_event_out(row) for row in rows]
        out["spans"] = list(_article_spans(store, article, rows, texts))
        return out

    @app.get("/api/events", response_model=Page[EventOut], responses=INVALID, tags=["events"])
    def list_events(
        actor: str | None = Query(
            None, min_length=1, max_length=200, description="actor or country code (UKR)"
        ),
        dyad: str | None = Query(
            None,
            max_length=401,
            description="two actor codes, both in the event, either direction (UKR,RUS)",
        ),
        type: str | None = Query(None, description=f"PLOVER type: {', '.join(EVENT_TYPES)}"),
        place: str | None = Query(
            None, min_length=1, max_length=200, description="place id or name (Istanbul)"
        ),
        round: int | None = Query(None, ge=1, le=10**6, description="round of talks, by ordinal"),
        since: Annotated[date | None, Query(description="first day, inclusive")] = None,
        until: Annotated[date | None, Query(description="last day, inclusive")] = None,
        limit: int = limit_q,
        offset: int = offset_q,
    ) -> Any:
        if type is not None and type.upper() not in EVENT_TYPES:
            raise HTTPException(
                422,
                f"query parameter 'type': {type!r} is not a PLOVER type; give one of "
                + ", ".join(EVENT_TYPES),
            )
        if since is not None and until is not None and since > until:
            raise HTTPException(422, f"query parameters: since {since} is after until {until}")
        pair = _dyad(dyad) if dyad is not None else None
        rows = store.events(
            actor=actor, dyad=pair, type=type, place=place, round=round, since=since, until=until
        )
        return _page([_event_out(row) for row in rows], limit=limit, offset=offset)

    @app.get(
        "/api/events/{event_id}", response_model=EventOut, responses=NOT_FOUND, tags=["events"]
    )
    def get_event(event_id: str) -> Any:
        for row in _events_where(store, _events.c.id == event_id):
            return _event_out(row)
        raise HTTPException(404, f"no event {event_id!r}; list them at /api/events")

    @app.get("/api/actors", response_model=list[ActorSummary], tags=["events"])
    def list_actors() -> Any:
        return _actors(row.event for row in store.events())

    @app.get("/api/places", response_model=list[PlaceSummary], tags=["events"])
    def list_places() -> Any:
        return _places(row.event for row in store.events())

    @app.get("/api/processes", response_model=list[ProcessOut], tags=["negotiation"])
    def list_processes() -> Any:
        rounds = store.rounds()
        dates = {
            row.event.id: row.date.isoformat() if row.date else None
            for row in _events_where(store, _events.c.id.in_([r.event_id for r in rounds]))
        }
        return _processes(store, rounds, dates)

    @app.get(
        "/api/processes/{name}",
        response_model=ProcessViewOut,
        responses=NOT_FOUND,
        tags=["negotiation"],
    )
    def get_process(name: str) -> Any:
        try:
            view = process_view(store, name)
        except UnknownProcess as exc:
            raise HTTPException(404, str(exc)) from exc
        return to_dict(view)

    process_q = Query(
        None, min_length=1, max_length=400, description="a process: its id, name or alias"
    )

    def of_process(query: Callable[..., list[T]], process: str | None, **more: Any) -> list[T]:
        try:
            return query(process=process, **more)
        except UnknownProcess as exc:
            raise HTTPException(404, str(exc)) from exc

    @app.get(
        "/api/rounds", response_model=list[RoundOut], responses=NOT_FOUND, tags=["negotiation"]
    )
    def list_rounds(process: str | None = process_q) -> Any:
        rounds = of_process(store.rounds, process)
        texts = _article_texts(store, rounds)
        wanted = _events.c.id.in_([r.event_id for r in rounds])
        by_id = {row.event.id: row for row in _events_where(store, wanted)}
        return [_round_out(r, by_id.get(r.event_id), texts) for r in rounds]

    @app.get("/api/delegations", response_model=list[DelegationOut], tags=["negotiation"])
    def list_delegations() -> Any:
        rounds = store.rounds()
        texts = _article_texts(store, rounds)
        out = []
        for rnd in rounds:
            for delegation in rnd.delegations:
                item = _with_sentences(to_dict(delegation), texts)
                item["round_event_id"] = rnd.event_id
                out.append(item)
        return out

    @app.get(
        "/api/proposals",
        response_model=list[ProposalOut],
        responses=NOT_FOUND,
        tags=["negotiation"],
    )
    def list_proposals(
        author: str | None = Query(None, min_length=1, max_length=200, description="actor code"),
        process: str | None = process_q,
    ) -> Any:
        proposals = [
            p
            for p in of_process(store.proposals, process)
            if author is None or (p.author is not None and _same_actor(p.author, author))
        ]
        texts = _article_texts(store, proposals)
        return [_proposal_out(p, texts) for p in proposals]

    @app.get(
        "/api/positions",
        response_model=list[PositionOut],
        responses=NOT_FOUND,
        tags=["negotiation"],
    )
    def list_positions(
        party: str | None = Query(None, min_length=1, max_length=200, description="actor code"),
        issue: str | None = Query(None, min_length=1, max_length=100, description="issue code"),
        process: str | None = process_q,
    ) -> Any:
        positions = [
            p
            for p in of_process(store.positions, process)
            if (party is None or _same_actor(p.party, party))
            and (issue is None or p.issue.lower() == issue.lower())
        ]
        texts = _article_texts(store, positions)
        return [_with_sentences(to_dict(p), texts) for p in positions]

    @app.post(
        "/api/extract",
        response_model=ExtractResponse,
        responses={**INVALID, 409: {"model": ErrorOut}},
        tags=["articles"],
    )
    def extract(request: ExtractRequest) -> Any:
        article = Article(
            id=request.id or content_id(request.text),
            text=request.text,
            published=request.published,
            title=request.title,
            url=request.url,
            outlet=request.outlet,
            source="api",
        )
        reading = reader.extract(article)
        new = None
        if request.store:
            try:
                new = store.add_reading(reading).new
            except InputError as exc:
                raise HTTPException(409, str(exc)) from exc
        texts = {article.id: article.text}
        data = to_dict(reading)
        return {
            "article_id": article.id,
            "stored": request.store,
            "new": new,
            "events": [_event_out(StoredEvent(e, None, None)) for e in reading.events],
            "actors": data["actors"],
            "places": data["places"],
            "times": data["times"],
            "rounds": [_round_out(r, None, texts) for r in reading.rounds],
            "proposals": [_proposal_out(p, texts) for p in reading.proposals],
            "positions": [_with_sentences(to_dict(p), texts) for p in reading.positions],
        }


def _add_page(app: FastAPI) -> None:
    web = Path(str(files("detente.web")))
    app.mount("/static", StaticFiles(directory=web), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(web / "index.html", media_type="text/html; charset=utf-8")


# -- building the responses ------------------------------------------------------------------


def _article_summary(article: Article, events: int) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "outlet": article.outlet,
        "language": article.language,
        "events": events,
    }


# -- queries the Store does not offer (SQLAlchemy Core on its tables) -------------------------

_articles = sa.table(
    "articles",
    sa.column("id"),
    sa.column("title"),
    sa.column("published"),
    sa.column("published_date", sa.Date),
    sa.column("url"),
    sa.column("outlet"),
    sa.column("language"),
    sa.column("source"),
    sa.column("text"),
)
_events = sa.table(
    "events",
    sa.column("id"),
    sa.column("article_id"),
    sa.column("json"),
    sa.column("event_date", sa.Date),
    sa.column("trigger_start"),
)


@contextmanager
def _connection(store: Store) -> Iterator[sa.Connection]:
    try:
        with store.engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.target}: query failed ({exc.__class__.__name__})") from exc


def _article_page(store: Store, *, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(number of articles, one page of summaries with their event counts), by date then id."""
    counts = (
        sa.select(_events.c.article_id, sa.func.count().label("n"))
        .group_by(_events.c.article_id)
        .subquery()
    )
    a = _articles.c
    query = (
        sa.select(a.id, a.title, a.published, a.url, a.outlet, a.language, counts.c.n)
        .select_from(_articles.outerjoin(counts, counts.c.article_id == a.id))
        .order_by(a.published_date.is_(None), a.published_date, a.id)
        .limit(limit)
        .offset(offset)
    )
    with _connection(store) as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(_articles)).scalar_one()
        rows = conn.execute(query).mappings().all()
    items = [
        {"id": r["id"], "title": r["title"], "published": r["published"], "url": r["url"],
         "outlet": r["outlet"], "language": r["language"] or "en", "events": r["n"] or 0}
        for r in rows
    ]  # fmt: skip
    return total, items


def _find_article(store: Store, article_id: str) -> Article:
    with _connection(store) as conn:
        row = conn.execute(sa.select(_articles).where(_articles.c.id == article_id)).first()
    if row is None:
        raise HTTPException(404, f"no article {article_id!r}; list them at /api/articles")
    published = row.published
    if published is not None:
        published = (
            date.fromisoformat(published) if len(published) <= 10
            else datetime.fromisoformat(published)
        )  # fmt: skip
    return Article(id=row.id, text=row.text, published=published, title=row.title, url=row.url,
                   outlet=row.outlet, language=row.language or "en", source=row.source)  # fmt: skip


def _events_where(store: Store, condition: Any) -> list[StoredEvent]:
    """Stored events matching a condition on the events table, in the Store's order."""
    filed = sa.func.coalesce(_events.c.event_date, _articles.c.published_date)
    query = (
        sa.select(
            _events.c.json,
            _events.c.event_date,
            _articles.c.published_date,
            _articles.c.outlet,
            _articles.c.url,
        )
        .join(_articles, _articles.c.id == _events.c.article_id)
        .where(condition)
        .order_by(filed.is_(None), filed, _events.c.article_id, _events.c.trigger_start)
    )
    with _connection(store) as conn:
        rows = conn.execute(query).all()
    out = []
    for row in rows:
        own, published = row.event_date, row.published_date
        out.append(StoredEvent(
            event=event_from_dict(json.loads(row.json)),
            date=own if own is not None else published,
            dated_by="event" if own is not None else ("article" if published else None),
            outlet=row.outlet,
            url=row.url,
        ))  # fmt: skip
    return out


def _article_texts(store: Store, items: Iterable[Any]) -> dict[str, str]:
    """The texts of the articles that the evidence in items points to."""
    ids = sorted({ev["span"]["article_id"] for ev in _evidence_dicts(to_dict(list(items)))})
    if not ids:
        return {}
    query = sa.select(_articles.c.id, _articles.c.text).where(_articles.c.id.in_(ids))
    with _connection(store) as conn:
        return {row.id: row.text for row in conn.execute(query)}


def _evidence_dicts(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if isinstance(data.get("span"), dict) and "extractor" in data:
            yield data
        for value in data.values():
            yield from _evidence_dicts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _evidence_dicts(value)


def _event_out(row: StoredEvent) -> dict[str, Any]:
    data = to_dict(row.event)
    data["date"] = row.date.isoformat() if row.date else None
    data["dated_by"] = row.dated_by
    data["outlet"] = row.outlet
    data["url"] = row.url
    return data


def _dyad(value: str) -> tuple[str, str]:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise HTTPException(
            422, f"query parameter 'dyad': {value!r} is not two actor codes; give e.g. UKR,RUS"
        )
    return parts[0], parts[1]


def _same_actor(actor: Any, code: str) -> bool:
    key = code.upper()
    return actor.code.upper() == key or (actor.country or "").upper() == key


def _with_sentences(data: Any, texts: dict[str, str]) -> Any:
    """Add `sentence` to every evidence dict in data (in place) when its article is known."""
    if isinstance(data, dict):
        span = data.get("span")
        if isinstance(span, dict) and "extractor" in data:
            text = texts.get(span.get("article_id", ""))
            if text is not None:
                begin, stop = sentence_around(text, span["start"], span["end"])
                data["sentence"] = {"start": begin, "end": stop, "text": text[begin:stop]}
        for value in data.values():
            _with_sentences(value, texts)
    elif isinstance(data, list):
        for value in data:
            _with_sentences(value, texts)
    return data


def _round_out(rnd: Round, row: StoredEvent | None, texts: dict[str, str]) -> dict[str, Any]:
    data = _with_sentences(to_dict(rnd), texts)
    if row is not None:
        event = row.event
        data["event"] = {
            "id": event.id,
            "date": row.date.isoformat() if row.date else None,
            "place": event.place.place.name if event.place else None,
            "venue": event.venue.place.name if event.venue else None,
            "status": event.status,
        }
    for delegation in data["delegations"]:
        delegation["round_event_id"] = rnd.event_id
    return data


def _proposal_out(proposal: Proposal, texts: dict[str, str]) -> dict[str, Any]:
    data = _with_sentences(to_dict(proposal), texts)
    data["provisions"].sort(key=lambda p: p["step"])
    return data


def _actors(events: Iterable[Event]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    for event in events:
        mentions = [*event.sources, *event.targets, *([event.host] if event.host else [])]
        for code in {m.actor.code for m in mentions}:
            counts[code] += 1
        for mention in mentions:
            a = mention.actor
            seen.setdefault(a.code, {"code": a.code, "name": a.name, "kind": a.kind,
                                     "country": a.country, "sector": a.sector})  # fmt: skip
    return sorted(
        ({**item, "events": counts[code]} for code, item in seen.items()),
        key=lambda item: (-item["events"], item["code"]),
    )


def _places(events: Iterable[Event]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    ids: defaultdict[str, list[str]] = defaultdict(list)
    for event in events:
        for mention in (event.venue, event.place):
            if mention is None:
                continue
            p = mention.place
            seen.setdefault(p.id, {"id": p.id, "name": p.name, "kind": p.kind,
                                   "country": p.country, "lat": p.lat, "lon": p.lon})  # fmt: skip
            if event.id not in ids[p.id]:
                ids[p.id].append(event.id)
    return sorted(
        ({**item, "events": len(ids[pid]), "event_ids": ids[pid]} for pid, item in seen.items()),
        key=lambda item: (-item["events"], item["name"]),
    )


def _processes(
    store: Store, rounds: list[Round], dates: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Every process with how many rounds, proposals and positions belong to it and the
    days of its first and last round."""
    known = store.processes()
    defined = {p.id for p in store.defined_processes()}
    texts = _article_texts(store, known)
    counts: Counter[tuple[str | None, str]] = Counter()
    days: defaultdict[str | None, list[str]] = defaultdict(list)
    for rnd in rounds:
        pid = effective_process(rnd, known)
        counts[pid, "rounds"] += 1
        if dates.get(rnd.event_id):
            days[pid].append(dates[rnd.event_id] or "")
    for proposal in store.proposals():
        counts[effective_process(proposal, known), "proposals"] += 1
    for position in store.positions():
        counts[effective_process(position, known), "positions"] += 1
    out = []
    for process in known:
        data = _with_sentences(to_dict(process), texts)
        seen = sorted(days[process.id])
        data |= {
            "defined": process.id in defined,
            **{kind: counts[process.id, kind] for kind in ("rounds", "proposals", "positions")},
            "first": seen[0] if seen else None,
            "last": seen[-1] if seen else None,
        }
        out.append(data)
    return sorted(out, key=lambda p: (p["first"] or "9999", p["id"]))


# The event fields whose evidence the article page highlights, in reading order.
def _event_spans(event: Event) -> Iterator[tuple[str, str, Evidence, str]]:
    """(kind, field, evidence, label) of every span an event was read from."""
    yield "trigger", "trigger", event.evidence, f"{event.type} ({event.status})"
    for i, ev in enumerate(event.mentions):
        if ev != event.evidence:
            yield "trigger", f"mentions[{i}]", ev, f"{event.type}: another report"
    for role, mentions in (("sources", event.sources), ("targets", event.targets)):
        for i, am in enumerate(mentions):
            yield "actor", f"{role}[{i}]", am.evidence, f"{role[:-1]}: {am.actor.code}"
    if event.host is not None:
        yield "actor", "host", event.host.evidence, f"host: {event.host.actor.code}"
    for name, pm in (("place", event.place), ("venue", event.venue)):
        if pm is not None:
            yield "place", name, pm.evidence, f"{name}: {pm.place.name}"
    if event.time is not None:
        yield "time", "time", event.time.evidence, f"time: {event.time.value}"
    if event.attribution is not None and event.attribution.evidence is not None:
        yield "attribution", "attribution", event.attribution.evidence, "source of the claim"
    if event.status_cue is not None:
        yield "status", "status_cue", event.status_cue, f"status: {event.status}"


_mentions = sa.table(
    "mentions",
    sa.column("article_id"),
    sa.column("kind"),
    sa.column("start_char"),
    sa.column("end_char"),
    sa.column("text"),
    sa.column("code"),
)


def _article_spans(
    store: Store, article: Article, rows: list[StoredEvent], texts: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Every span read in the article: event evidence (linked to its event), negotiation
    evidence, then mentions no event used (unlinked)."""
    seen: set[tuple[int, int]] = set()
    for row in rows:
        event = row.event
        for kind, field, ev, label in _event_spans(event):
            if ev.span.article_id != article.id or ev.span.start >= ev.span.end:
                continue  # another article's span, or a value read from no characters
            seen.add((ev.span.start, ev.span.end))
            yield {"start": ev.span.start, "end": ev.span.end, "text": ev.span.text,
                   "kind": kind, "field": field, "event_id": event.id, "label": label}  # fmt: skip
    for rnd in store.rounds():
        if rnd.evidence.span.article_id == article.id:
            seen.add((rnd.evidence.span.start, rnd.evidence.span.end))
            yield _negotiation_span(rnd.evidence, "round", "round of talks", rnd.event_id)
    for proposal in store.proposals(merged=False):
        for ev, label in [(proposal.evidence, f"proposal: {', '.join(proposal.names)}")] + [
            (p.evidence, f"provision {p.step}: {p.issue}") for p in proposal.provisions
        ]:
            if ev.span.article_id == article.id:
                seen.add((ev.span.start, ev.span.end))
                yield _negotiation_span(ev, "proposal", label, None)
    for position in store.positions():
        if position.evidence.span.article_id == article.id:
            seen.add((position.evidence.span.start, position.evidence.span.end))
            label = f"position: {position.party.code} {position.stance} {position.issue}"
            yield _negotiation_span(position.evidence, "position", label, None)
    query = (
        sa.select(
            _mentions.c.kind,
            _mentions.c.start_char,
            _mentions.c.end_char,
            _mentions.c.text,
            _mentions.c.code,
        )
        .where(_mentions.c.article_id == article.id)
        .order_by(_mentions.c.start_char)
    )
    try:
        with store.engine.connect() as conn:
            found = list(conn.execute(query))
    except SQLAlchemyError as exc:
        raise StoreError(f"{store.target}: could not read the mentions of {article.id}") from exc
    for kind, start, end, text, code in found:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        yield {"start": start, "end": end, "text": text, "kind": kind, "field": None,
               "event_id": None, "label": f"{kind}: {code}" if code else kind}  # fmt: skip


def _negotiation_span(ev: Evidence, kind: str, label: str, event_id: str | None) -> dict[str, Any]:
    return {"start": ev.span.start, "end": ev.span.end, "text": ev.span.text, "kind": kind,
            "field": None, "event_id": event_id, "label": label}  # fmt: skip
