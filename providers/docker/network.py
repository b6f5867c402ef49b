"""`Network`: a user-defined bridge network (official provider: docker.Network)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider

from providers.docker.client import changed_keys, client
from providers.errors import ResourceInUseError
from providers.props import to_props

# A network cannot be changed once created: every input change replaces it.
_INPUTS = ("name", "driver", "internal", "labels")


@dataclass
class NetworkArgs:
    name: pulumi.Input[str]
    labels: pulumi.Input[dict[str, str]]
    driver: pulumi.Input[str] = "bridge"
    # No route out of the network at all (containers still reach each other).
    internal: pulumi.Input[bool] = False


class NetworkProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        net = client().networks.create(
            props["name"],
            driver=props.get("driver", "bridge"),
            internal=bool(props.get("internal", False)),
            labels=props.get("labels", {}),
            check_duplicate=True,
        )
        return CreateResult(net.id, {**props, "network_id": net.id})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = changed_keys(olds, news, _INPUTS)
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            attrs = client().networks.get(id_).attrs
        except docker.errors.NotFound:
            return ReadResult("", {})
        outs = {
            **props,
            "name": attrs["Name"],
            "driver": attrs["Driver"],
            "internal": attrs.get("Internal", False),
            "labels": attrs.get("Labels") or {},
            "network_id": attrs["Id"],
        }
        return ReadResult(id_, outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            net = client().networks.get(id_)
        except docker.errors.NotFound:
            return
        try:
            net.remove()
        except docker.errors.APIError as exc:
            users = sorted((net.attrs.get("Containers") or {}).values(), key=lambda c: c.get("Name", ""))
            names = ", ".join(c.get("Name", "?") for c in users)
            raise ResourceInUseError(
                f"network {props.get('name')} is still used by containers [{names}]; remove them first ({exc})"
            ) from exc


class Network(Resource, module="docker", name="Network"):
    name: pulumi.Output[str]
    network_id: pulumi.Output[str]

    def __init__(self, resource_name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NetworkProvider(), resource_name, {**to_props(args), "network_id": None}, opts)


__all__ = ["Network", "NetworkArgs", "NetworkProvider"]
