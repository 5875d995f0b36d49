"""Every class of manifest error: a message naming the field, exit code 2, no traceback, and
nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_OPS, cid_manifest, invoke, write_json


def seq(*calls: tuple[str, dict[str, str]]) -> list[dict[str, Any]]:
    return [{"versionId": op, "config": config} for op, config in calls]


MULTIHASH = ("op_multihash", {"hasher": "Blake3_256"})
CID = ("op_cid", {})

CASES: list[tuple[str, Any, str, str]] = [
    # (case, manifest or raw text, field named in the message, words of the message)
    ("invalid JSON", '{"name": "cidv1_from_bytes",', "(file)", "invalid JSON at line 1"),
    ("not an object", "[1, 2]", "(manifest)", "must be a JSON object"),
    (
        "missing field",
        {k: v for k, v in cid_manifest().items() if k != "description"},
        "description",
        "is missing",
    ),
    ("unknown field", cid_manifest(version=3), "version", "not a workflow manifest field"),
    ("ill-typed field", cid_manifest(segments={"inputs": [-1]}), "segments", "must be a list"),
    (
        "ill-typed nested field",
        cid_manifest(segments=[{"inputs": ["-1"], "sequence": seq(MULTIHASH)}]),
        "segments[0].inputs[0]",
        "must be an integer",
    ),
    (
        "boolean is not a number",
        cid_manifest(segments=[{"inputs": [True], "sequence": seq(MULTIHASH)}]),
        "segments[0].inputs[0]",
        "got a boolean",
    ),
    ("name too short", cid_manifest(name="short"), "name", "8 to 128 characters"),
    ("description too long", cid_manifest(description="x" * 1025), "description", "8 to 1024"),
    ("two creators", cid_manifest(creators=["a", "b"]), "creators", "exactly one"),
    ("unknown group", cid_manifest(groups=["NOPE"]), "groups[0]", "is not a group"),
    (
        "too many segments",
        cid_manifest(segments=[{"inputs": [-1], "sequence": seq(MULTIHASH)}] * 129),
        "segments",
        "at most 128",
    ),
    (
        "empty sequence",
        cid_manifest(segments=[{"inputs": [-1], "sequence": []}]),
        "segments[0].sequence",
        "is empty",
    ),
    (
        "unknown operation",
        cid_manifest(segments=[{"inputs": [-1], "sequence": seq(("op_nope", {}))}]),
        "segments[0].sequence[0].versionId",
        "unknown operation 'op_nope'",
    ),
    (
        "config key not allowed",
        cid_manifest(
            segments=[
                {
                    "inputs": [-1],
                    "sequence": seq(("op_multihash", {"hasher": "Sha2_256", "colour": "red"})),
                }
            ]
        ),
        "segments[0].sequence[0].config.colour",
        "is not a config key of op_multihash",
    ),
    (
        "config value not allowed",
        cid_manifest(
            segments=[{"inputs": [-1], "sequence": seq(("op_multihash", {"hasher": "Md5"}))}]
        ),
        "segments[0].sequence[0].config.hasher",
        "'Md5' is not an allowed value",
    ),
    (
        "config key missing",
        cid_manifest(segments=[{"inputs": [-1], "sequence": seq(("op_multihash", {}))}]),
        "segments[0].sequence[0].config.hasher",
        "is missing",
    ),
    (
        "output type not accepted by the next operation",
        cid_manifest(segments=[{"inputs": [-1], "sequence": seq(MULTIHASH, CID, MULTIHASH)}]),
        "segments[0].sequence[2]",
        "op_multihash takes Bytes, but the operation before it (op_cid) outputs String",
    ),
    (
        "segment output type not accepted",
        cid_manifest(
            segments=[
                {"inputs": [-1], "sequence": seq(MULTIHASH, CID)},
                {"inputs": [0], "sequence": seq(CID)},
            ]
        ),
        "segments[1].inputs[0]",
        "segment 0 outputs String, but op_cid takes Multihash",
    ),
    (
        "input is not an earlier segment",
        cid_manifest(
            segments=[
                {"inputs": [-1], "sequence": seq(MULTIHASH)},
                {"inputs": [1], "sequence": seq(CID)},
            ]
        ),
        "segments[1].inputs[0]",
        "1 is not an earlier segment",
    ),
    (
        "no segment takes external input",
        cid_manifest(segments=[{"inputs": [0], "sequence": seq(MULTIHASH)}]),
        "segments",
        "no segment takes external input",
    ),
    (
        "wrong number of inputs for the first operation",
        cid_manifest(segments=[{"inputs": [-1, -1], "sequence": seq(MULTIHASH)}]),
        "segments[0].inputs",
        "op_multihash takes 1 input(s) (Bytes), the segment gives 2",
    ),
    (
        "std-only operation in a no-std workflow",
        cid_manifest(segments=[{"inputs": [-1], "sequence": seq(("op_std_only", {}))}]),
        "segments[0].sequence[0].versionId",
        "op_std_only is std-only",
    ),
]


@pytest.mark.parametrize(("case", "manifest", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_manifest_error_names_the_field(
    cli: Any, tmp_path: Path, case: str, manifest: Any, field: str, words: str
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    out = tmp_path / "out"
    result = invoke(cli, "scaffold", path, "--out", out, "--ops-dir", TEST_OPS)
    assert result.exit_code == 2, result.output
    assert f"error: {field}: " in result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_failed_run_leaves_existing_output_as_it_was(cli: Any, tmp_path: Path) -> None:
    good = write_json(tmp_path, cid_manifest(), "good.json")
    out = tmp_path / "out"
    assert invoke(cli, "scaffold", good, "--out", out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = write_json(tmp_path, cid_manifest(groups=["NOPE"]), "bad.json")
    assert invoke(cli, "scaffold", bad, "--out", out).exit_code == 2
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_std_only_operation_is_accepted_with_allow_std(cli: Any, tmp_path: Path) -> None:
    manifest = cid_manifest(segments=[{"inputs": [-1], "sequence": seq(("op_std_only", {}))}])
    path = write_json(tmp_path, manifest)
    result = invoke(cli, "validate", path, "--ops-dir", TEST_OPS, "--allow-std")
    assert result.exit_code == 0, result.output


def test_snake_case_version_id_is_accepted(cli: Any, tmp_path: Path) -> None:
    manifest = cid_manifest(
        segments=[
            {
                "inputs": [-1],
                "sequence": [
                    {"version_id": "op_multihash", "config": {"hasher": "Sha2_256"}},
                    {"version_id": "op_cid"},
                ],
            }
        ]
    )
    result = invoke(cli, "validate", write_json(tmp_path, manifest))
    assert result.exit_code == 0, result.output


def test_operation_id_is_accepted_as_version_id(cli: Any, tmp_path: Path) -> None:
    listed = json.loads(invoke(cli, "ops", "list", "--json").stdout)
    ids = {op["name"]: op["id"] for op in listed}
    manifest = cid_manifest(
        segments=[
            {
                "inputs": [-1],
                "sequence": [
                    {"versionId": ids["op_multihash"], "config": {"hasher": "Blake3_256"}},
                    {"versionId": ids["op_cid"], "config": {}},
                ],
            }
        ]
    )
    result = invoke(cli, "validate", write_json(tmp_path, manifest))
    assert result.exit_code == 0, result.output


def test_output_folder_not_made_by_chaintool_is_refused(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = invoke(cli, "scaffold", write_json(tmp_path, cid_manifest()), "--out", out)
    assert result.exit_code == 1
    assert "not made by chaintool" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_control_characters_are_refused_where_cargo_cannot_carry_them(
    cli: Any, tmp_path: Path
) -> None:
    # Cargo hands the description to rustc in an environment variable, which cannot hold NUL.
    for field, value in (("description", "bad \x00 description"), ("name", "bad\nname here")):
        path = write_json(tmp_path, cid_manifest(**{field: value}))
        result = invoke(cli, "validate", path)
        assert result.exit_code == 2
        assert f"error: {field}: contains the control character" in result.stderr
    multiline = write_json(tmp_path, cid_manifest(description="two\nlines\tand a tab"))
    assert invoke(cli, "validate", multiline).exit_code == 0
