"""pool.within_each: every item of a batch keeps its own time bound, on a process's main thread
(a real-time alarm) and off it (a Dask task's worker thread: the batch on one helper thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from licheck.pool import within_each


def _sleepy(item: float) -> str:
    time.sleep(item)
    return f"done {item}"


def _late(item: float) -> str:
    return f"late {item}"


def _off_the_main_thread(call: Callable[[], Any]) -> Any:
    found: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            found.append(call())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(20)
    assert not thread.is_alive()
    if errors:
        raise errors[0]
    return found[0]


@pytest.mark.parametrize("where", ["main thread", "worker thread"])
def test_an_item_past_its_bound_is_late_and_the_rest_still_run(where: str) -> None:
    items = [0.0, 3.0, 0.01, 3.0, 0.0]

    def call() -> list[str]:
        return within_each(0.3, _sleepy, items, _late)

    started = time.monotonic()
    found = call() if where == "main thread" else _off_the_main_thread(call)
    assert found == ["done 0.0", "late 3.0", "done 0.01", "late 3.0", "done 0.0"]
    assert time.monotonic() - started < 2.5  # each slow item cut at its bound, not waited for


def test_each_item_has_its_own_bound_not_a_share_of_the_batchs() -> None:
    # Six items of 0.2 s each under a bound of 0.5 s: 1.2 s for the batch, none of them late.
    found = _off_the_main_thread(lambda: within_each(0.5, _sleepy, [0.2] * 6, _late))
    assert found == ["done 0.2"] * 6


def test_an_error_in_an_item_reaches_the_caller_off_the_main_thread() -> None:
    def fail(item: int) -> int:
        if item == 2:
            raise ValueError("item 2")
        return item

    with pytest.raises(ValueError, match="item 2"):
        _off_the_main_thread(lambda: within_each(5, fail, [1, 2, 3], lambda item: -1))


def test_no_bound_runs_every_item() -> None:
    found = _off_the_main_thread(lambda: within_each(0, _sleepy, [0.0, 0.01], _late))
    assert found == ["done 0.0", "done 0.01"]


def test_a_batch_off_the_main_thread_uses_one_helper_thread() -> None:
    """The hand-off is per batch: 200 items run on the helper thread, not a thread each."""
    seen: set[int] = set()

    def note(item: int) -> int:
        seen.add(threading.get_ident())
        return item

    caller: list[int] = []

    def call() -> list[int]:
        caller.append(threading.get_ident())
        return within_each(5, note, list(range(200)), lambda item: -1)

    assert _off_the_main_thread(call) == list(range(200))
    assert len(seen) == 1 and seen != set(caller)
