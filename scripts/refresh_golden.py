#!/usr/bin/env python3
"""Re-renders the golden files of tests/golden/ from the example manifests.

Run it after an intended change to the templates, then review `git diff tests/golden`.
The vendored operation crates and Cargo.lock are left out: tests compare them with ops/ directly.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chaintool.scaffold import scaffold  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ("cidv1_from_bytes", "cid_and_multihash")
NOT_GOLDEN = ("ops", "Cargo.lock")


def refresh(name: str) -> Path:
    target = GOLDEN / name
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / name
        scaffold(ROOT / "examples" / f"{name}.json", out)
        for entry in NOT_GOLDEN:
            path = out / entry
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
    return target


if __name__ == "__main__":
    # An empty cache, as the golden test uses: no measured weights.
    os.environ["CHAINTOOL_CACHE"] = tempfile.mkdtemp(prefix="chaintool-golden-")
    for example in EXAMPLES:
        print(f"refreshed {refresh(example).relative_to(ROOT)}")
