"""Network and Volume providers against the real Docker engine."""

from __future__ import annotations

import docker.errors
import pytest

from providers.docker.network import NetworkProvider
from providers.docker.volume import VolumeProvider
from providers.errors import ResourceInUseError

pytestmark = pytest.mark.docker  # needs a Docker engine


def test_network_create_read_diff_delete(dc, name, labels):
    p = NetworkProvider()
    props = {"name": name, "driver": "bridge", "internal": False, "labels": labels}
    created = p.create(props)

    net = dc.networks.get(created.id)
    assert net.name == name
    assert net.attrs["Labels"] == labels

    read = p.read(created.id, created.outs)
    assert (read.id, read.outs["name"], read.outs["labels"]) == (created.id, name, labels)

    assert p.diff(created.id, created.outs, props).changes is False
    renamed = p.diff(created.id, created.outs, {**props, "name": f"{name}-2"})
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == (True, ["name"], True)
    assert p.diff(created.id, created.outs, {**props, "internal": True}).replaces == ["internal"]

    p.delete(created.id, created.outs)
    with pytest.raises(docker.errors.NotFound):
        dc.networks.get(created.id)
    assert p.read(created.id, created.outs).id == ""  # refresh drops it from state
    p.delete(created.id, created.outs)  # deleting what is gone is not an error


def test_network_used_by_a_foreign_container_is_not_deleted_and_the_error_names_it(dc, name, labels, tiny_image):
    p = NetworkProvider()
    created = p.create({"name": name, "driver": "bridge", "internal": False, "labels": labels})
    squatter = dc.containers.run(tiny_image, name=f"{name}-squatter", network=name, labels=labels, detach=True)
    try:
        with pytest.raises(ResourceInUseError, match=f"{name}-squatter"):
            p.delete(created.id, created.outs)
        assert dc.networks.get(created.id)
    finally:
        squatter.remove(force=True, v=True)
    p.delete(created.id, created.outs)


def test_volume_create_read_diff_delete_keeps_data_until_deleted(dc, name, labels, base_image):
    p = VolumeProvider()
    props = {"name": name, "driver": "local", "labels": labels}
    created = p.create(props)
    assert created.id == name
    assert dc.volumes.get(name).attrs["Labels"] == labels

    dc.containers.run(base_image, ["sh", "-c", "echo kept > /data/f"], volumes={name: {"bind": "/data"}}, remove=True)
    out = dc.containers.run(base_image, ["cat", "/data/f"], volumes={name: {"bind": "/data"}}, remove=True)
    assert out.strip() == b"kept"

    assert p.read(name, created.outs).outs["labels"] == labels
    assert p.diff(name, created.outs, props).changes is False
    assert p.diff(name, created.outs, {**props, "labels": {**labels, "x": "y"}}).replaces == ["labels"]

    p.delete(name, created.outs)
    with pytest.raises(docker.errors.NotFound):
        dc.volumes.get(name)
    assert p.read(name, created.outs).id == ""
