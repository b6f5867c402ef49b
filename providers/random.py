"""`RandomPassword` (official provider: random.RandomPassword): a generated secret kept in the stack state,
so no credential is ever written into the repository."""

from __future__ import annotations

import secrets
import string
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider

_ALPHABET = string.ascii_letters + string.digits


class RandomPasswordProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        length = int(props["length"])
        result = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        return CreateResult(secrets.token_hex(8), {**props, "result": result})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A new length or keeper means a new password; otherwise it never changes.
        replaces = [k for k in ("length", "keepers") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces), replaces=replaces)


class RandomPassword(Resource, module="random", name="RandomPassword"):
    result: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        length: int = 32,
        keepers: dict[str, str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["result"]))
        props = {"length": length, "keepers": keepers or {}, "result": None}
        super().__init__(RandomPasswordProvider(), resource_name, props, opts)
