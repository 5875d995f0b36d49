"""Rendering a plan into a Cargo workspace, all or nothing.

Templates are Jinja2 with delimiters that cannot clash with Rust's braces: `{= value =}` and
`{% block %}`. Everything is rendered into a staging folder beside the output, formatted with
rustfmt, then swapped into place; a failure leaves an existing output folder untouched.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import BuildError, ChaintoolError, ToolMissingError
from .operations import SUPPORT_CRATE, Operation
from .plan import Plan
from .resources import builtin_ops_dir, node_dir, templates_dir
from .rust import rust_bytes, rust_str, toml_str

TEMPLATE_SUFFIX = ".j2"
MARKER = ".chaintool"
OPS_DIR = "ops"
# Files and folders of an operation crate that are not copied into a generated workspace.
_NOT_VENDORED = shutil.ignore_patterns("target", "Cargo.lock", ".*", "__pycache__")


def environment(template_root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root),
        variable_start_string="{=",
        variable_end_string="=}",
        block_start_string="{%",
        block_end_string="%}",
        comment_start_string="{#",
        comment_end_string="#}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["rust"] = rust_str
    env.filters["toml"] = toml_str
    return env


# Total input size the pallet benchmarks cover, and the input bound of the mock and dev runtime.
BENCHMARK_MAX_INPUT = 65536

# An input each type cannot decode, for the pallet's tests (Bytes decode from anything).
_UNDECODABLE = {"String": "vec![0xff]", "Multihash": "vec![0x1e]", "Bool": "vec![2]"}


@dataclass(frozen=True)
class Weights:
    """`execute(n)` weight: base + per-byte ref time (picoseconds), proof size, db reads/writes."""

    base_ref_time: int
    base_proof_size: int
    ref_time_per_byte: int
    reads: int
    writes: int
    source: str


# The dev runtime's bound on a workflow's encoded output, also the mock's.
MAX_OUTPUT_LEN = 4096

# Until `chaintool` measures a workflow (chaintool/weights.py), its pallet gets these, marked as
# such in weights.rs.
UNMEASURED = Weights(
    base_ref_time=50_000_000,
    base_proof_size=3_500,
    ref_time_per_byte=20_000,
    reads=1,
    writes=2,
    source="NOT MEASURED for this workflow yet: chaintool's defaults. `chaintool build` or "
    "`chaintool node build` measures them from the benchmark",
)


def pallet_name(plan: Plan) -> str:
    return f"pallet_{plan.crate_name}"


def context(plan: Plan, ops_path: str = "../ops", weights: Weights = UNMEASURED) -> dict[str, Any]:
    """The one context every workflow and pallet template sees."""
    undecodable = next(
        ((i, _UNDECODABLE[t]) for i, t in enumerate(plan.external_types) if t in _UNDECODABLE),
        None,
    )
    return {
        "manifest": plan.manifest,
        "crate_name": plan.crate_name,
        "pallet_name": pallet_name(plan),
        "no_std": plan.no_std,
        "ops_path": ops_path,
        "operations": plan.operations,
        "segments": [asdict(s) for s in plan.segments],
        "item_enums": plan.item_enums,
        "inputs_per_call": plan.inputs_per_call,
        "external_types": plan.external_types,
        "rust_output_type": plan.rust_output_type,
        "sample_inputs": [rust_bytes(data) for data in plan.sample_inputs],
        "benchmark_max_input": BENCHMARK_MAX_INPUT,
        "max_output_len": MAX_OUTPUT_LEN,
        "undecodable_input": undecodable,
        "weights": weights,
    }


def render_crates(
    plan: Plan, dest: Path, ops_path: str = "../ops", weights: Weights = UNMEASURED
) -> list[Path]:
    """Renders the workflow crate into `dest/workflow` and, for a no-std workflow, its pallet
    (with `weights`) into `dest/pallet`. Returns the files written."""
    values = context(plan, ops_path, weights)
    written = render_tree(templates_dir() / "workflow", values, dest / "workflow")
    if plan.no_std:
        written += render_tree(templates_dir() / "pallet", values, dest / "pallet")
    return written


def render_tree(template_root: Path, values: dict[str, Any], dest: Path) -> list[Path]:
    """Renders every `*.j2` under `template_root` into `dest`; returns the files written."""
    env = environment(template_root)
    written = []
    for source in sorted(template_root.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = source.relative_to(template_root)
        target = dest / str(relative)[: -len(TEMPLATE_SUFFIX)]
        target.parent.mkdir(parents=True, exist_ok=True)
        text = env.get_template(relative.as_posix()).render(values)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def rustfmt(files: list[Path]) -> None:
    rust_files = [str(f) for f in files if f.suffix == ".rs"]
    if not rust_files:
        return
    try:
        result = subprocess.run(
            ["rustfmt", "--edition", "2021", *rust_files], capture_output=True, text=True
        )
    except FileNotFoundError:
        raise ToolMissingError(
            "rustfmt is not installed",
            hint="run scripts/setup.sh, or `rustup component add rustfmt`",
        ) from None
    if result.returncode != 0:
        # The templates are ours: a rustfmt failure is a chaintool bug, reported with its output.
        raise BuildError(f"rustfmt rejected the generated code:\n{result.stderr.strip()}")


def vendor_operations(operations: Iterable[Operation], ops: Path) -> None:
    """Copies the support crate and `operations` into the folder `ops`."""
    shutil.copytree(builtin_ops_dir() / SUPPORT_CRATE, ops / SUPPORT_CRATE, ignore=_NOT_VENDORED)
    for operation in operations:
        shutil.copytree(operation.crate_dir, ops / operation.name, ignore=_NOT_VENDORED)


def _same_tree(a: Path, b: Path) -> bool:
    compare = filecmp.dircmp(a, b, ignore=[])
    if compare.left_only or compare.right_only or compare.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compare.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(a / d, b / d) for d in compare.common_dirs)


def _keep_mtimes(old: Path, new: Path) -> None:
    """Files whose content did not change keep their time, so cargo does not rebuild them."""
    for path in new.rglob("*"):
        previous = old / path.relative_to(new)
        if path.is_file() and previous.is_file() and filecmp.cmp(path, previous, shallow=False):
            stat = previous.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def check_output_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ChaintoolError(f"{out} exists and is not a folder", hint="choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ChaintoolError(
            f"{out} is not empty and was not made by chaintool; it would be replaced",
            hint="choose another --out, or empty that folder first",
        )


def seed_lock() -> Path:
    """The lockfile generated workspaces start from: the dev node's, which pins everything a
    workflow, its pallet and the runtime use."""
    return node_dir() / "Cargo.lock"


def replace_dir(out: Path, populate: Callable[[Path], None]) -> bool:
    """Fills a staging folder with `populate`, then swaps it into `out` if anything differs.

    Returns False if `out` was already up to date. Files that did not change keep their times,
    and a `Cargo.lock` already in `out` is kept: cargo owns it after the first build.
    """
    check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        populate(staging)
        lock = out / "Cargo.lock"
        shutil.copyfile(lock if lock.is_file() else seed_lock(), staging / "Cargo.lock")
        if out.is_dir() and _same_tree(staging, out):
            return False
        if out.is_dir():
            _keep_mtimes(out, staging)
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(retired / out.name)
            staging.rename(out)
            shutil.rmtree(retired)
        else:
            staging.rename(out)
        return True
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def write_workspace(plan: Plan, out: Path, weights: Weights = UNMEASURED) -> bool:
    """Renders the workspace of one workflow (crate, pallet, operations) into `out`."""

    def populate(staging: Path) -> None:
        written = render_tree(templates_dir() / "workspace", context(plan), staging)
        written += render_crates(plan, staging, weights=weights)
        rustfmt(written)
        vendor_operations(plan.operations, staging / OPS_DIR)

    return replace_dir(out, populate)
