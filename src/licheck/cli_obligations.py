"""`licheck obligations PATH...`: does a model about to be published do what its licenses demand?

Click only, as cli.py: parse the options, call `check.run_obligations`, pick a format, return
the exit code (0: no obligation unmet; 1: one is unmet, or unknown with --strict; 2: bad input).
Kept out of cli.py so that no module grows past ~600 lines; cli.py hands it the options every
judging command shares (so this module never imports cli.py: no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def obligations_command(
    report_options: Callable[[Callable[..., int]], Callable[..., int]],
) -> click.Command:
    """The `obligations` command, with cli.py's shared report options."""

    @click.command(name="obligations")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @report_options
    @click.option(
        "--strict", is_flag=True, help="An obligation licheck cannot check fails too (exit 1)."
    )
    def obligations(paths: tuple[Path, ...], run: Any, strict: bool) -> int:
        """Check every obligation of every license the models at PATHS carry or inherit (a copy
        of the license, Notice text, name prefix, attribution, use restrictions passed on)
        against their files: met, unmet (with what to add) or unknown."""
        from licheck.check import run_obligations
        from licheck.inputs.registry import InputOptions

        options = InputOptions(allow_outside=run.allow_outside, online=run.online)
        report = run_obligations(
            list(paths),
            strict=strict,
            policy_file=run.policy_file,
            today=run.today,
            fail_on=run.fail_on,
            options=options,
        )
        run.outputs.write(report)
        code: int = run.exit_code(report.passed)
        return code

    return obligations
