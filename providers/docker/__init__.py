"""Docker resources (networks, volumes, images, containers) over the Docker SDK for Python."""

from providers.docker.base_image import BaseImage, BaseImageArgs
from providers.docker.container import (
    Container,
    ContainerArgs,
    ContainerPort,
    ContainerVolume,
    Healthcheck,
    NetworkAttachment,
)
from providers.docker.image import DockerBuild, Image, ImageArgs
from providers.docker.network import Network, NetworkArgs
from providers.docker.volume import Volume, VolumeArgs

__all__ = [
    "BaseImage",
    "BaseImageArgs",
    "Container",
    "ContainerArgs",
    "ContainerPort",
    "ContainerVolume",
    "DockerBuild",
    "Healthcheck",
    "Image",
    "ImageArgs",
    "Network",
    "NetworkArgs",
    "NetworkAttachment",
    "Volume",
    "VolumeArgs",
]
