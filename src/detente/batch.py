"""Batch runs: a corpus in, Parquet tables out, on all local cores or on a Ray cluster.

    report = run_batch(["shards/"], out="coded/", engine="local", workers=2)
    report = run_batch(["shards/"], out="coded/", engine="ray", address="auto")  # a cluster
    load_batch("coded/", store=store)          # what `detente ingest coded/` does

Inputs are anything `detente.read.read_articles` reads (text files with sidecars, JSON
Lines, folders of them) plus Parquet files of articles (`text` column required; `id`,
`title`, `published`, `url`, `outlet`, `language` optional), one file being a shard.

The output folder
    coded/detente-batch.json        format, pipeline signature, part size (written once)
    coded/parts.jsonl               one line per finished part (counts, timing, inputs)
    coded/<table>/part-<key>.parquet     for the seven TABLES, one file per part and table
Each table folder is a Parquet dataset any Arrow tool reads (`pyarrow.dataset`, pandas,
DuckDB, Spark). Rows carry flat columns to filter on and a `json` column holding
`to_dict(obj)`, from which `load_batch` rebuilds the Readings exactly (the schemas and
rows are in detente.batch_tables).

Parts make runs resumable and appendable
- The planner (on the driver) reads the inputs in order, drops repeated articles, and
  cuts the stream of good articles into parts of `part_size`. A part is named by a content
  hash of its articles' ids and text hashes and of the pipeline signature (detente version,
  a hash of its code and data, the spaCy model): the same articles coded by the same
  pipeline always land in the same file, whichever engine or worker wrote it.
- A part is done when its line is in parts.jsonl (written by the driver after all seven
  files of the part were renamed into place). A rerun plans again and skips done parts, so
  an interrupted run resumes where it stopped and a run with more shards appends.
- A folder started by another pipeline signature or part size is refused, not mixed.

Workers do not receive article text from the driver: a part names its inputs (file and
item indices), and the worker reads them itself with the same reader, checks they still
hash to the part's key, runs the pipeline with `Extractor.extract_many`, and writes the
part's files. The driver only plans and keeps the manifest. On a cluster the inputs and
the output folder must therefore be on storage every node sees (docs/cluster.md).

Determinism: rows within a part follow the input order, and whole tables are read part
after part sorted by input path and position, so the output is the same row for row
whichever engine and worker count wrote it. Only parts.jsonl holds run times.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import importlib.metadata
import itertools
import json
import logging
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.batch_tables import (
    TABLES,
    first_line,
    part_tables,
    read_parquet,
    reading_from_rows,
    schemas,
    words,
)
from detente.errors import BatchError, InputError
from detente.read import (
    JSONL_SUFFIXES,
    SIDECAR_SUFFIX,
    TEXT_SUFFIXES,
    read_articles,
    text_hash,
)
from detente.vocabulary import Article, Reading, to_dict

if TYPE_CHECKING:
    import pyarrow as pa

    from detente.pipeline import Extractor
    from detente.store import IngestReport, Store

__all__ = [
    "ENGINES",
    "FORMAT",
    "TABLES",
    "BatchReport",
    "Part",
    "PartResult",
    "Plan",
    "Segment",
    "ingest_inputs",
    "is_batch_output",
    "iter_readings",
    "load_batch",
    "pipeline_signature",
    "plan",
    "read_input",
    "read_table",
    "run_batch",
    "run_part",
    "schemas",
]

FORMAT = "detente-batch/1"
ENGINES: tuple[str, ...] = ("local", "ray")
MANIFEST = "detente-batch.json"
PARTS_LOG = "parts.jsonl"
LOCK = ".lock"
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet",)
DEFAULT_PART_SIZE = 64
ExtractorFactory = Callable[[], "Extractor"]


# -- plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """Items of one input file that belong to a part: indices into `read_input(path)`.

    `path` is absolute (workers run elsewhere); `given` is the path as the user wrote it,
    kept as the articles' `source` so that a batch and `detente ingest` store the same rows.
    """

    path: str
    items: tuple[int, ...]
    given: str = ""


@dataclass(frozen=True)
class Part:
    """A unit of work: up to `part_size` articles, named by the hash of what it holds."""

    key: str
    segments: tuple[Segment, ...]
    articles: int
    words: int

    def to_json(self) -> str:
        return json.dumps(to_dict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Part:
        data = json.loads(text)
        segments = tuple(
            Segment(s["path"], tuple(s["items"]), s.get("given", "")) for s in data["segments"]
        )
        return cls(data["key"], segments, data["articles"], data["words"])


@dataclass(frozen=True)
class Plan:
    """Every part of a run, in input order; the inputs that failed; repeats dropped."""

    parts: tuple[Part, ...]
    errors: tuple[InputError, ...] = ()
    repeated: int = 0

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.parts)

    @property
    def words(self) -> int:
        return sum(p.words for p in self.parts)


def read_input(path: str | Path) -> Iterator[Article | InputError]:
    """Every item of one input file: Parquet read here, anything else by read_articles."""
    if Path(path).suffix.lower() in PARQUET_SUFFIXES:
        return read_parquet(Path(path))
    return read_articles([path])


def input_files(inputs: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """The files behind the inputs: a file as given, a folder's article files (sorted)."""
    suffixes = TEXT_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES
    for given in inputs:
        if str(given) == "-":
            yield InputError("-", "batch runs read files, not standard input; save it to a file")
            continue
        path = Path(given)
        if path.is_dir():
            if (path / MANIFEST).is_file():
                yield InputError(str(path), "is a batch output folder; give the input articles")
                continue
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not p.name.endswith(SIDECAR_SUFFIX)
            )
            if not files:
                yield InputError(str(path), "folder holds no .txt, .jsonl or .parquet files")
            yield from files
        else:
            yield path  # a missing file becomes read_input's own InputError


def plan(
    inputs: Iterable[str | Path], *, part_size: int = DEFAULT_PART_SIZE, signature: str = ""
) -> Plan:
    """Cut the good articles of `inputs`, in order, into parts of `part_size`.

    An article whose id and text were already seen is dropped (counted in `repeated`); the
    same id with another text is an InputError, as the store would refuse it.
    """
    if part_size < 1:
        raise ValueError("part_size must be at least 1")
    parts: list[Part] = []
    errors: list[InputError] = []
    seen: dict[str, str] = {}
    repeated = 0
    pending: list[tuple[str, int, Article]] = []

    def close() -> None:
        if pending:
            parts.append(_make_part(pending, signature))
            pending.clear()

    for file in input_files(inputs):
        if isinstance(file, InputError):
            errors.append(file)
            continue
        for index, item in enumerate(read_input(file)):
            if isinstance(item, InputError):
                errors.append(item)
                continue
            digest = text_hash(item.text)
            known = seen.get(item.id)
            if known is not None:  # planned before: the same article again, or a clash
                if known == digest:
                    repeated += 1
                else:
                    errors.append(_clashing_id(item))
                continue
            seen[item.id] = digest
            pending.append((str(file), index, item))
            if len(pending) == part_size:
                close()
    close()
    return Plan(tuple(parts), tuple(errors), repeated)


def _clashing_id(article: Article) -> InputError:
    return InputError(
        article.source or article.id,
        f"article id {article.id!r} appears earlier with a different text; "
        "give this text its own id (or drop the id to use a content hash)",
    )


def _make_part(pending: Sequence[tuple[str, int, Article]], signature: str) -> Part:
    segments: list[Segment] = []
    for given, group in itertools.groupby(pending, key=lambda p: p[0]):
        items = tuple(index for _, index, _ in group)
        segments.append(Segment(str(Path(given).resolve()), items, given))
    articles = [article for _, _, article in pending]
    return Part(
        key=part_key(articles, signature),
        segments=tuple(segments),
        articles=len(articles),
        words=sum(words(a.text) for a in articles),
    )


def part_key(articles: Iterable[Article], signature: str) -> str:
    """sha256 over the pipeline signature and each article's id and text hash."""
    digest = hashlib.sha256(signature.encode("utf-8"))
    for article in articles:
        digest.update(f"\n{article.id}\t{text_hash(article.text)}".encode())
    return digest.hexdigest()[:24]


def read_part(part: Part, *, signature: str) -> list[Article]:
    """The part's articles, read again from its inputs; BatchError if they changed."""
    articles: list[Article] = []
    for segment in part.segments:
        wanted = set(segment.items)
        last = max(segment.items)
        for index, item in enumerate(read_input(segment.path)):
            if index > last:
                break
            if index in wanted and isinstance(item, Article):
                articles.append(_as_given(item, segment))
    if part_key(articles, signature) != part.key:
        paths = ", ".join(s.given or s.path for s in part.segments)
        raise BatchError(
            f"{paths}: changed since the run was planned (part {part.key}); "
            "rerun the batch command to plan again"
        )
    return articles


def _as_given(article: Article, segment: Segment) -> Article:
    """The article with its source named by the path as given (`path:line` kept)."""
    source = article.source or ""
    if segment.given and source.startswith(segment.path):
        return dataclasses.replace(article, source=segment.given + source[len(segment.path) :])
    return article


def _part_file(out: Path, table: str, key: str) -> Path:
    return out / table / f"part-{key}.parquet"


def write_part(out: Path, key: str, tables: dict[str, pa.Table]) -> None:
    """Write the part's files, each to a temporary name first, then renamed into place."""
    import pyarrow.parquet as pq

    for name in TABLES:
        target = _part_file(out, name, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        pq.write_table(tables[name], temporary, compression="zstd")
        os.replace(temporary, target)


# -- running one part ----------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """What a worker did with one part. `failed`: (article id, problem) of articles the
    pipeline raised on; they are left out of the tables and reported."""

    key: str
    articles: int
    words: int
    rows: dict[str, int]
    started: float
    finished: float
    worker: str
    failed: tuple[tuple[str, str], ...] = ()
    rss_mb: float = 0.0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PartResult:
        data = json.loads(text)
        data["failed"] = tuple(tuple(f) for f in data.get("failed", ()))
        return cls(**data)


def run_part(
    extractor: Extractor, part: Part, *, out: Path, signature: str, batch_size: int = 32
) -> PartResult:
    """Read the part's articles, extract them, write its seven files; the same wherever run."""
    started = time.time()
    articles = read_part(part, signature=signature)
    readings, failed = _extract(extractor, articles, batch_size=batch_size)
    tables = part_tables(readings, part=part.key)
    write_part(out, part.key, tables)
    return PartResult(
        key=part.key,
        articles=len(readings),
        words=sum(words(r.article.text) for r in readings),
        rows={name: tables[name].num_rows for name in TABLES},
        started=started,
        finished=time.time(),
        worker=f"{os.uname().nodename}:{os.getpid()}",
        failed=tuple(failed),
        rss_mb=_peak_rss_mb(),
    )


def _extract(
    extractor: Extractor, articles: list[Article], *, batch_size: int
) -> tuple[list[Reading], list[tuple[str, str]]]:
    """All readings in one nlp.pipe pass; if the pipeline raises, article by article, so one
    article that trips a bug is reported and the other articles of the part are kept."""
    try:
        return list(extractor.extract_many(articles, batch_size=batch_size)), []
    except Exception:
        pass
    readings: list[Reading] = []
    failed: list[tuple[str, str]] = []
    for article in articles:
        try:
            readings.append(extractor.extract(article))
        except Exception as exc:
            failed.append((article.id, f"{type(exc).__name__}: {first_line(exc)}"))
    return readings, failed


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def warm_extractor(factory: ExtractorFactory | None) -> Extractor:
    """A new extractor with its model and data loaded now (once per worker)."""
    if factory is None:
        from detente.pipeline import Extractor

        factory = Extractor
    extractor = factory()
    for name in ("nlp", "registry", "gazetteer", "lexicon"):
        getattr(extractor, name, None)
    # The first articles build indexes lazily (persons, organisations): pay it here.
    extractor.extract(Article(id="warm-up", text=_WARM_UP, published=date(2025, 3, 3)))
    return extractor


# Written for this purpose (invented names): titles, persons, organisations, places, times.
_WARM_UP = (
    "GENEVA, March 3 (Wire) - Foreign Minister Anna Novak of Poland met United Nations "
    "envoy John Smith and NATO officials in Geneva on Monday, the ministry said. Russian "
    "President Vladimir Putin told reporters in Moscow that a delegation would travel to "
    "Istanbul next week for talks with Ukrainian officials, according to the Kremlin. The "
    "two sides agreed to a 30-day ceasefire and an exchange of prisoners."
)


# -- the pipeline signature ----------------------------------------------------------------


@functools.cache
def pipeline_signature() -> str:
    """What shapes the output: detente's version, a hash of its code and bundled data,
    and the spaCy model's name and version. Parts are keyed by it."""
    from detente.parse import MODEL

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    try:
        model = f"{MODEL}=={importlib.metadata.version(MODEL)}"
    except importlib.metadata.PackageNotFoundError:
        model = f"{MODEL}==?"
    return f"detente=={_version()} code:{digest.hexdigest()[:16]} {model}"


def _version() -> str:
    try:
        return importlib.metadata.version("detente")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


# -- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchReport:
    """What one run did. `parts_skipped` were done by an earlier run into the same folder."""

    engine: str
    workers: int
    parts_done: int = 0
    parts_skipped: int = 0
    articles: int = 0
    words: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    errors: tuple[InputError, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    repeated: int = 0
    seconds: float = 0.0
    busy_seconds: float = 0.0  # from the first part's start to the last part's end
    peak_worker_rss_mb: float = 0.0


def run_batch(
    inputs: Sequence[str | Path],
    *,
    out: str | Path,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
    part_size: int | None = None,
    batch_size: int = 32,
    extractor_factory: ExtractorFactory | None = None,
    runtime_env: dict[str, Any] | None = None,
    on_plan: Callable[[Plan, int], None] | None = None,
    on_part: Callable[[PartResult], None] | None = None,
) -> BatchReport:
    """Code `inputs` into Parquet under `out`, skipping parts an earlier run finished.

    `engine` "local" runs `workers` processes (default: every core; 1 runs in this
    process); "ray" runs a Ray Data actor pool of `workers` actors on the cluster at
    `address`, or on a local Ray started for the run. `on_plan(plan, todo_articles)` hears
    of the plan, `on_part` of each finished part (for a progress bar).
    """
    if engine not in ENGINES:
        raise BatchError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    if address and engine != "ray":
        raise BatchError("--address names a Ray cluster; add --engine ray")
    clock = time.perf_counter()
    out_dir = Path(out).resolve()
    signature = pipeline_signature()
    with _locked(out_dir):
        size = _open_output(out_dir, signature=signature, part_size=part_size)
        the_plan = plan(inputs, part_size=size, signature=signature)
        done = _done_parts(out_dir)
        todo = [p for p in the_plan.parts if p.key not in done]
        if on_plan is not None:
            on_plan(the_plan, sum(p.articles for p in todo))
        if engine == "local":
            count = workers or _cores()
            results = _run_local(
                todo, out=out_dir, signature=signature, workers=count,
                batch_size=batch_size, factory=extractor_factory,
            )  # fmt: skip
        else:
            count = workers or 0
            results = _run_ray(
                todo, out=out_dir, signature=signature, workers=count, address=address,
                batch_size=batch_size, factory=extractor_factory, runtime_env=runtime_env,
            )  # fmt: skip
        finished: list[PartResult] = []
        by_key = {p.key: p for p in todo}
        with (out_dir / PARTS_LOG).open("a+", encoding="utf-8") as log:
            _end_torn_line(log)
            for result in results:
                log.write(_log_line(result, engine=engine, part=by_key[result.key]) + "\n")
                log.flush()
                finished.append(result)
                if on_part is not None:
                    on_part(result)
    return _report(
        finished, engine=engine, workers=count, plan=the_plan,
        skipped=len(the_plan.parts) - len(todo), seconds=time.perf_counter() - clock,
    )  # fmt: skip


def _end_torn_line(log: Any) -> None:
    """After a crash mid-write the log may end inside a line: close it, so the next entry
    starts on its own line (the torn one is ignored when the log is read)."""
    if log.tell() > 0:
        log.seek(log.tell() - 1)
        last = log.read(1)
        if last != "\n":
            log.write("\n")


def _report(
    finished: list[PartResult],
    *,
    engine: str,
    workers: int,
    plan: Plan,
    skipped: int,
    seconds: float,
) -> BatchReport:
    rows = {name: sum(r.rows.get(name, 0) for r in finished) for name in TABLES}
    busy = max((r.finished for r in finished), default=0.0) - min(
        (r.started for r in finished), default=0.0
    )
    return BatchReport(
        engine=engine,
        workers=workers,
        parts_done=len(finished),
        parts_skipped=skipped,
        articles=sum(r.articles for r in finished),
        words=sum(r.words for r in finished),
        rows=rows,
        errors=plan.errors,
        failed=tuple(f for r in finished for f in r.failed),
        repeated=plan.repeated,
        seconds=seconds,
        busy_seconds=busy,
        peak_worker_rss_mb=max((r.rss_mb for r in finished), default=0.0),
    )


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _log_line(result: PartResult, *, engine: str, part: Part) -> str:
    entry = {
        "part": result.key,
        "articles": result.articles,
        "words": result.words,
        "rows": result.rows,
        "failed": [list(f) for f in result.failed],
        "inputs": [{"path": s.given or s.path, "items": list(s.items)} for s in part.segments],
        "engine": engine,
        "worker": result.worker,
        "seconds": round(result.finished - result.started, 3),
        "finished": datetime.fromtimestamp(result.finished, UTC).isoformat(timespec="seconds"),
    }
    return json.dumps(entry, sort_keys=True)


# -- the output folder ---------------------------------------------------------------------


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One run at a time per output folder (an flock, released if the process dies)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"{out}: cannot create the output folder ({exc.strerror})") from exc
    if not out.is_dir():
        raise BatchError(f"{out}: is a file; give a folder for --out")
    with (out / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(
                f"{out}: another batch run is writing here; wait for it or use another --out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_output(out: Path, *, signature: str, part_size: int | None) -> int:
    """Start the folder's manifest, or check a resumed folder matches; the part size."""
    manifest = out / MANIFEST
    if not manifest.exists():
        if any(p.name != LOCK for p in out.iterdir()):
            raise BatchError(f"{out}: is not empty and not a batch output; give a new folder")
        size = part_size or DEFAULT_PART_SIZE
        head = {
            "format": FORMAT,
            "signature": signature,
            "part_size": size,
            "tables": list(TABLES),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        temporary = manifest.with_suffix(".tmp")
        temporary.write_text(json.dumps(head, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, manifest)
        return size
    head = _read_manifest(out)
    if head["signature"] != signature:
        raise BatchError(
            f"{out}: was written by another pipeline ({head['signature']}; this one is "
            f"{signature}); give a new --out, or rerun with the pipeline that started it"
        )
    if part_size is not None and part_size != head["part_size"]:
        raise BatchError(
            f"{out}: was started with --part-size {head['part_size']}; resume with that size "
            "(or leave it out) or give a new --out"
        )
    return int(head["part_size"])


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        head = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchError(
            f"{out / MANIFEST}: cannot be read ({exc}); is this a batch output?"
        ) from exc
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BatchError(f"{out / MANIFEST}: is not a {FORMAT} manifest")
    return head


def _done_parts(out: Path) -> dict[str, dict[str, Any]]:
    """Finished parts by key, from parts.jsonl; a torn last line (a crash) is ignored."""
    log = out / PARTS_LOG
    done: dict[str, dict[str, Any]] = {}
    if not log.exists():
        return done
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and all(
            _part_file(out, name, entry.get("part", "")).exists() for name in TABLES
        ):
            done[entry["part"]] = entry
    return done


def is_batch_output(path: str | Path) -> bool:
    """True when `path` is a folder written by `run_batch`."""
    return (Path(path) / MANIFEST).is_file()


# -- engines -------------------------------------------------------------------------------

_worker_extractor: Extractor | None = None


def _init_worker(factory: ExtractorFactory | None) -> None:
    global _worker_extractor
    # Ctrl-C reaches the whole process group: the parent stops the run (done parts are
    # kept, the part being written is redone on resume); workers just finish their part.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_extractor = warm_extractor(factory)


def _work(part: Part, out: Path, signature: str, batch_size: int) -> PartResult:
    assert _worker_extractor is not None, "worker was not initialised"
    return run_part(_worker_extractor, part, out=out, signature=signature, batch_size=batch_size)


def _run_local(
    parts: list[Part],
    *,
    out: Path,
    signature: str,
    workers: int,
    batch_size: int,
    factory: ExtractorFactory | None,
) -> Iterator[PartResult]:
    """One process per worker, each loading the pipeline once; one worker (or one part)
    runs in this process."""
    if not parts:
        return
    workers = min(workers, len(parts))
    if workers == 1:
        extractor = warm_extractor(factory)
        for part in parts:
            yield run_part(extractor, part, out=out, signature=signature, batch_size=batch_size)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn, not fork: the parent may hold threads (the progress bar, a Ray client). (A fork
    # server saves nothing here: it pays the 1.6 s of imports once before the first fork.)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(factory,),
    ) as pool:
        futures = [pool.submit(_work, part, out, signature, batch_size) for part in parts]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


class PartActor:
    """A Ray Data actor: loads the pipeline once, then runs the parts it is given.

    Each row names its part, the output folder, the driver's signature and the spaCy batch
    size, so the actor needs no constructor arguments (Ray keeps those in its object
    store for restarts) unless a test injects an extractor factory.
    """

    def __init__(self, factory: ExtractorFactory | None = None) -> None:
        self.extractor = warm_extractor(factory)
        self.checked = ""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        results: list[str] = []
        for text, out, signature, size in zip(
            batch["part"], batch["out"], batch["signature"], batch["batch_size"], strict=True
        ):
            self._check(str(signature))
            part = Part.from_json(str(text))
            result = run_part(
                self.extractor, part, out=Path(str(out)), signature=str(signature),
                batch_size=int(size),
            )  # fmt: skip
            results.append(result.to_json())
        return {"result": results}

    def _check(self, signature: str) -> None:
        if signature == self.checked:
            return
        mine, theirs = _released(pipeline_signature()), _released(signature)
        if mine != theirs:
            raise BatchError(
                f"a Ray worker runs {mine}, the driver {theirs}; "
                "install the same wheel and model on every node (docs/cluster.md)"
            )
        self.checked = signature


def _released(signature: str) -> str:
    """The signature without its code hash: the released versions of detente and model.
    (Workers compare this much; the code hash also moves while files are being edited.)"""
    return " ".join(w for w in signature.split() if not w.startswith("code:"))


def _run_ray(
    parts: list[Part],
    *,
    out: Path,
    signature: str,
    workers: int,
    address: str | None,
    batch_size: int,
    factory: ExtractorFactory | None,
    runtime_env: dict[str, Any] | None,
) -> Iterator[PartResult]:
    """Ray Data: a dataset of part descriptions, map_batches over an actor pool."""
    if not parts:
        return
    with ray_session(address=address, workers=workers, runtime_env=runtime_env) as cpus:
        import ray.data

        _quiet_ray_data()

        size = max(1, min(workers or cpus, len(parts)))
        rows = [
            {"part": p.to_json(), "out": str(out), "signature": signature, "batch_size": batch_size}
            for p in parts
        ]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
        coded = dataset.map_batches(
            PartActor,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=size),
            num_cpus=1,
            fn_constructor_kwargs={"factory": factory} if factory is not None else None,
        )
        for row in coded.iter_rows():
            yield PartResult.from_json(str(row["result"]))


def _quiet_ray_data() -> None:
    """Ray Data logs every execution at INFO; the CLI shows its own progress."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # and "progress bars disabled"


@contextlib.contextmanager
def ray_session(
    *, address: str | None, workers: int, runtime_env: dict[str, Any] | None = None
) -> Iterator[int]:
    """Connect to Ray (an address) or start a local Ray for the run; yields its CPU count.

    A Ray already initialised in this process is used as it is and left running. A local
    Ray gets `workers` CPUs (all cores by default), no dashboard, no usage statistics,
    and no outside connection (Ray 2.60 protects its ports with a session token).
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if not address:
        # A local Ray stays on loopback: without this Ray binds its servers to the
        # machine's network address. (Read when ray is imported, hence before it.)
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError as exc:
        raise BatchError(
            "the Ray engine needs ray[data]; install detente[ray] or use --engine local"
        ) from exc
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {
            "include_dashboard": False,
            "logging_level": logging.WARNING,
            "log_to_driver": False,
            "runtime_env": runtime_env,
        }
        if address:
            options |= {"address": address}
        else:
            options |= {
                "num_cpus": workers or _cores(),
                "object_store_memory": 128 * 1024 * 1024,
                "_node_ip_address": "127.0.0.1",
            }
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = address or "a local Ray"
            raise BatchError(f"{where}: cannot start or reach Ray ({first_line(exc)})") from exc
        started = True
    try:
        yield int(ray.cluster_resources().get("CPU", 1))
    finally:
        if started:
            ray.shutdown()


# -- reading an output folder back ---------------------------------------------------------


def _completed(out: Path) -> list[str]:
    """Keys of the finished parts in input order (sorted by the path and item of each
    part's first article, then by key): the order of every table, whichever engine or
    worker wrote the part."""
    _read_manifest(out)
    done = _done_parts(out)

    def first_input(key: str) -> tuple[str, int, str]:
        inputs = done[key].get("inputs") or [{"path": "", "items": [0]}]
        return (str(inputs[0]["path"]), int(inputs[0]["items"][0]), key)

    return sorted(done, key=first_input)


def read_table(out: str | Path, name: str) -> pa.Table:
    """One whole table of a batch output, parts in input order, rows in their order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if name not in TABLES:
        raise BatchError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
    folder = Path(out)
    pieces = [pq.read_table(_part_file(folder, name, key)) for key in _completed(folder)]
    if not pieces:
        return schemas()[name].empty_table()
    return pa.concat_tables(pieces)


def iter_readings(out: str | Path) -> Iterator[Reading]:
    """Every Reading of a batch output, rebuilt from the `json` columns, in table order."""
    import pyarrow.parquet as pq

    folder = Path(out)
    for key in _completed(folder):
        tables = {name: pq.read_table(_part_file(folder, name, key)) for name in TABLES}
        by_article: dict[str, dict[str, list[Any]]] = {}
        for name in TABLES[1:]:
            for row in tables[name].select(["article_id", "json"]).to_pylist():
                by_article.setdefault(row["article_id"], {}).setdefault(name, []).append(
                    json.loads(row["json"])
                )
        for row in tables["articles"].to_pylist():
            yield reading_from_rows(row, by_article.get(row["id"], {}))


def load_batch(
    out: str | Path,
    *,
    store: Store,
    on_item: Callable[[Any], None] | None = None,
) -> IngestReport:
    """Store every Reading of a batch output (each article in its own transaction, fused
    as the store fuses); what `detente ingest OUT` does for a batch output folder."""
    from detente.store import add_readings

    folder = Path(out)
    if not is_batch_output(folder):
        raise BatchError(f"{folder}: is not a batch output (no {MANIFEST}); run `detente batch`")
    return add_readings(iter_readings(folder), store=store, on_item=on_item)


def ingest_inputs(
    paths: Sequence[str | Path],
    *,
    store: Store,
    on_item: Callable[[Any], None] | None = None,
    **options: Any,
) -> IngestReport:
    """`detente ingest`: batch output folders loaded with `load_batch`, every other input
    read and extracted by `detente.store.ingest(**options)`; one report for both."""
    from detente.store import ingest

    folders = [p for p in paths if is_batch_output(p)]
    others = [p for p in paths if not is_batch_output(p)]
    reports = [load_batch(folder, store=store, on_item=on_item) for folder in folders]
    if others or not folders:
        reports.append(ingest(others, store=store, on_item=on_item, **options))
    first, *rest = reports
    return dataclasses.replace(
        first,
        new=sum(r.new for r in reports),
        unchanged=sum(r.unchanged for r in reports),
        events=sum(r.events for r in reports),
        errors=tuple(e for r in [first, *rest] for e in r.errors),
    )
