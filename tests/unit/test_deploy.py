"""The Kubernetes deployment, rendered as kustomize would apply it, is valid against the vendored
Kubernetes, Strimzi, Istio, KEDA and Secrets Store CSI schemas, and does what it says: settings
the apps read, real probes, non-root, retries only where a request may be sent twice."""

from __future__ import annotations

import copy
from pathlib import PurePosixPath
from typing import Any

import pytest

from dev.k8s import render, schemas, workloads
from gateway.settings import Settings
from streams.settings import StreamsSettings

Docs = list[dict[str, Any]]


@pytest.fixture(scope="module", params=render.TARGETS)
def rendered(request: pytest.FixtureRequest) -> Docs:
    return render.build(request.param)


@pytest.fixture(scope="module")
def production() -> dict[tuple[str, str], dict[str, Any]]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in render.build("overlays/production")}


def test_every_rendered_manifest_follows_its_schema(rendered: Docs) -> None:
    kinds = {doc["kind"] for doc in rendered}
    assert {
        "Deployment",
        "KafkaUser",
        "KafkaTopic",
        "ScaledObject",
        "SecretProviderClass",
        "VirtualService",
    } <= kinds
    problems = [problem for doc in rendered for problem in schemas.errors(doc)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("kind", "name", "break_it"),
    [
        ("Deployment", "gateway", lambda doc: doc["spec"]["template"]["spec"].update(replica=2)),
        ("Deployment", "gateway", lambda doc: doc["spec"].update(replicas="two")),
        ("KafkaUser", "gateway", lambda doc: doc["spec"]["authentication"].update(type="scram-sha-256")),
        ("Kafka", "interview-buddy", lambda doc: doc["spec"]["kafka"]["listeners"][0].update(port="9093")),
        ("VirtualService", "gateway", lambda doc: doc["spec"]["http"][0].update(retry={"attempts": 0})),
        ("ScaledObject", "worker-transcription", lambda doc: doc["spec"].update(maxReplicaCount="5")),
        ("SecretProviderClass", "interview-buddy-secrets", lambda doc: doc["spec"].update(providers="azure")),
        ("AuthorizationPolicy", "kafka-clients", lambda doc: doc["spec"].update(action="PERMIT")),
    ],
)
def test_validation_catches_a_wrong_field_or_type(
    production: dict[tuple[str, str], dict[str, Any]], kind: str, name: str, break_it: Any
) -> None:
    broken = copy.deepcopy(production[(kind, name)])
    assert not schemas.errors(broken)
    break_it(broken)
    assert schemas.errors(broken)


def test_a_kind_without_a_schema_is_an_error() -> None:
    with pytest.raises(schemas.NoSchema):
        schemas.errors({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})


def _app_containers(docs: Docs) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for doc in docs:
        if doc["kind"] == "Deployment":
            for container in doc["spec"]["template"]["spec"]["containers"]:
                if "interview-buddy" in container["image"]:
                    found.append((doc["metadata"]["name"], container))
    return found


def test_every_setting_set_is_one_the_app_reads(rendered: Docs) -> None:
    read = {
        "gateway": {f"IB_{name.upper()}" for name in Settings.model_fields},
        "streams": {f"IB_{name.upper()}" for name in StreamsSettings.model_fields},
    }
    config_maps = {doc["metadata"]["name"]: doc["data"] for doc in rendered if doc["kind"] == "ConfigMap"}
    containers = _app_containers(rendered)
    assert {name for name, _ in containers} == {workloads.GATEWAY, *workloads.WORKER_GROUPS}
    for name, container in containers:
        program = container["command"][-1]
        names = {variable["name"] for variable in container.get("env", [])}
        for source in container.get("envFrom", []):
            names |= set(config_maps[source["configMapRef"]["name"]])
        assert names - read[program] == set(), f"{name} sets settings {program} never reads"


def test_worker_groups_run_every_agent_once(production: dict[tuple[str, str], dict[str, Any]]) -> None:
    for name in workloads.WORKER_GROUPS:
        (container,) = production[("Deployment", name)]["spec"]["template"]["spec"]["containers"]
        env = {variable["name"]: variable.get("value") for variable in container["env"]}
        assert env["IB_AGENTS"] == workloads.agents_setting(name)
        assert container["command"] == ["python", "-m", "streams"]


def test_probes_hit_the_health_endpoints(production: dict[tuple[str, str], dict[str, Any]]) -> None:
    (gateway,) = production[("Deployment", "gateway")]["spec"]["template"]["spec"]["containers"]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for name in workloads.WORKER_GROUPS:
        (worker,) = production[("Deployment", name)]["spec"]["template"]["spec"]["containers"]
        ports = {port["name"]: port["containerPort"] for port in worker["ports"]}
        env = {variable["name"]: variable.get("value") for variable in worker["env"]}
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert worker[probe]["httpGet"]["path"] == "/metrics"
            assert ports[worker[probe]["httpGet"]["port"]] == int(env["IB_WORKER_WEB_PORT"])


def test_pods_run_as_non_root_on_a_read_only_root(rendered: Docs) -> None:
    for doc in rendered:
        if doc["kind"] not in ("Deployment", "CronJob"):
            continue
        pod = (
            doc["spec"]["template"]["spec"]
            if doc["kind"] == "Deployment"
            else doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        )
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, doc["metadata"]["name"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]


def test_secrets_come_from_key_vault_and_none_is_in_the_repo(rendered: Docs) -> None:
    assert not [doc for doc in rendered if doc["kind"] == "Secret"]
    (provider,) = [doc for doc in rendered if doc["kind"] == "SecretProviderClass"]
    assert provider["spec"]["provider"] == "azure"
    mirrored = {item["key"] for item in provider["spec"]["secretObjects"][0]["data"]}
    for name, container in _app_containers(rendered):
        for variable in container["env"]:
            ref = variable.get("valueFrom", {}).get("secretKeyRef")
            if ref and variable["name"] == "IB_KAFKA_SASL_PASSWORD":
                # The one other secret: its KafkaUser's password, which Strimzi makes and keeps.
                assert ref == {"name": name, "key": "password"}
            elif ref:
                assert (
                    ref["name"] == provider["spec"]["secretObjects"][0]["secretName"]
                    and ref["key"] in mirrored
                )


def test_each_app_signs_in_to_kafka_as_its_own_user_over_tls(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """The Kafka cluster's only client listener wants TLS and SCRAM (no super user); each app
    signs in as the KafkaUser of its own name, whose ACLs tests/e2e/test_kafka_acls.py proves
    enough, and trusts the cluster CA's certificate, mounted read-only from Strimzi's secret."""
    kafka = production[("Kafka", "interview-buddy")]["spec"]["kafka"]
    (listener,) = kafka["listeners"]
    assert (listener["port"], listener["tls"], listener["authentication"]["type"]) == (
        9093,
        True,
        "scram-sha-512",
    )
    assert "superUsers" not in kafka["authorization"]
    settings = production[("ConfigMap", "interview-buddy-settings")]["data"]
    assert settings["IB_KAFKA_BOOTSTRAP"].endswith(":9093")
    assert (settings["IB_KAFKA_SECURITY_PROTOCOL"], settings["IB_KAFKA_SASL_MECHANISM"]) == (
        "SASL_SSL",
        "SCRAM-SHA-512",
    )
    cafile = PurePosixPath(settings["IB_KAFKA_SSL_CAFILE"])
    for name in (workloads.GATEWAY, *workloads.WORKER_GROUPS):
        pod = production[("Deployment", name)]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {variable["name"]: variable for variable in container["env"]}
        assert env["IB_KAFKA_SASL_USERNAME"]["value"] == name and ("KafkaUser", name) in production
        assert env["IB_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": name, "key": "password"}
        (mount,) = [m for m in container["volumeMounts"] if PurePosixPath(m["mountPath"]) == cafile.parent]
        assert mount["readOnly"] is True
        (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
        assert volume["secret"]["secretName"] == "interview-buddy-cluster-ca-cert"
        assert volume["secret"]["items"] == [{"key": "ca.crt", "path": cafile.name}]


def test_autoscaling_on_cpu_and_transcription_also_on_lag(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    for name in ("gateway", "worker-analysis"):
        hpa = production[("HorizontalPodAutoscaler", name)]["spec"]
        assert hpa["maxReplicas"] == 5 and hpa["metrics"][0]["resource"]["name"] == "cpu"
    scaled = production[("ScaledObject", "worker-transcription")]["spec"]
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (1, 5)
    assert ("HorizontalPodAutoscaler", "worker-transcription") not in production  # KEDA makes it
    triggers = {trigger["type"]: trigger for trigger in scaled["triggers"]}
    assert set(triggers) == {"cpu", "kafka"}
    assert triggers["kafka"]["metadata"]["consumerGroup"] == workloads.faust_app_id("worker-transcription")
    assert triggers["kafka"]["metadata"]["topic"] == "interview.uploaded"


def test_only_reads_are_retried_and_long_requests_have_no_timeout(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    routes = {route["name"]: route for route in production[("VirtualService", "gateway")]["spec"]["http"]}
    for route in routes.values():
        assert "attempts" in route["retries"], f"{route['name']} would get Istio's default retries"
        if route["retries"]["attempts"] > 0:
            methods = {match["method"]["exact"] for match in route["match"]}
            assert methods <= {"GET", "HEAD"}, route["name"]
    assert routes["live"]["match"][0]["uri"]["prefix"] == "/ws" and routes["live"]["timeout"] == "0s"
    assert {"exact": "PATCH"} in [match["method"] for match in routes["uploads"]["match"]]
    assert routes["uploads"]["timeout"] == "0s"
    assert routes["reads"]["retries"]["attempts"] >= 2
    assert "match" not in routes["writes"] and routes["writes"]["retries"]["attempts"] == 0


def test_mesh_is_strict_and_denies_what_no_policy_allows(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    assert production[("PeerAuthentication", "default")]["spec"]["mtls"]["mode"] == "STRICT"
    assert production[("AuthorizationPolicy", "deny-all")]["spec"] == {}
    clients = production[("AuthorizationPolicy", "kafka-clients")]["spec"]["rules"]
    assert [rule["to"][0]["operation"]["ports"] for rule in clients] == [["9093"]]
    for name in ("gateway", "registry", "kafka-ui", "kafka-bootstrap"):
        rule = production[("DestinationRule", name)]["spec"]["trafficPolicy"]
        assert rule["tls"]["mode"] == "ISTIO_MUTUAL" and rule["outlierDetection"]


def test_kafka_ui_is_read_only_and_decodes_through_the_registry(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    (container,) = production[("Deployment", "kafka-ui")]["spec"]["template"]["spec"]["containers"]
    env = {variable["name"]: variable for variable in container["env"]}
    assert env["KAFKA_CLUSTERS_0_READONLY"]["value"] == "true"
    assert env["KAFKA_CLUSTERS_0_SCHEMAREGISTRY"]["value"].endswith("/apis/ccompat/v7")
    assert env["KAFKA_CLUSTERS_0_PROPERTIES_SASL_MECHANISM"]["value"] == "SCRAM-SHA-512"
    assert (
        env["KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG"]["valueFrom"]["secretKeyRef"]["name"] == "kafka-ui"
    )
    assert ("KafkaUser", "kafka-ui") in production


def test_database_is_backed_up_daily_and_kept_seven_days(
    production: dict[tuple[str, str], dict[str, Any]],
) -> None:
    cron = production[("CronJob", "postgres-backup")]["spec"]
    minute, hour, *every = cron["schedule"].split()
    assert every == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    script = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert "pg_dump" in script and "-mtime +6 -print -delete" in script
