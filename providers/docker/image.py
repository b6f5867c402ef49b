"""`Image`: a project image built from a context in this repository (official provider: docker.Image).

The tag is a digest of what Docker builds (the context's files less those its ignore file excludes: the
Dockerfile's own `<Dockerfile>.dockerignore` if there is one, else the context's `.dockerignore`; with the
Dockerfile, the build args and the target), so a changed context yields a new tag and the containers
using it are replaced; an unchanged one, or one whose only change is an ignored file such as its README,
is never rebuilt. Images are kept on delete: they are a build cache shared by stacks, pruned by `make clean-images`.

While it builds, the current step shows on the resource's line in `pulumi up`, and the whole build log
is written to `logs/builds/<image>-<tag>.log` (`build_log_path`) as it comes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from providers.docker.client import (
    build_log_error,
    build_log_path,
    client,
    context_tar,
    digest_context,
    digest_values,
    project_root,
)
from providers.errors import ImageBuildError
from providers.progress import URN_KEY, Progress, own_urn
from providers.props import to_props

BUILD_TIMEOUT_S = 3600


@dataclass
class DockerBuild:
    # Relative to the project root, so the state does not depend on where the repo is checked out.
    context: str
    dockerfile: str = "Dockerfile"
    args: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    target: str | None = None


@dataclass
class ImageArgs:
    image_name: str  # repository part of the tag, e.g. "lakehouse-kafka"
    build: DockerBuild
    labels: pulumi.Input[dict[str, str]]


def image_tag(props: dict[str, Any]) -> str:
    build = props["build"]
    key = digest_values(props["context_digest"], build.get("dockerfile"), build.get("args", {}), build.get("target"))
    return f"{props['image_name']}:{key[:16]}"


class ImageProvider(ResourceProvider):
    def _build(self, props: dict[str, Any]) -> dict[str, Any]:
        tag = image_tag(props)
        dc = client(timeout=BUILD_TIMEOUT_S)
        try:
            return {**props, "image_ref": tag, "image_id": dc.images.get(tag).id}
        except docker.errors.ImageNotFound:
            pass
        progress = Progress(props)
        progress.status(f"building {tag}: sending the context (log: {build_log_path(tag)})", force=True)
        log: list[str] = []
        os.makedirs(os.path.dirname(build_log_path(tag)), exist_ok=True)
        with open(build_log_path(tag), "w", buffering=1) as log_file:
            try:
                self._stream(dc, props, tag, log, log_file, progress)
            except docker.errors.APIError as exc:
                raise ImageBuildError(
                    build_log_error(log, f"building {tag} failed (whole log: {build_log_path(tag)}): {exc}")
                ) from exc
        return {**props, "image_ref": tag, "image_id": dc.images.get(tag).id}

    @staticmethod
    def _stream(
        dc: docker.DockerClient, props: dict[str, Any], tag: str, log: list[str], log_file: Any, progress: Progress
    ) -> None:
        """Run the build, keeping its output in `log` and `log_file` and its current step in `progress`."""
        build = props["build"]
        dockerfile = build.get("dockerfile", "Dockerfile")
        step = ""
        # The context sent is the tar of exactly the files the tag's digest covers (context_files), so a
        # Dockerfile's own ignore file applies though the engine's legacy builder does not know it. The
        # request has sent the whole tar by the time `build` returns the output stream.
        with context_tar(os.path.join(project_root(), build["context"]), dockerfile) as context:
            # Host networking: RUN steps download from package registries; containers never need it later.
            stream = dc.api.build(
                fileobj=context,
                custom_context=True,
                dockerfile=dockerfile,
                tag=tag,
                buildargs=build.get("args") or {},
                target=build.get("target"),
                labels=props.get("labels") or {},
                network_mode="host",
                rm=True,
                forcerm=True,
                decode=True,
            )
        for chunk in stream:
            text = str(chunk.get("stream", ""))
            if text:
                log.append(text)
                log_file.write(text)
                if text.startswith("Step "):
                    step = text.strip()
                    progress.status(step, force=True)
                elif text.strip():
                    progress.status(f"{step[:60]} | {text.strip()}" if step else text)
            if "error" in chunk:
                log_file.write(str(chunk["error"]))
                what = f"building {tag} failed (whole log: {build_log_path(tag)})"
                raise ImageBuildError(build_log_error([*log, chunk["error"]], what))

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._build(props)
        return CreateResult(outs["image_ref"], outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if olds.get("image_name") != news.get("image_name"):
            return DiffResult(changes=True, replaces=["image_name"])
        changes = [k for k in ("build", "context_digest", "labels") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changes), replaces=[])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._build(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            image = client().images.get(props.get("image_ref") or id_)
        except docker.errors.ImageNotFound:
            return ReadResult("", {})
        return ReadResult(id_, {**props, "image_id": image.id})


class Image(Resource, module="docker", name="Image"):
    image_ref: pulumi.Output[str]
    image_id: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = to_props(args)
        context = os.path.join(project_root(), args.build.context)
        props["context_digest"] = digest_context(context, args.build.dockerfile)
        props[URN_KEY] = own_urn(Image, resource_name, opts)
        super().__init__(ImageProvider(), resource_name, {**props, "image_ref": None, "image_id": None}, opts)
