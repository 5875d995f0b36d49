"""Rendering: golden files, byte-identical re-runs, and manifest strings that cannot inject code."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path
from typing import Any

import pytest

from chaintool.errors import ManifestError
from chaintool.manifest import validate_manifest
from chaintool.operations import load_registry
from chaintool.plan import make_plan
from chaintool.rust import crate_name, rust_str, toml_str
from chaintool.scaffold import scaffold
from tests.conftest import EXAMPLES, ROOT, cid_manifest, write_json

GOLDEN = Path(__file__).resolve().parent / "golden"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", ["cidv1_from_bytes", "cid_and_multihash"])
def test_rendered_crate_matches_golden_files(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An empty cache: no measured weights, so the pallet gets the marked defaults.
    monkeypatch.setenv("CHAINTOOL_CACHE", str(tmp_path / "cache"))
    out = tmp_path / name
    scaffold(EXAMPLES / f"{name}.json", out)
    rendered = {
        k: v for k, v in tree(out).items() if not k.startswith("ops/") and k != "Cargo.lock"
    }
    golden = tree(GOLDEN / name)
    assert sorted(rendered) == sorted(golden), "run scripts/refresh_golden.py if this is intended"
    for path, content in golden.items():
        assert rendered[path] == content, f"{path} differs; run scripts/refresh_golden.py"
    # The vendored operations are exact copies of chaintool's own crates.
    for crate in (out / "ops").iterdir():
        compare = filecmp.dircmp(crate, ROOT / "ops" / crate.name, ignore=["target"])
        assert not compare.diff_files and not compare.left_only
    assert (out / "Cargo.lock").read_bytes() == (ROOT / "node" / "Cargo.lock").read_bytes()


def test_rerun_is_byte_identical_and_keeps_file_times(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = scaffold(EXAMPLES / "cid_and_multihash.json", out)
    snapshot = tree(out)
    times = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = scaffold(EXAMPLES / "cid_and_multihash.json", out)
    assert first.changed and not second.changed
    assert tree(out) == snapshot
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == times


def test_changed_manifest_replaces_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scaffold(write_json(tmp_path, cid_manifest()), out)
    changed = cid_manifest()
    changed["segments"][0]["sequence"][0]["config"]["hasher"] = "Sha2_256"
    result = scaffold(write_json(tmp_path, changed, "changed.json"), out)
    assert result.changed
    assert '("hasher", "Sha2_256")' in (out / "workflow" / "src" / "lib.rs").read_text()
    assert not list(tmp_path.glob(".out.*")), "staging folders are cleaned up"


NASTY = [
    'x"; panic!("pwned"); let _ = "',
    "line\nbreak */ /* \r\u202e \\u{0} \\",
    ']] [dependencies]\nevil = "1"',
    "\u0000 nul {= x =} {% if %}",
    "emoji \U0001f600 and \ud7ff",
]


@pytest.mark.parametrize("text", NASTY)
def test_escapers_round_trip(text: str) -> None:
    # A Rust literal and a TOML basic string are both valid JSON-ish after unescaping; check the
    # escaped forms contain only printable ASCII and no unescaped quote.
    for escaped in (rust_str(text), toml_str(text)):
        assert escaped.startswith('"') and escaped.endswith('"')
        body = escaped[1:-1]
        assert all(" " <= ch <= "~" for ch in body)
        assert not re.search(r'(?<!\\)"', body.replace("\\\\", ""))
    # TOML escapes are a subset of what Python's json can decode for BMP characters.
    if all(ord(ch) <= 0xFFFF for ch in text):
        assert json.loads(toml_str(text)) == text


@pytest.mark.parametrize("text", NASTY)
def test_manifest_strings_cannot_inject_code(tmp_path: Path, text: str) -> None:
    printable = "".join(" " if ch < " " and ch not in "\n\t" else ch for ch in text)
    name = " ".join(printable.split())
    manifest = cid_manifest(name=f"workflow {name}"[:128], description=f"description {printable}")
    out = tmp_path / "out"
    scaffold(write_json(tmp_path, manifest), out)
    for path in [out / "Cargo.toml", *out.joinpath("workflow").rglob("*")]:
        if path.is_file():
            content = path.read_text()
            # Each payload would only work unescaped: as code or as a TOML line. The cargo tier
            # compiles such a workflow too.
            assert 'panic!("pwned")' not in content
            assert '\nevil = "1"' not in content
            assert "\u202e" not in content and "\x00" not in content


def test_crate_name_rule() -> None:
    assert crate_name("CIDv1 from bytes!") == "cidv1_from_bytes"
    assert crate_name("2fast workflow") == "wf_2fast_workflow"
    assert crate_name("--") == ""
    assert crate_name("match") == "match_workflow"


def test_name_without_letters_is_a_manifest_error() -> None:
    registry = load_registry()
    with pytest.raises(ManifestError) as error:
        make_plan(validate_manifest(cid_manifest(name="-- !! --")), registry)
    assert error.value.field == "name"


def test_workflow_named_like_an_operation_gets_a_distinct_crate_name() -> None:
    plan = make_plan(validate_manifest(cid_manifest(name="op_multihash")), load_registry())
    assert plan.crate_name == "op_multihash_workflow"


def test_mixed_collection_gets_an_item_enum() -> None:
    data: Any = json.loads((EXAMPLES / "cid_and_multihash.json").read_text())
    plan = make_plan(validate_manifest(data), load_registry())
    assert plan.rust_output_type == "Collection<Item0>"
    assert plan.item_enums[0].variants == (("String", "String"), ("Multihash", "Multihash"))
    assert plan.inputs_per_call == (1,)


def test_weight_fit_base_and_slope() -> None:
    from chaintool.weights import fit

    # 2000 ns at n=0, plus 0.5 ns per byte, with noise that medians ignore.
    samples = [
        {"n": n, "nanos": 2000 + n // 2 + noise, "writes": 1}
        for n in (0, 1000, 2000, 4000)
        for noise in (0, 0, 0, 5000)
    ]
    weights = fit(samples)
    assert weights.base_ref_time == 2_000_000
    assert weights.ref_time_per_byte == 500
    assert weights.writes == 1 and weights.reads == 0
    assert "measured" in weights.source
