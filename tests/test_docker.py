"""The docker tier, on the real daemon that scripts/docker-daemon.sh starts: the dev node image
(host-built artifacts), a devnet in a container serving it, and every failure a user can meet
(no daemon, no image, a container that dies at start or mid-session) with a clear message and
nothing left behind.

The whole chain tier also runs against the Docker devnet: `pytest -m chain --chaintool-engine
docker` (scripts/test.sh does). The in-Docker build of the runtime is `test_in_docker_build`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaintool import container
from chaintool.chain import connect, execute_on_chain, keypair
from chaintool.container import DEVNET_LABEL, LOCAL_BASE_IMAGE, NodeImage, build_node_image
from chaintool.devnet import down, free_port, read_state, rpc, running
from chaintool.node import NodeArtifacts
from chaintool.scaffold import load_plan
from tests import reference
from tests.conftest import EXAMPLES, ROOT, invoke
from tests.test_devnet import foreground

pytestmark = pytest.mark.docker

IN_DOCKER_ENV = "CHAINTOOL_TEST_IN_DOCKER"


def _labelled(folder: Path) -> list[Any]:
    return list(
        container.client().containers.list(
            all=True, filters={"label": f"{DEVNET_LABEL}={folder.absolute()}"}
        )
    )


@pytest.fixture(scope="session")
def base_image() -> str:
    """The base image to build on (the local debootstrap one where no registry is reachable)."""
    return container.ensure_base_image()


@pytest.fixture
def docker_node(node_artifacts: NodeArtifacts, tmp_path: Path) -> Iterator[Path]:
    """A node folder of its own with the test node's artifacts; no container of it may remain."""
    folder = tmp_path / "node"
    folder.mkdir()
    for path in (node_artifacts.wasm, node_artifacts.chain_spec, node_artifacts.manifest_index):
        shutil.copyfile(path, folder / path.name)
    yield folder
    down(folder)
    left = _labelled(folder)
    container.reap(folder)
    assert not left, f"containers left behind: {left}"


@pytest.fixture
def image(docker_node: Path, base_image: str) -> NodeImage:
    return build_node_image(docker_node, base=base_image)


def test_image_is_tagged_by_content_and_reused(
    image: NodeImage, docker_node: Path, base_image: str
) -> None:
    api = container.client()
    built = api.images.get(image.tag)
    assert image.tag.startswith(container.IMAGE_REPOSITORY + ":")
    assert built.labels[container.CONTENT_LABEL].startswith(image.tag.split(":")[1])
    assert built.attrs["Config"]["User"] == container.RUN_USER
    assert json.loads((docker_node / "image.json").read_text())["tag"] == image.tag
    again = build_node_image(docker_node, base=base_image)
    assert again.reused and again.tag == image.tag
    # Other content, other tag; the layers before the artifacts are reused.
    index = docker_node / "workflows.json"
    index.write_text(index.read_text() + "\n")
    changed = build_node_image(docker_node, base=base_image)
    assert not changed.reused and changed.tag != image.tag
    api.images.remove(changed.tag)


def test_prune_keeps_the_recorded_image(
    cli: Any, image: NodeImage, docker_node: Path, base_image: str, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    shutil.copytree(docker_node, other)
    (other / "workflows.json").write_text("[]\n")
    changed = build_node_image(other, base=base_image)
    result = invoke(cli, "docker", "prune", "--node-dir", docker_node)
    assert result.exit_code == 0, result.output
    assert changed.tag in result.stdout.split()
    api = container.client()
    assert not container.image_exists(api, changed.tag)
    assert container.image_exists(api, image.tag)


def test_image_serves_the_host_artifacts_without_the_extra_ca(image: NodeImage) -> None:
    api = container.client()
    listing = api.containers.run(
        image.tag,
        entrypoint=["sh", "-c", "sha256sum /chain/*; ls /usr/local/share/ca-certificates"],
        network_mode="host",
        remove=True,
    ).decode()
    for name in ("runtime.wasm", "chain-spec.raw.json"):
        assert f"/chain/{name}" in listing
    # Extra CAs are trusted by the download stages only, never by the image users run.
    assert ".crt" not in listing


def test_devnet_in_docker_runs_workflows_and_recovers(
    cli: Any, image: NodeImage, docker_node: Path
) -> None:
    port = free_port()
    up = invoke(
        cli, "devnet", "up", "--engine", "docker", "--detach", "--port", port,
        "--node-dir", docker_node,
    )  # fmt: skip
    assert up.exit_code == 0, up.output
    state = read_state(docker_node)
    assert state is not None and state.engine == "docker" and state.image == image.tag
    found = container.find_container(state.container)
    assert found is not None
    # The host's network and no address of its own: nothing listens beyond 127.0.0.1.
    assert found.attrs["HostConfig"]["NetworkMode"] == "host"
    assert not any(n.get("IPAddress") for n in found.attrs["NetworkSettings"]["Networks"].values())
    assert found.attrs["Config"]["User"] == container.RUN_USER
    assert found.exec_run("id -u").output.decode().strip() != "0"

    status = json.loads(invoke(cli, "devnet", "status", "--json", "--node-dir", docker_node).stdout)
    assert status["state"] == "running" and status["engine"] == "docker"
    # Chopsticks' logger writes asynchronously: give it a moment.
    deadline = time.monotonic() + 10
    while "RPC listening on" not in (
        log := invoke(cli, "devnet", "logs", "--node-dir", docker_node).stdout
    ):
        assert time.monotonic() < deadline, log
        time.sleep(0.2)

    data = b"chaintool in docker"
    result = invoke(
        cli, "exec", EXAMPLES / "cidv1_from_bytes.json", "--via", "chain", "--url", state.url,
        "--json", "--input-text", data.decode(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["output"] == reference.cid_of("Blake3_256", data)

    # Killed behind chaintool's back: status says so and cleans up; up starts a new one.
    found.kill()
    found.wait(timeout=30)
    status = json.loads(invoke(cli, "devnet", "status", "--json", "--node-dir", docker_node).stdout)
    assert status["state"] == "stale" and "exited" in status["detail"]
    assert read_state(docker_node) is None and not _labelled(docker_node)
    again = invoke(
        cli, "devnet", "up", "--engine", "docker", "--detach", "--port", port,
        "--node-dir", docker_node,
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert rpc(state.url, "chain_getBlockHash", [0])

    stopped = invoke(cli, "devnet", "down", "--node-dir", docker_node)
    assert stopped.exit_code == 0 and "stopped" in stopped.stdout
    assert read_state(docker_node) is None and not _labelled(docker_node)


def test_foreground_docker_devnet_stops_on_sigterm_and_reports_a_kill(
    image: NodeImage, docker_node: Path
) -> None:
    for ending in ("sigterm", "kill"):
        process = foreground(docker_node, free_port(), "--engine", "docker")
        state = read_state(docker_node)
        assert state is not None and state.engine == "docker"
        if ending == "sigterm":
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        else:
            found = container.find_container(state.container)
            assert found is not None
            found.kill()
            assert process.wait(timeout=60) == 6
            assert process.stderr is not None
            assert "the devnet stopped on its own" in process.stderr.read()
        assert read_state(docker_node) is None and not _labelled(docker_node)


def test_container_exiting_at_start_shows_its_log(
    cli: Any, docker_node: Path, base_image: str
) -> None:
    spec = docker_node / "chain-spec.raw.json"
    spec.write_text(json.dumps({"name": "broken", "genesis": {}}))
    broken = build_node_image(docker_node, base=base_image)
    try:
        result = invoke(
            cli, "devnet", "up", "--engine", "docker", "--detach", "--port", free_port(),
            "--node-dir", docker_node,
        )  # fmt: skip
        assert result.exit_code == 6
        assert "exited" in result.stderr and "at start; its last lines:" in result.stderr
        assert len(result.stderr.splitlines()) > 2  # the container's own output follows
        assert read_state(docker_node) is None and not _labelled(docker_node)
    finally:
        container.client().images.remove(broken.tag)


def test_missing_image_is_named(cli: Any, docker_node: Path) -> None:
    result = invoke(
        cli, "devnet", "up", "--engine", "docker", "--image", "chaintool/devnode:nosuchtag",
        "--node-dir", docker_node,
    )  # fmt: skip
    assert result.exit_code == 8
    assert "chaintool/devnode:nosuchtag is not on this Docker daemon" in result.stderr
    assert "node build --docker" in result.stderr
    unbuilt = invoke(cli, "devnet", "up", "--engine", "docker", "--node-dir", docker_node)
    assert unbuilt.exit_code == 6 and "no dev node image" in unbuilt.stderr


def test_missing_base_image_is_named_not_pulled(cli: Any, docker_node: Path) -> None:
    result = invoke(
        cli, "node", "build", EXAMPLES / "cidv1_from_bytes.json", "--docker", "--in-docker",
        "--base-image", "chaintool/nosuchbase:1", "--node-dir", docker_node,
    )  # fmt: skip
    assert result.exit_code == 8
    assert "chaintool/nosuchbase:1 is not on this Docker daemon" in result.stderr
    assert "chaintool docker base-image" in result.stderr


def test_no_daemon_is_a_clear_error(
    cli: Any, docker_node: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A socket path nothing listens on: what a client sees when the daemon is stopped.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    for args in (
        ("devnet", "up", "--engine", "docker", "--image", "x", "--node-dir", docker_node),
        ("docker", "base-image", "--if-missing"),
    ):
        result = invoke(cli, *args)
        assert result.exit_code == 8, result.output
        assert "the Docker daemon does not answer" in result.stderr
        assert "docker-daemon.sh" in result.stderr
        assert "Traceback" not in result.output


def _daemon_started_by_our_script() -> int | None:
    """The pid of a dockerd that scripts/docker-daemon.sh started (never a daemon the machine's
    owner manages)."""
    found = subprocess.run(
        ["pgrep", "-f", "dockerd --storage-driver=overlay2 --bridge=none"],
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(found[0]) if len(found) == 1 else None


def test_daemon_stopped_mid_session(cli: Any, image: NodeImage, docker_node: Path) -> None:
    pid = _daemon_started_by_our_script()
    if pid is None or os.geteuid() != 0:
        pytest.skip("the daemon was not started by scripts/docker-daemon.sh (as root)")
    up = invoke(
        cli, "devnet", "up", "--engine", "docker", "--detach", "--port", free_port(),
        "--node-dir", docker_node,
    )  # fmt: skip
    assert up.exit_code == 0, up.output
    os.kill(pid, signal.SIGTERM)
    try:
        deadline = time.monotonic() + 60
        while os.path.exists(f"/proc/{pid}"):
            assert time.monotonic() < deadline, "dockerd did not stop"
            time.sleep(0.2)
        status = invoke(cli, "devnet", "status", "--node-dir", docker_node)
        assert status.exit_code == 8
        assert "the Docker daemon does not answer" in status.stderr
        assert "docker-daemon.sh" in status.stderr and "Traceback" not in status.output
    finally:
        subprocess.run([str(ROOT / "scripts" / "docker-daemon.sh")], check=True)
    # The daemon stopped the container with it: status says so and cleans up.
    after = json.loads(invoke(cli, "devnet", "status", "--json", "--node-dir", docker_node).stdout)
    assert after["state"] == "stale" and "exited" in after["detail"]
    assert read_state(docker_node) is None and not _labelled(docker_node)


def test_docker_not_installed_is_a_clear_error(
    cli: Any, docker_node: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker, no dockerd
    result = invoke(cli, "devnet", "up", "--engine", "docker", "--node-dir", docker_node)
    assert result.exit_code == 8, result.output
    assert "Docker is not installed" in result.stderr
    assert "apt-get install docker.io" in result.stderr


def test_base_image_is_debian_trixie(base_image: str) -> None:
    if base_image != LOCAL_BASE_IMAGE:
        pytest.skip(f"built on {base_image}, not on a debootstrap image")
    release = container.client().containers.run(
        base_image, ["cat", "/etc/os-release"], network_mode="host", remove=True
    )
    assert b"VERSION_CODENAME=trixie" in release


@pytest.mark.skipif(
    os.environ.get(IN_DOCKER_ENV, "0") == "0",
    reason=f"slow (about 8 min cold): set {IN_DOCKER_ENV}=1 (scripts/test.sh does)",
)
def test_in_docker_build(cli: Any, base_image: str, tmp_path: Path) -> None:
    """The runtime and spec built inside Docker serve the same workflow as the host's."""
    folder = tmp_path / "node"
    started = time.monotonic()
    result = invoke(
        cli, "node", "build", EXAMPLES / "cidv1_from_bytes.json", "--docker", "--in-docker",
        "--base-image", base_image, "--node-dir", folder, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    print(f"in-Docker build: {time.monotonic() - started:.0f} s")
    built = json.loads(result.stdout)
    assert NodeArtifacts(folder).chain_spec.is_file()  # exported from the image
    with running(folder=folder, engine="docker") as state:
        assert state.image == built["image"]
        client = connect(state.url)
        try:
            plan = load_plan(EXAMPLES / "cidv1_from_bytes.json")
            out = execute_on_chain(
                client, plan, [b"built in docker"], keypair("//Alice", state.url)
            )
        finally:
            client.close()
        assert out.output == reference.cid_of("Blake3_256", b"built in docker")
