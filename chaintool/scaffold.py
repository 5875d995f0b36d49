"""`chaintool scaffold`: manifest -> validated model -> plan -> rendered workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .manifest import load_manifest
from .operations import load_registry
from .plan import Plan, make_plan
from .render import write_workspace
from .weights import cached_weights


@dataclass(frozen=True)
class Scaffolded:
    plan: Plan
    out: Path
    changed: bool

    @property
    def crate_dir(self) -> Path:
        return self.out / "workflow"


def load_plan(manifest: Path, ops_dirs: Sequence[Path] = (), no_std: bool = True) -> Plan:
    """Validates `manifest` against the known operations; raises ManifestError on any problem."""
    workflow = load_manifest(manifest)
    return make_plan(workflow, load_registry(ops_dirs), no_std=no_std)


def default_out(plan: Plan) -> Path:
    return Path.cwd() / plan.crate_name


def scaffold(
    manifest: Path,
    out: Path | None = None,
    ops_dirs: Sequence[Path] = (),
    no_std: bool = True,
) -> Scaffolded:
    plan = load_plan(manifest, ops_dirs, no_std)
    target = (out or default_out(plan)).absolute()
    changed = write_workspace(plan, target, cached_weights(plan))
    return Scaffolded(plan=plan, out=target, changed=changed)
