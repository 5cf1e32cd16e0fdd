"""Weights carry their license: GGUF headers, safetensors `__metadata__`, folders of weights.

Every GGUF file here is written by gguf-py's own writer (llama.cpp's), every safetensors header
by hand; nothing is downloaded.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.errors import InputError
from licheck.formats import FORMATS
from licheck.inputs import gguf as gguf_reader
from licheck.inputs import load_path
from licheck.inputs.folder import load_folder
from licheck.inputs.safetensors import load_safetensors
from licheck.knowledge.catalog import Catalog


def write_gguf(path: Path, metadata: dict[str, Any], *, tokens: int = 50) -> Path:
    """A tiny GGUF file: the metadata given, a tokenizer list and one 4-float tensor."""
    writer = gguf.GGUFWriter(str(path), "llama")
    for key, value in metadata.items():
        if isinstance(value, bool):
            writer.add_bool(key, value)
        elif isinstance(value, int):
            writer.add_uint32(key, value)
        elif isinstance(value, list):
            writer.add_array(key, value)
        else:
            writer.add_string(key, value)
    writer.add_token_list([f"tok{i}" for i in range(tokens)])
    writer.add_tensor("weight", np.zeros((4,), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def write_safetensors(path: Path, metadata: dict[str, str] | None) -> Path:
    """A safetensors file by hand: 8-byte length, JSON header, 16 bytes of tensor data."""
    header: dict[str, Any] = {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(16))
    return path


@dataclass
class Run:
    exit_code: int
    output: str
    errors: str


def run(*args: str) -> Run:
    """licheck in-process, as the console script runs it."""
    with CliRunner().isolation() as (out, err, _):
        code = main(["check", "--today", "2026-12-01", *args])
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


def subject(result: Run) -> dict[str, Any]:
    data = json.loads(result.output)
    (found,) = data["subjects"]
    return found  # type: ignore[no-any-return]


LLAMA_GGUF = {
    "general.name": "Tiny Llama",
    "general.organization": "Acme",
    "general.license": "llama3",
    "general.license.link": "https://example.org/license",
    "general.base_model.count": 1,
    "general.base_model.0.name": "Meta Llama 3 8B",
    "general.base_model.0.organization": "Meta Llama",
    "general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Meta-Llama-3-8B",
}


# --- GGUF -----------------------------------------------------------------------------------


def test_gguf_header_gives_license_name_publisher_and_base_models(tmp_path: Path) -> None:
    (record,) = load_path(write_gguf(tmp_path / "tiny.gguf", LLAMA_GGUF), catalog=Catalog())
    assert record.format == "gguf"
    assert record.name == "Tiny Llama"
    assert record.publisher == "Acme"
    assert record.license == "llama3"
    assert record.license_link == "https://example.org/license"
    assert record.base_models == ("meta-llama/Meta-Llama-3-8B",)


def test_gguf_of_a_non_open_license_fails_with_its_file_named(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "tiny.gguf", LLAMA_GGUF)
    result = run("--format", "json", str(path))
    assert result.exit_code == 1
    found = subject(result)
    assert found["source"].endswith("tiny.gguf")
    assert found["licenses"][0]["id"] == "LicenseRef-licheck-llama-3"


def test_gguf_of_an_osi_license_passes(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "ok.gguf", {"general.license": "Apache-2.0"})
    assert run(str(path)).exit_code == 0


def test_gguf_without_a_license_cannot_be_verified(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "bare.gguf", {"general.name": "bare"})
    result = run("--format", "json", str(path))
    assert result.exit_code == 1
    assert subject(result)["violations"][0]["rule"] == "no-license"


def test_gguf_source_repository_is_a_base_whose_terms_are_inherited(tmp_path: Path) -> None:
    # A quantisation of Llama 2 that says apache-2.0 still carries the Llama 2 terms.
    path = write_gguf(
        tmp_path / "q4.gguf",
        {
            "general.license": "apache-2.0",
            "general.source.repo_url": "https://huggingface.co/meta-llama/Llama-2-7b-hf",
        },
    )
    result = run("--format", "json", str(path))
    assert result.exit_code == 1
    rules = [v["rule"] for v in subject(result)["violations"]]
    assert rules == ["inherited-license"]


def test_gguf_license_title_becomes_the_license_licheck_knows(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "t.gguf", {"general.license": "Llama 3 Community License"})
    (record,) = load_path(path, catalog=Catalog())
    assert record.license == "LicenseRef-licheck-llama-3"


def test_gguf_free_text_license_is_shown_and_never_passes(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "t.gguf", {"general.license": "Ask us, we'll see!"})
    (record,) = load_path(path, catalog=Catalog())
    assert (record.license, record.license_name) == ("other", "Ask us, we'll see!")
    assert run(str(path)).exit_code == 1


def test_gguf_tokenizer_and_other_arrays_are_skipped_not_kept(tmp_path: Path) -> None:
    path = write_gguf(
        tmp_path / "t.gguf", {"general.license": "mit", "general.tags": ["a", "b"]}, tokens=5000
    )
    header = gguf_reader.read_header(path, shown="t.gguf")
    assert header.metadata["general.tags"] == ["a", "b"]
    assert not any(key.startswith("tokenizer.") for key in header.metadata)
    assert header.tensor_count == 1


def test_gguf_value_types_are_the_specs() -> None:
    assert {t.name: t.value for t in gguf.GGUFValueType} == {
        "UINT8": gguf_reader.UINT8,
        "INT8": gguf_reader.INT8,
        "UINT16": gguf_reader.UINT16,
        "INT16": gguf_reader.INT16,
        "UINT32": gguf_reader.UINT32,
        "INT32": gguf_reader.INT32,
        "FLOAT32": gguf_reader.FLOAT32,
        "BOOL": gguf_reader.BOOL,
        "STRING": gguf_reader.STRING,
        "ARRAY": gguf_reader.ARRAY,
        "UINT64": gguf_reader.UINT64,
        "INT64": gguf_reader.INT64,
        "FLOAT64": gguf_reader.FLOAT64,
    }


def _header(kv_count: int, *entries: bytes, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, 0, kv_count) + b"".join(entries)


def _string(text: bytes) -> bytes:
    return struct.pack("<Q", len(text)) + text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GGUF\x03\x00", "not a GGUF file"),
        (_header(0, version=1), "GGUF version 1 is not supported"),
        (_header(10**9), "claims 1,000,000,000 metadata entries"),
        # A key whose length field claims 2^60 bytes.
        (_header(1, struct.pack("<Q", 2**60)), "truncated or its lengths are wrong"),
        # An array of strings claiming 10^12 entries.
        (
            _header(1, _string(b"general.tags"), struct.pack("<IIQ", 9, 8, 10**12)),
            "truncated or its lengths are wrong",
        ),
        (_header(1, _string(b"general.x"), struct.pack("<I", 99)), "unknown value type (99)"),
        (_header(2, _string(b"general.license"), struct.pack("<I", 8)), "truncated"),
    ],
)
def test_hostile_gguf_headers_are_clean_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data + bytes(8))
    with pytest.raises(InputError) as caught:
        gguf_reader.load_gguf(path, shown="bad.gguf")
    assert message in caught.value.message and caught.value.file == "bad.gguf"


def test_hostile_gguf_exits_2_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(_header(1, struct.pack("<Q", 2**60)))
    result = run(str(path))
    assert result.exit_code == 2
    assert "bad.gguf" in result.errors and "Traceback" not in result.errors


def test_a_big_sparse_gguf_is_read_from_its_header_alone(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "big.gguf", {"general.license": "mit"})
    with path.open("r+b") as handle:
        handle.truncate(8 * 1024**3)  # 8 GiB, sparse: only the header is ever touched
    assert gguf_reader.read_header(path, shown="big.gguf").metadata["general.license"] == "mit"


def test_split_gguf_is_one_model_read_from_its_first_part(tmp_path: Path) -> None:
    write_gguf(tmp_path / "m-00001-of-00002.gguf", {"general.license": "mit", "split.count": 2})
    (tmp_path / "m-00002-of-00002.gguf").write_bytes(b"GGUF")
    (record,) = load_path(tmp_path / "m-00002-of-00002.gguf", catalog=Catalog())
    assert record.source.endswith("m-00001-of-00002.gguf")
    assert (record.name, record.license, record.warnings) == ("m", "mit", ())


def test_split_gguf_missing_its_first_part_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "m-00002-of-00002.gguf").write_bytes(b"GGUF" + bytes(20))
    with pytest.raises(InputError, match=r"first part m-00001-of-00002\.gguf"):
        load_path(tmp_path / "m-00002-of-00002.gguf")


def test_split_gguf_missing_a_later_part_is_reported(tmp_path: Path) -> None:
    write_gguf(tmp_path / "m-00001-of-00003.gguf", {"general.license": "mit"})
    result = run("--format", "json", str(tmp_path / "m-00001-of-00003.gguf"))
    assert any("2 of the 3 parts" in w for w in subject(result)["warnings"])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_a_gguf_subject(tmp_path: Path, name: str) -> None:
    path = write_gguf(tmp_path / "tiny.gguf", LLAMA_GGUF)
    to_file = ("-o", str(tmp_path / f"out.{name}")) if name == "parquet" else ()
    result = run("--format", name, *to_file, str(path))
    assert result.exit_code == 1, result.errors
    assert "Traceback" not in result.errors


# --- safetensors ----------------------------------------------------------------------------


def test_safetensors_metadata_gives_the_license(tmp_path: Path) -> None:
    path = write_safetensors(
        tmp_path / "model.safetensors",
        {"format": "pt", "license": "cc-by-nc-4.0", "base_model": "acme/base-1, acme/base-2"},
    )
    (record,) = load_path(path, catalog=Catalog())
    assert record.format == "safetensors"
    assert (record.license, record.base_models) == ("cc-by-nc-4.0", ("acme/base-1", "acme/base-2"))
    assert run(str(path)).exit_code == 1


def test_safetensors_modelspec_license_is_read(tmp_path: Path) -> None:
    path = write_safetensors(
        tmp_path / "sd.safetensors", {"modelspec.license": "mit", "modelspec.title": "SD tiny"}
    )
    record = load_safetensors(path, shown="sd.safetensors", catalog=Catalog())
    assert (record.name, record.license) == ("SD tiny", "mit")


def test_safetensors_without_metadata_cannot_be_verified(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "model.safetensors", None)
    assert run(str(path)).exit_code == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (struct.pack("<Q", 2**40) + b"{}", "licheck reads at most 16,777,216"),
        (struct.pack("<Q", 5000) + b'{"a": 1}', "truncated"),
        (struct.pack("<Q", 4) + b"{no}", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (struct.pack("<Q", 20) + b'{"__metadata__": 1} ', "not an object of strings"),
    ],
)
def test_hostile_safetensors_headers_are_clean_errors(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    result = run(str(path))
    assert result.exit_code == 2
    assert message in result.errors and "bad.safetensors" in result.errors


# --- a folder of weights, and the agreement rule --------------------------------------------

CARD = "---\nlicense: {}\n---\n# acme\n"


def test_a_folder_of_weights_alone_is_a_model(tmp_path: Path) -> None:
    write_safetensors(tmp_path / "model-00001-of-00002.safetensors", {"license": "apache-2.0"})
    write_safetensors(tmp_path / "model-00002-of-00002.safetensors", {"format": "pt"})
    (tmp_path / "config.json").write_text("{}")
    (record,) = load_folder(tmp_path, catalog=Catalog())
    assert (record.name, record.license) == (tmp_path.name, "apache-2.0")
    assert run(str(tmp_path)).exit_code == 0


def test_card_and_weights_agreeing_is_no_finding(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD.format("apache-2.0"))
    write_gguf(tmp_path / "m.Q4.gguf", {"general.license": "Apache-2.0"})
    (record,) = load_folder(tmp_path, catalog=Catalog())
    assert (record.license, record.warnings) == ("apache-2.0", ())


def test_weights_disagreeing_with_the_card_bind_too(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD.format("apache-2.0"))
    write_gguf(tmp_path / "m.Q4.gguf", {"general.license": "llama3"})
    result = run("--format", "json", str(tmp_path))
    assert result.exit_code == 1  # never a pass on the card's permissive license alone
    found = subject(result)
    assert found["expression"] == "(apache-2.0) AND (llama3)"
    assert any("they disagree, and all of them bind" in w for w in found["warnings"])
    assert [v["license"] for v in found["violations"]] == ["LicenseRef-licheck-llama-3"]


def test_two_open_licenses_that_disagree_both_bind_and_are_reported(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD.format("mit"))
    write_safetensors(tmp_path / "model.safetensors", {"license": "apache-2.0"})
    result = run("--format", "json", str(tmp_path))
    found = subject(result)
    assert found["expression"] == "(mit) AND (apache-2.0)"
    assert {r["id"] for r in found["licenses"]} == {"MIT", "Apache-2.0"}
    assert any("model.safetensors declares the license" in w for w in found["warnings"])


def test_weights_base_models_add_to_the_cards(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\nbase_model: acme/one\n---\n")
    write_gguf(tmp_path / "m.gguf", {**LLAMA_GGUF, "general.license": "mit"})
    (record,) = load_folder(tmp_path, catalog=Catalog())
    assert record.base_models == ("acme/one", "meta-llama/Meta-Llama-3-8B")


def test_a_weights_file_linking_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = write_gguf(tmp_path / "outside.gguf", {"general.license": "mit"})
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text(CARD.format("mit"))
    (model / "m.gguf").symlink_to(outside)
    with pytest.raises(InputError, match="points outside the model's folder"):
        load_folder(model)
