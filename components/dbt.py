"""`DbtRuntime`: what the dbt project (`dbt/`) runs in. dbt is a batch tool, so nothing runs until asked:
the component builds the image on the stack's base image, and each run (`make dbt`, and the orchestrator)
is a one-off container on the stack network that reaches Trino by name.
"""

from __future__ import annotations

import pulumi

from components.service import ServiceArgs, service_image


class DbtRuntimeArgs(ServiceArgs):
    """The stack's settings, network and base image; runs find Trino through the stack's outputs."""


class DbtRuntime(pulumi.ComponentResource):
    image_ref: pulumi.Output[str]

    def __init__(self, name: str, args: DbtRuntimeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:DbtRuntime", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.image = service_image(name, "dbt", args.settings, args.base_image_ref, child)
        self.image_ref = self.image.image_ref
        self.register_outputs({"image_ref": self.image_ref})
