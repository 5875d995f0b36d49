"""Generated crates compiled and run: native, no-std wasm32 and WASM under Node.js.

Expected outputs come from tests/reference.py (hashlib, blake3, multiformats), never from
chaintool's own code. Each workflow is built once per session by `chaintool.build.build_all`,
which also runs the crate's own tests and checks native and WASM agree on sample inputs.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from chaintool.build import run_pallet_tests, run_runner, wasm_command
from chaintool.errors import ExecutionError
from chaintool.newop import new_operation
from chaintool.scaffold import scaffold
from chaintool.toolchain import cache_dir, cargo, native_env
from chaintool.weights import cached_weights, measure_weights
from tests import reference
from tests.conftest import EXAMPLES, Built, cid_manifest, invoke, run_both, write_json
from tests.strategies import valid_manifests

pytestmark = pytest.mark.cargo

HASHERS = ["Blake3_256", "Sha2_256", "Blake2b_256"]
_random = random.Random(20261204)
SIZES: dict[str, bytes] = {
    "empty": b"",
    "1 byte": b"\x2a",
    "16 KB": _random.randbytes(16 * 1024),
    "1 MB": _random.randbytes(1024 * 1024),
}


def cid_workflow(hasher: str) -> dict[str, Any]:
    manifest = cid_manifest(name=f"cid_{hasher.lower()}")
    manifest["segments"][0]["sequence"][0]["config"]["hasher"] = hasher
    return manifest


@pytest.mark.parametrize("hasher", HASHERS)
def test_cid_workflow_matches_the_reference(build: Callable[..., Built], hasher: str) -> None:
    built = build(cid_workflow(hasher))
    for label, data in SIZES.items():
        assert run_both(built, [data]) == reference.cid_of(hasher, data), label


@pytest.mark.parametrize(
    ("hasher", "data", "cid"),
    [
        ("Blake3_256", b"", "bafkr4ifpcne3t5pzugtkaqcn5i3nzskjtpfslsnnyejlpte2spfoihzsmi"),
        ("Blake3_256", b"hello", "bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4"),
        ("Blake3_256", bytes(16384), "bafkr4iard5wc6kwa7rbrkrauu3r6jqiezmcja7uukpj2zboml5k4yak3ja"),
        ("Sha2_256", b"hello", "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"),
    ],
)
def test_reference_md_vectors(
    build: Callable[..., Built], hasher: str, data: bytes, cid: str
) -> None:
    assert run_both(build(cid_workflow(hasher)), [data]) == cid


def test_three_segments_collect_a_string_and_a_multihash(build: Callable[..., Built]) -> None:
    manifest = json.loads((EXAMPLES / "cid_and_multihash.json").read_text())
    built = build(manifest)
    for label, data in SIZES.items():
        expected = [
            reference.cid_of("Sha2_256", data),
            reference.hex0x(reference.multihash_of("Sha2_256", data)),
        ]
        assert run_both(built, [data]) == expected, label


MATCH_ALL = cid_manifest(
    name="same_blake3_hash",
    description="True when two inputs have the same Blake3 multihash",
    segments=[
        {
            "inputs": [-1],
            "sequence": [{"versionId": "op_multihash", "config": {"hasher": "Blake3_256"}}],
        },
        {
            "inputs": [-1],
            "sequence": [{"versionId": "op_multihash", "config": {"hasher": "Blake3_256"}}],
        },
        {"inputs": [0, 1], "sequence": [{"versionId": "op_match_all"}]},
    ],
)


def test_match_all_over_two_calls_of_next(build: Callable[..., Built]) -> None:
    built = build(MATCH_ALL)
    assert built[0].plan.inputs_per_call == (1, 1)
    big = SIZES["1 MB"]
    assert run_both(built, [big, bytes(big)]) is True
    assert run_both(built, [b"", b""]) is True
    assert run_both(built, [b"a", b"b"]) is False
    assert run_both(built, [big, big[:-1]]) is False


def test_match_all_over_mixed_types_is_type_safe(build: Callable[..., Built]) -> None:
    manifest = cid_manifest(
        name="mixed_types_match",
        description="A String and a Multihash are never equal",
        segments=[
            {
                "inputs": [-1],
                "sequence": [{"versionId": "op_multihash", "config": {"hasher": "Sha2_256"}}],
            },
            {"inputs": [0], "sequence": [{"versionId": "op_cid"}]},
            {
                "inputs": [1, 0, 1],
                "sequence": [{"versionId": "op_collect"}, {"versionId": "op_match_all"}],
            },
        ],
    )
    built = build(manifest)
    # op_match_all receives one item, the collection, so it is trivially true.
    assert run_both(built, [b"x"]) is True
    lib = (built[0].crate_dir / "src" / "lib.rs").read_text()
    assert "pub enum Item0" in lib


def test_operation_made_by_ops_new(
    build: Callable[..., Built], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ops = tmp_path_factory.mktemp("userops")
    new_operation("op_reverse", ops)
    manifest = cid_manifest(
        name="cid_of_reversed",
        segments=[
            {
                "inputs": [-1],
                "sequence": [
                    {"versionId": "op_reverse"},
                    {"versionId": "op_multihash", "config": {"hasher": "Sha2_256"}},
                    {"versionId": "op_cid"},
                ],
            }
        ],
    )
    built = build(manifest, [ops])
    for label, data in SIZES.items():
        assert run_both(built, [data]) == reference.cid_of("Sha2_256", data[::-1]), label


MULTIHASH_INPUT = cid_manifest(
    name="cid_of_a_multihash",
    description="The CID of a multihash given as external input",
    segments=[{"inputs": [-1], "sequence": [{"versionId": "op_cid"}]}],
)


def test_external_input_decoded_as_its_type(build: Callable[..., Built]) -> None:
    built = build(MULTIHASH_INPUT)
    digest = reference.multihash_of("Blake2b_256", b"hello")
    assert run_both(built, [digest]) == reference.cid_of("Blake2b_256", b"hello")
    _, report = built
    assert report.package is not None
    for command in ([str(report.runner)], wasm_command(report.package)):
        with pytest.raises(ExecutionError, match="cannot decode as Multihash"):
            run_runner(command, [b"\x1e\x20short"])
        with pytest.raises(ExecutionError, match="takes 1 external input"):
            run_runner(command, [])


def test_manifest_strings_cannot_inject_code(build: Callable[..., Built]) -> None:
    nasty = 'x"; panic!("pwned"); /* */ \n]] [dependencies]\nevil = "1" \u202e \\'
    name = nasty.replace("\n", " ")
    manifest = cid_manifest(name=f"wf {name}", description=f"description {nasty}")
    project, _ = build(manifest)
    metadata = subprocess.run(
        [cargo(), "metadata", "--no-deps", "--format-version", "1", "--offline"],
        cwd=project.out,
        env=native_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    packages = {p["name"]: p for p in json.loads(metadata.stdout)["packages"]}
    assert packages[project.plan.crate_name]["description"] == manifest["description"]
    assert "evil" not in json.dumps(packages[project.plan.crate_name]["dependencies"])


@pytest.mark.parametrize(
    "manifest", [MATCH_ALL, MULTIHASH_INPUT], ids=["match_all", "multihash_input"]
)
def test_generated_code_is_fmt_and_clippy_clean(
    build: Callable[..., Built], manifest: dict[str, Any]
) -> None:
    project, _ = build(manifest)
    crate = project.plan.crate_name
    fmt = subprocess.run(
        [cargo(), "fmt", "--check", "-p", crate], cwd=project.out, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    clippy = subprocess.run(
        [
            cargo(),
            "clippy",
            "-p",
            crate,
            "--all-targets",
            "--features",
            "wasm",
            "--",
            "-D",
            "warnings",
        ],
        cwd=project.out,
        env=native_env(),
        capture_output=True,
        text=True,
    )
    assert clippy.returncode == 0, clippy.stderr[-4000:]


def test_collect_workflow_is_fmt_and_clippy_clean(build: Callable[..., Built]) -> None:
    test_generated_code_is_fmt_and_clippy_clean(
        build, json.loads((EXAMPLES / "cid_and_multihash.json").read_text())
    )


def test_exec_command_native_and_wasm(
    build: Callable[..., Built], cli: Any, tmp_path: Path
) -> None:
    project, _ = build(MATCH_ALL)
    manifest = write_json(tmp_path, MATCH_ALL)
    data = tmp_path / "data.bin"
    data.write_bytes(b"hello")
    for via in ("native", "wasm"):
        same = invoke(
            cli,
            "exec",
            manifest,
            "--out",
            project.out,
            "--via",
            via,
            "--json",
            "--input-file",
            data,
            "--input-hex",
            "0x68656c6c6f",
        )
        assert same.exit_code == 0, same.output
        assert json.loads(same.stdout) == {"output": True}
        differ = invoke(
            cli,
            "exec",
            manifest,
            "--out",
            project.out,
            "--via",
            via,
            "--input-text",
            "hello",
            "--input-hex",
            "00",
        )
        assert differ.stdout.strip() == "false"


def test_exec_prints_the_cid(build: Callable[..., Built], cli: Any, tmp_path: Path) -> None:
    project, _ = build(cid_workflow("Blake3_256"))
    manifest = write_json(tmp_path, cid_workflow("Blake3_256"))
    for via in ("native", "wasm"):
        result = invoke(
            cli, "exec", manifest, "--out", project.out, "--via", via, "--input-text", "hello"
        )
        assert result.exit_code == 0, result.output
        assert (
            result.stdout.strip() == "bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4"
        )


def test_runtime_error_is_reported_without_traceback(
    build: Callable[..., Built], cli: Any, tmp_path: Path
) -> None:
    project, _ = build(MULTIHASH_INPUT)
    manifest = write_json(tmp_path, MULTIHASH_INPUT)
    result = invoke(cli, "exec", manifest, "--out", project.out, "--input-hex", "0102")
    assert result.exit_code == 5
    assert "cannot decode as Multihash" in result.stderr
    assert "Traceback" not in result.output


@settings(
    max_examples=4,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(manifest=valid_manifests())
def test_sample_of_accepted_manifests_compiles_and_agrees(
    build: Callable[..., Built], manifest: dict[str, Any]
) -> None:
    """build_all runs the crate's tests, the no-std build, and compares native with WASM."""
    _, report = build(manifest)
    assert report.runner.is_file()
    assert report.sample_output is not None


@pytest.mark.parametrize(
    "manifest",
    [
        cid_workflow("Blake3_256"),
        json.loads((EXAMPLES / "cid_and_multihash.json").read_text()),
        MULTIHASH_INPUT,
    ],
    ids=["cid", "collect", "multihash_input"],
)
def test_pallet_tests_pass_on_the_mock_runtime(
    build: Callable[..., Built], manifest: dict[str, Any]
) -> None:
    project, _ = build(manifest)
    run_pallet_tests(project)
    log = (cache_dir() / "logs" / f"{project.plan.crate_name}-pallet.log").read_text()
    for test in (
        "tests::execute_emits_and_stores_the_native_output",
        "tests::oversized_input_is_refused",
        "tests::wrong_number_of_inputs_is_refused",
        "tests::unsigned_origin_is_refused",
        "benchmarking::benchmarks::bench_execute",
    ):
        assert f"{test} ... ok" in log, test
    if project.plan.external_types != ("Bytes",):
        assert "tests::undecodable_input_is_refused ... ok" in log
    # Weights come from the benchmark, and the pallet renders them once measured.
    weights = measure_weights(project.plan, project.out)
    assert weights.writes == 1 and weights.ref_time_per_byte >= 0 and weights.base_ref_time > 0
    assert cached_weights(project.plan) == weights
    rescaffolded = scaffold(project.out.parent / "manifest.json", project.out)
    rendered = (rescaffolded.out / "pallet" / "src" / "weights.rs").read_text()
    assert f"Weight::from_parts({weights.base_ref_time}, {weights.base_proof_size})" in rendered
    assert "measured by chaintool" in rendered
