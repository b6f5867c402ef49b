"""Kafka resources over confluent-kafka's AdminClient (official provider: pulumi-kafka)."""

from providers.kafka.security import KafkaClientSecurity
from providers.kafka.topic import Topic, TopicArgs

__all__ = ["KafkaClientSecurity", "Topic", "TopicArgs"]
