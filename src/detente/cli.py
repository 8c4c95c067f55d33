"""The `detente` command line: thin click commands over the library.

Each command calls library functions (detente.read, detente.store, detente.pipeline,
detente.evaluation) and only translates a DetenteError into one line on stderr and a
non-zero exit; any other exception is a bug and keeps its traceback. spaCy and the
evaluation code are imported inside the commands that need them, so `detente --help`
stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from detente.errors import DetenteError, InputError
from detente.export import FORMATS
from detente.read import Published, parse_published, read_articles
from detente.store import DEFAULT_DB, Added, Store
from detente.vocabulary import Article, Event, to_dict

if TYPE_CHECKING:
    from rich.console import Console

    from detente.fuse import FusedEvent
    from detente.pipeline import Extractor

__all__ = ["main"]


class IsoTime(click.ParamType):
    """An ISO 8601 date or datetime option; `day_only` keeps just the calendar day."""

    name = "date"

    def __init__(self, *, day_only: bool = False) -> None:
        self.day_only = day_only

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        try:
            parsed = parse_published(str(value), source=f"--{param.name if param else 'date'}")
        except InputError as err:
            self.fail(err.problem, param, ctx)
        if self.day_only and isinstance(parsed, datetime):
            return parsed.date()
        return parsed


class Failure(click.ClickException):
    """A failed command: one `error: ...` line on stderr (as per-input errors print) and
    exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a DetenteError into one `error: ...` line and exit status 1."""
    try:
        yield
    except DetenteError as err:
        raise Failure(str(err)) from err


def make_extractor() -> Extractor:
    """The extractor the commands use (tests replace this to run without the model)."""
    from detente.pipeline import Extractor

    return Extractor()


def _say_error(err: DetenteError) -> None:
    click.echo(f"error: {err}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="detente")
def main() -> None:
    """detente: a sourced, queryable record of conflict and diplomacy read from the news.

    \b
    Example:
      detente ingest news/ --db detente.db
      detente events --db detente.db --actor UKR --since 2025-06-01
    """


# -- extract -------------------------------------------------------------------------------


@main.command()
@click.argument("article")
@click.option("--published", type=IsoTime(), help="Publication date or time (ISO 8601).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "table"]),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--reading",
    "whole",
    is_flag=True,
    help="Print each whole Reading as JSON: actors, places, times, events, and the "
    "negotiation (processes, rounds with delegations, proposals, positions).",
)
def extract(article: str, published: Published | None, fmt: str, whole: bool) -> None:
    """Print the events of one article (a .txt file, a .jsonl file, or - for stdin).

    \b
    Example:
      detente extract article.txt --published 2025-06-01 --format table
      detente extract article.txt --published 2025-06-01 --reading
    """
    articles: list[Article] = []
    failed = False
    with reported():
        for item in read_articles([article], published=published):
            if isinstance(item, InputError):
                _say_error(item)
                failed = True
            else:
                articles.append(item)
        if articles:
            readings = make_extractor().extract_many(articles)
            if whole:
                for r in readings:
                    data = to_dict(r)
                    data.pop("extra", None)
                    click.echo(json_text(data))
            else:
                _print_events([e for r in readings for e in r.events], fmt=fmt)
    if failed:
        sys.exit(1)


# -- ingest --------------------------------------------------------------------------------


@main.command(name="ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database file or URL.")
@click.option("--published", type=IsoTime(), help="Publication date for every article.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Articles per spaCy batch.",
)
def ingest_command(
    paths: tuple[str, ...], db: str, published: Published | None, batch_size: int
) -> None:
    """Read, extract and store articles: .txt (with .meta.json sidecars), .jsonl, .csv,
    .html pages, .rss/.atom feeds, folders and quoted globs ("news/**/*.jsonl").

    Bad inputs are reported one per line and skipped, with a summary of why at the end;
    the others are stored (one transaction per article) and fused with the events other
    articles told. Re-ingesting changes nothing, and an interrupted ingest resumes where it
    stopped: stored articles are not extracted again. Exits 1 if any input failed.

    \b
    Example:
      detente ingest news/ article.txt --db detente.db
    """
    import time

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    started = time.perf_counter()
    with (
        reported(),
        Store(db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[new]} new, {task.fields[unchanged]} unchanged,"),
            TextColumn("{task.fields[skipped]} skipped"),
            TextColumn("[{task.fields[rate]:.1f} articles/s]"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None, new=0, unchanged=0, skipped=0, rate=0.0)
        tally = {"new": 0, "unchanged": 0, "skipped": 0}

        def on_item(item: Added | InputError) -> None:
            if isinstance(item, InputError):
                tally["skipped"] += 1
                progress.console.print(
                    f"error: {item}", markup=False, highlight=False, soft_wrap=True
                )
            else:
                tally["new" if item.new else "unchanged"] += 1
            done = tally["new"] + tally["unchanged"]
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, rate=rate, **tally)

        from detente.batch import ingest_inputs  # batch output folders load from Parquet

        report = ingest_inputs(
            paths,
            store=store,
            extractor=make_extractor(),
            published=published,
            batch_size=batch_size,
            on_item=on_item,
        )
    click.echo(
        f"articles: {report.new} new, {report.unchanged} unchanged; "
        f"events stored: {report.events}; errors: {len(report.errors)}"
    )
    for reason, count in report.skipped():
        click.echo(f"skipped {count}: {reason}", err=True)
    if report.errors:
        sys.exit(1)


# -- batch ---------------------------------------------------------------------------------


@main.command(name="batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (Parquet tables); rerun with the same folder to resume or append.",
)
@click.option(
    "--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
    help="local: processes on this machine; ray: a Ray Data actor pool.",
)  # fmt: skip
@click.option(
    "--address",
    help="Ray cluster to join: auto (on a cluster node), head:6379, or ray://head:10001 "
    "(Ray Client, needs ray[client]). Default: a local Ray for the run.",
)
@click.option(
    "--workers", type=click.IntRange(min=1),
    help="Processes or Ray actors, each loading the pipeline once [default: every core].",
)  # fmt: skip
@click.option(
    "--part-size", type=click.IntRange(min=1),
    help="Articles per part file [default: 64, or what the folder was started with].",
)  # fmt: skip
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
    help="Articles per spaCy batch.",
)  # fmt: skip
def batch_command(
    inputs: tuple[str, ...],
    out: Path,
    engine: str,
    address: str | None,
    workers: int | None,
    part_size: int | None,
    batch_size: int,
) -> None:
    """Code a corpus into Parquet on every core or on Ray (shards: .jsonl, .parquet, .txt,
    folders); `detente ingest OUT` then loads the result into a store.

    Parts already in OUT are skipped, so an interrupted run resumes and a run with more
    shards appends. Bad inputs are reported one per line and skipped; exits 1 if any failed.

    \b
    Example:
      detente batch news/ --out coded/ --workers 2
      detente ingest coded/ --db detente.db
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from detente.batch import run_batch

    console = Console(stderr=True)
    with (
        reported(),
        Progress(
            "{task.description}", BarColumn(), MofNCompleteColumn(), "articles",
            TimeRemainingColumn(), console=console, disable=not console.is_terminal,
            transient=True,
        ) as progress,
    ):  # fmt: skip
        task = progress.add_task(f"coding ({engine})", total=None)
        report = run_batch(
            inputs, out=out, engine=engine, address=address, workers=workers,
            part_size=part_size, batch_size=batch_size, extractor_factory=make_extractor,
            on_plan=lambda plan, todo: progress.update(task, total=todo),
            on_part=lambda result: progress.advance(task, result.articles),
        )  # fmt: skip
    for err in report.errors:
        _say_error(err)
    for article_id, problem in report.failed:
        click.echo(f"error: article {article_id}: the pipeline failed ({problem})", err=True)
    click.echo(
        f"parts: {report.parts_done} coded, {report.parts_skipped} already done; "
        f"articles: {report.articles} ({report.words} words) in {report.seconds:.1f} s; "
        f"events: {report.rows.get('events', 0)}; errors: {len(report.errors) + len(report.failed)}"
    )
    if report.errors or report.failed:
        sys.exit(1)


# -- events --------------------------------------------------------------------------------


def _dyad(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter("give two actor codes separated by a comma, e.g. UKR,RUS")
    return parts[0], parts[1]


_FILTERS = [
    click.option("--db", default=DEFAULT_DB, show_default=True, help="Database file or URL."),
    click.option("--actor", help="Actor or country code among sources, targets or host (UKR)."),
    click.option(
        "--dyad",
        callback=lambda ctx, param, value: _dyad(value),
        help="Two actor codes, both in the event, either direction (UKR,RUS).",
    ),
    click.option("--type", "event_type", help="PLOVER event type (CONSULT)."),
    click.option("--place", help="Place id or name (Istanbul)."),
    click.option("--round", "round_", type=int, help="Round of talks, by its ordinal (2)."),
    click.option("--since", type=IsoTime(day_only=True), help="First day, inclusive."),
    click.option("--until", type=IsoTime(day_only=True), help="Last day, inclusive."),
    click.option(
        "--fused", is_flag=True, help="One record per real-world event, with all its sources."
    ),
]


def _with_filters(command: Any) -> Any:
    for option in reversed(_FILTERS):
        command = option(command)
    return command


def _filters(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "actor": options["actor"], "dyad": options["dyad"], "type": options["event_type"],
        "place": options["place"], "round": options["round_"], "since": options["since"],
        "until": options["until"],
    }  # fmt: skip


@main.command()
@_with_filters
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def events(db: str, fused: bool, fmt: str, **options: Any) -> None:
    """List stored events, oldest first, filtered by actor, dyad, type, place, round and
    date; --fused lists one record per real-world event with its sources.

    An event's date is its own (day or finer), else its article's publication date.

    \b
    Example:
      detente events --db detente.db --dyad UKR,RUS --type CONSULT --since 2025-06-01
    """
    with reported(), Store(db, create=False) as store:
        if fused:
            records = store.fused(**_filters(options))
        else:
            rows = store.events(**_filters(options))
    if fused:
        _print_fused(records, fmt=fmt)
    else:
        _print_events([r.event for r in rows], fmt=fmt, dates=[r.date for r in rows])


def _print_fused(records: Sequence[FusedEvent], *, fmt: str) -> None:
    import io
    import json

    from detente.export import write_fused_jsonl

    if fmt == "jsonl":
        write_fused_jsonl(records, sys.stdout)
        return
    if fmt == "json":
        buffer = io.StringIO()
        write_fused_jsonl(records, buffer)
        items = [json.loads(line) for line in buffer.getvalue().splitlines()]
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("date", "type", "sources", "targets", "place", "outlets", "confidence",
                  "conflicts")  # fmt: skip
    for f in records:
        table.add_row(
            f.date.isoformat() if f.date else "", f.type, ";".join(f.sources),
            ";".join(f.targets), f.place_name or "", str(f.outlets), f"{f.confidence:.2f}",
            ",".join(f.conflicts),
        )  # fmt: skip
    _console().print(table)


# -- search --------------------------------------------------------------------------------


@main.command()
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database file or URL.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def search(query: str, db: str, limit: int) -> None:
    """Full-text search over stored articles (titles and texts), best match first.

    \b
    Example:
      detente search "ceasefire Istanbul" --db detente.db
    """
    with reported(), Store(db, create=False) as store:
        hits = store.search(query, limit=limit)
    for hit in hits:
        day = (hit.published or "")[:10]
        click.echo("\t".join([hit.article_id, day, hit.outlet or "", hit.title or ""]))


# -- export --------------------------------------------------------------------------------


@main.command()
@_with_filters
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def export(db: str, fused: bool, fmt: str, out: Path | None, **options: Any) -> None:
    """Write stored events as JSON Lines, CSV, GeoJSON (events with a located place),
    Parquet (needs --out) or PLOVER JSON (to stdout unless --out is given); the same
    filters as `events`. --fused writes one record per real-world event (jsonl only).

    \b
    Example:
      detente export --db detente.db --format csv --out events.csv
    """
    if fmt == "parquet" and out is None:
        raise Failure("--format parquet writes a binary file: give --out FILE.parquet")
    if fused and fmt != "jsonl":
        raise Failure("--fused exports JSON Lines only: use --format jsonl")
    with reported(), Store(db, create=False) as store:
        if fused:
            records: Sequence[Any] = store.fused(**_filters(options))
        else:
            records = store.events(**_filters(options))
        links = store.fused_links() if fmt == "plover" else {}
    try:
        if out is None:
            _write(records, fmt, sys.stdout, links=links, fused=fused)
            return
        if fmt == "parquet":
            from detente.export import write_parquet

            count = write_parquet(records, out)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = _write(records, fmt, handle, links=links, fused=fused)
    except OSError as exc:
        raise Failure(f"{out}: cannot be written ({exc.strerror or exc})") from exc
    noun = "fused events" if fused else "events"
    click.echo(f"{count} {noun} written to {out}", err=True)


def _write(
    records: Sequence[Any], fmt: str, out: TextIO, *, links: Mapping[str, str], fused: bool
) -> int:
    from detente import export as writers

    if fused:
        return writers.write_fused_jsonl(records, out)
    if fmt == "csv":
        return writers.write_csv(records, out)
    if fmt == "geojson":
        return writers.write_geojson(records, out)
    if fmt == "plover":
        return writers.write_plover(records, out, links=links)
    return writers.write_jsonl(records, out)


# -- process -------------------------------------------------------------------------------


class _ProcessGroup(click.Group):
    """`detente process [NAME]` shows a process (or lists them); `detente process define`
    defines one. A first word that is not a subcommand is the NAME to show."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


_PROCESS_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default=None,
    help="Output format (default table); csv: a coding sheet, one row per round, "
    "delegation, provision and stance, each with its citation.",
)  # fmt: skip


@main.group(
    name="process",
    cls=_ProcessGroup,
    invoke_without_command=True,
    subcommand_metavar="[NAME | define NAME --parties A,B]",
)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database file or URL.")
@_PROCESS_FORMAT
@click.pass_context
def process_command(ctx: click.Context, db: str, fmt: str | None) -> None:
    """Show a peace process: its rounds, delegations, proposals with their provisions, the
    positions matrix and where the parties' stated options overlap, each cell citing its
    sentence. Without NAME, list the processes.

    \b
    Example:
      detente process define "Istanbul talks" --parties UKR,RUS --host TUR --db detente.db
      detente process "Russia-Ukraine" --db detente.db
      detente process --db detente.db --format json
    """
    ctx.obj = {"db": db, "fmt": fmt}
    if ctx.invoked_subcommand is not None:
        return
    with reported(), Store(db, create=False) as store:
        found = store.processes()
    if fmt == "json":
        click.echo(json_text([to_dict(p) for p in found]))
    elif fmt == "csv":
        raise Failure("--format csv writes one process's coding sheet: give its NAME")
    else:
        from detente.processes import print_processes

        print_processes(found, _console())


@process_command.command(name="show", hidden=True)
@click.argument("name")
@click.option("--db", default=None, help="Database file or URL.")
@_PROCESS_FORMAT
@click.pass_context
def process_show(ctx: click.Context, name: str, db: str | None, fmt: str | None) -> None:
    """Show the process NAME (its id, name or an alias)."""
    from detente.processes import UnknownProcess, print_view, process_view

    db = db or ctx.obj["db"]
    fmt = fmt or ctx.obj["fmt"] or "table"
    try:
        with reported(), Store(db, create=False) as store:
            view = process_view(store, name)
    except Failure as failure:
        if isinstance(failure.__cause__, UnknownProcess):
            failure.exit_code = 2  # a NAME no process has: a usage error
        raise
    if fmt == "json":
        click.echo(json_text(to_dict(view)))
    elif fmt == "csv":
        from detente.processes import write_coding_csv

        write_coding_csv(view, sys.stdout)
    else:
        print_view(view, _console())


@process_command.command(name="define")
@click.argument("name")
@click.option("--parties", required=True, help="Comma-separated parties: codes or countries.")
@click.option("--mediator", "mediators", multiple=True, help="A mediator (repeatable).")
@click.option("--host", "hosts", multiple=True, help="A host of the talks (repeatable).")
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--db", default=None, help="Database file or URL.")
@click.pass_context
def process_define(
    ctx: click.Context,
    name: str,
    parties: str,
    mediators: tuple[str, ...],
    hosts: tuple[str, ...],
    aliases: tuple[str, ...],
    db: str | None,
) -> None:
    """Define (or redefine) the process NAME of these parties; stored rounds, proposals
    and positions of the same parties belong to it.

    \b
    Example:
      detente process define "Istanbul talks" --parties UKR,RUS --host TUR --db detente.db
    """
    with reported(), Store(db or ctx.obj["db"]) as store:
        process = store.define_process(
            name, [p for p in parties.split(",") if p.strip()], mediators=mediators,
            hosts=hosts, aliases=aliases,
        )  # fmt: skip
    click.echo(f"defined {process.name} ({process.id}): parties "
               + ", ".join(a.code for a in process.parties))  # fmt: skip


def json_text(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


# -- serve ---------------------------------------------------------------------------------


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database file or URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(db: str, host: str, port: int) -> None:
    """Serve the REST API (/api, /openapi.json) and the web page (/) over a database.

    \b
    Example:
      detente serve --db detente.db --port 8000
    """
    import uvicorn

    from detente.api import create_app

    with reported():
        app = create_app(Store(db, create=False))
    click.echo(f"detente: serving {db} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


# -- eval ----------------------------------------------------------------------------------


@main.command(name="eval")
@click.argument("task")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for metrics.json and predictions.jsonl.",
)
def eval_command(task: str, paths: tuple[Path, ...], out_dir: Path) -> None:
    """Score detente on a gold file of TASK; write metrics and predictions to --out.

    \b
    Example:
      detente eval seed gold/article.gold.json --out eval-out/seed
    """
    from detente.evaluation import run_task  # lazy: scorers load models and data

    with reported():  # an unknown task is an EvalError that lists the tasks
        metrics = run_task(task, list(paths), out_dir)
    _print_metrics(metrics, title=f"{task}: {', '.join(str(p) for p in paths)}")
    click.echo(
        f"all metrics in {out_dir / 'metrics.json'}, predictions in {out_dir / 'predictions.jsonl'}"
    )


@main.command(name="train")
@click.argument("what", type=click.Choice(["events", "provisions"]))
@click.option(
    "--shared",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding eval/ (default ../shared beside the repo or DETENTE_SHARED).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the heads (default: the package's data/models).",
)
def train_command(what: str, shared: Path | None, out_dir: Path | None) -> None:
    """Retrain the shipped event heads (plover-dyads, acled) or the provisions model."""
    from detente.training import default_shared, package_models_dir, train_events

    if what == "provisions":
        from detente.evaluation.provisions import train_provisions

        with reported():
            record = train_provisions(shared or default_shared(), out_dir or package_models_dir())
        cv = record["cross_validated"]
        click.echo(
            f"provisions: {record['items']} agreements, 5-fold micro-F1 "
            f"{cv['micro_f1']:.3f}, macro-F1 {cv['macro_f1']:.3f}"
        )
        return
    with reported():
        records = train_events(shared or default_shared(), out_dir or package_models_dir())
    for name, record in records.items():
        cv = record["cross_validated"]
        click.echo(
            f"{name}: {record['items']} items, 5-fold accuracy {cv['accuracy']:.3f}, "
            f"macro-F1 {cv['macro_f1']:.3f}; weights sha256 {record['weights_sha256'][:16]}"
        )


SCORE_KEYS = frozenset({"precision", "recall", "f1", "accuracy", "macro_f1"})
_COLUMN_ORDER = ("n", "accuracy", "macro_f1", "precision", "recall", "f1", "tp", "fp", "fn")
_SUMMARY_DEPTH = 2


def summarize_metrics(metrics: Mapping[str, Any]) -> tuple[list[str], list[tuple[str, dict]]]:
    """A small view of nested metrics: (columns, rows of (group, {column: value})).

    A row is the whole run (its top-level numbers) and every group up to two levels down
    that carries a score (precision, recall, F1, accuracy); `per_file` breakdowns, confusion
    matrices and per-field detail stay in metrics.json.
    """
    rows: list[tuple[str, dict]] = []
    top = _numbers(metrics)
    if top:
        rows.append(("(all)", top))
    rows.extend(_scored_groups(metrics, prefix="", depth=1))
    seen = [key for _, values in rows for key in values]
    columns = [c for c in _COLUMN_ORDER if c in seen]
    columns += [c for c in dict.fromkeys(seen) if c not in columns]
    return columns, rows


def _numbers(node: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _scored_groups(
    node: Mapping[str, Any], *, prefix: str, depth: int
) -> Iterator[tuple[str, dict]]:
    if depth > _SUMMARY_DEPTH:
        return
    for key, child in node.items():
        if not isinstance(child, Mapping) or key == "per_file":
            continue
        name = f"{prefix}{key}"
        numbers = _numbers(child)
        if SCORE_KEYS & numbers.keys():
            yield name, numbers
        yield from _scored_groups(child, prefix=f"{name}.", depth=depth + 1)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _print_metrics(metrics: Mapping[str, Any], *, title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    columns, rows = summarize_metrics(metrics)
    table = Table(title=title)
    table.add_column("group", no_wrap=True)
    for column in columns:
        table.add_column(column, justify="right", no_wrap=True)
    for name, values in rows:
        table.add_row(Text(name), *(Text(_shown(values.get(c))) for c in columns))
    _console().print(table)


# -- output --------------------------------------------------------------------------------


def _print_events(
    events: Sequence[Event], *, fmt: str, dates: Sequence[date | None] | None = None
) -> None:
    import json

    if fmt == "json":
        click.echo(json.dumps([to_dict(e) for e in events], ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for event in events:
            click.echo(json.dumps(to_dict(event), ensure_ascii=False))
    else:
        _print_table(events, dates)


def event_cells(event: Event) -> dict[str, str]:
    """The short text form of an event's fields, as shown in a table."""
    place = event.place.place.name if event.place else ""
    if event.venue:
        place = f"{event.venue.place.name}, {place}" if place else event.venue.place.name
    return {
        "type": event.type,
        "status": event.status,
        "sources": ", ".join(m.actor.code for m in event.sources),
        "targets": ", ".join(m.actor.code for m in event.targets),
        "place": place,
        "time": event.time.value if event.time else "",
        "attribution": event.attribution.text if event.attribution else "",
        "evidence": event.evidence.span.text,
    }


# Short codes stay on one line; names and text wrap within their cell.
_FIXED_COLUMNS = frozenset({"date", "type", "status", "time"})


def _console() -> Console:
    """A stdout console; when stdout is not a terminal, wide enough not to cut codes."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = max(console.width, 160)
    return console


def _print_table(events: Sequence[Event], dates: Sequence[date | None] | None) -> None:
    from rich.table import Table
    from rich.text import Text  # plain cells: article text may hold "[...]" markup

    table = Table(caption=f"{len(events)} events")
    columns = ["date"] if dates is not None else []
    columns += ["type", "status", "sources", "targets", "place", "time", "attribution"]
    columns += ["evidence"]
    for column in columns:
        if column in _FIXED_COLUMNS:
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(column, overflow="fold", min_width=10)
    for i, event in enumerate(events):
        cells = event_cells(event)
        if dates is not None:
            cells["date"] = dates[i].isoformat() if dates[i] else ""
        table.add_row(*(Text(cells[c]) for c in columns))
    _console().print(table)
