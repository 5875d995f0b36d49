"""The `chaintool` command line. Each command parses its options and calls one core function;
`_errors` is the one place where a ChaintoolError becomes a message, a hint and an exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperCommand

from . import container
from .build import build_all
from .chain import connect, execute_on_chain, keypair
from .devnet import DEFAULT_PORT, ENGINES, log_tail, read_state, terminate_as_interrupt
from .devnet import down as devnet_down
from .devnet import logs as devnet_logs
from .devnet import status as devnet_status
from .devnet import up as devnet_up
from .devnet import wait as devnet_wait
from .errors import ChaintoolError, ExecutionError, InputError
from .execute import Via, check_input_count, execute, human
from .newop import new_operation
from .node import NodeArtifacts, default_node_dir, node_build
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
node_app = typer.Typer(help="The dev runtime with your workflow pallets.", no_args_is_help=True)
app.add_typer(node_app, name="node")
devnet_app = typer.Typer(help="A local devnet (Chopsticks) on 127.0.0.1.", no_args_is_help=True)
app.add_typer(devnet_app, name="devnet")
docker_app = typer.Typer(help="Docker images for the dev node.", no_args_is_help=True)
app.add_typer(docker_app, name="docker")

NodeDirOption = Annotated[
    Path | None,
    typer.Option(
        "--node-dir", help="Folder of the node build and devnet [default: ./.chaintool/node]"
    ),
]

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
        Via, typer.Option("--via", help="Run natively, through the WASM interface, or on-chain.")
    ] = Via.native,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Node RPC for --via chain [default: the running devnet]"),
    ] = None,
    signer: Annotated[str, typer.Option("--signer", help="Secret URI of the signer.")] = "//Alice",
    verify: Annotated[
        bool, typer.Option("--verify", help="Also run natively; exit non-zero on any difference.")
    ] = False,
    allow_remote_dev_keys: Annotated[
        bool,
        typer.Option("--allow-remote-dev-keys", help="Sign with dev keys for a non-loopback URL."),
    ] = False,
    out: OutOption = None,
    ops_dir: OpsDirOption = None,
    allow_std: AllowStdOption = False,
    as_json: JsonOption = False,
) -> None:
    """Run a workflow on external inputs (one --input-* per input, in manifest order) and print
    its output. With --json: {"output": ...}; Bytes and Multihash print as 0x hex."""
    with _errors():
        inputs = _read_inputs(ctx, input_file or [], input_hex or [], input_text or [])
        if via is Via.chain:
            plan = load_plan(manifest, ops_dir or [], no_std=True)
            check_input_count(plan, inputs)
            endpoint = url or devnet_url()
            pair = keypair(signer, endpoint, allow_remote_dev_keys)
            output = execute_on_chain(connect(endpoint), plan, inputs, pair).output
        if via is not Via.chain or verify:
            project = scaffold(manifest, out, ops_dir or [], no_std=not allow_std)
            label = f"building {project.plan.crate_name}"
            with _progress(label, quiet=as_json) as (line, _):
                if via is not Via.chain:
                    output = execute(project, inputs, via, progress=line)
                if verify:
                    native = execute(project, inputs, Via.native, progress=line)
                    if native != output:
                        raise ExecutionError(
                            f"outputs differ: {via.value} gave {output!r}, native gave {native!r}"
                        )
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


def devnet_url(folder: Path | None = None) -> str:
    state = read_state(folder)
    return state.url if state else f"ws://127.0.0.1:{DEFAULT_PORT}"


BaseImageOption = Annotated[
    str | None,
    typer.Option(
        "--base-image",
        help="Debian 13 image to build on [default: $CHAINTOOL_BASE_IMAGE or debian:trixie-slim]",
    ),
]
ExtraCaOption = Annotated[
    Path | None,
    typer.Option(
        "--extra-ca",
        help="CA certificate (or folder of *.crt) the image build trusts for downloads, e.g. a "
        "proxy's [default: $CHAINTOOL_EXTRA_CA]; never kept in the final image",
    ),
]


@node_app.command("build")
def node_build_command(
    manifests: Annotated[list[Path], typer.Argument(help="Workflow manifests to run on-chain.")],
    node_dir: NodeDirOption = None,
    ops_dir: OpsDirOption = None,
    docker: Annotated[
        bool,
        typer.Option("--docker", help="Also build the dev node image (node/Dockerfile)."),
    ] = False,
    in_docker: Annotated[
        bool,
        typer.Option(
            "--in-docker",
            help="With --docker: build the runtime and spec inside Docker too, not on this host.",
        ),
    ] = False,
    base_image: BaseImageOption = None,
    extra_ca: ExtraCaOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="With --docker: rebuild every image layer.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Build the dev runtime (WASM) with one pallet per workflow, and its raw chain spec; with
    --docker, a dev node image that serves it."""
    summary: dict[str, Any] = {}
    folder = (node_dir or default_node_dir()).absolute()
    with _errors(), _progress("building the dev node", quiet=as_json) as (line, stage):
        if in_docker and not docker:
            raise InputError("--in-docker builds an image", hint="add --docker")
        if in_docker:
            for manifest in manifests:  # fail fast, before any image build
                load_plan(manifest, ops_dir or [], no_std=True)
            stage("dev node image, runtime and spec built in Docker (slow the first time)")
        else:
            node_build(manifests, folder, ops_dir or [], progress=line, step=stage)
        if docker:
            if not in_docker:
                stage("dev node image")
            image = container.build_node_image(
                folder,
                from_source=in_docker,
                manifests=manifests,
                ops_dirs=ops_dir or [],
                base=base_image,
                extra_ca=extra_ca,
                no_cache=no_cache,
                progress=line,
            )
            summary["image"] = image.tag
            summary["image_reused"] = image.reused
            summary["image_size"] = image.size
        artifacts = NodeArtifacts(folder)
    summary = {"runtime": str(artifacts.wasm), "chain_spec": str(artifacts.chain_spec), **summary}
    if as_json:
        _print_json(summary)
        return
    typer.echo(f"runtime:    {artifacts.wasm} ({artifacts.wasm.stat().st_size} bytes)")
    typer.echo(f"chain spec: {artifacts.chain_spec}")
    if docker:
        reused = " (unchanged, reused)" if summary["image_reused"] else ""
        typer.echo(f"image:      {summary['image']}, {summary['image_size'] / 1e6:.0f} MB{reused}")


@docker_app.command("base-image")
def docker_base_image_command(
    tag: Annotated[str, typer.Option("--tag", help="Name of the image.")] = (
        container.LOCAL_BASE_IMAGE
    ),
    suite: Annotated[str, typer.Option("--suite", help="Debian suite.")] = container.DEBIAN_SUITE,
    mirror: Annotated[str, typer.Option("--mirror", help="Debian mirror.")] = (
        container.DEBIAN_MIRROR
    ),
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing if the image exists.")
    ] = False,
) -> None:
    """Make a Debian base image from Debian's packages (debootstrap, then import), for machines
    that cannot pull one. Needs root. Use it with `node build --docker --base-image TAG`."""
    with _errors():
        if if_missing and container.image_exists(container.client(), tag):
            typer.echo(f"{tag} exists")
            return
        with _progress(f"debootstrap {suite}") as (line, _):
            image_id = container.make_base_image(tag, suite, mirror, progress=line)
    typer.echo(f"{tag} ({image_id[:19]})")


@docker_app.command("prune")
def docker_prune_command(
    node_dirs: Annotated[
        list[Path] | None,
        typer.Option(
            "--node-dir",
            help="Keep the image built for this node folder (repeatable) [default: "
            "./.chaintool/node]",
        ),
    ] = None,
) -> None:
    """Remove chaintool's dev node images, except those of the given node folders and those a
    container uses, and the leftovers of image builds."""
    keep = [container.recorded_image(folder) for folder in node_dirs or [default_node_dir()]]
    with _errors():
        removed = container.prune([tag for tag in keep if tag])
    typer.echo("\n".join(removed) if removed else "nothing to remove")


@devnet_app.command("up")
def devnet_up_command(
    port: Annotated[int, typer.Option("--port", help="RPC port on 127.0.0.1.")] = DEFAULT_PORT,
    detach: Annotated[bool, typer.Option("--detach", help="Leave it running and return.")] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="chopsticks: a process here; docker: the image of `node build --docker`.",
        ),
    ] = "chopsticks",
    image: Annotated[
        str | None,
        typer.Option("--image", help="With --engine docker: the image [default: the last built]."),
    ] = None,
    node_dir: NodeDirOption = None,
) -> None:
    """Start the devnet (Chopsticks, a block per extrinsic) and wait until it is ready. Without
    --detach it stays in the foreground until Ctrl-C (or SIGTERM), then stops the devnet."""
    with _errors(), terminate_as_interrupt():
        if engine not in ENGINES:
            raise InputError(f"--engine: unknown engine {engine!r}", hint=f"one of {ENGINES}")
        try:
            with _progress("starting the devnet") as (line, stage):
                state = devnet_up(port, node_dir, on_wait=line, engine=engine, image=image)
                stage(f"devnet ready at {state.url} ({_engine_text(asdict(state))})")
        except KeyboardInterrupt:
            raise typer.Exit(130) from None  # an interrupted start leaves nothing behind
        if detach:
            typer.echo(state.url)
            return
        # From here on, whatever happens, the devnet is stopped before the command ends.
        try:
            typer.echo(state.url)
            typer.echo("Ctrl-C stops it.", err=True)
            devnet_wait(state)
        except KeyboardInterrupt:
            pass
        finally:
            devnet_down(node_dir)


def _engine_text(info: dict[str, Any]) -> str:
    """Which process or container runs a devnet, from its state or status."""
    if info["engine"] == "docker":
        return f"container {info['container'][:12]} of {info['image']}"
    return f"pid {info['pid']}"


@devnet_app.command("status")
def devnet_status_command(node_dir: NodeDirOption = None, as_json: JsonOption = False) -> None:
    """Whether the devnet runs and answers, with its URL and best block."""
    with _errors():
        info = devnet_status(node_dir)
    if as_json:
        _print_json(info)
        return
    state = info["state"]
    if state == "running":
        typer.echo(
            f"running at {info['url']} ({_engine_text(info)}), best block {info['best_block']}"
        )
    elif state == "stale":
        typer.echo(f"not running: {info['detail']}\n{info['log_tail']}")
    elif state == "unresponsive":
        typer.echo(f"{_engine_text(info)} runs but {info['url']} does not answer")
    else:
        typer.echo("not running")
    if state != "running":
        raise typer.Exit(1)


@devnet_app.command("logs")
def devnet_logs_command(
    lines: Annotated[int, typer.Option("--lines", "-n", help="How many lines.")] = 50,
    node_dir: NodeDirOption = None,
) -> None:
    """The end of the devnet's log (the container's, with the docker engine)."""
    with _errors():
        state = read_state(node_dir)
        if state is not None:
            typer.echo(devnet_logs(state, lines))
            return
    typer.echo(log_tail((node_dir or default_node_dir()) / "devnet" / "chopsticks.log", lines))


@devnet_app.command("down")
def devnet_down_command(
    node_dir: NodeDirOption = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Also remove every chaintool devnet container, whatever its folder."
        ),
    ] = False,
) -> None:
    """Stop the devnet and every process or container it started."""
    with _errors():
        stopped = devnet_down(node_dir)
        reaped = container.reap() if everything else []
    typer.echo("stopped" if stopped else "no devnet was running")
    if reaped:
        typer.echo(f"removed containers: {', '.join(reaped)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
