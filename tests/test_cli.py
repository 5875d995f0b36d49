"""The command line: help, operations, new operations, input flags."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from chaintool.cli import _input_order
from chaintool.operations import load_registry
from tests.conftest import TEST_OPS, cid_manifest, invoke, write_json


def test_help_lists_the_commands(cli: Any) -> None:
    result = invoke(cli, "--help")
    assert result.exit_code == 0
    for command in ("scaffold", "build", "exec", "validate", "ops"):
        assert command in result.stdout


def test_ops_list_shows_builtins_with_ids(cli: Any) -> None:
    result = invoke(cli, "ops", "list", "--json")
    assert result.exit_code == 0
    listed = {op["name"]: op for op in json.loads(result.stdout)}
    assert set(listed) == {"op_multihash", "op_cid", "op_collect", "op_match_all"}
    assert listed["op_multihash"]["config"] == {"hasher": ["Blake3_256", "Sha2_256", "Blake2b_256"]}
    assert listed["op_collect"]["inputs"] == []
    text = invoke(cli, "ops", "list").stdout
    assert listed["op_cid"]["id"] in text


def test_ops_show_by_name_and_by_id(cli: Any) -> None:
    by_name = json.loads(invoke(cli, "ops", "show", "op_cid").stdout)
    by_id = json.loads(invoke(cli, "ops", "show", by_name["id"]).stdout)
    assert by_name == by_id
    assert by_name["manifest"]["output"] == "String"
    missing = invoke(cli, "ops", "show", "op_nope")
    assert missing.exit_code == 2 and "unknown operation" in missing.stderr


def test_user_ops_dir_adds_operations(cli: Any) -> None:
    listed = json.loads(invoke(cli, "ops", "list", "--json", "--ops-dir", TEST_OPS).stdout)
    assert "op_std_only" in {op["name"] for op in listed}


def test_ops_dir_from_config_file_and_environment(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "chaintool.toml").write_text(f'ops_dirs = ["{TEST_OPS}"]\n')
    assert "op_std_only" in load_registry(cwd=tmp_path).by_name
    monkeypatch.setenv("CHAINTOOL_OPS_PATH", str(TEST_OPS))
    assert "op_std_only" in load_registry(cwd=Path("/")).by_name


def test_ops_new_makes_a_valid_operation(cli: Any, tmp_path: Path) -> None:
    ops = tmp_path / "myops"
    result = invoke(cli, "ops", "new", "op_reverse", "--dir", ops)
    assert result.exit_code == 0, result.output
    crate = ops / "op_reverse"
    manifest = json.loads((crate / "manifest.json").read_text())
    assert manifest["inputs"] == ["Bytes"] and manifest["output"] == "Bytes"
    assert tomllib.loads((crate / "Cargo.toml").read_text())["package"]["name"] == "op_reverse"
    assert (ops / "chaintool_support" / "src" / "lib.rs").is_file()
    assert "op_reverse" in load_registry([ops]).by_name
    # It can be used in a workflow right away.
    workflow = cid_manifest(segments=[{"inputs": [-1], "sequence": [{"versionId": "op_reverse"}]}])
    validated = invoke(cli, "validate", write_json(tmp_path, workflow), "--ops-dir", ops)
    assert validated.exit_code == 0, validated.output


def test_ops_new_refuses_bad_or_taken_names(cli: Any, tmp_path: Path) -> None:
    for name in ("Op-Bad", "op", "op_cid", "chaintool_support"):
        result = invoke(cli, "ops", "new", name, "--dir", tmp_path)
        assert result.exit_code == 1, name
        assert "error:" in result.stderr
    assert not any(tmp_path.iterdir())


def test_input_flags_keep_their_command_line_order() -> None:
    raw = ["m.json", "--input-text", "a", "--input-file=f", "--input-hex", "--input-text", "--json"]
    assert _input_order(raw) == ["--input-text", "--input-file", "--input-hex"]
    assert _input_order(["--input-hex", "00", "--", "--input-text"]) == ["--input-hex"]


def test_exec_rejects_bad_hex_and_missing_files(cli: Any, tmp_path: Path) -> None:
    manifest = write_json(tmp_path, cid_manifest())
    bad_hex = invoke(cli, "exec", manifest, "--input-hex", "0xzz", "--out", tmp_path / "o")
    assert bad_hex.exit_code == 2 and "not hexadecimal" in bad_hex.stderr
    missing = invoke(
        cli, "exec", manifest, "--input-file", tmp_path / "nope", "--out", tmp_path / "o"
    )
    assert missing.exit_code == 2 and "No such file" in missing.stderr
    assert not (tmp_path / "o").exists()


def test_exec_checks_the_number_of_inputs_before_building(cli: Any, tmp_path: Path) -> None:
    manifest = write_json(tmp_path, cid_manifest())
    result = invoke(
        cli, "exec", manifest, "--input-text", "a", "--input-text", "b", "--out", tmp_path / "o"
    )
    assert result.exit_code == 2
    assert "takes 1 external input(s) (Bytes), 2 given" in result.stderr
