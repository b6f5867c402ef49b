"""`WebhookReceiver` and `WebhookGenerators`: the webhook edge. One image (`images/webhooks`: the `webhooks`
package and the domain, `payments/`) runs as two containers:

- the receiver (`python -m webhooks.receiver`), published on the stack's bind address at
  `webhooks.receiver.hostPort`: one endpoint per payment provider (`/webhooks/<provider>`), each request's
  signature verified with the stack's secret for that provider; an accepted request's raw body goes to the
  provider's raw topic, a refused one to the rejected topic (`payments.webhooks`);
- the generators (`python -m webhooks.generators`), one process for the providers whose generator is on,
  POSTing signed webhooks in each provider's own format to the receiver, and writing a ledger of every
  attempt to a volume of their own (`/var/lib/webhook-generators`).

The signing secrets are generated per stack (`RandomId`, hex, in each provider's form) and stay Pulumi
secrets: they reach the containers only as secret environment variables and leave the stack only in the
receiver's `signing_secrets` (the secret output `webhook_secrets`). The variables are the environment
contract that `webhooks/settings.py` reads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pulumi

from components.service import ServiceArgs, data_volume, kafka_client_envs, service_image, when_ready
from config import StackSettings, WebhooksSettings
from payments.webhooks import WEBHOOK_TOPICS
from providers.docker import Container, ContainerArgs, ContainerPort, ContainerVolume, Healthcheck, NetworkAttachment
from providers.kafka import KafkaClientSecurity
from providers.random import RandomId
from webhooks.settings import LEDGER_PATH, RECEIVER_PORT

COMPONENT = "webhooks"  # the containers' component label
# In images/webhooks: GETs the receiver's /health.
HEALTHCHECK = "/opt/webhooks/bin/healthcheck"
GENERATORS_MEMORY_MB = 256

# Each provider's secrets as random bytes in hex: (bytes, prefix). Stripe's endpoint secrets start with
# `whsec_`; Adyen's HMAC key must be hex (its library unhexlifies it: Adyen/util.py); Braintree's API key
# pair and Checkout.com's signature key have no required form.
SIGNING_SECRETS = {
    "STRIPE_WEBHOOK_SECRET": (24, "whsec_"),
    "ADYEN_HMAC_KEY": (32, ""),
    "BRAINTREE_PUBLIC_KEY": (16, ""),
    "BRAINTREE_PRIVATE_KEY": (16, ""),
    "CHECKOUT_WEBHOOK_SECRET": (32, ""),
}
MERCHANT_ID_ENV = "BRAINTREE_MERCHANT_ID"


def braintree_merchant_id(project: str, stack: str) -> str:
    """Braintree's merchant id for a stack: 16 lower-case hex digits, stable for a stack and distinct between
    stacks. Not a secret (Braintree's SDK needs one to build a gateway; no signature uses it)."""
    return hashlib.sha256(f"streaming-lakehouse/{project}/{stack}".encode()).hexdigest()[:16]


def generators_spec(webhooks: WebhooksSettings) -> str:
    """WEBHOOK_GENERATORS: a JSON object of the enabled providers' generators, each
    `{"rate_per_second": 2.0, "problems": {"REDELIVERY": 0.02, ...}}` with the problems of that provider."""
    return json.dumps(
        {
            g.provider: {"rate_per_second": g.rate_per_second, "problems": g.problem_rates}
            for g in webhooks.enabled_generators()
        }
    )


@dataclass
class WebhookReceiverArgs(ServiceArgs):
    kafka_bootstrap_servers: pulumi.Input[str] = ""  # as containers reach Kafka
    kafka_security: KafkaClientSecurity = field(default_factory=KafkaClientSecurity)
    # The stack's topics by name (`KafkaBroker.topics`): the receiver starts once the webhook topics exist.
    topics: dict[str, pulumi.Resource] = field(default_factory=dict)


class WebhookReceiver(pulumi.ComponentResource):
    image_ref: pulumi.Output[str]  # images/webhooks, which the generators run too
    url: pulumi.Output[str]  # as this machine reaches it
    internal_url: pulumi.Output[str]  # as containers reach it
    secret_envs: dict[str, pulumi.Output[str]]  # the signing secrets, by environment variable
    merchant_id: str  # BRAINTREE_MERCHANT_ID
    signing_secrets: pulumi.Output[dict[str, str]]  # all of the above in one secret dict

    def __init__(self, name: str, args: WebhookReceiverArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:WebhookReceiver", name, None, opts)
        s = args.settings
        r = s.webhooks.receiver
        child = pulumi.ResourceOptions(parent=self)
        self.secret_envs = {
            env: pulumi.Output.secret(
                RandomId(f"{name}-{env.lower().replace('_', '-')}", byte_length, prefix, opts=child).hex
            )
            for env, (byte_length, prefix) in SIGNING_SECRETS.items()
        }
        self.merchant_id = braintree_merchant_id(s.project, s.stack)
        self.signing_secrets = pulumi.Output.secret(
            pulumi.Output.all(**self.secret_envs, **{MERCHANT_ID_ENV: self.merchant_id})
        )
        self.image_ref = service_image(name, "webhooks", s, args.base_image_ref, child).image_ref
        kafka_envs, kafka_secret_envs = kafka_client_envs(args.kafka_security)
        topics = [args.topics[s.kafka.topic(t)] for t in WEBHOOK_TOPICS]
        host = s.docker_name("webhook-receiver")
        self.container = Container(
            f"{name}-server",
            ContainerArgs(
                name=host,
                image=self.image_ref,
                labels=s.labels(COMPONENT),
                command=["python", "-m", "webhooks.receiver"],
                envs={
                    "KAFKA_BOOTSTRAP": args.kafka_bootstrap_servers,
                    **kafka_envs,
                    "WEBHOOK_TOPIC_PREFIX": s.kafka.topic_prefix,
                    "WEBHOOK_SIGNATURE_TOLERANCE_SECONDS": str(r.signature_tolerance_seconds),
                    "WEBHOOK_MAX_BODY_BYTES": str(r.max_body_bytes),
                    "WEBHOOK_ACK_TIMEOUT_MS": str(r.ack_timeout_ms),
                    "WEBHOOK_WORKERS": str(r.workers),
                    MERCHANT_ID_ENV: self.merchant_id,
                },
                secret_envs={**self.secret_envs, **kafka_secret_envs},
                ports=[ContainerPort(internal=RECEIVER_PORT, external=r.host_port, ip=s.bind_address)],
                networks_advanced=[NetworkAttachment(name=args.network_name)],
                memory=r.memory_mb,
                # A stop lets the requests in flight wait out their Kafka acknowledgement, then flushes.
                stop_timeout=2 * r.ack_timeout_ms // 1000 + 5,
                healthcheck=Healthcheck(tests=["CMD", HEALTHCHECK]),
            ),
            pulumi.ResourceOptions(parent=self, depends_on=topics),
        )
        self.url = when_ready(self.container, f"http://{s.bind_address}:{r.host_port}")
        # Containers reach it by its container name on the stack network.
        self.internal_url = when_ready(self.container, f"http://{host}:{RECEIVER_PORT}")
        self.register_outputs({"url": self.url, "internal_url": self.internal_url})


@dataclass
class WebhookGeneratorsArgs:
    settings: StackSettings
    network_name: pulumi.Input[str]
    receiver: WebhookReceiver  # where they post; its image and secrets


class WebhookGenerators(pulumi.ComponentResource):
    container_name: pulumi.Output[str]  # once it runs

    def __init__(self, name: str, args: WebhookGeneratorsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:WebhookGenerators", name, None, opts)
        s = args.settings
        receiver = args.receiver
        child = pulumi.ResourceOptions(parent=self)
        # The ledger outlives a replaced container (a rate change), so a run is counted whole.
        ledger = data_volume(name, "webhook-generators", s, child)
        self.container = Container(
            f"{name}-process",
            ContainerArgs(
                name=s.docker_name("webhook-generators"),
                image=receiver.image_ref,
                labels=s.labels(COMPONENT),
                command=["python", "-m", "webhooks.generators"],
                envs={
                    # Known once the receiver is healthy: the generators start against a server that answers.
                    "WEBHOOK_RECEIVER_URL": receiver.internal_url,
                    "WEBHOOK_GENERATORS": generators_spec(s.webhooks),
                    MERCHANT_ID_ENV: receiver.merchant_id,
                },
                secret_envs=dict(receiver.secret_envs),
                volumes=[ContainerVolume(container_path=str(LEDGER_PATH.parent), volume_name=ledger.name)],
                networks_advanced=[NetworkAttachment(name=args.network_name)],
                memory=GENERATORS_MEMORY_MB,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=[receiver.container]),
        )
        self.container_name = when_ready(self.container, s.docker_name("webhook-generators"))
        self.register_outputs({"container_name": self.container_name})
