"""Pulumi mocks for the unit tests: every resource's inputs recorded, plausible computed outputs."""

from __future__ import annotations

import asyncio
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from providers.random import RandomIdProvider

PROGRAM = Path(__file__).resolve().parents[2] / "__main__.py"


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every resource's inputs and answers with plausible computed outputs."""

    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}
        self.dependencies: dict[str, set[str]] = {}  # resource name -> the names of the resources it waits for

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        outs = dict(args.inputs)
        kind = args.typ.rsplit(":", 1)[-1]
        if kind in ("BaseImage", "Image"):
            outs["image_ref"] = f"{args.name}:mock"
        if kind == "Container":
            outs["container_id"] = f"{args.name}-cid"
        if kind == "RandomPassword":
            outs["result"] = f"{args.name}-generated"
        if kind == "RandomId":  # the real provider's value: the tests check its form
            outs["hex"] = RandomIdProvider().create(dict(args.inputs)).outs["hex"]
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class RecordingMonitor(MockMonitor):
    """Also records what each resource depends on (`depends_on` and the outputs among its inputs)."""

    def RegisterResource(self, request):  # noqa: N802 (the gRPC method's name)
        response = super().RegisterResource(request)
        self.mocks.dependencies[request.name] = {urn.rsplit("::", 1)[-1] for urn in request.dependencies}
        return response


@pytest.fixture
def mocks():
    # Pulumi's runtime takes the thread's current event loop; an async test run before may have closed it.
    try:
        closed = asyncio.get_event_loop_policy().get_event_loop().is_closed()
    except RuntimeError:  # none left
        closed = True
    if closed:
        asyncio.set_event_loop(asyncio.new_event_loop())
    m = RecordingMocks()
    pulumi.runtime.set_mocks(m, project="streaming-lakehouse", stack="unit", preview=False, monitor=RecordingMonitor(m))
    return m


def unsecret(value):
    """Mocks see a secret input in its wire form: {<secret signature>: ..., "value": ...}."""
    assert isinstance(value, dict), f"{value!r} is not a secret"
    assert rpc._special_secret_sig in value.values(), f"{value!r} is not a secret"
    return value["value"]


@pytest.fixture
def program(mocks: RecordingMocks, stack_config: Callable[[dict], Any]) -> Callable[[dict], dict[str, Any]]:
    """Runs the real __main__.py under the mocks with this stack config, so the tests check the composition
    `pulumi up` declares, not a copy of it. Returns the program's globals (its components by name)."""

    def run(values: dict) -> dict[str, Any]:
        stack_config(values)
        return runpy.run_path(str(PROGRAM))

    return run
