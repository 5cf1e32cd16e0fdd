"""A card dump's first pass on disk (dump_spill): batches come back as written, in order, as
often as asked; the graph built from it keeps only named models, the first row winning."""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest

from licheck.dump_spill import Collected, FirstPassSpill
from licheck.errors import InputError
from licheck.hub import build_graph, named_bases

BATCHES: list[Collected] = [
    ([("org/a", None, "mit", ("org/b",)), ("org/c", "Org/C", None, ())], ["org/b"]),
    ([], []),
    ([("org/b", None, "apache-2.0", ()), ("org/a", None, "gpl-3.0", ())], ["Org/C", "org/a"]),
]


def test_batches_come_back_in_order_each_time_they_are_read() -> None:
    with FirstPassSpill() as spill:
        for batch in BATCHES:
            spill.add(batch)
        assert list(spill) == BATCHES
        assert list(spill) == BATCHES  # a second reading starts from the start
        assert spill.batches == 3


def test_the_file_is_gone_once_closed() -> None:
    spill = FirstPassSpill()
    spill.add(BATCHES[0])
    descriptor = spill._file.fileno()
    spill.close()
    with pytest.raises(OSError):
        os.fstat(descriptor)


def test_the_graph_holds_named_models_only_and_the_first_row_of_an_id() -> None:
    with FirstPassSpill() as spill:
        graph = build_graph(iter(BATCHES), spill)
        assert sorted(graph) == ["org/a", "org/b", "org/c"]  # every one is someone's base
        assert graph["org/a"].expression == "mit"  # the first row of org/a, not the later one
        assert graph["org/c"].name == "Org/C"
        bases = named_bases(spill)
        assert [next(bases) for _ in range(4)] == [
            ["org/b"],
            [],
            ["Org/C", "org/a"],
            [],  # a batch the first pass did not see names nothing: its bases stay unknown
        ]


def test_a_model_no_row_names_is_not_kept() -> None:
    batches: list[Collected] = [
        ([("org/x", None, "mit", ()), ("org/y", None, "mit", ())], ["org/y"])
    ]
    with FirstPassSpill() as spill:
        assert list(build_graph(iter(batches), spill)) == ["org/y"]


def test_a_full_disk_is_exit_2_naming_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    spill = FirstPassSpill()

    class Full:
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    real, spill._file = spill._file, Full()  # type: ignore[assignment]
    try:
        with pytest.raises(InputError) as caught:
            spill.add(BATCHES[0])
        assert "No space left on device" in caught.value.message
        assert "TMPDIR" in (caught.value.hint or "")
    finally:
        real.close()
