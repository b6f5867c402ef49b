"""`IamPolicy` and `IamUser` (official provider: minio.IamPolicy, minio.IamUser with a policy attachment):
an access key per engine, limited by policy to what that engine needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from minio.error import MinioAdminException
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from providers.errors import ObjectStoreError
from providers.minio.connection import CONNECTION_KEYS, MinioConnection, admin, resource_inputs


def bucket_policy(bucket: str, read_only: bool = False) -> dict[str, Any]:
    """An IAM policy document limited to one bucket and the objects in it."""
    object_actions = ["s3:GetObject"] if read_only else ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}"],
            },
            {"Effect": "Allow", "Action": object_actions, "Resource": [f"arn:aws:s3:::{bucket}/*"]},
        ],
    }


def canonical_policy(policy: dict[str, Any]) -> str:
    """A policy's meaning, independent of how MinIO orders or shortens what it returns."""

    def as_list(value: Any) -> list[str]:
        return sorted([value] if isinstance(value, str) else list(value or []))

    statements = sorted(
        json.dumps(
            {k: as_list(v) if k in ("Action", "Resource") else v for k, v in st.items() if v not in ("", None)},
            sort_keys=True,
        )
        for st in policy.get("Statement", [])
    )
    return json.dumps({"Version": policy.get("Version"), "Statement": statements})


def _missing(exc: MinioAdminException) -> bool:
    return exc._code in ("404",) or "does not exist" in exc._body or "NoSuch" in exc._body


@dataclass
class IamPolicyArgs:
    name: str
    policy: dict[str, Any]
    connection: MinioConnection


class IamPolicyProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            admin(props).policy_add(props["name"], policy=props["policy"])
        except MinioAdminException as exc:
            raise ObjectStoreError(f"creating policy {props['name']}: {exc}") from exc
        return CreateResult(props["name"], dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["name"] if olds.get("name") != news.get("name") else []
        in_place = [k for k in CONNECTION_KEYS if olds.get(k) != news.get(k)]
        if canonical_policy(olds.get("policy") or {}) != canonical_policy(news.get("policy") or {}):
            in_place.append("policy")
        return DiffResult(changes=bool(replaces or in_place), replaces=replaces)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        admin(news).policy_add(news["name"], policy=news["policy"])  # add overwrites
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            info = json.loads(admin(props).policy_info(id_))
        except MinioAdminException as exc:
            if _missing(exc):
                return ReadResult("", {})
            raise
        return ReadResult(id_, {**props, "policy": info.get("Policy", info)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            admin(props).policy_remove(id_)
        except MinioAdminException as exc:
            if not _missing(exc):
                raise


class IamPolicy(Resource, module="minio", name="IamPolicy"):
    name: pulumi.Output[str]

    def __init__(self, resource_name: str, args: IamPolicyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props, opts = resource_inputs(args, opts)
        super().__init__(IamPolicyProvider(), resource_name, props, opts)


@dataclass
class IamUserArgs:
    name: str  # the access key
    secret: pulumi.Input[str]  # the secret key
    connection: MinioConnection
    policy_names: list[pulumi.Input[str]] = field(default_factory=list)


class IamUserProvider(ResourceProvider):
    def _apply(self, props: dict[str, Any], detach: list[str]) -> None:
        client = admin(props)
        client.user_add(props["name"], props["secret"])  # add also resets the secret of an existing user
        if detach:
            client.detach_policy(detach, user=props["name"])
        if props.get("policy_names"):
            attached = set(self._attached(props))
            missing = [p for p in props["policy_names"] if p not in attached]
            if missing:
                client.attach_policy(missing, user=props["name"])

    def _attached(self, props: dict[str, Any]) -> list[str]:
        info = json.loads(admin(props).user_info(props["name"]))
        return [p for p in (info.get("policyName") or "").split(",") if p]

    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            self._apply(props, detach=[])
        except MinioAdminException as exc:
            raise ObjectStoreError(f"creating user {props['name']}: {exc}") from exc
        return CreateResult(props["name"], dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["name"] if olds.get("name") != news.get("name") else []
        in_place = [k for k in ("secret", "policy_names", *CONNECTION_KEYS) if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces or in_place), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        dropped = [p for p in olds.get("policy_names") or [] if p not in (news.get("policy_names") or [])]
        self._apply(news, detach=dropped)
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            policies = self._attached({**props, "name": id_})
        except MinioAdminException as exc:
            if _missing(exc):
                return ReadResult("", {})
            raise
        return ReadResult(id_, {**props, "policy_names": policies})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            admin(props).user_remove(id_)
        except MinioAdminException as exc:
            if not _missing(exc):
                raise


class IamUser(Resource, module="minio", name="IamUser"):
    name: pulumi.Output[str]
    secret: pulumi.Output[str]

    def __init__(self, resource_name: str, args: IamUserArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props, opts = resource_inputs(args, opts, "secret")
        super().__init__(IamUserProvider(), resource_name, props, opts)
