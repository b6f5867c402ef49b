"""What every service component builds the same way: its image from images/<service> on the stack's
base image, and its named data volume."""

from __future__ import annotations

import pulumi

from components.config import StackSettings
from providers.docker import DockerBuild, Image, ImageArgs, Volume, VolumeArgs


def service_image(
    name: str,
    service: str,
    settings: StackSettings,
    base_image_ref: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
    build_args: dict[str, pulumi.Input[str]] | None = None,
) -> Image:
    return Image(
        f"{name}-image",
        ImageArgs(
            image_name=f"lakehouse-{service}",
            build=DockerBuild(context=f"images/{service}", args={"BASE_IMAGE": base_image_ref, **(build_args or {})}),
            labels=settings.image_labels(),
        ),
        opts,
    )


def data_volume(name: str, service: str, settings: StackSettings, opts: pulumi.ResourceOptions) -> Volume:
    return Volume(
        f"{name}-data", VolumeArgs(name=settings.docker_name(f"{service}-data"), labels=settings.labels(service)), opts
    )
