"""The `chaintool` command line. Each command parses its options and calls one core function;
`_errors` is the one place where a ChaintoolError becomes a message, a hint and an exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperCommand

from .build import build_all
from .errors import ChaintoolError, InputError
from .execute import Via, execute, human
from .newop import new_operation
from .operations import load_registry
from .scaffold import load_plan, scaffold
from .toolchain import Progress

app = typer.Typer(
    name="chaintool",
    help="Anagolay Workflow manifests -> no-std Rust workflow crates, run natively or as WASM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
ops_app = typer.Typer(help="The operations workflows can use.", no_args_is_help=True)
app.add_typer(ops_app, name="ops")

err = Console(stderr=True, highlight=False)

ManifestArg = Annotated[Path, typer.Argument(help="Workflow manifest (JSON).", show_default=False)]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Folder of the generated workspace [default: ./<crate name>]"),
]
OpsDirOption = Annotated[
    list[Path] | None,
    typer.Option("--ops-dir", help="A folder of your own operation crates (repeatable)."),
]
AllowStdOption = Annotated[
    bool,
    typer.Option(
        "--allow-std",
        help="Accept std-only operations; the workflow then builds only with std (not on-chain).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except ChaintoolError as error:
        err.print(f"[bold red]error:[/] {error.message}", markup=True, soft_wrap=True)
        if error.hint:
            err.print(f"[bold]hint:[/] {error.hint}", markup=True, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None


@contextmanager
def _progress(title: str, quiet: bool = False) -> Iterator[tuple[Progress, Progress]]:
    """A spinner showing the current stage and cargo's latest line; nothing when quiet."""
    if quiet:
        yield (lambda _: None), (lambda _: None)
        return
    stage = [title]
    with err.status(title) as status:

        def on_line(line: str) -> None:
            status.update(f"{stage[0]}  [dim]{line[:80]}[/]")

        def on_stage(name: str) -> None:
            if stage[0] != title:
                err.print(f"[green]✓[/] {stage[0]}", markup=True)
            stage[0] = name
            status.update(name)

        yield on_line, on_stage
        if stage[0] != title:
            err.print(f"[green]✓[/] {stage[0]}", markup=True)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2))


@app.command("validate")
def validate_command(
    manifest: ManifestArg, ops_dir: OpsDirOption = None, allow_std: AllowStdOption = False
) -> None:
    """Check a workflow manifest without writing anything."""
    with _errors():
        plan = load_plan(manifest, ops_dir or [], no_std=not allow_std)
    typer.echo(f"{manifest}: valid workflow {plan.manifest.name!r} -> crate {plan.crate_name}")


@app.command("scaffold")
def scaffold_command(
    manifest: ManifestArg,
    out: OutOption = None,
    ops_dir: OpsDirOption = None,
    allow_std: AllowStdOption = False,
    as_json: JsonOption = False,
) -> None:
    """Validate a manifest and render its workflow crate (a Cargo workspace)."""
    with _errors():
        result = scaffold(manifest, out, ops_dir or [], no_std=not allow_std)
    if as_json:
        _print_json(
            {"crate": result.plan.crate_name, "out": str(result.out), "changed": result.changed}
        )
        return
    state = "written" if result.changed else "already up to date"
    typer.echo(f"{result.plan.crate_name}: {result.out} {state}")


@app.command("build")
def build_command(
    manifest: ManifestArg,
    out: OutOption = None,
    ops_dir: OpsDirOption = None,
    allow_std: AllowStdOption = False,
    as_json: JsonOption = False,
) -> None:
    """Scaffold, then build and test the workflow: native, no-std wasm32 and WASM package."""
    with _errors():
        project = scaffold(manifest, out, ops_dir or [], no_std=not allow_std)
        with _progress(f"building {project.plan.crate_name}", quiet=as_json) as (line, stage):
            report = build_all(project, progress=line, step=stage)
    if as_json:
        _print_json(
            {
                "crate": project.plan.crate_name,
                "out": str(project.out),
                "runner": str(report.runner),
                "package": str(report.package),
                "sample_output": report.sample_output,
            }
        )
        return
    typer.echo(f"{project.plan.crate_name}: built and tested in {project.out}")
    typer.echo(f"WASM package: {report.package}")


INPUT_FLAGS = ("--input-file", "--input-hex", "--input-text")


class _ExecCommand(TyperCommand):
    """Keeps the raw arguments, so inputs given with different flags keep their order."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["chaintool_raw_args"] = list(args)
        return super().parse_args(ctx, args)


def _input_order(raw: list[str]) -> list[str]:
    """The input flags in the order they appear on the command line."""
    order, skip = [], False
    for arg in raw:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        flag = arg.split("=", 1)[0]
        if flag in INPUT_FLAGS:
            order.append(flag)
            skip = "=" not in arg
    return order


def _read_inputs(
    ctx: typer.Context, files: list[Path], hexes: list[str], texts: list[str]
) -> list[bytes]:
    values: dict[str, Iterator[Any]] = {
        "--input-file": iter(files),
        "--input-hex": iter(hexes),
        "--input-text": iter(texts),
    }
    inputs = []
    for flag in _input_order(ctx.meta.get("chaintool_raw_args", [])):
        value = next(values[flag])
        if flag == "--input-file":
            try:
                inputs.append(Path(value).read_bytes())
            except OSError as error:
                raise InputError(f"--input-file {value}: {error.strerror}") from None
        elif flag == "--input-hex":
            text = str(value).removeprefix("0x")
            try:
                inputs.append(bytes.fromhex(text))
            except ValueError:
                raise InputError(
                    f"--input-hex {value!r} is not hexadecimal",
                    hint="give pairs of hex digits, optionally after 0x, e.g. 0x68656c6c6f",
                ) from None
        else:
            inputs.append(str(value).encode("utf-8"))
    return inputs


@app.command("exec", cls=_ExecCommand)
def exec_command(
    ctx: typer.Context,
    manifest: ManifestArg,
    input_file: Annotated[
        list[Path] | None, typer.Option("--input-file", help="An external input read from a file.")
    ] = None,
    input_hex: Annotated[
        list[str] | None, typer.Option("--input-hex", help="An external input as hex bytes.")
    ] = None,
    input_text: Annotated[
        list[str] | None, typer.Option("--input-text", help="An external input as UTF-8 text.")
    ] = None,
    via: Annotated[
        Via, typer.Option("--via", help="Run natively or through the WASM interface.")
    ] = Via.native,
    out: OutOption = None,
    ops_dir: OpsDirOption = None,
    allow_std: AllowStdOption = False,
    as_json: JsonOption = False,
) -> None:
    """Run a workflow on external inputs (one --input-* per input, in manifest order) and print
    its output. With --json: {"output": ...}; Bytes and Multihash print as 0x hex."""
    with _errors():
        inputs = _read_inputs(ctx, input_file or [], input_hex or [], input_text or [])
        project = scaffold(manifest, out, ops_dir or [], no_std=not allow_std)
        with _progress(f"building {project.plan.crate_name} ({via.value})", quiet=as_json) as (
            line,
            _,
        ):
            output = execute(project, inputs, via, progress=line)
    if as_json:
        typer.echo(json.dumps({"output": output}))
    else:
        typer.echo(human(output))


@ops_app.command("list")
def ops_list(ops_dir: OpsDirOption = None, as_json: JsonOption = False) -> None:
    """List the operations, with their IDs."""
    with _errors():
        registry = load_registry(ops_dir or [])
    if as_json:
        _print_json([{"id": op.id, **op.manifest(), "path": str(op.crate_dir)} for op in registry])
        return
    for op in registry:
        inputs = ", ".join(op.inputs) if op.inputs else "any..."
        std = "no-std" if op.no_std else "std-only"
        typer.echo(f"{op.name:16} {op.id}  ({inputs}) -> {op.output}  [{std}]")


@ops_app.command("show")
def ops_show(
    name: Annotated[str, typer.Argument(help="Operation name or ID.")],
    ops_dir: OpsDirOption = None,
) -> None:
    """Show an operation's manifest, ID and crate."""
    with _errors():
        op = load_registry(ops_dir or []).lookup(name, "operation")
    _print_json({"id": op.id, "path": str(op.crate_dir), "manifest": op.manifest()})


@ops_app.command("new")
def ops_new(
    name: Annotated[str, typer.Argument(help="Crate name of the new operation, e.g. op_reverse.")],
    directory: Annotated[Path, typer.Option("--dir", help="Folder for your operations.")] = Path(
        "ops"
    ),
) -> None:
    """Create an operation crate (manifest, code, tests) that works in a workflow right away."""
    with _errors():
        crate = new_operation(name, directory)
    typer.echo(f"created {crate}; use it with --ops-dir {directory}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
