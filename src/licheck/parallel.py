"""Judging a check run's records on several processes, when the run is large enough to pay.

`licheck check` of hundreds of license texts spends its time identifying and reading them, one
text at a time: work that splits by record. The run's index of bases is built first, from every
record (check.py), and each process judges its share against the whole index, so a model is
judged exactly as a one-process run judges it; the parts come back in the order given.

A pool costs its start (a fork, then each process builds its knowledge: ~0.1 s of CPU), so a
small run stays in one process: jobs_for estimates the run's reading work from its texts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from licheck.engine.readers import ReadersOnFirstUse
from licheck.errors import LicheckError
from licheck.records import ModelRecord, Policy, SubjectReport

if TYPE_CHECKING:
    from licheck.engine.judgment import SameRunModel

# Estimated CPU seconds to judge a record: a fixed part, and its license texts' reading
# (identification and the clause engine: ~4 ms per 10 KB on the reference machine).
SECONDS_PER_RECORD = 0.000_5
SECONDS_PER_TEXT_BYTE = 0.004 / 10_000
# A process pays for itself when it takes at least this much work off the first one.
SECONDS_PER_PROCESS = 0.25
# Parts per process: many small ones, so that the process with the slowest part does not
# leave the others idle at the end. Texts differ tenfold in cost for the same size (a long
# license with many clauses, one in a language of its own), so parts of equal length are not
# of equal work. Measured on the 840 corpus texts, 2 processes: 4 parts each, one process
# waited 0.28 s for the other (1.17 s in all); 16 parts each, 0.05 s (0.99 s); 32, no better.
PARTS_PER_PROCESS = 16


def estimated_seconds(records: list[ModelRecord]) -> float:
    """The CPU seconds a one-process run would spend judging these records (an estimate)."""
    text_bytes = sum(len(t.text) for r in records for t in r.license_texts)
    return len(records) * SECONDS_PER_RECORD + text_bytes * SECONDS_PER_TEXT_BYTE


def jobs_for(records: list[ModelRecord], jobs: int | None) -> int:
    """How many processes judge these records: `jobs` when given, else as many as the work
    pays for (SECONDS_PER_PROCESS each), at most one per usable core and one per record."""
    if jobs is not None:
        return max(1, min(jobs, len(records)))
    paid = math.floor(estimated_seconds(records) / SECONDS_PER_PROCESS)
    if paid <= 1:
        return 1  # the common run: process pools (concurrent.futures) are never imported
    from licheck.pool import usable_cores

    return max(1, min(usable_cores(), paid, len(records)))


class EvaluateWorker(ReadersOnFirstUse):
    """Judges parts of a run in a pool process: picklable, its knowledge built where it runs.

    Returns None for a part in which a record raised a LicheckError (an expression that
    cannot be parsed), so that the caller judges the run in its own process and raises the
    same error, naming the same record, as a one-process run.
    """

    def __init__(
        self, policy: Policy, today: date, known_bases: Mapping[str, str | SameRunModel]
    ) -> None:
        self.policy = policy
        self.today = today
        self.known_bases = dict(known_bases)

    def __call__(self, part: list[ModelRecord]) -> list[SubjectReport] | None:
        from licheck.engine.evaluate import evaluate_all

        knowledge, readers = self._ready()
        try:
            return evaluate_all(
                part,
                catalog=knowledge.catalog,
                policy=self.policy,
                today=self.today,
                analyse_text=readers.analyse,
                identify_text=readers.identify,
                known_bases=self.known_bases,
            )
        except LicheckError:
            return None


def parts_of(records: list[ModelRecord], workers: int) -> list[list[ModelRecord]]:
    """The records in consecutive parts, PARTS_PER_PROCESS of them per process (fewer for a
    run of fewer records), in the order given."""
    size = max(1, math.ceil(len(records) / (workers * PARTS_PER_PROCESS)))
    return [records[i : i + size] for i in range(0, len(records), size)]


def evaluate_in_pool(
    records: list[ModelRecord],
    policy: Policy,
    today: date,
    known_bases: Mapping[str, str | SameRunModel],
    workers: int,
) -> list[SubjectReport] | None:
    """The records' subjects, in order, judged on `workers` processes; None when a part met an
    error (the caller then judges in one process, which raises it as a one-process run does).
    """
    from concurrent.futures.process import BrokenProcessPool

    from licheck.pool import call_worker, kill, new_pool

    parts = parts_of(records, workers)
    pool = new_pool(workers, EvaluateWorker(policy, today, known_bases))
    subjects: list[SubjectReport] = []
    finished = False
    try:
        for judged in pool.map(call_worker, parts):
            if judged is None:
                return None
            subjects.extend(judged)
        finished = True
    except BrokenProcessPool:
        return None  # a process died (out of memory?): the caller judges in one process
    finally:
        # Ctrl-C, an error or a dead process: stop the other processes now, not after their
        # parts; a finished run lets them exit.
        if finished:
            pool.shutdown()
        else:
            kill(pool)
    return subjects
