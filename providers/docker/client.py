"""Shared helpers: the Docker client, ownership labels and diff bookkeeping."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from typing import IO, Any

import docker
import docker.errors
from docker.utils.build import exclude_paths
from docker.utils.build import tar as build_tar

from providers.errors import DockerUnavailableError

# Every Docker object a stack creates carries these, so `make down` and the tests can prove nothing is left.
LABEL_PROJECT = "com.pulumi.project"
LABEL_STACK = "com.pulumi.stack"


def client(timeout: int = 120) -> docker.DockerClient:
    """A client for the engine in DOCKER_HOST (default: the local socket), checked with a ping.

    `timeout` bounds each socket read: builds that stay silent for minutes (compilers) need a long one.
    """
    try:
        c = docker.from_env(timeout=timeout)
        c.ping()
    except docker.errors.DockerException as exc:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise DockerUnavailableError(
            f"Docker engine not reachable at {where}: start dockerd, or run `make bootstrap` as root "
            f"to install and start it ({exc})"
        ) from exc
    return c


def ownership_labels(project: str, stack: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {LABEL_PROJECT: project, LABEL_STACK: stack, **(extra or {})}


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """The input keys whose values differ; a missing key counts as None."""
    return [k for k in keys if olds.get(k) != news.get(k)]


def project_root() -> str:
    """The checkout this provider code was imported from: build contexts are relative to it, so state
    written by one clone diffs cleanly in another."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def digest_tree(path: str) -> str:
    """sha256 over every file's relative path, executable bit and content below `path`."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for fname in sorted(filenames):
            full = os.path.join(dirpath, fname)
            rel = os.path.relpath(full, path)
            h.update(rel.encode() + b"\0" + (b"x" if os.access(full, os.X_OK) else b"-"))
            with open(full, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def ignore_file(path: str, dockerfile: str = "Dockerfile") -> str | None:
    """The ignore file that applies when `dockerfile` (relative to the context `path`) is built, by BuildKit's
    rule: `<dockerfile>.dockerignore` next to the Dockerfile when it exists (for images/dagster/Dockerfile,
    images/dagster/Dockerfile.dockerignore), else the context root's `.dockerignore`; None when neither.

    The engine's legacy builder (docker 20.10) and docker-py only know the root file, so `context_tar`
    applies the rule itself."""
    for candidate in (os.path.join(path, dockerfile + ".dockerignore"), os.path.join(path, ".dockerignore")):
        if os.path.isfile(candidate):
            return candidate
    return None


def ignore_patterns(path: str, dockerfile: str = "Dockerfile") -> list[str]:
    """The patterns of `ignore_file`, read as docker-py reads a `.dockerignore` (blank lines and `#` comments
    dropped); a new list each call, as docker-py's matcher appends to the one it is given."""
    ignore = ignore_file(path, dockerfile)
    if ignore is None:
        return []
    with open(ignore) as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def context_files(path: str, dockerfile: str = "Dockerfile") -> list[str]:
    """The files a build of `dockerfile` sends from the context at `path`, relative to it: all but those its
    ignore file (`ignore_file`) excludes, matched by docker-py's own matcher. docker-py always keeps the
    Dockerfile and the root `.dockerignore` (the engine reads both)."""
    included = exclude_paths(path, ignore_patterns(path, dockerfile), dockerfile=dockerfile)
    return sorted(p for p in included if os.path.isfile(os.path.join(path, p)))


def context_tar(path: str, dockerfile: str = "Dockerfile") -> IO[bytes]:
    """The build context of `dockerfile` at `path` as the tar `api.build(fileobj=..., custom_context=True)`
    sends: docker-py's own helper, given the patterns `context_files` uses, so it holds exactly those files
    (and their directories). A temporary file: close it once the build is sent.

    `dockerfile` is relative to `path` and inside it (as `DockerBuild.dockerfile` always is)."""
    if os.path.relpath(os.path.join(path, dockerfile), path).startswith(".."):
        raise ValueError(f"{dockerfile} is outside the build context {path}")
    return build_tar(path, exclude=ignore_patterns(path, dockerfile), dockerfile=(dockerfile, None))


def digest_context(path: str, dockerfile: str = "Dockerfile") -> str:
    """sha256 over what Docker builds from the context: each file `context_files` lists (what `context_tar`
    sends), by relative path, executable bit and content. A file the ignore file leaves out (a README) does
    not change it."""
    h = hashlib.sha256()
    for rel in context_files(path, dockerfile):
        full = os.path.join(path, rel)
        h.update(rel.encode() + b"\0" + (b"x" if os.access(full, os.X_OK) else b"-"))
        with open(full, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def digest_values(*values: Any) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def build_log_path(tag: str) -> str:
    """Where the build of image `tag` writes its whole log: `<project root>/logs/builds/<name>-<tag>.log`."""
    return os.path.join(project_root(), "logs", "builds", tag.replace(":", "-") + ".log")


def build_log_error(lines: list[str], what: str) -> str:
    tail = "".join(lines[-40:]).rstrip()
    return f"{what}; last lines of the build log:\n{tail}"


def remove_labelled(stack: str) -> None:
    """Force-remove every container, network and volume carrying the stack's label: the last resort when
    state and reality parted (a test that failed half-way, a lost state directory)."""
    dc = client()
    only = {"label": f"{LABEL_STACK}={stack}"}
    for container in dc.containers.list(all=True, filters=only):
        container.remove(force=True, v=True)
    for network in dc.networks.list(filters=only):
        network.remove()
    for volume in dc.volumes.list(filters=only):
        volume.remove(force=True)
