"""Building a scaffolded workflow for its three targets and checking that they agree.

- native: `cargo test` on the workspace (the workflow's own tests and its operations'), then the
  command line runner that `chaintool exec --via native` uses;
- no-std: the workflow library for wasm32 with only `core` and `alloc`, which proves it can go
  into a Substrate runtime;
- WASM package: the wasm-bindgen interface, packaged for Node.js.
Finally the native and WASM runners must print the same output for the same sample inputs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BuildError, ExecutionError
from .render import UNMEASURED, pallet_name, write_workspace
from .resources import js_dir
from .scaffold import Scaffolded
from .toolchain import (
    Progress,
    cache_dir,
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
from .weights import cached_weights, measure_weights

WASM_TARGET = "wasm32-unknown-unknown"


def _step(
    project: Scaffolded,
    step: str,
    what: str,
    command: list[str],
    env: dict[str, str],
    progress: Progress | None,
) -> None:
    """Runs one build step in the workspace, logged as `<crate>-<step>.log` in the cache."""
    run_logged(
        command,
        env=env,
        cwd=project.out,
        log_name=f"{project.plan.crate_name}-{step}",
        progress=progress,
        what=what,
    )


def native_runner(project: Scaffolded, progress: Progress | None = None) -> Path:
    """Builds the native runner binary and returns its path."""
    name = f"{project.plan.crate_name}_run"
    _step(
        project,
        "native",
        "the native build",
        [cargo(), "build", "--release", "--bin", name, "-p", project.plan.crate_name],
        native_env(),
        progress,
    )
    return native_target_dir() / "release" / name


def run_native_tests(project: Scaffolded, progress: Progress | None = None) -> None:
    """The workflow's and its operations' tests (the pallet's have a stage of their own)."""
    exclude = ["--exclude", pallet_name(project.plan)] if project.plan.no_std else []
    _step(
        project,
        "test",
        "the native tests",
        [cargo(), "test", "--release", "--workspace", *exclude],
        native_env(),
        progress,
    )


def run_pallet_tests(project: Scaffolded, progress: Progress | None = None) -> None:
    """The pallet's tests on its mock runtime, with the benchmarks' generated tests."""
    _step(
        project,
        "pallet",
        "the pallet tests",
        [
            cargo(),
            "test",
            "--release",
            "-p",
            pallet_name(project.plan),
            "--features",
            "runtime-benchmarks",
        ],
        native_env(),
        progress,
    )


def check_no_std(project: Scaffolded, progress: Progress | None = None) -> None:
    """Compiles the library for wasm32 with no standard library available at all."""
    _step(
        project,
        "nostd",
        "the no-std wasm32 build",
        [
            wasm_cargo(),
            "rustc",
            "--release",
            "-p",
            project.plan.crate_name,
            "--lib",
            "--target",
            WASM_TARGET,
            "--no-default-features",
            "-Z",
            "build-std=core,alloc",
        ],
        wasm_env(),
        progress,
    )


def package_dir(project: Scaffolded) -> Path:
    """Where the WASM package of this workspace goes (in the cache, keyed by its folder)."""
    key = hashlib.sha256(str(project.out).encode()).hexdigest()[:12]
    return cache_dir() / "pkg" / f"{project.plan.crate_name}-{key}"


def wasm_package(project: Scaffolded, progress: Progress | None = None) -> Path:
    """Builds the WASM interface and packages it for Node.js; returns the package's JS module."""
    crate = project.plan.crate_name
    _step(
        project,
        "wasm",
        "the WASM build",
        [
            wasm_cargo(),
            "rustc",
            "--release",
            "-p",
            crate,
            "--lib",
            "--crate-type",
            "cdylib",
            "--target",
            WASM_TARGET,
            "--features",
            "wasm",
            "-Z",
            "build-std=std,panic_abort",
        ],
        wasm_env(),
        progress,
    )
    wasm = wasm_target_dir() / WASM_TARGET / "release" / f"{crate}.wasm"
    out_dir = package_dir(project)
    _step(
        project,
        "wasm-bindgen",
        "wasm-bindgen",
        [wasm_bindgen(), "--target", "nodejs", "--out-dir", str(out_dir), str(wasm)],
        wasm_env(),
        progress,
    )
    return out_dir / f"{crate}.js"


def run_runner(command: list[str], inputs: list[bytes]) -> Any:
    """Runs a runner (native binary or the Node.js script) on `inputs`; returns its JSON output."""
    with tempfile.TemporaryDirectory(prefix="chaintool-inputs-") as folder:
        files = []
        for i, data in enumerate(inputs):
            path = Path(folder) / f"input{i}"
            path.write_bytes(data)
            files.append(str(path))
        result = subprocess.run([*command, *files], capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise ExecutionError(f"the workflow failed: {message}")
    return json.loads(result.stdout)


def wasm_command(package: Path) -> list[str]:
    return [node(), str(js_dir() / "run_wasm.js"), str(package)]


@dataclass(frozen=True)
class BuildReport:
    runner: Path
    package: Path | None
    sample_output: Any


def build_all(
    project: Scaffolded,
    progress: Progress | None = None,
    step: Progress | None = None,
    pallet: bool = True,
) -> BuildReport:
    """Builds and tests every target, and the pallet's tests unless `pallet` is False;
    `step` is told when each stage starts."""
    say = step or (lambda _: None)
    say("native: cargo test")
    run_native_tests(project, progress)
    say("native: runner")
    runner = native_runner(project, progress)
    if project.plan.no_std:
        say("no-std: wasm32 core+alloc")
        check_no_std(project, progress)
        if pallet:
            say("pallet: mock runtime tests and benchmark tests")
            run_pallet_tests(project, progress)
            if cached_weights(project.plan) == UNMEASURED:
                say("pallet: weights from the benchmark")
                weights = measure_weights(project.plan, project.out)
                write_workspace(project.plan, project.out, weights)
    say("WASM package (wasm-bindgen, Node.js)")
    package = wasm_package(project, progress)
    say("native and WASM agree on sample inputs")
    inputs = list(project.plan.sample_inputs)
    native_output = run_runner([str(runner)], inputs)
    wasm_output = run_runner(wasm_command(package), inputs)
    if native_output != wasm_output:
        raise BuildError(
            f"native and WASM outputs differ on sample inputs: {native_output!r} != {wasm_output!r}"
        )
    return BuildReport(runner=runner, package=package, sample_output=native_output)
