"""Detection by content: each format is told from its first bytes, whatever the file is called."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from licheck.errors import InputError
from licheck.inputs.detect import detect_format, read_head, sniff
from licheck.inputs.registry import INPUT_FORMATS as FORMATS

CARDS = Path(__file__).parent / "fixtures" / "cards"
FOLDERS = Path(__file__).parent / "fixtures" / "folders"

# Small heads we wrote, one per format; names are deliberately unhelpful where content decides.
HEADS: dict[str, tuple[str, bytes]] = {
    "model-yaml": ("model.yaml", b"schema_version: 1\nname: acme\nlicense: mit\n"),
    "hf-card": ("README.md", b"---\nlicense: mit\n---\n# acme\n"),
    "mot": (
        "acme.yml",
        b"framework:\n  name: 'Model Openness Framework'\n  version: '1.0'\nrelease:\n  name: a\n",
    ),
    "spdx-json": (
        "sbom.json",
        b'{\n  "SPDXID": "SPDXRef-DOCUMENT",\n  "spdxVersion": "SPDX-2.3",\n  "name": "acme"\n}\n',
    ),
    "spdx-tag-value": (
        "acme.spdx",
        b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n",
    ),
    "spdx-yaml": ("acme.spdx.yaml", b"SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\n"),
    "spdx-xml": (
        "acme.xml",
        b'<?xml version="1.0"?>\n<Document>\n  <spdxVersion>SPDX-2.3</spdxVersion>\n</Document>\n',
    ),
    "spdx-rdf": (
        "acme.rdf",
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:spdx="http://spdx.org/rdf/terms#">\n</rdf:RDF>\n',
    ),
    "spdx3-jsonld": (
        "acme.json",
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}',
    ),
    "cyclonedx-json": (
        "bom.json",
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}',
    ),
    "license-text": ("LICENSE", b"ACME TERMS (made up)\n\nYou may copy this model.\n"),
    "gguf": ("weights.bin", b"GGUF\x03\x00\x00\x00" + bytes(16)),
    "safetensors": ("weights.bin", b'\x0f\x00\x00\x00\x00\x00\x00\x00{"__metadata__":{}}'),
    "modelfile": ("Modelfile", b"FROM llama3\nLICENSE MIT\n"),
    "card-dump": ("cards.jsonl", b'{"modelId": "org/m", "card": "---\\nlicense: mit\\n---\\n"}\n'),
    "ollama": (
        "latest",
        b'{"schemaVersion": 2, "layers": [{"mediaType": "application/vnd.ollama.image.model"}]}',
    ),
}


def test_every_file_format_has_a_case() -> None:
    assert set(HEADS) | {"folder"} == set(FORMATS)


@pytest.mark.parametrize("expected", sorted(HEADS))
def test_format_is_detected_from_content(expected: str) -> None:
    name, head = HEADS[expected]
    assert detect_format(Path(name), head) == expected


@pytest.mark.parametrize("expected", ["spdx-json", "mot", "cyclonedx-json", "spdx-tag-value"])
def test_content_wins_over_a_misleading_name(expected: str) -> None:
    assert detect_format(Path("notes.txt"), HEADS[expected][1]) == expected


def test_mot_shaped_file_naming_another_framework_goes_to_the_mot_reader() -> None:
    head = b"framework:\n  name: Other Framework\nrelease:\n  name: acme\n"
    assert detect_format(Path("acme.yml"), head) == "mot"


def test_folder_is_detected() -> None:
    assert sniff(FOLDERS / "split") == "folder"


def test_utf8_bom_does_not_hide_the_content() -> None:
    head = b"\xef\xbb\xbf" + HEADS["spdx-json"][1]
    assert detect_format(Path("x.json"), head) == "spdx-json"


def test_markdown_license_is_a_license_text_not_a_card() -> None:
    assert detect_format(Path("LICENSE.md"), b"# ACME TERMS\n\nYou may copy.\n") == "license-text"


def test_markdown_with_front_matter_is_a_card_whatever_its_name() -> None:
    assert detect_format(Path("MODEL_CARD.md"), b"\n---\nlicense: mit\n---\n") == "hf-card"


def test_readme_without_front_matter_is_still_a_card() -> None:
    assert detect_format(Path("README.md"), b"# acme\n") == "hf-card"


def test_model_yaml_without_extension() -> None:
    assert detect_format(Path("modelfile"), b"name: acme\nlicense: mit\n") == "model-yaml"


@pytest.mark.parametrize(
    "head",
    [b"[PROJECT NAME] Terms (made up)\n\nYou may copy.\n", b"<holder name>\n\nYou may copy.\n"],
)
def test_license_text_opening_with_a_bracket_is_not_json_or_xml(head: bytes) -> None:
    assert detect_format(Path("LICENSE.txt"), head) == "license-text"


def test_reference_corpus_texts_and_mot_files_are_told_apart(corpus: Path) -> None:
    found: dict[str, set[str]] = {}
    for folder in ("spdx", "ai", "wild", "mot", "mot-testdata"):
        for path in sorted((corpus / folder).iterdir()):
            if path.suffix in (".txt", ".yml") and path.name != "labels.json":
                found.setdefault(folder, set()).add(sniff(path))
    assert found == {
        "spdx": {"license-text"},
        "ai": {"license-text"},
        "wild": {"license-text"},
        "mot": {"mot"},
        "mot-testdata": {"mot"},
    }


def test_unknown_json_is_an_error_that_suggests_forcing_a_reader() -> None:
    with pytest.raises(InputError) as caught:
        detect_format(Path("config.json"), b'{"architectures": ["Llama"]}')
    assert caught.value.hint and "--input-format" in caught.value.hint


def test_cyclonedx_xml_is_refused_with_a_hint() -> None:
    head = b'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5">\n'
    with pytest.raises(InputError, match="CycloneDX XML"):
        detect_format(Path("bom.xml"), head)


def test_head_cut_inside_a_character_still_detects() -> None:
    head = HEADS["license-text"][1] + "é".encode()[:1]
    assert detect_format(Path("LICENSE"), head) == "license-text"


def test_sniff_reads_a_card_fixture() -> None:
    assert sniff(CARDS / "basic.md") == "hf-card"


def test_read_head_refuses_a_fifo_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_head(fifo)


def test_read_head_reads_at_most_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE"
    path.write_bytes(b"x" * 1000)
    assert len(read_head(path, limit=100)) == 100


def test_read_head_on_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_head(tmp_path / "absent")


def test_every_file_format_refuses_a_folder(tmp_path: Path) -> None:
    """What FILE_FORMATS promises, and what lets the engine place such a record in its file's
    folder without asking the filesystem (engine.judgment.model_folder): no reader of those
    formats makes a record out of a folder, even when forced to read one."""
    from licheck.errors import LicheckError
    from licheck.inputs import InputOptions, load_path
    from licheck.inputs.registry import FILE_FORMATS, READERS

    assert {r.name for r in READERS} - {"folder", "ollama"} == FILE_FORMATS
    for name in sorted(FILE_FORMATS):
        with pytest.raises(LicheckError):
            load_path(tmp_path, InputOptions(input_format=name))
