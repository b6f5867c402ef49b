"""Container provider against the real Docker engine."""

from __future__ import annotations

import docker.errors
import pytest

from providers.docker.container import ContainerProvider, duration_ns
from providers.errors import ContainerStartError

pytestmark = pytest.mark.docker  # needs a Docker engine


@pytest.fixture
def network(dc, name, labels):
    net = dc.networks.create(f"{name}-net", labels=labels)
    yield net.name
    net.remove()


def _props(name, image, labels, network=None, **overrides):
    """Props as the engine hands them over: numbers arrive as floats."""
    props = {
        "name": name,
        "image": image,
        "labels": labels,
        "envs": {"READY_AFTER": "2"},
        "secret_envs": {},
        "ports": [{"internal": 8080.0, "external": 0.0, "ip": "127.0.0.1", "protocol": "tcp"}],
        "volumes": [],
        "networks_advanced": [{"name": network, "aliases": ["svc"]}] if network else [],
        "restart": "unless-stopped",
        "healthcheck": {
            "tests": ["CMD", "test", "-f", "/tmp/ready"],
            "interval": "1s",
            "timeout": "2s",
            "retries": 3.0,
            "start_period": "60s",
            "start_interval": "500ms",
        },
        "memory": 64.0,
        "wait": True,
        "wait_timeout": 30.0,
        "must_run": True,
    }
    return {**props, **overrides}


def test_create_waits_until_healthy_and_applies_every_setting(dc, name, labels, tiny_image, network):
    p = ContainerProvider()
    props = _props(name, tiny_image, labels, network, secret_envs={"TOKEN": "s3cret"})
    created = p.create(props)
    try:
        attrs = dc.api.inspect_container(created.id)
        # create returned only once the service was ready (its health check passes), not merely started
        assert dc.containers.get(created.id).exec_run(["test", "-f", "/tmp/ready"]).exit_code == 0
        assert attrs["Name"] == f"/{name}"
        # Ours are all there; the image may add its own (a container inherits its image's labels).
        assert labels.items() <= attrs["Config"]["Labels"].items()
        assert "READY_AFTER=2" in attrs["Config"]["Env"]
        assert "TOKEN=s3cret" in attrs["Config"]["Env"]
        assert attrs["HostConfig"]["PortBindings"]["8080/tcp"][0]["HostIp"] == "127.0.0.1"
        assert attrs["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
        assert attrs["HostConfig"]["Memory"] == 64 * 1024 * 1024
        # Quick probes while starting, rare ones after: what keeps an idle stack cheap. Engines before API
        # 1.44 drop start_interval (the provider then probes by itself while the container starts).
        assert attrs["Config"]["Healthcheck"]["Interval"] == 1_000_000_000
        if tuple(map(int, dc.api.api_version.split("."))) >= (1, 44):
            assert attrs["Config"]["Healthcheck"]["StartInterval"] == 500_000_000
        assert attrs["NetworkSettings"]["Networks"][network]["Aliases"][:1] == ["svc"]
        assert created.outs["running"] is True
        anonymous = [m["Name"] for m in attrs["Mounts"] if m["Type"] == "volume"]
        assert anonymous, attrs["Mounts"]  # the image's VOLUME
    finally:
        p.delete(created.id, created.outs)
    with pytest.raises(docker.errors.NotFound):
        dc.api.inspect_container(created.id)
    # Nothing left behind: the image's anonymous volume went with the container.
    assert not {v.name for v in dc.volumes.list()} & set(anonymous)
    p.delete(created.id, created.outs)  # already gone: fine


def test_a_container_that_exits_fails_create_with_its_logs_and_is_removed(dc, name, labels, tiny_image):
    p = ContainerProvider()
    with pytest.raises(ContainerStartError) as err:
        p.create(_props(name, tiny_image, labels, envs={"EXIT_CODE": "3"}, restart="no"))
    assert "exited with code 3" in str(err.value)
    assert "failing on purpose" in str(err.value)
    assert dc.containers.list(all=True, filters={"name": f"^/{name}$"}) == []


def test_a_container_that_never_gets_healthy_times_out_with_the_last_probe(dc, name, labels, tiny_image):
    p = ContainerProvider()
    with pytest.raises(ContainerStartError) as err:
        p.create(_props(name, tiny_image, labels, envs={"READY_AFTER": "600"}, wait_timeout=4))
    assert "not healthy after 4s" in str(err.value)
    assert "service starting" in str(err.value)
    assert dc.containers.list(all=True, filters={"name": f"^/{name}$"}) == []


def test_diff_separates_in_place_updates_from_replacements(name, labels, tiny_image):
    p = ContainerProvider()
    created = p.create(_props(name, tiny_image, labels))
    cid, olds = created.id, created.outs
    try:
        assert p.diff(cid, olds, _props(name, tiny_image, labels)).changes is False
        env = p.diff(cid, olds, _props(name, tiny_image, labels, envs={"READY_AFTER": "3"}))
        assert (env.changes, env.replaces, env.delete_before_replace) == (True, ["envs"], True)
        assert p.diff(cid, olds, _props(name, "other:tag", labels)).replaces == ["image"]
        secret = p.diff(cid, olds, _props(name, tiny_image, labels, secret_envs={"T": "x"}))
        assert secret.replaces == ["secret_envs"]
        memory = p.diff(cid, olds, _props(name, tiny_image, labels, memory=128))
        assert (memory.changes, memory.replaces) == (True, [])
        stopped = p.diff(cid, {**olds, "running": False}, _props(name, tiny_image, labels))
        assert (stopped.changes, stopped.replaces) == (True, [])  # the update starts it again
    finally:
        p.delete(cid, olds)


def test_diff_sees_a_killed_or_removed_container_without_a_refresh(dc, name, labels, tiny_image):
    p = ContainerProvider()
    props = _props(name, tiny_image, labels)
    created = p.create(props)
    try:
        dc.api.kill(created.id)  # Docker does not restart a killed container, whatever its policy
        killed = p.diff(created.id, created.outs, props)  # the state still says running
        assert (killed.changes, killed.replaces) == (True, [])
        p.update(created.id, created.outs, props)
        assert dc.api.inspect_container(created.id)["State"]["Running"] is True

        dc.api.remove_container(created.id, force=True, v=True)
        assert p.diff(created.id, created.outs, props).replaces == ["container_id"]
    finally:
        p.delete(created.id, created.outs)


def test_read_sees_a_stopped_or_removed_container_and_update_restarts_it(dc, name, labels, tiny_image):
    p = ContainerProvider()
    props = _props(name, tiny_image, labels)
    created = p.create(props)
    try:
        assert p.read(created.id, created.outs).outs["running"] is True
        dc.api.stop(created.id, timeout=1)
        refreshed = p.read(created.id, created.outs)
        assert refreshed.outs["running"] is False
        assert p.diff(created.id, refreshed.outs, {**props, "memory": 96.0}).changes is True

        updated = p.update(created.id, refreshed.outs, {**props, "memory": 96.0}).outs
        attrs = dc.api.inspect_container(created.id)
        assert attrs["State"]["Running"] is True
        assert dc.containers.get(created.id).exec_run(["test", "-f", "/tmp/ready"]).exit_code == 0  # ready again
        assert attrs["HostConfig"]["Memory"] == 96 * 1024 * 1024
        assert updated["running"] is True

        dc.api.remove_container(created.id, force=True, v=True)
        assert p.read(created.id, created.outs).id == ""
    finally:
        p.delete(created.id, created.outs)


def test_refresh_sees_docker_update_behind_pulumis_back_and_update_puts_it_back(dc, name, labels, tiny_image):
    p = ContainerProvider()
    props = _props(name, tiny_image, labels)  # 64 MiB, unless-stopped
    created = p.create(props)
    try:
        dc.api.update_container(created.id, mem_limit="128m", memswap_limit="128m", restart_policy={"Name": "no"})
        refreshed = p.read(created.id, created.outs).outs
        assert (refreshed["memory"], refreshed["restart"]) == (128, "no")
        diff = p.diff(created.id, refreshed, props)
        assert (diff.changes, diff.replaces) == (True, [])  # Docker can put both back in place

        p.update(created.id, refreshed, props)
        host = dc.api.inspect_container(created.id)["HostConfig"]
        assert (host["Memory"], host["RestartPolicy"]["Name"]) == (64 * 1024 * 1024, "unless-stopped")
        assert p.diff(created.id, p.read(created.id, created.outs).outs, props).changes is False
    finally:
        p.delete(created.id, created.outs)


def test_durations_use_dockers_units():
    assert duration_ns("500ms") == 500_000_000
    assert duration_ns("5s") == 5_000_000_000
    assert duration_ns("2m") == 120_000_000_000
    with pytest.raises(ValueError, match="5 seconds"):
        duration_ns("5 seconds")
