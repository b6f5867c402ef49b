"""`Volume`: a named local volume (official provider: docker.Volume)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider

from providers.docker.client import changed_keys, client
from providers.errors import ResourceInUseError
from providers.props import to_props

_INPUTS = ("name", "driver", "labels")


@dataclass
class VolumeArgs:
    name: pulumi.Input[str]
    labels: pulumi.Input[dict[str, str]]
    driver: pulumi.Input[str] = "local"


class VolumeProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        vol = client().volumes.create(name=props["name"], driver=props.get("driver", "local"), labels=props["labels"])
        return CreateResult(vol.name, {**props, "mountpoint": vol.attrs.get("Mountpoint", "")})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = changed_keys(olds, news, _INPUTS)
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            attrs = client().volumes.get(id_).attrs
        except docker.errors.NotFound:
            return ReadResult("", {})
        outs = {
            **props,
            "name": attrs["Name"],
            "driver": attrs["Driver"],
            "labels": attrs.get("Labels") or {},
            "mountpoint": attrs.get("Mountpoint", ""),
        }
        return ReadResult(id_, outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            client().volumes.get(id_).remove()
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            raise ResourceInUseError(f"volume {id_} is still in use; remove its containers first ({exc})") from exc


class Volume(Resource, module="docker", name="Volume"):
    name: pulumi.Output[str]
    mountpoint: pulumi.Output[str]

    def __init__(self, resource_name: str, args: VolumeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(VolumeProvider(), resource_name, {**to_props(args), "mountpoint": None}, opts)
