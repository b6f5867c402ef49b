"""What every Docker object of a stack carries: the stack's labels on containers, networks and volumes; none
on the images the stacks share (Pulumi mocks, no Docker)."""

from __future__ import annotations

import pulumi

from components.foundation import Foundation, FoundationArgs
from components.kafka import KafkaBroker, KafkaBrokerArgs


def _stack(settings):
    foundation = Foundation("foundation", FoundationArgs(settings))
    kafka = KafkaBroker("kafka", KafkaBrokerArgs(settings, foundation.network_name, foundation.base_image_ref))
    return foundation, kafka


@pulumi.runtime.test
def test_every_docker_object_carries_the_stack_labels(mocks, stack_config):
    _, kafka = _stack(stack_config({}))

    def check(_):
        kinds = ("Network", "Volume", "Container")
        stack_owned = [r for r in mocks.resources.values() if r.typ.rsplit(":", 1)[-1] in kinds]
        assert {r.typ.rsplit(":", 1)[-1] for r in stack_owned} == {"Network", "Volume", "Container"}
        for r in stack_owned:
            assert r.inputs["labels"]["com.pulumi.project"] == "streaming-lakehouse", r.name
            assert r.inputs["labels"]["com.pulumi.stack"] == "unit", r.name

    return kafka.bootstrap_servers.apply(check)


@pulumi.runtime.test
def test_images_carry_no_stack_label_since_every_stack_shares_them(mocks, stack_config):
    """Images are a build cache shared by stacks (and by the tests): a label of one stack on them would be
    inherited by every other stack's containers."""
    foundation, kafka = _stack(stack_config({}))

    def check(_):
        for name in ("foundation-base-image", "kafka-image"):
            labels = mocks.resources[name].inputs["labels"]
            assert labels == {"com.pulumi.project": "streaming-lakehouse"}, (name, labels)

    return pulumi.Output.all(foundation.base_image_ref, kafka.image.image_ref).apply(check)
