"""`Foundation`: what every service stands on, the stack's Docker network and the Debian base image.

A stack whose every service is external and that runs no generators and no Trino needs neither: then
it makes nothing, and its outputs are empty."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from config import StackSettings
from providers.docker import BaseImage, BaseImageArgs, Network, NetworkArgs


@dataclass
class FoundationArgs:
    settings: StackSettings


class Foundation(pulumi.ComponentResource):
    network_name: pulumi.Output[str]
    base_image_ref: pulumi.Output[str]

    def __init__(self, name: str, args: FoundationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Foundation", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        if not s.runs_containers():
            self.network_name = pulumi.Output.from_input("")
            self.base_image_ref = pulumi.Output.from_input("")
            self.register_outputs({"network_name": self.network_name, "base_image_ref": self.base_image_ref})
            return

        self.network = Network(
            f"{name}-network",
            NetworkArgs(name=s.docker_name("net"), labels=s.labels("network")),
            child,
        )
        self.base_image = BaseImage(
            f"{name}-base-image",
            BaseImageArgs(labels=s.image_labels(), suite=s.base_image.suite, ca_dir=s.base_image.ca_dir),
            child,
        )
        self.network_name = self.network.name
        self.base_image_ref = self.base_image.image_ref
        self.register_outputs({"network_name": self.network_name, "base_image_ref": self.base_image_ref})
