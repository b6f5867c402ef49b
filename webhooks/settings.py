"""The settings the stack hands the webhook edge's containers, read once from the environment at start.

Nothing the stack hands in has a default here: a missing or bad variable fails at start with one
`SettingsError` naming each variable at fault and the form it expects. Secrets are `SecretStr`: their
values are in no repr, log line or error message.

The contract (components/webhooks.py sets these): KAFKA_BOOTSTRAP, KAFKA_EXTRA_PROPERTIES (optional,
librdkafka `key=value` lines), KAFKA_CA_PEM (optional), WEBHOOK_TOPIC_PREFIX (may be empty),
WEBHOOK_SIGNATURE_TOLERANCE_SECONDS, WEBHOOK_MAX_BODY_BYTES, WEBHOOK_ACK_TIMEOUT_MS, WEBHOOK_WORKERS and
the providers' secrets (`WebhookSecrets`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError

# Where the receiver listens inside its container (on 0.0.0.0); the stack publishes it on a host port.
RECEIVER_PORT = 8080
# Where the generators keep their ledger of every attempt (JSON lines): the stack mounts a volume there.
LEDGER_PATH = Path("/var/lib/webhook-generators/ledger.jsonl")


class SettingsError(Exception):
    """An environment variable of the contract is missing or malformed; the message names each one."""


def _matches(pattern: str) -> AfterValidator:
    """A secret that must match `pattern` (the error names the field's form, never the value)."""
    compiled = re.compile(pattern)

    def check(value: SecretStr) -> SecretStr:
        if not compiled.fullmatch(value.get_secret_value()):
            raise ValueError("malformed")
        return value

    return AfterValidator(check)


def _empty_is_unset(value: Any) -> Any:
    return None if value == "" else value


_HEX = "[0-9a-fA-F]"
_Unset = BeforeValidator(_empty_is_unset)


class _EnvModel(BaseModel):
    """A model whose fields are environment variables (each field's alias), read by `from_env`."""

    model_config = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """The settings from `environ` (default: os.environ). Raises SettingsError naming every variable
        that is missing or malformed, with the form it expects (and the value given, unless a secret)."""
        env = os.environ if environ is None else environ
        try:
            return cls.model_validate(dict(env))
        except ValidationError as exc:
            raise SettingsError(cls._explain(exc)) from None  # the pydantic error may echo a secret

    @classmethod
    def _explain(cls, exc: ValidationError) -> str:
        by_alias = {f.alias: f for f in cls.model_fields.values()}
        lines = []
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else cls.__name__
            field = by_alias.get(name)
            form = field.description if field is not None else error["msg"]
            if error["type"] == "missing":
                lines.append(f"{name} is not set: expected {form}")
            elif field is not None and field.annotation in (SecretStr, SecretStr | None):
                lines.append(f"{name}: expected {form} (the value is a secret and not shown)")
            else:
                lines.append(f"{name}: expected {form}, got {error['input']!r}")
        return "bad webhook settings in the environment:\n  " + "\n  ".join(lines)


class WebhookSecrets(_EnvModel):
    """The providers' signing secrets, as the receiver verifies and the generators sign with them."""

    stripe_webhook_secret: Annotated[SecretStr, _matches(f"whsec_{_HEX}{{48}}")] = Field(
        alias="STRIPE_WEBHOOK_SECRET", description="whsec_ followed by 48 hexadecimal digits"
    )
    adyen_hmac_key: Annotated[SecretStr, _matches(f"{_HEX}{{64}}")] = Field(
        alias="ADYEN_HMAC_KEY", description="64 hexadecimal digits (Adyen's HMAC key, hex-encoded)"
    )
    braintree_merchant_id: str = Field(
        alias="BRAINTREE_MERCHANT_ID", min_length=1, description="a non-empty Braintree merchant id"
    )
    braintree_public_key: Annotated[SecretStr, _matches(f"{_HEX}{{32}}")] = Field(
        alias="BRAINTREE_PUBLIC_KEY", description="32 hexadecimal digits"
    )
    braintree_private_key: Annotated[SecretStr, _matches(f"{_HEX}{{32}}")] = Field(
        alias="BRAINTREE_PRIVATE_KEY", description="32 hexadecimal digits"
    )
    checkout_webhook_secret: Annotated[SecretStr, _matches(f"{_HEX}{{64}}")] = Field(
        alias="CHECKOUT_WEBHOOK_SECRET", description="64 hexadecimal digits"
    )


class ReceiverSettings(WebhookSecrets):
    """Everything `python -m webhooks.receiver` reads from its environment."""

    kafka_bootstrap: str = Field(
        alias="KAFKA_BOOTSTRAP",
        pattern=r"^[^\s,]+:[0-9]{1,5}(,[^\s,]+:[0-9]{1,5})*$",
        description="host:port, or several separated by commas",
    )
    kafka_extra_properties: Annotated[SecretStr | None, _Unset] = Field(
        None,
        alias="KAFKA_EXTRA_PROPERTIES",
        description="librdkafka properties, one key=value per line",
    )
    kafka_ca_pem: Annotated[str | None, _Unset] = Field(
        None,
        alias="KAFKA_CA_PEM",
        pattern=r"(?s)^\s*-----BEGIN CERTIFICATE-----.*-----END CERTIFICATE-----\s*$",
        description="PEM text of one or more CA certificates",
    )
    topic_prefix: str = Field(
        alias="WEBHOOK_TOPIC_PREFIX",
        pattern=r"^[A-Za-z0-9._-]*$",
        description="a Kafka topic name prefix (letters, digits, '.', '_', '-'; may be empty)",
    )
    signature_tolerance_seconds: int = Field(
        alias="WEBHOOK_SIGNATURE_TOLERANCE_SECONDS", ge=1, description="a whole number of seconds >= 1"
    )
    max_body_bytes: int = Field(alias="WEBHOOK_MAX_BODY_BYTES", ge=1, description="a whole number of bytes >= 1")
    ack_timeout_ms: int = Field(alias="WEBHOOK_ACK_TIMEOUT_MS", ge=1, description="a whole number of milliseconds >= 1")
    workers: int = Field(alias="WEBHOOK_WORKERS", ge=1, description="a whole number of processes >= 1")

    def model_post_init(self, _context: Any) -> None:
        self.kafka_properties()  # a malformed KAFKA_EXTRA_PROPERTIES fails at start, not at the first request

    def kafka_properties(self) -> dict[str, str]:
        """KAFKA_EXTRA_PROPERTIES as a dict: one `key=value` per line; blank lines and `#` comments are
        skipped (as in a librdkafka properties file). Raises SettingsError naming the line (not its text,
        which may hold a password)."""
        if self.kafka_extra_properties is None:
            return {}
        props: dict[str, str] = {}
        for number, line in enumerate(self.kafka_extra_properties.get_secret_value().splitlines(), start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            key, sep, value = text.partition("=")
            if not sep or not key.strip():
                raise SettingsError(f"KAFKA_EXTRA_PROPERTIES: line {number} is not key=value")
            props[key.strip()] = value.strip()
        return props

    def topic(self, name: str) -> str:
        """The Kafka topic `name` (webhooks_stripe) with this stack's prefix."""
        return f"{self.topic_prefix}{name}"
