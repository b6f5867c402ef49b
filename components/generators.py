"""`Generators`: one JR container per event type, producing to its topic with the event id as key.

Each generator's template is rendered with the stack's problem rates and handed to the container, so
changing a rate or an interval replaces that one generator and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.build_env import host_go_env
from components.service import ServiceArgs, service_image
from jr_templates.render import render
from providers.docker import Container, ContainerArgs, NetworkAttachment


@dataclass
class GeneratorsArgs(ServiceArgs):
    kafka_bootstrap_servers: pulumi.Input[str] = ""  # as containers reach Kafka
    # The topics must exist first: JR does not create them.
    topics: list[pulumi.Resource] = field(default_factory=list)


class Generators(pulumi.ComponentResource):
    containers: dict[str, Container]

    def __init__(self, name: str, args: GeneratorsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Generators", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        self.image = service_image(name, "jr", s, args.base_image_ref, child, build_args=host_go_env())
        after_topics = pulumi.ResourceOptions(parent=self, depends_on=args.topics)
        self.containers = {
            g.event_type: Container(
                f"{name}-{g.event_type}",
                ContainerArgs(
                    name=s.docker_name(f"jr-{g.event_type}"),
                    image=self.image.image_ref,
                    labels=s.labels("generators"),
                    envs={
                        "KAFKA_BOOTSTRAP": args.kafka_bootstrap_servers,
                        "TOPIC": g.event_type,
                        "TEMPLATE": g.event_type,
                        "TEMPLATE_BODY": render(g.event_type, s.problem_rates),
                        "FREQUENCY": g.interval,
                        "COUNT_PER_TICK": str(g.events_per_interval),
                    },
                    networks_advanced=[NetworkAttachment(name=args.network_name)],
                    memory=256,
                ),
                after_topics,
            )
            for g in s.generators
            if g.enabled
        }
        self.register_outputs({"generators": list(self.containers)})
