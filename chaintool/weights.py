"""Weights of the generated pallets, from their benchmarks.

The pallet's frame-benchmarking v2 benchmark of `execute` is run natively on its mock runtime by
a generated test (`chaintool_measure_weights`), which times the benchmark's extrinsic call alone
(frame's `Recording` hooks) for nine input sizes from 0 to the benchmarked maximum, 15 times each.
A least-squares line through the medians gives the base and per-byte ref time; the writes are the
keys the call set. The proof size is the largest encoded `LastOutput` entry, as frame's
`MaxEncodedLen` PoV mode would estimate it. Measurements are cached per workflow, so scaffolding
and node builds render the same `weights.rs` until the workflow changes.

The measurement runs natively, not in the runtime's WASM executor as `frame-omni-bencher` does
(that needs a node's benchmarking host functions), so ref times are lower than a node's figures.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from .errors import BuildError
from .plan import Plan
from .render import MAX_OUTPUT_LEN, UNMEASURED, Weights, pallet_name
from .toolchain import cache_dir, cargo, native_env

MARKER = "CHAINTOOL_WEIGHT "
# Blake2_128Concat key of an AccountId32 under the map's 32-byte prefix, and the bounded value.
LAST_OUTPUT_KEY_LEN = 32 + 16 + 32
VERSION = "1"


def _key(plan: Plan) -> str:
    """Changes whenever the measured code can: the manifest, its operations, chaintool's recipe."""
    ops = sorted((op.name, op.id) for op in plan.operations)
    text = json.dumps([repr(plan.manifest), ops, VERSION], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cache_file(plan: Plan) -> Path:
    return cache_dir() / "weights" / f"{plan.crate_name}-{_key(plan)}.json"


def cached_weights(plan: Plan) -> Weights:
    """The measured weights of `plan`'s pallet, or the marked defaults if never measured."""
    try:
        return Weights(**json.loads(_cache_file(plan).read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return UNMEASURED


def fit(samples: list[dict[str, int]]) -> Weights:
    """Base: the median time at the smallest size. Per byte: the least-squares slope, through
    that base, of the median time of each size."""
    by_size: dict[int, list[int]] = defaultdict(list)
    writes = 0
    for sample in samples:
        by_size[sample["n"]].append(sample["nanos"])
        writes = max(writes, sample["writes"])
    sizes = sorted(by_size)
    medians = [statistics.median(by_size[n]) for n in sizes]
    base = medians[0]
    offsets = [n - sizes[0] for n in sizes]
    slope = sum(x * (m - base) for x, m in zip(offsets, medians, strict=True)) / max(
        1, sum(x * x for x in offsets)
    )
    return Weights(
        base_ref_time=round(base * 1000),
        base_proof_size=LAST_OUTPUT_KEY_LEN + MAX_OUTPUT_LEN + 4,
        ref_time_per_byte=max(0, round(slope * 1000)),
        reads=0,
        writes=writes,
        source=(
            f"measured by chaintool from the `execute` benchmark on the mock runtime (native), "
            f"{len(sizes)} input sizes 0..{sizes[-1]} bytes, median of "
            f"{len(by_size[sizes[0]])} runs each; base at the smallest size, least-squares slope"
        ),
    )


def measure_weights(plan: Plan, workspace: Path) -> Weights:
    """Runs the pallet's weight measurement in `workspace` and caches the result."""
    command = [
        cargo(),
        "test",
        "--release",
        "-p",
        pallet_name(plan),
        "--features",
        "runtime-benchmarks",
        "--lib",
        "--",
        "--ignored",
        "--exact",
        "--nocapture",
        "benchmarking::benchmarks::chaintool_measure_weights",
    ]
    result = subprocess.run(
        command, cwd=workspace, env=native_env(), capture_output=True, text=True
    )
    samples = [
        json.loads(line[len(MARKER) :])
        for line in result.stdout.splitlines()
        if line.startswith(MARKER)
    ]
    if result.returncode != 0 or not samples:
        raise BuildError(
            f"measuring the weights of {pallet_name(plan)} failed:\n"
            + (result.stderr or result.stdout)[-3000:]
        )
    weights = fit(samples)
    path = _cache_file(plan)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(weights), indent=1) + "\n")
    return weights
