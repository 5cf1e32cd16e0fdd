"""The command line: parse options, call the core, pick a format, return an exit code.

Exit codes are a contract with CI: 0 pass, 1 policy violation, 2 bad input or usage, 3 a bug in
licheck (with a --traceback flag to see it). Nothing else in licheck prints.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import msgspec

from licheck import __version__
from licheck.cli_output import color_wanted, parse_day, report_file, report_width, safe_text
from licheck.errors import InputError, LicheckError
from licheck.formats import FORMATS
from licheck.inputs.registry import READER_BY_NAME
from licheck.inputs.tree import MODELS_AT_MAIN, CacheReading

if TYPE_CHECKING:
    from licheck.inputs.registry import InputOptions
    from licheck.records import Policy, Report

EXIT_PASS = 0
EXIT_VIOLATION = 1
EXIT_INPUT = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells and CI expect of Ctrl-C


class _DefaultToCheck(click.Group):
    """`licheck FILE` means `licheck check FILE`: the common case needs no sub-command.

    Every command but `check` is built the first time it is named (or `--help` lists it): a
    command's options cost start-up time (each click.Path looks up its translations), and a
    CI build's `licheck model.yaml` should not pay for the options of seven commands it does
    not run (issue 17).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builders: dict[str, Callable[[], click.Command]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.builders})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.builders:
            self.add_command(self.builders[cmd_name](), cmd_name)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names = self.list_commands(ctx)
        if args and args[0] not in names and args[0] not in ("--help", "-h", "--version"):
            _refuse_a_misspelt_command(args[0], names)
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _refuse_a_misspelt_command(word: str, commands: list[str]) -> None:
    """`licheck chek x`: a first word that is no file but close to a command is a typo of it,
    not a file to check (which would only say "chek: file not found")."""
    if word.startswith("-") or os.path.lexists(word):
        return
    import difflib  # here, not at the top: only a word that is neither option nor file needs it

    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        raise LicheckError(
            f"'{word}' is neither a licheck command nor a file",
            hint=f"did you mean `licheck {close[0]}`? (`licheck FILE` checks a file)",
        )


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licheck")
@click.option(
    "--traceback",
    is_flag=True,
    expose_value=False,
    help="Show the Python traceback of an internal error.",
)
def cli() -> None:
    """Is this AI model's license really open source?

    licheck judges every license of a model against the ten criteria of the Open Source
    Definition, shows the clauses that break them, and exits 1 when the policy (by default:
    OSI-approved licenses only) rejects one.

    \b
      licheck model.yaml                check a model (same as `licheck check model.yaml`)
      licheck --format json model.yaml  machine-readable report
      licheck scan models/              every model under a tree, on every core
      licheck identify LICENSE          which license a text is, and what differs
      licheck explain llama2            what licheck knows about a license

    Exit codes: 0 pass, 1 policy violation, 2 bad input or usage, 3 internal error.
    """


_Decorator = Callable[[Callable[..., Any]], Any]


def _built_when_named(
    name: str, decorators: Callable[[], list[_Decorator]]
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Register a command whose click decorators (`decorators()`, top to bottom as they would be
    written above it) are applied only when the command is named (see _DefaultToCheck)."""

    def register(function: Callable[..., int]) -> Callable[..., int]:
        def build() -> click.Command:
            wrapped: Any = function
            for decorate in reversed(decorators()):
                wrapped = decorate(wrapped)
            command: click.Command = click.command(name)(wrapped)
            return command

        _group().builders[name] = build
        return function

    return register


def _group() -> _DefaultToCheck:
    assert isinstance(cli, _DefaultToCheck)  # made by @click.group(cls=_DefaultToCheck) below
    return cli


def _emit(text: str, output: Path | None, *, color: bool = False) -> None:
    text = safe_text(text)
    if output is None:
        # color=True: click would otherwise strip the ANSI codes the user asked for off a pipe.
        click.echo(text, nl=False, color=color)
        return
    with report_file(output) as handle:
        handle.write(text)


# The registries drive both dispatch and --help (check-jsonschema's REPORTER_BY_NAME pattern);
# both are plain tables that import nothing heavy.
INPUT_FORMATS = list(READER_BY_NAME)
FORMAT_NAMES = ["auto", *FORMATS]


def _today(value: str | None) -> date:
    return date.today() if value is None else parse_day(value, "--today")


def _formats(format_name: str) -> list[str]:
    """`auto`: the terminal report, plus annotations when running on GitHub Actions."""
    if format_name != "auto":
        return [format_name]
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return ["github", "terminal"]
    return ["terminal"]


def _report_options(command: Callable[..., int]) -> Callable[..., int]:
    """The options every judging command shares: formats, outputs, policy, reading, date."""
    options = [
        click.option(
            "--format",
            "-f",
            "format_name",
            type=click.Choice(FORMAT_NAMES),
            default="auto",
            show_default=True,
            help="Report format; auto is the terminal report (plus annotations on GitHub Actions).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the report to FILE.",
        ),
        click.option(
            "--sarif-output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Also write SARIF to FILE.",
        ),
        click.option(
            "--junit-output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Also write JUnit XML to FILE.",
        ),
        click.option(
            "--markdown-output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Also write Markdown to FILE.",
        ),
        click.option(
            "--policy",
            "policy_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Policy file (default: .licheck.yaml or [tool.licheck] in pyproject.toml, "
            "searched upwards).",
        ),
        click.option(
            "--require",
            type=click.Choice(["osi-approved", "osd", "osaid"]),
            default=None,
            help="What a license must be (overrides the policy file; default osi-approved).",
        ),
        click.option(
            "--fail-on",
            # records.FAIL_ON, most severe first, and FAIL_ON_ALIASES (written out: records is
            # not imported at start-up; tests/test_cli.py holds them equal).
            type=click.Choice(["not-open", "unknown", "any", "review"]),
            default=None,
            help="Which violations fail the run, a threshold: not-open (licenses judged not "
            "open, what the policy rejects), unknown or review (also what licheck cannot "
            "verify), any (default, overrides the policy file's fail_on). All are reported.",
        ),
        click.option(
            "--warn-only", is_flag=True, help="Report everything but exit 0 (for a first roll-out)."
        ),
        click.option(
            "--color/--no-color",
            default=None,
            help="Force or forbid colour (default: on a terminal, unless NO_COLOR; "
            "FORCE_COLOR forces it).",
        ),
        click.option(
            "--quiet",
            "-q",
            is_flag=True,
            help="Only the problems: the failing models and the summary; nothing on a pass "
            "(machine formats are unchanged).",
        ),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Show or hide scan's progress display on stderr (default: on an interactive "
            "terminal outside CI, unless --quiet).",
        ),
        click.option(
            "--allow-outside",
            is_flag=True,
            help="Let license_file paths leave the model's folder (refused by default).",
        ),
        click.option(
            "--online",
            is_flag=True,
            help="Fetch license_link URLs of model cards (http(s) only) and the Hub cards "
            "of base models licheck does not know offline.",
        ),
        click.option(
            "--today",
            "today_text",
            metavar="YYYY-MM-DD",
            help="Judge exceptions as of this date (reproducible runs).",
        ),
    ]

    @functools.wraps(command)
    def with_run(**kwargs: Any) -> int:
        _refuse_binary_to_terminal(kwargs["format_name"], kwargs["output"])
        outputs = _Outputs(
            kwargs.pop("format_name"),
            kwargs.pop("output"),
            kwargs.pop("sarif_output"),
            kwargs.pop("junit_output"),
            kwargs.pop("markdown_output"),
            kwargs.pop("color"),
            quiet := kwargs.pop("quiet"),
            # -q hides the progress display too, unless --progress asks for it.
            False if quiet and kwargs["progress"] is None else kwargs["progress"],
        )
        kwargs.pop("progress")
        run = _Run(
            outputs=outputs,
            policy_file=kwargs.pop("policy_file"),
            require=kwargs.pop("require"),
            fail_on=kwargs.pop("fail_on"),
            warn_only=kwargs.pop("warn_only"),
            allow_outside=kwargs.pop("allow_outside"),
            online=kwargs.pop("online"),
            today=_today(kwargs.pop("today_text")),
        )
        return command(run=run, **kwargs)

    wrapped: Callable[..., int] = with_run
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def _refuse_binary_to_terminal(format_name: str, output: Path | None) -> None:
    """A binary format goes to a file: said before the run starts, not after it."""
    from licheck.formats import BINARY_FORMATS

    if format_name in BINARY_FORMATS and output is None:
        raise InputError(
            f"--format {format_name} writes a binary file, not text for the terminal",
            hint=f"name the file with -o, e.g. -o results.{format_name}",
        )


class _Outputs(msgspec.Struct, frozen=True):
    """Where and how a judging command writes its report."""

    format_name: str
    output: Path | None
    sarif_output: Path | None
    junit_output: Path | None
    markdown_output: Path | None
    color: bool | None
    quiet: bool = False
    # --progress/--no-progress (None: on a terminal, outside CI); -q hides it unless asked.
    progress: bool | None = None

    def write(self, report: Report, *, compact: bool = False) -> None:
        from licheck.formats import RenderOptions, renderer

        if self.output is not None and self.format_name == "parquet":
            self._write_parquet(report, self.output)
        else:
            self._write_text(report, compact)
        for name, extra in (
            ("sarif", self.sarif_output),
            ("junit", self.junit_output),
            ("markdown", self.markdown_output),
        ):
            if extra is not None:
                _emit(renderer(name)(report, RenderOptions()), extra)

    def _write_text(self, report: Report, compact: bool) -> None:
        from licheck.formats import RenderOptions, renderer

        stream = sys.stdout if self.output is None else None
        primary = []
        for name in _formats(self.format_name):
            wanted = color_wanted(stream, self.color) if name == "terminal" else False
            width = report_width(stream)
            options = RenderOptions(color=wanted, width=width, compact=compact, quiet=self.quiet)
            primary.append(renderer(name)(report, options))
        _emit(
            "".join(primary),
            self.output,
            color=stream is not None and color_wanted(stream, self.color),
        )

    def _write_parquet(self, report: Report, output: Path) -> None:
        from licheck.cli_output import ParquetSink, binary_report_file
        from licheck.formats.jsonl_format import summary_line
        from licheck.formats.parquet import tables

        with binary_report_file(output) as handle:
            sink = ParquetSink(handle)
            for table in tables(report):
                sink.write(table)
            sink.close(summary_line(report.summary) if report.summary else None)


class _Run(msgspec.Struct, frozen=True):
    """The shared options of a judging command, gathered once by `_report_options`."""

    outputs: _Outputs
    policy_file: Path | None
    require: str | None
    fail_on: str | None
    warn_only: bool
    allow_outside: bool
    online: bool
    today: date

    def exit_code(self, passed: bool) -> int:
        """0 on a pass (or with --warn-only), 1 on a violation."""
        return EXIT_PASS if passed or self.warn_only else EXIT_VIOLATION


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report_options
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    help="Read every path with this reader instead of detecting it from the content.",
)
@click.option(
    "--skip-non-models",
    is_flag=True,
    help="Skip files that are no model description (a README without front matter).",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out paths matching GLOB (relative to the current folder; repeatable), e.g. "
    "'vendor/*' in the pre-commit hook; counted in the summary.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    help="Processes that judge the models (default: one, or as many cores as a run with many "
    "license texts pays for).",
)
def check(
    paths: tuple[Path, ...],
    run: _Run,
    input_format: str | None,
    skip_non_models: bool,
    exclude: tuple[str, ...],
    jobs: int | None,
) -> int:
    """Check the licenses of the models described by PATHS (model files, folders, license texts)."""
    from licheck.check import run_check
    from licheck.inputs.registry import InputOptions

    options = InputOptions(
        allow_outside=run.allow_outside,
        online=run.online,
        input_format=input_format,
        skip_non_models=skip_non_models,
    )
    report = run_check(
        list(paths),
        require=run.require,
        policy_file=run.policy_file,
        today=run.today,
        options=options,
        exclude=exclude,
        jobs=jobs,
        fail_on=run.fail_on,
    )
    run.outputs.write(report)
    return run.exit_code(report.passed)


@_built_when_named(
    "scan",
    lambda: [
        click.argument("roots", nargs=-1, required=True, type=click.Path(path_type=Path)),
        _report_options,
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(1, 256),
            help="Worker processes (default: every core).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0, 3600),
            default=20.0,
            show_default=True,
            help="Seconds one model may take before it is reported unreadable (0: no limit).",
        ),
        click.option(
            "--exclude",
            "exclude",
            multiple=True,
            metavar="GLOB",
            help="Leave out paths matching GLOB (relative to the root; repeatable); counted in the "
            "summary.",
        ),
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Where a card dump is judged: this machine's process pool, or dask.distributed.",
        ),
        click.option(
            "--scheduler", metavar="ADDRESS", help="A Dask scheduler (default: a LocalCluster)."
        ),
        click.option(
            "--id-column", metavar="NAME", help="A card dump's repo-id column (modelId, id)."
        ),
        click.option("--card-column", metavar="NAME", help="A card dump's README column (card)."),
        click.option(
            "--include-datasets",
            is_flag=True,
            help="Also judge a Hugging Face cache's dataset repos (named datasets/ID) by their "
            "license.",
        ),
        click.option(
            "--all-revisions",
            is_flag=True,
            help="Judge every snapshot of a Hugging Face cache repo (named ID@REVISION), not only "
            "the one refs/main names.",
        ),
    ],
)
def scan(
    roots: tuple[Path, ...],
    run: _Run,
    jobs: int | None,
    timeout: float,
    exclude: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    id_column: str | None,
    card_column: str | None,
    include_datasets: bool,
    all_revisions: bool,
) -> int:
    """Find and check every model under ROOTS (a monorepo, a Hugging Face cache, a folder of cards).

    With --format jsonl, results stream as they are judged and memory stays flat however many
    models there are; other formats gather the whole report first. Nothing is left out
    silently: what the walk leaves out is counted in the summary, by reason.
    """
    from licheck.check import choose_policy
    from licheck.inputs.policy_file import search_start
    from licheck.inputs.registry import InputOptions
    from licheck.knowledge.catalog import Catalog

    catalog = Catalog()
    # The scanned tree's policy: searched from the roots' common folder, not the working one.
    policy = choose_policy(
        catalog=catalog,
        policy_file=run.policy_file,
        require=run.require,
        search_from=search_start(roots),
        fail_on=run.fail_on,
    )
    from licheck.inputs.card_dump import is_card_dump

    if any(is_card_dump(root) for root in roots) or engine != "local":
        # A table of Hub cards (cards.parquet, cards.jsonl.gz): licheck/hub.py, on either engine.
        from licheck.cli_hub import DumpOptions, run_dump

        dump = DumpOptions(engine, scheduler, id_column, card_column, jobs, run.online, timeout)
        passed = run_dump(list(roots), run.outputs, policy, run.today, dump, catalog.version)
        return run.exit_code(passed)
    options = InputOptions(allow_outside=run.allow_outside, online=run.online)
    passed = _run_scan(
        list(roots),
        run.outputs,
        policy,
        run.today,
        options,
        _ScanLimits(
            jobs,
            timeout,
            (*policy.exclude, *exclude),
            CacheReading(datasets=include_datasets, all_revisions=all_revisions),
        ),
        catalog.version,
    )
    return run.exit_code(passed)


class _ScanLimits(msgspec.Struct, frozen=True):
    """How a scan runs: worker count, per-model time bound, what to leave out."""

    jobs: int | None
    timeout: float
    exclude: tuple[str, ...] = ()
    cache: CacheReading = MODELS_AT_MAIN


def _run_scan(
    roots: list[Path],
    outputs: _Outputs,
    policy: Policy,
    today: date,
    options: InputOptions,
    limits: _ScanLimits,
    kb_version: str,
) -> bool:
    """Drive a scan: stream JSON lines as they come (flat memory), or gather one report; show a
    progress counter on an interactive terminal; end with counts by verdict and license."""
    from licheck.cli_output import (
        StreamedSubjects,
        consume,
        echo_scan_summary,
        progress_console,
        progress_wanted,
    )
    from licheck.engine.report import SummaryBuilder, build_report
    from licheck.formats.jsonl_format import summary_line
    from licheck.records import SubjectReport
    from licheck.scan import scan

    counts = SummaryBuilder(policy, kb_version)
    stream_lines = outputs.format_name == "jsonl"
    # One JSON document, and no other format asked for: each model's JSON is set aside as it
    # comes (memory flat), the document written when the run's summary is known.
    stream_json = outputs.format_name == "json" and not (
        outputs.sarif_output or outputs.junit_output or outputs.markdown_output
    )
    subjects: list[SubjectReport] | StreamedSubjects = StreamedSubjects() if stream_json else []
    target = None
    with contextlib.ExitStack() as stack:
        if stream_lines and outputs.output is not None:
            target = stack.enter_context(report_file(outputs.output))
        progress = None
        if progress_wanted(outputs.progress):
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            progress = stack.enter_context(
                Progress(
                    SpinnerColumn(),
                    TextColumn("{task.description}"),
                    TimeElapsedColumn(),
                    console=progress_console(outputs.progress),
                    transient=True,
                )
            )
            progress.add_task("scanning", total=None)
        results = scan(
            roots,
            policy=policy,
            today=today,
            options=options,
            jobs=limits.jobs,
            timeout=limits.timeout,
            lines_kb_version=kb_version if stream_lines else None,
            exclude=limits.exclude,
            on_skip=counts.left_out,
            cache=limits.cache,
        )
        try:
            consume(results, counts, subjects, target, progress)
        except KeyboardInterrupt:
            # An honest partial summary: what was judged before the interrupt, and that the
            # run did not finish (exit 130, never a pass).
            click.echo(
                f"licheck: interrupted after {counts.subjects} models ({counts.failed} failed, "
                f"{counts.unreadable} unreadable); the scan did not finish",
                err=True,
            )
            raise
        summary = counts.summary(today)
        if stream_lines:
            line = safe_text(summary_line(summary))
            if target is not None:
                target.write(line)
            else:
                click.echo(line, nl=False)
    if isinstance(subjects, StreamedSubjects):
        from licheck.engine.report import report_of_summary
        from licheck.formats.json_format import render_streamed

        try:
            pieces = render_streamed(
                report_of_summary(summary, policy=policy, today=today), subjects.chunks()
            )
            if outputs.output is not None:
                with report_file(outputs.output) as target_file:
                    for piece in pieces:
                        target_file.write(safe_text(piece))
            else:
                for piece in pieces:
                    click.echo(safe_text(piece), nl=False)
        finally:
            subjects.close()
    elif not stream_lines:
        report = build_report(
            subjects, policy=policy, kb_version=kb_version, today=today, skipped=summary.skipped
        )
        # A scan's terminal report is one line per model; the evidence is in the other formats.
        outputs.write(report, compact=True)
    echo_scan_summary(summary, tree=True, quiet=outputs.quiet)
    return summary.passed


@_built_when_named(
    "init",
    lambda: [
        click.option("--force", is_flag=True, help="Overwrite an existing policy file."),
        click.argument(
            "path", type=click.Path(path_type=Path, dir_okay=False), default=".licheck.yaml"
        ),
    ],
)
def init(path: Path, force: bool) -> int:
    """Write a commented starter policy (.licheck.yaml)."""
    from licheck.inputs.policy_file import STARTER_POLICY

    if path.exists() and not force:
        raise LicheckError(f"{path} already exists", hint="pass --force to overwrite it")
    _emit(STARTER_POLICY, path)
    click.echo(
        f"wrote {path}: edit it, commit it, and licheck applies it to every run below it", err=True
    )
    return EXIT_PASS


@_built_when_named(
    "explain",
    lambda: [
        click.argument("license_name"),
        click.option(
            "--format",
            "-f",
            "format_name",
            type=click.Choice(["terminal", "json"]),
            default="terminal",
        ),
        click.option("--color/--no-color", default=None, help="Force or forbid colour."),
    ],
)
def explain(license_name: str, format_name: str, color: bool | None) -> int:
    """Show what licheck knows about a license: verdict per criterion, evidence, obligations."""
    from licheck.explain import explain_license
    from licheck.formats.explain import render_explanation

    explanation = explain_license(license_name)
    wanted = color_wanted(sys.stdout, color)
    click.echo(render_explanation(explanation, format_name, color=wanted), nl=False, color=wanted)
    return EXIT_PASS


@_built_when_named(
    "identify",
    lambda: [
        click.argument(
            "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
        ),
        click.option(
            "--format",
            "-f",
            "format_name",
            type=click.Choice(["terminal", "json"]),
            default="terminal",
        ),
    ],
)
def identify(files: tuple[Path, ...], format_name: str) -> int:
    """Name the license in each FILE: best match, similarity, runner-up, what differs, verdict.

    Works offline; exit 0 when every file is named exactly, 1 when one is modified, unrecognised
    or names no license, 2 on a file that cannot be read.
    """
    from licheck.check import identify_files
    from licheck.formats.identification import render_identifications

    found = identify_files(list(files))
    click.echo(render_identifications(found, format_name), nl=False)
    return (
        EXIT_PASS
        if all(item.identification.status == "exact" for item in found)
        else EXIT_VIOLATION
    )


@_built_when_named(
    "licenses",
    lambda: [
        click.option(
            "--verdict",
            type=click.Choice(["osi-approved", "open", "not-open", "unknown"]),
            help="Only this verdict.",
        ),
        click.option("--family", help="Only this family (e.g. llama, rail, gemma)."),
        click.option("--matrix", is_flag=True, help="Draw licenses x the ten criteria as a grid."),
        click.option(
            "--format",
            "-f",
            "format_name",
            type=click.Choice(["terminal", "json"]),
            default="terminal",
        ),
        click.option("--color/--no-color", default=None, help="Force or forbid colour."),
    ],
)
def licenses_command(
    verdict: str | None, family: str | None, matrix: bool, format_name: str, color: bool | None
) -> int:
    """List the licenses licheck knows, with their verdicts."""
    from licheck.explain import list_licenses
    from licheck.formats.explain import render_license_list
    from licheck.knowledge.catalog import Catalog

    rows = list_licenses(verdict=verdict, family=family)
    wanted = color_wanted(sys.stdout, color)
    text = render_license_list(
        rows, format_name, matrix=matrix, color=wanted, kb_version=Catalog().version
    )
    click.echo(text, nl=False, color=wanted)
    return EXIT_PASS


def _print_error(exc: LicheckError) -> None:
    """`licheck: error: file:line:column: message` and the hint on stderr. The message, hint and
    file name carry untrusted values (unknown keys, file names, policy entries): each part goes
    through `sanitise.display` (one inert line), and the whole through `guard_lines` (the GitHub
    runner reads workflow commands on stderr too)."""
    from licheck.formats.sanitise import display, guard_lines

    where = exc.location
    text = display(exc.message)
    if where is not None:
        text = f"{display(where)}: {text}"
    if exc.hint:
        text += f"\n  hint: {display(exc.hint)}"
    click.echo(guard_lines(f"licheck: error: {text}"), err=True)


def _show_usage_error(exc: click.ClickException) -> None:
    """click's own message (usage and `Error: ...`), which echoes the user's arguments: every
    line made inert as `_print_error` does."""
    import io

    from licheck.formats.sanitise import display, guard_lines

    buffer = io.StringIO()
    exc.show(file=buffer)
    lines = buffer.getvalue().splitlines()
    click.echo(guard_lines("\n".join(display(line) for line in lines)), err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run licheck and return its exit code (the console script and `python -m licheck`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    args = [a for a in args if a != "--traceback"]
    try:
        result = cli.main(args=args, prog_name="licheck", standalone_mode=False)
    except LicheckError as exc:
        _print_error(exc)
        return EXIT_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        _show_usage_error(exc)
        return EXIT_INPUT
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort: that is an interrupt (128 + SIGINT), not bad input.
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            click.echo("licheck: interrupted", err=True)
            return EXIT_INTERRUPTED
        click.echo("licheck: aborted", err=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        click.echo("licheck: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_PASS
    except Exception:
        if show_traceback:
            import traceback

            traceback.print_exc()
        click.echo(
            f"licheck: internal error (this is a bug in licheck {__version__}); "
            "run again with --traceback and report it",
            err=True,
        )
        return EXIT_BUG
    return int(result) if isinstance(result, int) else EXIT_PASS


def _obligations() -> click.Command:
    from licheck.cli_obligations import obligations_command

    return obligations_command(_report_options)


def _exception() -> click.Command:
    from licheck.cli_exception import exception_group

    return exception_group


_group().builders.update(obligations=_obligations, exception=_exception)
