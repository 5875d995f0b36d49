"""Docker, through the Docker SDK for Python: the daemon, a local Debian base image, the dev node
image (`node/Dockerfile`) and the containers that serve a devnet.

Containers only ever use the host's network (DESIGN.md: there is no bridge on these machines) and
the dev node binds its RPC to 127.0.0.1. Each devnet container carries the `DEVNET_LABEL` label,
whose value is the node folder it serves, so chaintool finds and removes it even when its state
file is lost. Nothing here pulls an image: a missing base image is an error with a hint.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import docker
import requests
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.models.containers import Container

from .errors import BuildError, ChaintoolError
from .node import NodeArtifacts
from .resources import node_dir
from .toolchain import Progress, cache_dir, find_tool, run_logged

DEFAULT_BASE_IMAGE = "debian:trixie-slim"
LOCAL_BASE_IMAGE = "chaintool/debian:trixie"
BASE_IMAGE_ENV = "CHAINTOOL_BASE_IMAGE"
EXTRA_CA_ENV = "CHAINTOOL_EXTRA_CA"
DEBIAN_SUITE = "trixie"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
IMAGE_REPOSITORY = "chaintool/devnode"
IMAGE_RECORD = "image.json"
DEVNET_LABEL = "org.chaintool.devnet"
CONTENT_LABEL = "org.chaintool.content"
ROLE_LABEL = "org.chaintool.role"  # set by node/Dockerfile on its stages
RUN_USER = "chaintool"
LOG_TAIL_LINES = 25
STOP_TIMEOUT_S = 10
# The targets of node/Dockerfile.
HOST_TARGET = "node-host"
SOURCE_TARGET = "node"
# Skipped when copying chaintool's sources into a build context.
_IGNORED = shutil.ignore_patterns("__pycache__", "target", "node_modules", "*.pyc", ".*")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class DockerError(ChaintoolError):
    """Docker is missing or not running, an image is missing, or a container failed."""

    exit_code = 8


START_HINT = "start it: sudo scripts/docker-daemon.sh (or `systemctl start docker`)"
INSTALL_HINT = "install it: apt-get install docker.io, then start it: scripts/docker-daemon.sh"


@functools.lru_cache(maxsize=4)
def _client_for(docker_host: str) -> docker.DockerClient:
    # One client (and one API version negotiation) per daemon address, not one per call:
    # devnet polls call `client()` several times a second.
    return docker.from_env(timeout=60)


def client() -> docker.DockerClient:
    """A client of a daemon that answers, or a DockerError saying what to do."""
    try:
        found = _client_for(os.environ.get("DOCKER_HOST", ""))
        found.ping()
        return found
    except (DockerException, requests.exceptions.ConnectionError) as error:
        # A cached client of a daemon that stopped fails with requests' error, not docker's.
        if not (shutil.which("docker") or shutil.which("dockerd")):
            raise DockerError("Docker is not installed", hint=INSTALL_HINT) from None
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise DockerError(
            f"the Docker daemon does not answer at {where} ({_reason(error)})", hint=START_HINT
        ) from None


def _reason(error: Exception) -> str:
    text = str(error)
    for known in ("No such file or directory", "Connection refused", "Permission denied"):
        if known in text:
            return known.lower()
    return text.splitlines()[0][:200] if text else type(error).__name__


def base_image() -> str:
    """The base image builds use: $CHAINTOOL_BASE_IMAGE, else Debian's public trixie-slim."""
    return os.environ.get(BASE_IMAGE_ENV) or DEFAULT_BASE_IMAGE


def image_exists(api: docker.DockerClient, name: str) -> bool:
    try:
        api.images.get(name)
    except ImageNotFound:
        return False
    return True


def make_base_image(
    tag: str = LOCAL_BASE_IMAGE,
    suite: str = DEBIAN_SUITE,
    mirror: str = DEBIAN_MIRROR,
    progress: Progress | None = None,
) -> str:
    """A Debian base image made from Debian's packages (debootstrap, then an import), for
    machines without an image registry. Returns the image ID."""
    debootstrap = find_tool("debootstrap", os.environ.get("CHAINTOOL_DEBOOTSTRAP"))
    if os.geteuid() != 0:
        raise DockerError("debootstrap needs root", hint="run it as root (sudo chaintool ...)")
    api = client()
    work = cache_dir() / "debootstrap"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        root = Path(tmp) / "rootfs"
        run_logged(
            [
                debootstrap,
                "--variant=minbase",
                "--include=ca-certificates",
                suite,
                str(root),
                mirror,
            ],
            env=dict(os.environ),
            cwd=Path(tmp),
            log_name="debootstrap",
            progress=progress,
            what=f"debootstrap of Debian {suite}",
            progress_prefixes=("I: Retrieving", "I: Validating", "I: Extracting", "I: Unpacking"),
        )
        _tidy_rootfs(root, suite, mirror)
        if progress:
            progress(f"importing {root} as {tag}")
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        assert tar.stdout is not None
        repository, _, version = tag.partition(":")
        try:
            reply = api.api.import_image_from_stream(
                tar.stdout,
                repository=repository,
                tag=version or "latest",
                changes=[f'LABEL org.chaintool.base="debootstrap {suite}"'],
            )
        except APIError as error:
            raise DockerError(f"importing the base image failed: {error.explanation}") from None
        finally:
            tar.stdout.close()
            tar.wait()
    if "error" in reply:
        raise DockerError(f"importing the base image failed: {reply}")
    return str(api.images.get(tag).id)


def _tidy_rootfs(root: Path, suite: str, mirror: str) -> None:
    """As Debian's official images: no package archives or lists left in the image, and the
    suite's updates (and, from Debian's own mirror, security) sources configured."""
    for folder in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (root / folder).glob("*"):
            if path.is_file():
                path.unlink()
    sources = [f"deb {mirror} {suite} main", f"deb {mirror} {suite}-updates main"]
    if mirror == DEBIAN_MIRROR:
        sources.append(f"deb http://deb.debian.org/debian-security {suite}-security main")
    (root / "etc" / "apt" / "sources.list").write_text("\n".join(sources) + "\n")


@dataclass(frozen=True)
class NodeImage:
    """A dev node image: its content tag, ID, how it was built, and whether it was reused."""

    tag: str
    id: str
    variant: str
    base_image: str
    size: int
    reused: bool = False


def image_record(folder: Path) -> Path:
    return folder / IMAGE_RECORD


def recorded_image(folder: Path) -> str | None:
    try:
        return str(json.loads(image_record(folder).read_text())["tag"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _copy_sources(context: Path) -> None:
    """chaintool itself (package, templates, operations, node files) for the builder stage."""
    package = Path(__file__).resolve().parent
    shutil.copytree(package, context / "src" / "chaintool", ignore=_IGNORED)
    for name in ("templates", "ops", "node"):
        installed = context / "src" / "chaintool" / "_data" / name
        if not installed.exists():
            shutil.copytree(package.parent / name, context / "src" / name, ignore=_IGNORED)


def _copy_project(context: Path, manifests: Sequence[Path], ops_dirs: Sequence[Path]) -> None:
    """The manifests and the user's operation folders, with the arguments of `node build`."""
    project = context / "project"
    (project / "manifests").mkdir(parents=True)
    args: list[str] = []
    for index, manifest in enumerate(manifests):
        name = f"manifests/{index:02d}-{manifest.name}"
        shutil.copyfile(manifest, project / name)
        args.append(name)
    for index, folder in enumerate(ops_dirs):
        name = f"ops/{index:02d}-{folder.resolve().name}"
        shutil.copytree(folder, project / name, ignore=_IGNORED)
        args += ["--ops-dir", name]
    (project / "node-build.args").write_text(" ".join(args) + "\n")


def build_context(
    context: Path,
    artifacts: NodeArtifacts | None,
    manifests: Sequence[Path] = (),
    ops_dirs: Sequence[Path] = (),
    extra_ca: Path | None = None,
) -> None:
    """Lays out node/Dockerfile's context: with `artifacts`, the host-built runtime and spec;
    without, the project and chaintool's sources for the in-Docker build."""
    shutil.copyfile(node_dir() / "Dockerfile", context / "Dockerfile")
    (context / "node").mkdir()
    for name in ("package.json", "package-lock.json", "requirements.txt"):
        shutil.copyfile(node_dir() / name, context / "node" / name)
    (context / "extra-ca").mkdir()
    extra_ca = extra_ca or (
        Path(os.environ[EXTRA_CA_ENV]) if os.environ.get(EXTRA_CA_ENV) else None
    )
    if extra_ca:
        certificates = sorted(extra_ca.glob("*.crt")) if extra_ca.is_dir() else [extra_ca]
        if not certificates:
            raise DockerError(f"no *.crt certificate in {extra_ca}")
        for certificate in certificates:
            shutil.copyfile(certificate, context / "extra-ca" / certificate.name)
    (context / "artifacts").mkdir()
    if artifacts is not None:
        for path in (artifacts.wasm, artifacts.chain_spec, artifacts.manifest_index):
            if not path.is_file():
                raise DockerError(
                    f"{path} is missing", hint="build the node first: chaintool node build ..."
                )
            shutil.copyfile(path, context / "artifacts" / path.name)
    else:
        _copy_sources(context)
        _copy_project(context, manifests, ops_dirs)


def _context_tar(context: Path) -> tuple[bytes, str]:
    """The context as a tar with fixed metadata, and the SHA-256 of its files' names and bytes."""
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(context.rglob("*")):
            name = path.relative_to(context).as_posix()
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            if path.is_file():
                data = path.read_bytes()
                digest.update(f"{name}\0{len(data)}\0".encode() + data)
                tar.addfile(info, io.BytesIO(data))
            else:
                digest.update(f"{name}/\0".encode())
                tar.addfile(info)
    return buffer.getvalue(), digest.hexdigest()


def build_node_image(
    folder: Path,
    *,
    from_source: bool = False,
    manifests: Sequence[Path] = (),
    ops_dirs: Sequence[Path] = (),
    base: str | None = None,
    extra_ca: Path | None = None,
    no_cache: bool = False,
    progress: Progress | None = None,
) -> NodeImage:
    """Builds the dev node image of `folder` (a `node build` folder) and records its tag there.

    The tag is the hash of everything the image is built from (context, target, base image ID),
    so an unchanged input reuses the image, and Docker's layer cache serves what did not change.
    `no_cache` rebuilds every layer.
    """
    api = client()
    base = base or base_image()
    try:
        base_id = api.images.get(base).id
    except ImageNotFound:
        raise DockerError(
            f"the base image {base} is not on this Docker daemon",
            hint=f"pull it (`docker pull {base}`) where a registry is reachable, or make one "
            "from Debian's packages: `chaintool docker base-image`, then use it with "
            f"--base-image {LOCAL_BASE_IMAGE} (or {BASE_IMAGE_ENV}={LOCAL_BASE_IMAGE})",
        ) from None
    target = SOURCE_TARGET if from_source else HOST_TARGET
    with tempfile.TemporaryDirectory() as tmp:
        context = Path(tmp)
        build_context(
            context,
            None if from_source else NodeArtifacts(folder),
            manifests,
            ops_dirs,
            extra_ca,
        )
        data, content = _context_tar(context)
    content = hashlib.sha256(f"{content}\0{target}\0{base_id}".encode()).hexdigest()
    tag = f"{IMAGE_REPOSITORY}:{content[:16]}"
    reused = not no_cache and image_exists(api, tag)
    if not reused:
        _run_build(api, data, tag, target, base, content, no_cache, progress)
    image = api.images.get(tag)
    built = NodeImage(
        tag=tag,
        id=str(image.id),
        variant="source" if from_source else "host",
        base_image=base,
        size=int(image.attrs["Size"]),
        reused=reused,
    )
    folder.mkdir(parents=True, exist_ok=True)
    image_record(folder).write_text(json.dumps(asdict(built), indent=1) + "\n")
    if from_source:
        export_artifacts(api, tag, folder)
    return built


def _run_build(
    api: docker.DockerClient,
    data: bytes,
    tag: str,
    target: str,
    base: str,
    content: str,
    no_cache: bool,
    progress: Progress | None,
) -> None:
    log_path = cache_dir() / "logs" / f"docker-build-{tag.rpartition(':')[2]}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=40)
    try:
        stream: Iterator[dict[str, Any]] = api.api.build(
            fileobj=io.BytesIO(data),
            custom_context=True,
            tag=tag,
            target=target,
            buildargs={"BASE_IMAGE": base},
            labels={CONTENT_LABEL: content},
            network_mode="host",
            rm=True,
            forcerm=True,
            nocache=no_cache,
            decode=True,
        )
        with log_path.open("w", encoding="utf-8") as log:
            for chunk in stream:
                text = _ANSI.sub("", chunk.get("stream", ""))
                for line in text.splitlines():
                    log.write(line + "\n")
                    if line.strip():
                        tail.append(line.rstrip())
                        if progress:
                            progress(line.strip())
                if "error" in chunk:
                    log.write(chunk["error"] + "\n")
                    raise BuildError(
                        f"the image build failed: {chunk['error'].strip()}\nthe end of its log:\n"
                        + "\n".join(tail),
                        hint=f"full log: {log_path}",
                    )
    except APIError as error:
        raise BuildError(f"the image build failed: {error.explanation}") from None


def export_artifacts(api: docker.DockerClient, image: str, folder: Path) -> None:
    """Copies /chain of an image (runtime, spec, index) into `folder`, so the host's tools
    (`devnet up` with Chopsticks, `exec --via chain`) use what the image serves."""
    holder = api.containers.create(image, labels={DEVNET_LABEL: str(folder)})
    try:
        bits, _ = holder.get_archive("/chain/.")
        archive = io.BytesIO(b"".join(bits))
    finally:
        holder.remove(force=True)
    with tarfile.open(fileobj=archive) as tar:
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                (folder / Path(member.name).name).write_bytes(extracted.read())


# ---- devnet containers ----------------------------------------------------------------------


def start_devnet(image: str, port: int, folder: Path) -> Container:
    """Runs the dev node image on the host's network, RPC on 127.0.0.1:`port`, non-root."""
    api = client()
    if not image_exists(api, image):
        raise DockerError(
            f"the dev node image {image} is not on this Docker daemon",
            hint="build it: chaintool node build --docker MANIFEST...",
        )
    try:
        container: Container = api.containers.run(
            image,
            command=["--port", str(port)],
            detach=True,
            network_mode="host",
            user=RUN_USER,
            init=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            labels={DEVNET_LABEL: str(folder), "org.chaintool.port": str(port)},
        )
    except APIError as error:
        raise DockerError(f"the devnet container did not start: {error.explanation}") from None
    return container


def find_container(container_id: str) -> Container | None:
    try:
        found: Container = client().containers.get(container_id)
    except NotFound:
        return None
    return found


def container_exit(container: Container) -> int | None:
    """The exit code of a container that stopped, None while it runs."""
    container.reload()
    if container.status in ("created", "running", "restarting"):
        return None
    return int(container.attrs["State"]["ExitCode"])


def container_logs(container: Container, lines: int = LOG_TAIL_LINES) -> str:
    text = container.logs(tail=lines).decode(errors="replace").rstrip()
    return text or "(no output)"


def remove_container(container: Container) -> None:
    """Stops (SIGTERM, SIGKILL after STOP_TIMEOUT_S) and removes a container."""
    try:
        container.stop(timeout=STOP_TIMEOUT_S)
    except NotFound:
        return
    with contextlib.suppress(NotFound):
        container.remove(force=True)


def reap(folder: Path | None = None) -> list[str]:
    """Removes chaintool's devnet containers (of `folder`, or all). Returns their short IDs."""
    wanted = f"{DEVNET_LABEL}={folder}" if folder is not None else DEVNET_LABEL
    removed = []
    for container in client().containers.list(all=True, filters={"label": wanted}):
        remove_container(container)
        removed.append(str(container.short_id))
    return removed


def prune(keep: Sequence[str] = ()) -> list[str]:
    """Removes chaintool's dev node images except those in `keep` and those a container uses,
    then the untagged builder stages of in-Docker builds. Returns the tags removed."""
    api = client()
    used = {str(c.attrs["Image"]) for c in api.containers.list(all=True)}
    kept = {str(api.images.get(tag).id) for tag in keep if image_exists(api, tag)}
    removed: list[str] = []
    for image in api.images.list(filters={"label": CONTENT_LABEL}):
        if image.id in used or image.id in kept:
            continue
        for tag in image.tags:
            api.images.remove(tag)
            removed.append(tag)
    # The builder stage of in-Docker builds (gigabytes of compiled crates). Other stages stay:
    # they are the layer cache of the next build.
    api.images.prune(filters={"dangling": True, "label": f"{ROLE_LABEL}=builder"})
    return removed


def ensure_base_image(progress: Progress | None = None) -> str:
    """The base image name to build on: the configured one when the daemon has it, else the
    local debootstrap image, made if missing. For tests and CI on machines without a registry."""
    api = client()
    configured = base_image()
    if image_exists(api, configured):
        return configured
    if not image_exists(api, LOCAL_BASE_IMAGE):
        make_base_image(progress=progress)
    return LOCAL_BASE_IMAGE
