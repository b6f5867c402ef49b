"""`BaseImage`: the Debian image every project image builds FROM.

No container registry may answer, so the image is taken, in order: from the engine if a tag with the
same digest exists; from a registry (`debian:<suite>` plus a layer with the host's CAs) if one
answers; else bootstrapped with mmdebstrap from Debian's package mirror and imported. The host's extra
CA certificates (a TLS-intercepting proxy's, a company's) are installed in it either way, because every
download during later builds fails without them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from providers.docker.client import build_log_error, build_log_path, client, digest_tree, digest_values
from providers.errors import BaseImageError, ImageBuildError
from providers.progress import URN_KEY, Progress, own_urn
from providers.props import to_props

DEFAULT_CA_DIR = "/usr/local/share/ca-certificates"
_IN_IMAGE_CA_DIR = "/usr/local/share/ca-certificates/host"


@dataclass
class BaseImageArgs:
    labels: pulumi.Input[dict[str, str]]
    name: str = "lakehouse-base"
    suite: str = "trixie"
    packages: list[str] = field(default_factory=lambda: ["ca-certificates"])
    # Directory of extra *.crt files to trust; missing or empty is fine.
    ca_dir: str = DEFAULT_CA_DIR


def base_image_tag(props: dict[str, Any]) -> str:
    key = digest_values(props["suite"], sorted(props["packages"]), props["ca_digest"])
    return f"{props['name']}:{props['suite']}-{key[:12]}"


def _label_changes(labels: dict[str, str]) -> list[str]:
    return [f'LABEL "{k}"="{v}"' for k, v in sorted(labels.items())] + ['CMD ["/bin/bash"]']


class BaseImageProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        tag = base_image_tag(props)
        dc = client(timeout=1800)
        try:
            image = dc.images.get(tag)
        except docker.errors.ImageNotFound:
            Progress(props).status(f"no {tag} yet: trying a registry, else bootstrapping it", force=True)
            image = self._from_registry(dc, props, tag) or self._bootstrap(dc, props, tag)
        return CreateResult(tag, {**props, "image_ref": tag, "image_id": image.id})

    def _from_registry(self, dc: docker.DockerClient, props: dict[str, Any], tag: str) -> Any:
        try:
            dc.images.pull("debian", tag=props["suite"])
        except docker.errors.APIError:
            return None  # no registry here: the usual case on an offline machine
        with tempfile.TemporaryDirectory() as ctx:
            self._copy_cas(props["ca_dir"], os.path.join(ctx, "ca"))
            packages = " ".join(sorted(props["packages"]))
            with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                f.write(
                    f"FROM debian:{props['suite']}\n"
                    f"RUN apt-get update && apt-get install -y --no-install-recommends {packages} "
                    "&& rm -rf /var/lib/apt/lists/*\n"
                    f"COPY ca/ {_IN_IMAGE_CA_DIR}/\nRUN update-ca-certificates\n"
                )
            try:
                image, _ = dc.images.build(path=ctx, tag=tag, labels=props["labels"], network_mode="host", rm=True)
            except docker.errors.BuildError as exc:
                lines = [str(c.get("stream", c.get("error", ""))) for c in exc.build_log]
                raise ImageBuildError(
                    build_log_error(lines, f"building {tag} from debian:{props['suite']} failed")
                ) from exc
        return image

    def _bootstrap(self, dc: docker.DockerClient, props: dict[str, Any], tag: str) -> Any:
        if shutil.which("mmdebstrap") is None:
            raise BaseImageError(
                f"no image {tag}, no registry answers, and mmdebstrap is not installed: "
                "run `make bootstrap` as root (it installs mmdebstrap) or `apt-get install mmdebstrap`"
            )
        with tempfile.TemporaryDirectory() as tmp:
            cas = os.path.join(tmp, "ca")
            self._copy_cas(props["ca_dir"], cas)
            rootfs = os.path.join(tmp, "rootfs.tar")
            cmd = [
                "mmdebstrap",
                "--variant=apt",
                "--include=" + ",".join(sorted(props["packages"])),
                f'--customize-hook=mkdir -p "$1{_IN_IMAGE_CA_DIR}"',
                f"--customize-hook=sync-in {cas} {_IN_IMAGE_CA_DIR}",
                '--customize-hook=chroot "$1" update-ca-certificates',
                props["suite"],
                rootfs,
            ]
            progress, lines = Progress(props), []
            os.makedirs(os.path.dirname(build_log_path(tag)), exist_ok=True)
            # mmdebstrap reports on stderr; stdout stays empty when the output is a file.
            with (
                open(build_log_path(tag), "w", buffering=1) as log_file,
                subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as run,
            ):
                assert run.stderr is not None
                for line in run.stderr:
                    lines.append(line)
                    log_file.write(line)
                    progress.status(f"mmdebstrap {props['suite']}: {line}")
            if run.returncode != 0:
                raise BaseImageError(build_log_error(lines, f"mmdebstrap {props['suite']} failed"))
            repo, _, image_tag = tag.partition(":")
            dc.api.import_image_from_file(
                rootfs, repository=repo, tag=image_tag, changes=_label_changes(props["labels"])
            )
        return dc.images.get(tag)

    @staticmethod
    def _copy_cas(src: str, dst: str) -> None:
        os.makedirs(dst, exist_ok=True)
        if os.path.isdir(src):
            for dirpath, _dirs, files in os.walk(src):
                for fname in files:
                    if fname.endswith(".crt"):
                        shutil.copy(os.path.join(dirpath, fname), os.path.join(dst, fname))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("name", "suite", "packages", "ca_digest") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces) or olds.get("labels") != news.get("labels"), replaces=replaces)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only labels changed: they are bookkeeping, not worth a new image.
        return UpdateResult({**olds, **news, "image_ref": olds["image_ref"], "image_id": olds["image_id"]})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            image = client().images.get(props.get("image_ref") or id_)
        except docker.errors.ImageNotFound:
            return ReadResult("", {})
        return ReadResult(id_, {**props, "image_id": image.id})


class BaseImage(Resource, module="docker", name="BaseImage"):
    image_ref: pulumi.Output[str]
    image_id: pulumi.Output[str]

    def __init__(self, resource_name: str, args: BaseImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = to_props(args)
        props["ca_digest"] = digest_tree(args.ca_dir) if os.path.isdir(args.ca_dir) else ""
        props[URN_KEY] = own_urn(BaseImage, resource_name, opts)
        super().__init__(BaseImageProvider(), resource_name, {**props, "image_ref": None, "image_id": None}, opts)
