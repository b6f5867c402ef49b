"""Composition only: read the stack settings once, wire the components, export the endpoints."""

import pulumi

from components import config
from components.foundation import Foundation, FoundationArgs
from components.kafka import KafkaBroker, KafkaBrokerArgs

settings = config.load()

foundation = Foundation("foundation", FoundationArgs(settings))
kafka = KafkaBroker("kafka", KafkaBrokerArgs(settings, foundation.network_name, foundation.base_image_ref))

pulumi.export("network", foundation.network_name)
pulumi.export("kafka_bootstrap_servers", kafka.bootstrap_servers)
pulumi.export("kafka_internal_bootstrap_servers", kafka.internal_bootstrap_servers)
pulumi.export("kafka_topics", kafka.topic_names)
