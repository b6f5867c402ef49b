"""`Generators`: JR containers producing the payment events, each to its topic with the event id as key.

Refunds and disputes must reference charges that were really emitted, and JR shares emitted values
(`add_v_to_list`/`random_v_from_list`) only between the emitters of one process. So charges, refunds
and disputes run as three emitters of one JR process, the "payments" container; each keeps its own
topic, interval, events per interval and on/off switch. Subscriptions reference nothing and run alone.

Every template is rendered with the stack's problem rates and handed to its container in the
environment, so changing a rate or an interval replaces the one container that uses it. With an external
Kafka they produce to it with its security settings (`kafka.external`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.service import ServiceArgs, kafka_client_envs, service_image
from config import GeneratorSettings, StackSettings
from jr_templates.render import render
from payments.events import EVENT_TYPES, event_type
from providers.docker import Container, ContainerArgs, NetworkAttachment
from providers.kafka import KafkaClientSecurity

# Event types that refer to each other's emitted events share one JR process; its container's name.
SHARED = {e.name for e in EVENT_TYPES if e.references} | {r.name for e in EVENT_TYPES for r in e.references}
PAYMENTS_PROCESS = "payments"
# Events of a referenced type rendered at start-up, so the ones referring to them find some from the first tick.
PRELOAD = 10


def processes(settings: StackSettings) -> dict[str, tuple[GeneratorSettings, ...]]:
    """The JR processes to run, by name: the enabled generators of each, in EVENT_TYPES order."""
    enabled = [g for g in settings.generators if g.enabled]
    out = {PAYMENTS_PROCESS: tuple(g for g in enabled if g.event_type in SHARED)}
    out.update({g.event_type: (g,) for g in enabled if g.event_type not in SHARED})
    return {name: gens for name, gens in out.items() if gens}


def generator_env(
    generators: tuple[GeneratorSettings, ...], rates: dict[str, float], topic_prefix: str = ""
) -> dict[str, str]:
    """What `jr-generate` (images/jr) needs to run these generators as emitters of one JR process, each
    producing to its type's topic (after `topic_prefix`)."""
    referenced = {r.name for g in generators for r in event_type(g.event_type).references}
    lines = []
    for g in generators:  # referenced types come first: their preload runs before any other emitter renders
        preload = PRELOAD if g.event_type in referenced else 0
        event = event_type(g.event_type)  # template, topic, interval, events per interval, preload
        lines.append(f"{event.name} {topic_prefix}{event.topic} {g.interval} {g.events_per_interval} {preload}")
    return {
        "EMITTERS_SPEC": "\n".join(lines),
        **{f"TEMPLATE_BODY_{g.event_type}": render(g.event_type, rates) for g in generators},
        "JR_DUPLICATE_RATE": repr(rates["EXACT_DUPLICATE"]),
    }


@dataclass
class GeneratorsArgs(ServiceArgs):
    kafka_bootstrap_servers: pulumi.Input[str] = ""  # as containers reach Kafka
    kafka_security: KafkaClientSecurity = field(default_factory=KafkaClientSecurity)
    # The topics must exist first: JR does not create them.
    topics: list[pulumi.Resource] = field(default_factory=list)


class Generators(pulumi.ComponentResource):
    containers: dict[str, Container]

    def __init__(self, name: str, args: GeneratorsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Generators", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        self.containers = {}
        if not processes(s):  # all switched off: no JR image to build either
            self.register_outputs({"generators": []})
            return
        self.image = service_image(name, "jr", s, args.base_image_ref, child)
        after_topics = pulumi.ResourceOptions(parent=self, depends_on=args.topics)
        # librdkafka reads the CA from a file: jr-generate writes KAFKA_CA_PEM to one.
        client_envs, client_secret_envs = kafka_client_envs(args.kafka_security)
        self.containers = {
            process: Container(
                f"{name}-{process}",
                ContainerArgs(
                    name=s.docker_name(f"jr-{process}"),
                    image=self.image.image_ref,
                    labels=s.labels("generators"),
                    envs={
                        "KAFKA_BOOTSTRAP": args.kafka_bootstrap_servers,
                        **generator_env(gens, s.problem_rates, s.kafka.topic_prefix),
                        **client_envs,
                    },
                    secret_envs=client_secret_envs,
                    networks_advanced=[NetworkAttachment(name=args.network_name)],
                    memory=256,
                ),
                after_topics,
            )
            for process, gens in processes(s).items()
        }
        self.register_outputs({"generators": list(self.containers)})
