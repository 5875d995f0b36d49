"""`chaintool ops new`: a new operation crate that works in a workflow right away."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from .errors import ChaintoolError
from .operations import (
    MANIFEST_FILE,
    RUST_IDENT,
    SUPPORT_CRATE,
    load_operation,
    load_registry,
)
from .render import render_tree, rustfmt
from .resources import builtin_ops_dir, templates_dir


def new_operation(name: str, ops_dir: Path) -> Path:
    """Creates `ops_dir/name` (and a copy of the support crate beside it); returns the crate."""
    if not (4 <= len(name) <= 128 and RUST_IDENT.match(name)) or name == SUPPORT_CRATE:
        raise ChaintoolError(
            f"{name!r} is not a valid operation name",
            hint="use 4 to 128 characters: lower case letters, digits and `_`, starting with "
            "a letter (e.g. op_reverse)",
        )
    if name in load_registry().by_name:
        raise ChaintoolError(
            f"an operation named {name!r} already exists", hint="pick another name"
        )
    crate = ops_dir / name
    if crate.exists():
        raise ChaintoolError(f"{crate} already exists", hint="pick another name or --dir")
    description = f"Operation {name}, made by chaintool ops new"
    manifest = {
        "name": name,
        "description": description,
        "inputs": ["Bytes"],
        "config": {},
        "groups": ["GENERIC"],
        "output": "Bytes",
        "repository": "",
        "license": "Apache-2.0",
        "features": ["std"],
    }
    ops_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=ops_dir))
    try:
        written = render_tree(
            templates_dir() / "operation", {"name": name, "description": description}, staging
        )
        rustfmt(written)
        (staging / MANIFEST_FILE).write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
        support = ops_dir / SUPPORT_CRATE
        if not support.exists():
            shutil.copytree(
                builtin_ops_dir() / SUPPORT_CRATE,
                support,
                ignore=shutil.ignore_patterns("target", "Cargo.lock", ".*"),
            )
        staging.rename(crate)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    load_operation(crate)  # the new crate must pass the checks every operation passes
    return crate
