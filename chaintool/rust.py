"""Spelling values safely in generated Rust and TOML.

Manifest strings (names, descriptions, config values) reach generated files only through these
functions, which escape everything but printable ASCII, so no manifest can inject code.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable

RUST_KEYWORDS = frozenset(
    """as async await break const continue crate dyn else enum extern false fn for if impl in let
    loop match mod move mut pub ref return self static struct super trait true type unsafe use
    where while abstract become box do final macro override priv typeof unsized virtual yield
    try gen""".split()
)


def _quoted(text: str, escape: Callable[[int], str]) -> str:
    """`text` in double quotes: `"` and `\\` backslashed, printable ASCII as is, the rest
    (control characters, non-ASCII) spelled by `escape`."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(escape(ord(ch)))
    out.append('"')
    return "".join(out)


def rust_str(text: str) -> str:
    """A Rust string literal holding `text`."""
    return _quoted(text, lambda code: f"\\u{{{code:x}}}")


def toml_str(text: str) -> str:
    """A TOML basic string holding `text`."""
    return _quoted(text, lambda code: f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")


def rust_bytes(data: bytes) -> str:
    """A Rust expression for an owned `Vec<u8>` holding `data` (no `vec!`: it works in no-std)."""
    if data and all(0x20 <= b <= 0x7E and b not in b'"\\' for b in data):
        return f'b"{data.decode()}".to_vec()'
    items = ", ".join(f"0x{b:02x}" for b in data)
    return f"[{items}u8].to_vec()" if data else "Vec::<u8>::new()"


def crate_name(name: str) -> str:
    """The Cargo crate name for a workflow name: lower case, runs of other characters become `_`.

    Returns "" when nothing usable is left. A leading digit gets the prefix `wf_`.
    """
    ident = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if ident and ident[0].isdigit():
        ident = "wf_" + ident
    if ident in RUST_KEYWORDS or keyword.iskeyword(ident):
        ident += "_workflow"
    return ident
