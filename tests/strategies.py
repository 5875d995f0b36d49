"""Hypothesis strategies: valid workflow manifests built from the built-in operations, random JSON,
and mutations of valid manifests."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# (name, input type or None for FLOWCONTROL, output type or None for "a collection", config)
OPS = [
    ("op_multihash", "Bytes", "Multihash", {"hasher": ["Blake3_256", "Sha2_256", "Blake2b_256"]}),
    ("op_cid", "Multihash", "String", {}),
    ("op_collect", None, None, {}),
    ("op_match_all", None, "Bool", {}),
]

# Text the validator accepts: no control characters (and no lone surrogates, which JSON lacks).
PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc",))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-300, 300)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def _call(draw: st.DrawFn, input_type: str, first: bool) -> tuple[dict[str, Any], str]:
    choices = [op for op in OPS if op[1] is None or op[1] == input_type]
    name, _, output, config = draw(st.sampled_from(choices))
    call = {
        "versionId": name,
        "config": {key: draw(st.sampled_from(values)) for key, values in config.items()},
    }
    return call, output or "Collection"


@st.composite
def valid_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """Manifests that type-check: each operation gets the type it takes."""
    segments: list[dict[str, Any]] = []
    outputs: list[str] = []
    for index in range(draw(st.integers(1, 4))):
        sources = (
            [-1]
            if index == 0
            else draw(st.lists(st.integers(-1, index - 1), min_size=1, max_size=3))
        )
        types = ["Bytes" if s == -1 else outputs[s] for s in sources]
        # A single typed input may go to a regular operation; several go to a FLOWCONTROL one.
        current = types[0] if len(types) == 1 else "(many)"
        sequence = []
        for step in range(draw(st.integers(1, 3))):
            call, current = draw(_call(current, step == 0))
            sequence.append(call)
        segments.append({"inputs": sources, "sequence": sequence})
        outputs.append(current)
    return {
        "name": draw(
            st.text(PRINTABLE, min_size=8, max_size=40).filter(
                lambda n: any(c.isascii() and c.isalnum() for c in n)
            )
        ),
        "creators": [draw(st.text(PRINTABLE, min_size=1, max_size=20))],
        "description": draw(st.text(PRINTABLE | st.sampled_from("\n\t"), min_size=8, max_size=60)),
        "groups": draw(st.lists(st.sampled_from(["GENERIC", "SYS", "FLOWCONTROL"]), max_size=2)),
        "segments": segments,
    }


def _containers(node: Any) -> Any:
    """Every dict and list in a JSON tree, the root included."""
    if isinstance(node, dict | list):
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from _containers(child)


@st.composite
def mutated_manifests(draw: st.DrawFn) -> Any:
    """A valid manifest with one to three random changes anywhere in its tree."""
    data: Any = copy.deepcopy(draw(valid_manifests()))
    for _ in range(draw(st.integers(1, 3))):
        containers = list(_containers(data))
        target = draw(st.sampled_from(containers))
        if isinstance(target, dict):
            keys = list(target)
            action = draw(st.sampled_from(["delete", "replace", "add"] if keys else ["add"]))
            if action == "add":
                target[draw(st.text(max_size=10))] = draw(json_values)
            else:
                key = draw(st.sampled_from(keys))
                if action == "delete":
                    del target[key]
                else:
                    target[key] = draw(json_values)
        else:
            action = draw(st.sampled_from(["append", "replace", "clear"] if target else ["append"]))
            if action == "append":
                target.append(draw(json_values))
            elif action == "clear":
                target.clear()
            else:
                target[draw(st.integers(0, len(target) - 1))] = draw(json_values)
    return data
