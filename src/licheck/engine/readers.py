"""The two readers of a license text a run hands the engine: identification and the clause engine.

The same license text is shipped beside thousands of models (every Llama fine-tune copies the
Llama license), so each reader remembers the distinct texts it has read, for the run that built
it (never in a module global), and re-points findings at the file they came from.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec

from licheck.engine.judge import TextAnalyser, TextIdentifier
from licheck.knowledge.bundle import Knowledge
from licheck.records import replace

if TYPE_CHECKING:
    from licheck.clauses.analysis import TextAnalysis
    from licheck.records import Identification

TEXTS_REMEMBERED = 512


class TextReaders(msgspec.Struct, frozen=True):
    """`identify(text, path)` names a text; `analyse(text, path)` reads its clauses."""

    identify: TextIdentifier
    analyse: TextAnalyser


def text_readers(knowledge: Knowledge) -> TextReaders:
    """Both readers for a run, against its knowledge, each remembering the texts it read."""

    @lru_cache(maxsize=TEXTS_REMEMBERED)
    def identified(text: str) -> Identification:
        return knowledge.identify(text)

    @lru_cache(maxsize=TEXTS_REMEMBERED)
    def analysed(text: str) -> TextAnalysis:
        # Imported on first use: compiling the rules costs ~100 ms, and most runs (an exact
        # license, a model.yaml with no text) never read a clause.
        from licheck.clauses.analysis import analyse

        return analyse(text, path=None)

    def identify_text(text: str, path: str) -> Identification:
        return identified(text)

    def analyse_text(text: str, path: str) -> TextAnalysis:
        analysis = analysed(text)
        findings = tuple(replace(f, file=path) for f in analysis.findings)
        return replace(analysis, findings=findings)

    return TextReaders(identify_text, analyse_text)


class ReadersOnFirstUse:
    """What a worker object sent to other processes (a scan's, a card dump's, a check's pool)
    judges with: the run's knowledge and text readers, built on first use where the worker runs
    and kept with the object for every later task there, never pickled (they are the worker's
    memory of the texts it read, and several megabytes of fingerprints)."""

    _knowledge: Knowledge | None = None
    _readers: TextReaders | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_knowledge", None)  # rebuilt where the worker lands
        state.pop("_readers", None)
        return state

    def _ready(self) -> tuple[Knowledge, TextReaders]:
        if self._knowledge is None or self._readers is None:
            self._knowledge = Knowledge()
            self._readers = text_readers(self._knowledge)
        return self._knowledge, self._readers
