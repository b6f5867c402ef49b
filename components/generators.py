"""`Generators`: JR containers producing the payment events, each to its topic with the event id as key.

Refunds and disputes must reference charges that were really emitted, and JR shares emitted values
(`add_v_to_list`/`random_v_from_list`) only between the emitters of one process. So charges, refunds
and disputes run as three emitters of one JR process, the "payments" container; each keeps its own
topic, interval, events per interval and on/off switch. Subscriptions reference nothing and run alone.

Every template is rendered with the stack's problem rates and handed to its container in the
environment, so changing a rate or an interval replaces the one container that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.config import GeneratorSettings, StackSettings
from components.service import ServiceArgs, service_image
from jr_templates.render import render
from providers.docker import Container, ContainerArgs, NetworkAttachment

# Event types that share one JR process, and the name of that process's container.
PAYMENTS = ("payment_charges", "payment_refunds", "payment_disputes")
PAYMENTS_PROCESS = "payments"
# Charges rendered at start-up, so refunds and disputes find charges to refer to from the first tick.
CHARGES_PRELOAD = 10


def processes(settings: StackSettings) -> dict[str, tuple[GeneratorSettings, ...]]:
    """The JR processes to run, by name: the enabled generators of each."""
    enabled = [g for g in settings.generators if g.enabled]
    out = {PAYMENTS_PROCESS: tuple(g for g in enabled if g.event_type in PAYMENTS)}
    out.update({g.event_type: (g,) for g in enabled if g.event_type not in PAYMENTS})
    return {name: gens for name, gens in out.items() if gens}


def generator_env(generators: tuple[GeneratorSettings, ...], rates: dict[str, float]) -> dict[str, str]:
    """What `jr-generate` (images/jr) needs to run these generators as emitters of one JR process."""
    refers = any(g.event_type in ("payment_refunds", "payment_disputes") for g in generators)
    lines = []
    for g in generators:  # charges first: its preload runs before any other emitter renders
        preload = CHARGES_PRELOAD if g.event_type == "payment_charges" and refers else 0
        lines.append(f"{g.event_type} {g.event_type} {g.interval} {g.events_per_interval} {preload}")
    return {
        "EMITTERS_SPEC": "\n".join(lines),
        **{f"TEMPLATE_BODY_{g.event_type}": render(g.event_type, rates) for g in generators},
        "JR_DUPLICATE_RATE": repr(rates["EXACT_DUPLICATE"]),
    }


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
        self.containers = {}
        if not processes(s):  # all switched off: no JR image to build either
            self.register_outputs({"generators": []})
            return
        self.image = service_image(name, "jr", s, args.base_image_ref, child)
        after_topics = pulumi.ResourceOptions(parent=self, depends_on=args.topics)
        self.containers = {
            process: Container(
                f"{name}-{process}",
                ContainerArgs(
                    name=s.docker_name(f"jr-{process}"),
                    image=self.image.image_ref,
                    labels=s.labels("generators"),
                    envs={"KAFKA_BOOTSTRAP": args.kafka_bootstrap_servers, **generator_env(gens, s.problem_rates)},
                    networks_advanced=[NetworkAttachment(name=args.network_name)],
                    memory=256,
                ),
                after_topics,
            )
            for process, gens in processes(s).items()
        }
        self.register_outputs({"generators": list(self.containers)})
