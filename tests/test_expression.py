"""License expressions: parsing, bounds, and the AND/OR logic the policy relies on."""

from __future__ import annotations

import pytest

from licheck.engine.expression import Leaf, Operation, blocking, leaves, parse, satisfied
from licheck.errors import ExpressionError


def test_single_hugging_face_id() -> None:
    assert parse("llama2") == Leaf("llama2")


def test_common_name_with_spaces_is_one_license() -> None:
    assert parse("Apache 2.0") == Leaf("Apache 2.0")


def test_with_exception_is_kept() -> None:
    assert parse("GPL-2.0-only WITH Classpath-exception-2.0") == Leaf(
        "GPL-2.0-only", "Classpath-exception-2.0"
    )


def test_nested_operators() -> None:
    tree = parse("llama2 OR (mit AND openrail++)")
    assert isinstance(tree, Operation) and tree.operator == "OR"
    assert [leaf.key for leaf in leaves(tree)] == ["llama2", "mit", "openrail++"]


@pytest.mark.parametrize("text", ["mit AND", "(mit", "mit OR OR gpl", "a/b", "   "])
def test_malformed_expressions_are_errors(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text, source="model.yaml", line=4)
    assert info.value.file == "model.yaml" and info.value.line == 4


@pytest.mark.parametrize(
    "text",
    [
        " AND ".join(f"lic{i}" for i in range(20_000)),
        "(" * 3_000 + "mit" + ")" * 3_000,
    ],
)
def test_enormous_expressions_are_refused_before_parsing(text: str) -> None:
    with pytest.raises(ExpressionError, match="too large"):
        parse(text)


def test_or_needs_one_and_and_needs_all() -> None:
    good = {"mit", "apache-2.0"}
    accept = lambda leaf: leaf.key in good  # noqa: E731
    assert satisfied(parse("llama2 OR mit"), accept)
    assert not satisfied(parse("llama2 AND mit"), accept)
    assert blocking(parse("llama2 AND mit"), accept) == [Leaf("llama2")]
    assert blocking(parse("llama2 OR gemma"), accept) == [Leaf("llama2"), Leaf("gemma")]
    assert blocking(parse("llama2 OR mit"), accept) == []


def _by_license_expression(text: str) -> object:
    from license_expression import LicenseSymbol, Licensing

    parsed = Licensing().parse(text)
    assert type(parsed) is LicenseSymbol
    return Leaf(str(parsed.key))


def test_a_lone_id_parses_as_license_expression_parses_it() -> None:
    # The fast path for one id (no import of license-expression) must give the same leaf, on
    # every alias licheck knows and on the characters ids are written with.
    import json
    from pathlib import Path

    from licheck.engine import expression

    index = Path(__file__).parents[1] / "licenses" / "index.json"
    aliases = json.loads(index.read_text(encoding="utf-8"))["aliases"]
    odd = ["gpl-2.0+", "1.0", "a:b", "x_y", "LicenseRef-x.y", "DocumentRef-a:LicenseRef-b", " MIT "]
    tried = 0
    for text in [*aliases, *odd]:
        if not expression._SINGLE_ID.fullmatch(text.strip()):
            continue
        tried += 1
        assert parse(text) == _by_license_expression(text), text
    assert tried > 500
    for operator in ("and", "OR", "With"):
        with pytest.raises(ExpressionError):
            parse(operator)
