"""The worker's Kafka security settings as Faust's broker credentials: Faust hands them to every
aiokafka client it makes (consumer, producer, topic creation) as the same keyword arguments the
gateway's clients get from :meth:`KafkaSecuritySettings.kafka_client_options`."""

from __future__ import annotations

import faust
from faust.types.auth import CredentialsT

from topics.kafka_security import KafkaSecuritySettings


def broker_credentials(settings: KafkaSecuritySettings) -> CredentialsT | None:
    """None for PLAINTEXT; TLS alone; or a SASL user, over TLS for ``SASL_SSL``."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return faust.SSLCredentials(settings.kafka_ssl_context())
    assert settings.kafka_sasl_password is not None  # checked when the settings were read
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=settings.kafka_sasl_password.get_secret_value(),
        ssl_context=settings.kafka_ssl_context() if protocol == "SASL_SSL" else None,
        mechanism=settings.kafka_sasl_mechanism,
    )
