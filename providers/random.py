"""`RandomPassword` and `RandomId` (official provider: random.RandomPassword, random.RandomId): generated
secrets kept in the stack state, so no credential is ever written into the repository."""

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


class RandomIdProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        value = props.get("prefix", "") + secrets.token_hex(int(props["byte_length"]))
        # The id is not the value (the official provider's is its base64): ids are never secret.
        return CreateResult(secrets.token_hex(8), {**props, "hex": value})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # As the official provider: any input changed means new bytes; otherwise they never change.
        replaces = [k for k in ("byte_length", "prefix", "keepers") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces), replaces=replaces)


class RandomId(Resource, module="random", name="RandomId"):
    """`byte_length` random bytes as `hex` (2 x byte_length lower-case hex digits) after `prefix`, as the
    official random.RandomId's `hex`. Unlike it, `hex` is a secret: here it is always a key."""

    hex: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        byte_length: int,
        prefix: str = "",
        keepers: dict[str, str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["hex"]))
        props = {"byte_length": byte_length, "prefix": prefix, "keepers": keepers or {}, "hex": None}
        super().__init__(RandomIdProvider(), resource_name, props, opts)
