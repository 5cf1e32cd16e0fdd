"""The two readers of a license text a run hands the engine: identification and the clause engine.

The same license text is shipped beside thousands of models (every Llama fine-tune copies the
Llama license), so each reader remembers the distinct texts it has read, for the run that built
it (never in a module global), and re-points findings at the file they came from.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

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
