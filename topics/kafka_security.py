"""How the apps' Kafka clients authenticate and encrypt: the settings both the gateway and the
worker read (``IB_KAFKA_SECURITY_PROTOCOL``, ``IB_KAFKA_SASL_*``, ``IB_KAFKA_SSL_CAFILE``) and
the keyword arguments every aiokafka client (producer, consumer, admin) takes from them.

Locally the broker speaks PLAINTEXT. In the cluster (strimzi/) the listener on 9093 wants TLS
and a SCRAM-SHA-512 user of strimzi/users.yaml: ``SASL_SSL``, the user's name and password, and
the cluster CA's certificate to trust.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]


class KafkaSecuritySettings(BaseSettings):
    """The Kafka client settings the gateway's and the worker's settings share."""

    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    #: The CA certificate (PEM) the brokers' certificates are checked against; unset: the system's.
    kafka_ssl_cafile: Path | None = None

    @model_validator(mode="after")
    def _complete(self) -> KafkaSecuritySettings:
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL_") and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"IB_KAFKA_SECURITY_PROTOCOL={protocol} needs "
                "IB_KAFKA_SASL_USERNAME and IB_KAFKA_SASL_PASSWORD"
            )
        if self.kafka_ssl_cafile is not None:
            if not protocol.endswith("SSL"):
                raise ValueError(
                    f"IB_KAFKA_SSL_CAFILE is set but IB_KAFKA_SECURITY_PROTOCOL={protocol} uses no TLS: "
                    "set SSL or SASL_SSL"
                )
            if not self.kafka_ssl_cafile.is_file():
                raise ValueError(f"IB_KAFKA_SSL_CAFILE={self.kafka_ssl_cafile} is not a file")
        return self

    def kafka_client_options(self) -> dict[str, Any]:
        """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
        protocol = self.kafka_security_protocol
        options: dict[str, Any] = {"security_protocol": protocol}
        if protocol.startswith("SASL_"):
            assert self.kafka_sasl_password is not None  # checked by _complete
            options |= {
                "sasl_mechanism": self.kafka_sasl_mechanism,
                "sasl_plain_username": self.kafka_sasl_username,
                "sasl_plain_password": self.kafka_sasl_password.get_secret_value(),
            }
        if protocol.endswith("SSL"):
            options["ssl_context"] = self.kafka_ssl_context()
        return options

    def kafka_ssl_context(self) -> ssl.SSLContext:
        """Brokers' certificates checked against the CA, or the system's CAs (host names included)."""
        return ssl.create_default_context(
            cafile=str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None
        )
