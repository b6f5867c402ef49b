"""`Container`: a long-running service container (official provider: docker.Container).

Create and update wait until the container passes its health check (or just runs when it has none),
so components that depend on it start against a service that answers. Changes Docker can apply to a
live container (restart policy, memory) update in place; every other change replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import docker.types
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from providers.docker.client import client
from providers.errors import ContainerStartError, DockerUnavailableError
from providers.polling import poll_until
from providers.progress import URN_KEY, Progress, own_urn
from providers.props import to_props

# Inputs Docker can change on a running container, or that only steer this provider.
IN_PLACE = frozenset({"restart", "memory", "wait", "wait_timeout", "must_run"})
REPLACING = (
    "name", "image", "command", "entrypoints", "envs", "secret_envs", "ports", "volumes",
    "networks_advanced", "hostname", "user", "labels", "healthcheck",
)  # fmt: skip


@dataclass
class ContainerPort:
    internal: int
    external: pulumi.Input[int]
    # Loopback by default: services are for this machine, not its network.
    ip: str = "127.0.0.1"
    protocol: str = "tcp"


@dataclass
class ContainerVolume:
    container_path: str
    volume_name: pulumi.Input[str] | None = None
    host_path: str | None = None
    read_only: bool = False


@dataclass
class NetworkAttachment:
    name: pulumi.Input[str]
    aliases: list[str] = field(default_factory=list)


@dataclass
class Healthcheck:
    """Docker's health check: every `interval` once the container runs, since each probe is a process
    started in the container and a few seconds apart they would cost an idle stack more than its own work.
    While it starts, Docker probes every `start_interval` (engines with API 1.44 or later) and the provider
    runs the check itself every second (`wait_until_ready`), so `create` returns as soon as it passes."""

    tests: list[str]  # Docker form: ["CMD", "/usr/local/bin/healthcheck"]
    interval: str = "30s"
    timeout: str = "10s"
    retries: int = 3
    start_period: str = "240s"
    start_interval: str = "2s"  # Docker API 1.44 (Engine 25) or later


@dataclass
class ContainerArgs:
    name: pulumi.Input[str]
    image: pulumi.Input[str]
    labels: pulumi.Input[dict[str, str]]
    command: list[pulumi.Input[str]] | None = None
    entrypoints: list[str] | None = None
    envs: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    # Kept apart from `envs` so they stay secret in state and previews.
    secret_envs: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    ports: list[ContainerPort] = field(default_factory=list)
    volumes: list[ContainerVolume] = field(default_factory=list)
    networks_advanced: list[NetworkAttachment] = field(default_factory=list)
    hostname: str | None = None
    user: str | None = None
    restart: str = "unless-stopped"
    memory: int | None = None  # MiB
    # Seconds `docker stop` (and a stopping daemon) waits after SIGTERM before SIGKILL; None: Docker's 10.
    stop_timeout: int | None = None
    healthcheck: Healthcheck | None = None
    wait: bool = True
    wait_timeout: int = 180  # seconds
    must_run: bool = True


_DURATION = re.compile(r"^(\d+)(ms|s|m|h)$")
_NS = {"ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def duration_ns(text: str) -> int:
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"duration {text!r} is not of the form 500ms, 5s, 2m or 1h")
    return int(m.group(1)) * _NS[m.group(2)]


def _megabytes(memory: float | None) -> str | None:
    # The engine hands numbers over as floats (9092.0): Docker wants integers.
    return f"{int(memory)}m" if memory else None


def _logs_tail(dc: docker.DockerClient, cid: str, lines: int = 40) -> str:
    try:
        return dc.api.logs(cid, tail=lines).decode(errors="replace").rstrip()
    except docker.errors.APIError:
        return "(no logs)"


def _probe(dc: docker.DockerClient, cid: str, tests: list[str]) -> tuple[bool, str]:
    """Run the container's health check command once, now: (passed, its output)."""
    kind, *command = tests
    if kind == "CMD-SHELL":
        command = ["/bin/sh", "-c", *command]
    elif kind != "CMD":
        return False, f"health check of kind {kind} is not run by the provider"
    try:
        done = dc.containers.get(cid).exec_run(command)
    except docker.errors.APIError as exc:  # not running (yet, or any more)
        return False, str(exc)
    return done.exit_code == 0, done.output.decode(errors="replace").strip()


def wait_until_ready(
    dc: docker.DockerClient, cid: str, name: str, timeout_s: int, progress: Progress | None = None
) -> None:
    """Block until the container passes its health check, or runs if it has none; raise with its logs.

    The provider runs the check itself every second while Docker's own status is still `starting`: an
    engine older than API 1.44 ignores `start_interval` and would first probe only after `interval`.
    `progress` shows how long it has waited and the last probe's answer.
    """
    last_probe = ""

    def check() -> str | None:
        """ "" once ready, why it never will be once it exited, None while it starts."""
        nonlocal last_probe
        attrs = dc.api.inspect_container(cid)
        state = attrs["State"]
        health = state.get("Health")
        if state.get("Running") and (health is None or health.get("Status") == "healthy"):
            return ""
        if state.get("Status") in ("exited", "dead") or state.get("Restarting"):
            return f"exited with code {state.get('ExitCode')}"
        tests = (attrs["Config"].get("Healthcheck") or {}).get("Test") or []
        if state.get("Running") and tests:
            passed, last_probe = _probe(dc, cid, tests)
            if passed:
                return ""
        return None

    def report(waited_s: float) -> None:
        if progress:
            waited = f"waiting for {name} to be healthy: {waited_s:.0f}s of {timeout_s}s"
            progress.status(f"{waited} (last probe: {last_probe})" if last_probe else waited)

    reason = poll_until(check, timeout_s, 1, report)
    if reason == "":
        return
    if reason is None:
        reason = f"not healthy after {timeout_s}s" + (f" (last health probe: {last_probe})" if last_probe else "")
    raise ContainerStartError(f"container {name} {reason}; its last log lines:\n{_logs_tail(dc, cid)}")


def _live_state(id_: str) -> str | None:
    """running, stopped or missing; None when Docker does not answer (the diff then goes by the state)."""
    try:
        state = client().api.inspect_container(id_)["State"]
    except docker.errors.NotFound:
        return "missing"
    except (docker.errors.DockerException, DockerUnavailableError):
        return None
    return "running" if state.get("Running") else "stopped"


class ContainerProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        dc = client()
        api = dc.api
        networks = props.get("networks_advanced") or []
        ports = props.get("ports") or []
        volumes = props.get("volumes") or []
        host_config = api.create_host_config(
            port_bindings={
                f"{int(p['internal'])}/{p.get('protocol', 'tcp')}": (p.get("ip", "127.0.0.1"), int(p["external"]))
                for p in ports
            },
            binds={
                (v.get("volume_name") or v["host_path"]): {
                    "bind": v["container_path"],
                    "mode": "ro" if v.get("read_only") else "rw",
                }
                for v in volumes
            },
            restart_policy={"Name": props.get("restart", "unless-stopped")},
            mem_limit=_megabytes(props.get("memory")),
            # No swap on top: the limit is the limit, and update can move it either way.
            memswap_limit=_megabytes(props.get("memory")),
            network_mode=networks[0]["name"] if networks else None,
        )
        networking_config = None
        if networks:
            first = networks[0]
            networking_config = api.create_networking_config(
                {first["name"]: api.create_endpoint_config(aliases=first.get("aliases") or None)}
            )
        hc = props.get("healthcheck")
        healthcheck = None
        if hc:
            healthcheck = docker.types.Healthcheck(
                test=hc["tests"],
                interval=duration_ns(hc.get("interval", "30s")),
                timeout=duration_ns(hc.get("timeout", "10s")),
                retries=int(hc.get("retries", 3)),
                start_period=duration_ns(hc.get("start_period", "0s")),
            )
            if hc.get("start_interval"):
                # docker-py 7.1 does not know this field; the engine does.
                healthcheck["StartInterval"] = duration_ns(hc["start_interval"])
        env = {**(props.get("envs") or {}), **(props.get("secret_envs") or {})}
        created = api.create_container(
            image=props["image"],
            name=props["name"],
            command=props.get("command"),
            entrypoint=props.get("entrypoints"),
            environment=[f"{k}={v}" for k, v in sorted(env.items())],
            ports=[(int(p["internal"]), p.get("protocol", "tcp")) for p in ports],
            volumes=[v["container_path"] for v in volumes],
            hostname=props.get("hostname"),
            user=props.get("user"),
            labels=props.get("labels") or {},
            stop_timeout=int(props["stop_timeout"]) if props.get("stop_timeout") else None,
            healthcheck=healthcheck,
            host_config=host_config,
            networking_config=networking_config,
        )
        cid = created["Id"]
        try:
            for extra in networks[1:]:
                api.connect_container_to_network(cid, extra["name"], aliases=extra.get("aliases") or None)
            api.start(cid)
            if props.get("wait", True):
                wait_until_ready(dc, cid, props["name"], int(props.get("wait_timeout", 180)), Progress(props))
        except Exception:
            # Create must be all-or-nothing: a half-made container would be invisible to Pulumi.
            api.remove_container(cid, force=True, v=True)
            raise
        return CreateResult(cid, {**props, "container_id": cid, "running": True})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in REPLACING if olds.get(k) != news.get(k)]
        in_place = [k for k in IN_PLACE if olds.get(k) != news.get(k)]
        # What runs now, not only what the last refresh saw: `pulumi up` alone brings back a container
        # that was killed (Docker does not restart those) or removed.
        live = _live_state(id_)
        if live == "missing":
            replaces.append("container_id")
        stopped = news.get("must_run", True) and (olds.get("running") is False or live == "stopped")
        return DiffResult(
            changes=bool(replaces or in_place or stopped),
            replaces=replaces,
            delete_before_replace=True,  # the name is fixed, so old and new cannot exist side by side
        )

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        dc = client()
        dc.api.update_container(
            id_,
            restart_policy={"Name": news.get("restart", "unless-stopped")},
            mem_limit=_megabytes(news.get("memory")),
            memswap_limit=_megabytes(news.get("memory")),
        )
        if news.get("must_run", True) and not dc.api.inspect_container(id_)["State"].get("Running"):
            dc.api.start(id_)
        if news.get("wait", True):
            wait_until_ready(dc, id_, news["name"], int(news.get("wait_timeout", 180)), Progress(news))
        return UpdateResult({**news, "container_id": id_, "running": True})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """What runs now: gone, stopped or running, and what `docker update` can change behind Pulumi's back
        (memory limit, restart policy), so `pulumi refresh` shows such drift and `up` puts it back."""
        try:
            attrs = client().api.inspect_container(id_)
        except docker.errors.NotFound:
            return ReadResult("", {})
        host = attrs.get("HostConfig") or {}
        memory = host.get("Memory") or 0
        live = {
            "running": bool(attrs["State"].get("Running")),
            "memory": memory // (1024 * 1024) if memory else None,
            "restart": (host.get("RestartPolicy") or {}).get("Name") or "no",
        }
        return ReadResult(id_, {**props, **live})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api = client().api
        try:
            api.stop(id_, timeout=max(30, int(props.get("stop_timeout") or 0)))
            # v: the anonymous volumes of the image's VOLUME paths that no mount covers go too; named ones stay.
            api.remove_container(id_, force=True, v=True)
        except docker.errors.NotFound:
            return


class Container(Resource, module="docker", name="Container"):
    container_id: pulumi.Output[str]
    running: pulumi.Output[bool]

    def __init__(self, resource_name: str, args: ContainerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["secret_envs"]))
        props = {**to_props(args), "container_id": None, "running": None}
        props[URN_KEY] = own_urn(Container, resource_name, opts)
        if args.secret_envs:
            props["secret_envs"] = pulumi.Output.secret(props["secret_envs"])
        super().__init__(ContainerProvider(), resource_name, props, opts)
