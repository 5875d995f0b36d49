from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chaintool.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEST_OPS = Path(__file__).resolve().parent / "data" / "ops"

CID_MANIFEST: dict[str, Any] = json.loads((EXAMPLES / "cidv1_from_bytes.json").read_text())


def cid_manifest(**changes: Any) -> dict[str, Any]:
    """A copy of the seed's CID workflow manifest with top-level fields replaced."""
    data = copy.deepcopy(CID_MANIFEST)
    data.update(changes)
    return data


def write_json(folder: Path, data: Any, name: str = "manifest.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])
