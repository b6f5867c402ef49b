"""What a provider is doing, shown on its resource's line while `pulumi up` runs.

A cold `pulumi up` builds images for many minutes; without this the user sees only `creating (319s)`.
With it the line reads `creating (319s) Step 9/14 : RUN mvn package` or `creating (41s) waiting for
healthy: 38s of 180s`. Messages are ephemeral: each replaces the last, none stays in the final output.

The engine starts a dynamic provider as `python -m pulumi.dynamic <engine address>` and serves its Log
RPC at that address. The SDK's `pulumi.log` needs the `Resource` object, which a provider never has, so a
resource that reports progress passes its own URN in as the input `URN_KEY` (`resource_urn`) and the
messages go to that RPC with it. Outside an engine (provider tests call providers directly) nothing is sent.
"""

from __future__ import annotations

import contextlib
import sys
import time
from functools import cache
from typing import Any

import grpc
import pulumi
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

URN_KEY = "resource_urn"
_MAX_CHARS = 120  # one terminal line beside the resource's name and its timer


def own_urn(resource: type, resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.Output[str]:
    """The URN the engine will give a dynamic resource of class `resource` named `resource_name`."""
    type_ = f"pulumi-python:{resource._resource_type_name}"  # as pulumi.dynamic.Resource registers it
    parent = opts.parent if opts else None
    # The parent's URN as a plain value: an input that depends on the resource's own parent is a cycle.
    parent_urn = pulumi.Output.from_input(parent.urn.future()) if parent else None
    return pulumi.create_urn(resource_name, type_, parent=parent_urn)


@cache
def _engine() -> engine_pb2_grpc.EngineStub | None:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is None or spec.name != "pulumi.dynamic.__main__" or len(sys.argv) < 2:
        return None
    return engine_pb2_grpc.EngineStub(grpc.insecure_channel(sys.argv[1]))


class Progress:
    """Status messages on one resource, at most one per `every_s` seconds unless forced.

    `props` are the provider's inputs; without `resource_urn` in them (a resource made before this
    existed, or a test) every call is a no-op.
    """

    def __init__(self, props: dict[str, Any], every_s: float = 2.0) -> None:
        self._urn = props.get(URN_KEY) or ""
        self._every_s = every_s
        self._last = 0.0

    def status(self, message: str, *, force: bool = False) -> None:
        """Show `message` (first line, cut to one terminal line) beside the resource's timer."""
        now = time.monotonic()
        if not force and now - self._last < self._every_s:
            return
        self._last = now
        line = message.strip().splitlines()[0] if message.strip() else ""
        self._log(engine_pb2.INFO, line[:_MAX_CHARS], ephemeral=True)

    def warn(self, message: str) -> None:
        """A warning that stays in the output, under the resource's diagnostics."""
        self._log(engine_pb2.WARNING, message, ephemeral=False)

    def _log(self, severity: int, message: str, *, ephemeral: bool) -> None:
        engine = _engine()
        if engine is None or not self._urn:
            if not ephemeral:
                pulumi.log.warn(message)
            return
        request = engine_pb2.LogRequest(severity=severity, message=message, urn=self._urn, ephemeral=ephemeral)
        with contextlib.suppress(grpc.RpcError):  # progress must never fail the work it reports on
            engine.Log(request)
