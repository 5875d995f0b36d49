"""Operation crates: their manifests (Anagolay's `OperationData`), IDs, and where to find them.

An operation is a folder holding a Cargo crate and a `manifest.json`. chaintool finds operations in
its built-in folder, then in the folders the user names (`--ops-dir`, the `CHAINTOOL_OPS_PATH`
variable, or `ops_dirs` in `chaintool.toml`). A later folder may not redefine an operation name.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import ManifestError, OperationManifestError
from .ids import FOR_WHAT, operation_id
from .resources import builtin_ops_dir
from .valuetypes import COLLECTION, OUTPUT_TYPES, PRIMITIVES

MANIFEST_FILE = "manifest.json"
SUPPORT_CRATE = "chaintool_support"
CONFIG_FILE = "chaintool.toml"
OPS_PATH_ENV = "CHAINTOOL_OPS_PATH"
RUST_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
FIELDS = (
    "name",
    "description",
    "inputs",
    "config",
    "groups",
    "output",
    "repository",
    "license",
    "features",
)


@dataclass(frozen=True)
class Operation:
    """One operation: its manifest fields and the crate that implements it."""

    name: str
    description: str
    inputs: tuple[str, ...]
    config: dict[str, tuple[str, ...]] = field(hash=False)
    groups: tuple[str, ...]
    output: str
    repository: str
    license: str
    features: tuple[str, ...]
    crate_dir: Path
    # The crate has a `wasm` feature: turned on in WASM packages (e.g. for SIMD), never on-chain.
    wasm_feature: bool = False

    @property
    def flow_control(self) -> bool:
        """FLOWCONTROL operations with `inputs: []` take any number of inputs of any type."""
        return not self.inputs

    @property
    def no_std(self) -> bool:
        """`std` in features means no-std by default, with an `std` feature; else std-only."""
        return "std" in self.features

    def manifest(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "inputs": list(self.inputs),
            "config": {key: list(values) for key, values in self.config.items()},
            "groups": list(self.groups),
            "output": self.output,
            "repository": self.repository,
            "license": self.license,
            "features": list(self.features),
        }

    @cached_property
    def id(self) -> str:
        return operation_id(self.manifest())


def _strings(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OperationManifestError(f"{path}: `{where}` must be a list of strings")
    return tuple(value)


def _text(data: dict[str, Any], key: str, path: Path, low: int, high: int) -> str:
    value = data[key]
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise OperationManifestError(
            f"{path}: `{key}` must be a string of {low} to {high} characters"
        )
    return value


def load_operation(crate_dir: Path) -> Operation:
    """Reads and checks the manifest of the operation crate in `crate_dir`."""
    path = crate_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OperationManifestError(f"{crate_dir}: no {MANIFEST_FILE}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise OperationManifestError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise OperationManifestError(f"{path}: must be a JSON object")
    missing = [key for key in FIELDS if key not in data]
    unknown = sorted(set(data) - set(FIELDS))
    if missing or unknown:
        raise OperationManifestError(
            f"{path}: missing fields {missing}, unknown fields {unknown}",
            hint=f"an operation manifest has exactly: {', '.join(FIELDS)}",
        )
    name = _text(data, "name", path, 4, 128)
    if not RUST_IDENT.match(name) or name == SUPPORT_CRATE:
        raise OperationManifestError(
            f"{path}: name {name!r} must be a Rust crate name: lower case letters, digits, `_`"
        )
    inputs = _strings(data["inputs"], "inputs", path)
    for type_name in inputs:
        if type_name not in PRIMITIVES:
            raise OperationManifestError(
                f"{path}: input type {type_name!r} unknown; use one of {', '.join(PRIMITIVES)}"
            )
    groups = _strings(data["groups"], "groups", path)
    for group in groups:
        if group not in FOR_WHAT:
            raise OperationManifestError(
                f"{path}: group {group!r} unknown; use one of {', '.join(FOR_WHAT)}"
            )
    if not inputs and "FLOWCONTROL" not in groups:
        raise OperationManifestError(
            f"{path}: `inputs: []` (any inputs) is only for FLOWCONTROL operations"
        )
    output = data["output"]
    if output not in OUTPUT_TYPES or (output == COLLECTION and inputs):
        raise OperationManifestError(
            f"{path}: output type {output!r} not allowed; use one of {', '.join(PRIMITIVES)}"
            f" (or {COLLECTION} for a FLOWCONTROL operation)"
        )
    config = data["config"]
    if not isinstance(config, dict):
        raise OperationManifestError(f"{path}: `config` must map keys to lists of values")
    config_values = {key: _strings(values, f"config.{key}", path) for key, values in config.items()}
    for key, values in config_values.items():
        if not values:
            raise OperationManifestError(f"{path}: config key {key!r} allows no value")
    for key in ("repository", "license"):
        if not isinstance(data[key], str):
            raise OperationManifestError(f"{path}: `{key}` must be a string")
    features = _strings(data["features"], "features", path)
    cargo_features = _crate_features(crate_dir, name, "std" in features, path)
    return Operation(
        name=name,
        description=_text(data, "description", path, 4, 1024),
        inputs=inputs,
        config=config_values,
        groups=groups,
        output=output,
        repository=data["repository"],
        license=data["license"],
        features=features,
        crate_dir=crate_dir.resolve(),
        wasm_feature="wasm" in cargo_features,
    )


def _crate_features(crate_dir: Path, name: str, no_std: bool, manifest_path: Path) -> set[str]:
    """The crate's Cargo features, after checking that the crate is the operation's and has an
    `std` feature when its manifest claims no-std."""
    cargo_toml = crate_dir / "Cargo.toml"
    try:
        cargo = tomllib.loads(cargo_toml.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OperationManifestError(f"{crate_dir}: no Cargo.toml beside the manifest") from None
    except tomllib.TOMLDecodeError as error:
        raise OperationManifestError(f"{cargo_toml}: {error}") from None
    crate_name = cargo.get("package", {}).get("name")
    if crate_name != name:
        raise OperationManifestError(
            f"{cargo_toml}: package name {crate_name!r} differs from the manifest's "
            f"{name!r} ({manifest_path})"
        )
    features = set(cargo.get("features", {}))
    if no_std and "std" not in features:
        raise OperationManifestError(
            f"{cargo_toml}: the manifest lists the `std` feature but the crate has none",
            hint="add `[features] std = [...]` or drop `std` from the manifest's features "
            "(the operation then builds only with std)",
        )
    return features


class Registry:
    """The operations a workflow may use, by name and by ID."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self.by_name: dict[str, Operation] = {}
        for operation in operations:
            if operation.name in self.by_name:
                raise OperationManifestError(
                    f"operation {operation.name!r} is defined twice: in "
                    f"{self.by_name[operation.name].crate_dir} and in {operation.crate_dir}"
                )
            self.by_name[operation.name] = operation
        self.by_id = {op.id: op for op in self.by_name.values()}

    def __iter__(self) -> Any:
        return iter(sorted(self.by_name.values(), key=lambda op: op.name))

    def lookup(self, version_id: str, field_path: str) -> Operation:
        """Finds an operation by the ID `chaintool ops list` prints, or by its name."""
        operation = self.by_id.get(version_id) or self.by_name.get(version_id)
        if operation is None:
            raise ManifestError(
                field_path,
                f"unknown operation {version_id!r}",
                hint=f"known operations: {', '.join(sorted(self.by_name))}; "
                "`chaintool ops list` prints their IDs, `--ops-dir` adds your own",
            )
        return operation


def operation_dirs(root: Path) -> list[Path]:
    """Operation crates directly under `root`: folders holding a manifest.json."""
    if not root.is_dir():
        raise OperationManifestError(f"operations folder {root} does not exist")
    return sorted(p.parent for p in root.glob(f"*/{MANIFEST_FILE}"))


def configured_ops_dirs(cwd: Path) -> list[Path]:
    """Folders named by `CHAINTOOL_OPS_PATH` and by `ops_dirs` in `./chaintool.toml`."""
    dirs = [Path(p) for p in os.environ.get(OPS_PATH_ENV, "").split(os.pathsep) if p]
    config_path = cwd / CONFIG_FILE
    if config_path.is_file():
        try:
            config = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise OperationManifestError(f"{config_path}: {error}") from None
        entries = config.get("ops_dirs", [])
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise OperationManifestError(f"{config_path}: `ops_dirs` must be a list of paths")
        dirs += [cwd / entry for entry in entries]
    return dirs


def load_registry(extra_dirs: Sequence[Path] = (), cwd: Path | None = None) -> Registry:
    roots = [builtin_ops_dir(), *configured_ops_dirs(cwd or Path.cwd()), *extra_dirs]
    seen: set[Path] = set()
    operations = []
    for root in roots:
        for crate_dir in operation_dirs(root):
            if crate_dir.resolve() not in seen:
                seen.add(crate_dir.resolve())
                operations.append(load_operation(crate_dir))
    return Registry(operations)
