"""`KafkaClientSecurity`: how clients authenticate to a Kafka cluster and encrypt, in the two dialects the
stack's clients speak: librdkafka (the providers, the generators, the tests) and the Java client (Flink's
Kafka connector).

Property names: librdkafka's CONFIGURATION.md and the Kafka documentation's "Security" chapter. The
settings are those of pulumi-kafka's provider config (`tlsEnabled`, `caCert`, `saslMechanism`,
`saslUsername`, `saslPassword`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Flink's SQL Kafka connector bundles the Kafka client relocated under this package, so a JAAS login
# module must be named by its relocated class (flink-sql-connector-kafka's shade configuration).
FLINK_KAFKA_SHADED = "org.apache.flink.kafka.shaded."
_LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}


def _jaas_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class KafkaClientSecurity:
    """PLAINTEXT, TLS (`SSL`), SASL (`SASL_PLAINTEXT`) or both (`SASL_SSL`); SASL with PLAIN or SCRAM.

    `ca_pem`: the CA certificates (PEM text) the brokers' certificates are checked against; None: the
    system's. `sasl_password` is plain text here: whoever hands these settings to a resource or a container
    does so as a Pulumi secret (`has_secret`).
    """

    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    sasl_username: str | None = None
    sasl_password: str | None = None
    ca_pem: str | None = None

    def __repr__(self) -> str:  # never the password, in a traceback or a log
        return f"KafkaClientSecurity({self.security_protocol}, {self.sasl_mechanism}, {self.sasl_username})"

    @property
    def has_secret(self) -> bool:
        return self.sasl_password is not None

    def librdkafka(self, ca_inline: bool = True) -> dict[str, str]:
        """librdkafka properties besides `bootstrap.servers`; empty for PLAINTEXT. `ca_inline=False` leaves
        the CA out (a client that reads it from a file sets `ssl.ca.location` itself)."""
        props: dict[str, str] = {}
        if self.security_protocol != "PLAINTEXT":
            props["security.protocol"] = self.security_protocol.lower()
        if self.sasl_mechanism:
            props["sasl.mechanisms"] = self.sasl_mechanism
            props["sasl.username"] = self.sasl_username or ""
            props["sasl.password"] = self.sasl_password or ""
        if self.ca_pem and ca_inline:
            props["ssl.ca.pem"] = self.ca_pem
        return props

    def java(self, shaded_prefix: str = FLINK_KAFKA_SHADED) -> dict[str, str]:
        """Kafka Java client properties besides `bootstrap.servers`; empty for PLAINTEXT. The CA is given
        inline as a PEM trust store, so no file has to exist on the engine's machines."""
        props: dict[str, str] = {}
        if self.security_protocol != "PLAINTEXT":
            props["security.protocol"] = self.security_protocol
        if self.sasl_mechanism:
            module = shaded_prefix + _LOGIN_MODULES[self.sasl_mechanism]
            user, password = _jaas_quote(self.sasl_username or ""), _jaas_quote(self.sasl_password or "")
            props["sasl.mechanism"] = self.sasl_mechanism
            props["sasl.jaas.config"] = f"{module} required username={user} password={password};"
        if self.ca_pem:
            props["ssl.truststore.type"] = "PEM"
            props["ssl.truststore.certificates"] = self.ca_pem
        return props
