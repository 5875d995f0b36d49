"""Property tests of the validator: random and mutated manifests never cause a traceback, and
every manifest it accepts renders a crate. (test_cargo.py compiles a sample of them.)"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaintool.errors import ManifestError
from chaintool.manifest import parse_manifest, validate_manifest
from chaintool.operations import load_registry
from chaintool.plan import make_plan
from chaintool.render import write_workspace
from tests.strategies import json_values, mutated_manifests, valid_manifests

REGISTRY = load_registry()


def check(data: Any) -> bool:
    """Validates `data`; True if accepted. Anything but a ManifestError fails the test."""
    try:
        make_plan(validate_manifest(data), REGISTRY)
    except ManifestError as error:
        assert error.field or error.message
        return False
    return True


@given(json_values)
def test_random_json_never_crashes(data: Any) -> None:
    check(data)


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_random_text_never_crashes(text: bytes | str) -> None:
    with contextlib.suppress(ManifestError):
        parse_manifest(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_manifests())
def test_mutated_manifests_never_crash_and_accepted_ones_render(data: Any) -> None:
    if check(data):
        plan = make_plan(validate_manifest(data), REGISTRY)
        with tempfile.TemporaryDirectory() as folder:
            assert write_workspace(plan, Path(folder) / "out")
            assert (Path(folder) / "out" / "workflow" / "src" / "lib.rs").is_file()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_manifests())
def test_generated_valid_manifests_are_accepted_and_render(data: Any) -> None:
    assert check(json.loads(json.dumps(data))), data
    plan = make_plan(validate_manifest(data), REGISTRY)
    with tempfile.TemporaryDirectory() as folder:
        assert write_workspace(plan, Path(folder) / "out")
