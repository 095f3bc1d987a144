"""The apps' Kafka security settings (``IB_KAFKA_SECURITY_PROTOCOL``, ``IB_KAFKA_SASL_*``,
``IB_KAFKA_SSL_CAFILE``) as the keyword arguments of aiokafka's clients (the gateway's) and as
Faust's broker credentials (the worker's), which Faust turns into the same arguments."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from pydantic import ValidationError

from gateway.settings import Settings
from streams.broker_credentials import broker_credentials
from streams.settings import StreamsSettings

CA_NAME = "interview-buddy cluster CA"


@pytest.fixture
def cluster_ca(tmp_path: Path) -> Path:
    """A CA certificate in PEM, as Strimzi's ``<cluster>-cluster-ca-cert`` secret holds it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "ca.crt"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def scram_over_tls(monkeypatch: pytest.MonkeyPatch, cafile: Path) -> None:
    """What deploy/ gives a service on the cluster's TLS + SCRAM-SHA-512 listener."""
    monkeypatch.setenv("IB_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("IB_KAFKA_SASL_USERNAME", "gateway")
    monkeypatch.setenv("IB_KAFKA_SASL_PASSWORD", "from-key-vault")
    monkeypatch.setenv("IB_KAFKA_SSL_CAFILE", str(cafile))


def trusts_only_the_cluster_ca(context: object) -> bool:
    assert isinstance(context, ssl.SSLContext)
    subjects = [dict(entry[0] for entry in ca["subject"]) for ca in context.get_ca_certs()]
    return (
        context.verify_mode == ssl.CERT_REQUIRED
        and context.check_hostname
        and subjects == [{"commonName": CA_NAME}]
    )


def test_by_default_the_clients_speak_plaintext() -> None:
    settings = StreamsSettings()
    assert settings.kafka_client_options() == {"security_protocol": "PLAINTEXT"}
    assert broker_credentials(settings) is None
    assert credentials_to_aiokafka_auth(broker_credentials(settings)) == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize("settings_class", [Settings, StreamsSettings])
def test_scram_over_tls_reaches_the_gateways_clients_and_fausts_alike(
    settings_class: type[Settings] | type[StreamsSettings], monkeypatch: pytest.MonkeyPatch, cluster_ca: Path
) -> None:
    scram_over_tls(monkeypatch, cluster_ca)
    settings = settings_class()
    options = settings.kafka_client_options()
    assert {key: value for key, value in options.items() if key != "ssl_context"} == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "gateway",
        "sasl_plain_password": "from-key-vault",
    }
    assert trusts_only_the_cluster_ca(options["ssl_context"])
    faust_options = dict(credentials_to_aiokafka_auth(broker_credentials(settings)))
    assert trusts_only_the_cluster_ca(faust_options.pop("ssl_context"))
    assert faust_options == {key: value for key, value in options.items() if key != "ssl_context"}
    assert "from-key-vault" not in repr(settings), "the password hides itself"


def test_aiokafka_takes_the_options(monkeypatch: pytest.MonkeyPatch, cluster_ca: Path) -> None:
    scram_over_tls(monkeypatch, cluster_ca)
    options = Settings().kafka_client_options()

    async def make() -> AIOKafkaProducer:
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9093", **options)
        await producer.stop()  # never started: nothing to close but the object
        return producer

    producer = asyncio.run(make())
    assert producer.client._security_protocol == "SASL_SSL"
    assert producer.client._sasl_mechanism == "SCRAM-SHA-512"


def test_tls_alone(monkeypatch: pytest.MonkeyPatch, cluster_ca: Path) -> None:
    monkeypatch.setenv("IB_KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("IB_KAFKA_SSL_CAFILE", str(cluster_ca))
    settings = StreamsSettings()
    options = settings.kafka_client_options()
    assert options["security_protocol"] == "SSL" and set(options) == {"security_protocol", "ssl_context"}
    faust_options = credentials_to_aiokafka_auth(broker_credentials(settings))
    assert faust_options["security_protocol"] == "SSL"
    assert trusts_only_the_cluster_ca(faust_options["ssl_context"])


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        (
            {"IB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "IB_KAFKA_SASL_USERNAME": "gateway"},
            "IB_KAFKA_SASL_PASSWORD",
        ),
        ({"IB_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "IB_KAFKA_SASL_USERNAME"),
        ({"IB_KAFKA_SECURITY_PROTOCOL": "SSL", "IB_KAFKA_SSL_CAFILE": "/nowhere/ca.crt"}, "is not a file"),
        ({"IB_KAFKA_SSL_CAFILE": "CA"}, "uses no TLS"),
        ({"IB_KAFKA_SECURITY_PROTOCOL": "TLS"}, "kafka_security_protocol"),
        (
            {"IB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "IB_KAFKA_SASL_MECHANISM": "GSSAPI"},
            "kafka_sasl_mechanism",
        ),
    ],
    ids=[
        "sasl-without-password",
        "sasl-without-user",
        "missing-ca-file",
        "ca-without-tls",
        "unknown-protocol",
        "unknown-mechanism",
    ],
)
def test_incomplete_or_unknown_security_settings_stop_the_start_naming_the_setting(
    environment: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch, cluster_ca: Path
) -> None:
    for key, value in environment.items():
        monkeypatch.setenv(key, str(cluster_ca) if value == "CA" else value)
    with pytest.raises(ValidationError, match=named):
        StreamsSettings()
