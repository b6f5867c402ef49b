"""How the stack names and labels its Docker objects, and the `baseImage` section."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from config.fields import Section, text_field

COMPONENT_LABEL = "io.streaming-lakehouse.component"


class BaseImageSettings(Section):
    """`baseImage`: the Debian base image every service image is built on."""

    suite: text_field("a Debian suite name such as trixie", r"^[a-z]+$") = Field(
        "trixie", description="Debian suite of the base image"
    )
    ca_dir: text_field("an absolute directory path", r"^/") = Field(
        "/usr/local/share/ca-certificates",
        description="extra CA certificates (`*.crt`) on the host to trust inside every image",
    )


@dataclass(frozen=True)
class DockerNaming:
    """Every container, network and volume of a stack carries its `name_prefix`, so stacks never collide,
    and the project's and stack's labels, so a stack's objects can be found and removed."""

    project: str
    stack: str
    name_prefix: str  # prefix of every Docker object name

    def docker_name(self, suffix: str) -> str:
        return f"{self.name_prefix}-{suffix}"

    def image_labels(self) -> dict[str, str]:
        # No stack label: images are a build cache that stacks share.
        return {"com.pulumi.project": self.project}

    def labels(self, component: str) -> dict[str, str]:
        return {
            "com.pulumi.project": self.project,
            "com.pulumi.stack": self.stack,
            COMPONENT_LABEL: component,
        }
