#!/usr/bin/env python3
"""Benchmark: 16 KB -> CID (Blake3-256, raw, base32), measured side by side in one run through

- the generated workflow's WASM interface, called from Node.js (the seed measured 0.27 ms);
- a hand-written WASM baseline (blake3 + cid crates behind wasm-bindgen), same target and build;
- the generated workflow's native Rust interface;
- a hand-written native baseline (no workflow machinery);
- the Python reference (packages blake3 and multiformats).

Prints medians and ratios, and whether the targets of the workflow code generation issue hold:
WASM >= 10x faster than Python, WASM <= 1.25x its baseline, native <= 1.1x its baseline.
usage: scripts/bench_cid.py [--size BYTES] [--rounds N]   (run scripts/setup.sh first)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import blake3  # noqa: E402
from multiformats import CID, multihash  # noqa: E402

from chaintool.build import WASM_TARGET, build_all  # noqa: E402
from chaintool.scaffold import scaffold  # noqa: E402
from chaintool.toolchain import (  # noqa: E402
    cargo,
    native_env,
    native_target_dir,
    node,
    run_logged,
    wasm_bindgen,
    wasm_cargo,
    wasm_env,
    wasm_target_dir,
)

BENCH = ROOT / "scripts" / "bench"
WORKFLOW_OUT = ROOT / "build" / "bench" / "cidv1_from_bytes"


def python_reference(data: bytes) -> str:
    digest = multihash.wrap(blake3.blake3(data).digest(), "blake3")
    return str(CID("base32", 1, "raw", digest))


def time_python(data: bytes, rounds: int) -> float:
    for _ in range(200):
        python_reference(data)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        python_reference(data)
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples)


def build_everything() -> tuple[Path, Path, Path]:
    """Returns (native bench binary, workflow WASM package, baseline WASM package)."""
    project = scaffold(ROOT / "examples" / "cidv1_from_bytes.json", WORKFLOW_OUT)
    report = build_all(project)
    assert report.package is not None
    run_logged(
        [cargo(), "build", "--release", "-p", "bench_native"],
        env=native_env(),
        cwd=BENCH,
        log_name="bench-native",
        what="the native benchmark",
    )
    run_logged(
        [
            wasm_cargo(),
            "build",
            "--release",
            "-p",
            "bench_wasm_baseline",
            "--target",
            WASM_TARGET,
            "-Z",
            "build-std=std,panic_abort",
        ],
        env=wasm_env(),
        cwd=BENCH,
        log_name="bench-wasm",
        what="the WASM baseline",
    )
    baseline_dir = wasm_target_dir() / "bench-pkg"
    run_logged(
        [
            wasm_bindgen(),
            "--target",
            "nodejs",
            "--out-dir",
            str(baseline_dir),
            str(wasm_target_dir() / WASM_TARGET / "release" / "bench_wasm_baseline.wasm"),
        ],
        env=wasm_env(),
        cwd=BENCH,
        log_name="bench-wasm-bindgen",
        what="wasm-bindgen",
    )
    return (
        native_target_dir() / "release" / "bench_native",
        report.package,
        baseline_dir / "bench_wasm_baseline.js",
    )


def run_json(command: list[str]) -> dict[str, object]:
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=16 * 1024)
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args()

    print("building (chaintool build + benchmark crates)...", file=sys.stderr)
    native_bin, workflow_pkg, baseline_pkg = build_everything()
    data = bytes((i * 31) % 251 for i in range(args.size))
    expected = python_reference(data)

    print("measuring...", file=sys.stderr)
    native = run_json([str(native_bin), str(args.size), str(args.rounds * 4)])
    wasm = run_json(
        [
            node(),
            str(BENCH / "bench.js"),
            str(workflow_pkg),
            str(baseline_pkg),
            str(args.size),
            str(args.rounds),
        ]
    )
    python_ns = time_python(data, args.rounds)
    for source in (native, wasm):
        if source["workflow_output"] != expected or source["baseline_output"] != expected:
            sys.exit(f"outputs disagree with the Python reference {expected}: {source}")

    rows = [
        ("WASM interface (Node.js)", float(wasm["workflow_ns"])),  # type: ignore[arg-type]
        ("WASM hand-written baseline", float(wasm["baseline_ns"])),  # type: ignore[arg-type]
        ("native interface", float(native["workflow_ns"])),  # type: ignore[arg-type]
        ("native hand-written baseline", float(native["baseline_ns"])),  # type: ignore[arg-type]
        ("Python reference", python_ns),
    ]
    print(
        f"\n{args.size} bytes -> CID, medians ({args.rounds} rounds; native x4), output {expected}"
    )
    print(f"{'path':32} {'median':>12} {'vs Python':>10}")
    for name, ns in rows:
        print(f"{name:32} {ns / 1000:9.2f} us {python_ns / ns:9.1f}x")
    wasm_ratio = rows[0][1] / rows[1][1]
    native_ratio = rows[2][1] / rows[3][1]
    speedup = python_ns / rows[0][1]
    print()
    print(
        f"WASM interface vs Python reference: {speedup:.1f}x faster   (target >= 10x) "
        f"{'OK' if speedup >= 10 else 'MISSED'}"
    )
    print(
        f"WASM interface / WASM baseline:     {wasm_ratio:.3f}        (target <= 1.25) "
        f"{'OK' if wasm_ratio <= 1.25 else 'MISSED'}"
    )
    print(
        f"native interface / native baseline: {native_ratio:.3f}        (target <= 1.10) "
        f"{'OK' if native_ratio <= 1.10 else 'MISSED'}"
    )
    print(f"seed's figure for the WASM interface: 270 us; here: {rows[0][1] / 1000:.2f} us")


if __name__ == "__main__":
    main()
