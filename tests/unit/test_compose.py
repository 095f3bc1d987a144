"""compose.yaml is a valid Compose file and runs the same stack, with the same settings, as `ib stack up`;
the image it builds holds the web app its gateway serves."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
#: The Compose specification's JSON schema, from the docker-compose wheel on PyPI; `make test`
#: downloads it (target `.cache/compose-spec/compose_spec.json`).
SCHEMA = REPO / ".cache" / "compose-spec" / "compose_spec.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    assert SCHEMA.is_file(), f"{SCHEMA} is missing: run `make test` (or `make {SCHEMA.relative_to(REPO)}`)"
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text())
    return loaded


def test_compose_file_follows_the_compose_specification(
    compose: dict[str, Any], schema: dict[str, Any]
) -> None:
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda error: list(error.path)
    )
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def test_validation_would_catch_a_mistake(compose: dict[str, Any], schema: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["gateway"]["depends_on"]["kafka"]["condition"] = "when_ready"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_it_runs_kafka_postgres_registry_kafka_ui_worker_and_gateway(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"kafka", "postgres", "registry", "kafka-ui", "worker", "gateway"}
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert services["worker"]["command"] == ["python", "-m", "streams"]
    assert services["gateway"]["command"] == ["python", "-m", "gateway"]


def test_apps_get_the_shared_settings_pointing_at_the_containers(compose: dict[str, Any]) -> None:
    for name in ("worker", "gateway"):
        environment = compose["services"][name]["environment"]
        assert all(key.startswith("IB_") for key in environment)
        assert environment["IB_KAFKA_BOOTSTRAP"].startswith("kafka:")
        assert "@postgres:5432/interview_buddy" in environment["IB_DATABASE_URL"]
        assert environment["IB_SCHEMA_REGISTRY_URL"] == "http://registry:8080/apis/ccompat/v7"
        for dependency in ("kafka", "postgres", "registry"):
            assert compose["services"][name]["depends_on"][dependency]["condition"] == "service_healthy"


def test_host_ports_match_the_local_stack(compose: dict[str, Any]) -> None:
    published = {
        port.rsplit(":", 1)[0]
        for service in compose["services"].values()
        for port in service.get("ports", [])
    }
    assert published == {
        "127.0.0.1:9092",
        "127.0.0.1:5433",
        "127.0.0.1:8000",
        "127.0.0.1:8081",
        "127.0.0.1:8080",
    }


def test_kafka_ui_browses_the_same_cluster_and_registry_read_only(compose: dict[str, Any]) -> None:
    ui = compose["services"]["kafka-ui"]["environment"]
    app = compose["services"]["gateway"]["environment"]
    assert compose["services"]["kafka-ui"]["image"].startswith("ghcr.io/kafbat/kafka-ui:")
    assert ui["KAFKA_CLUSTERS_0_READONLY"] == "true"
    assert ui["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == app["IB_KAFKA_BOOTSTRAP"]
    assert ui["KAFKA_CLUSTERS_0_SCHEMAREGISTRY"] == app["IB_SCHEMA_REGISTRY_URL"]


def test_the_image_is_built_from_python_3_11_slim() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert "pip install ." in dockerfile


def test_the_image_builds_the_web_app_where_its_gateway_serves_it() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM node:20\S* AS web$", dockerfile, re.MULTILINE)
    scripts = json.loads((REPO / "web" / "package.json").read_text())["scripts"]
    assert "RUN npm run build" in dockerfile and "build" in scripts
    assert "COPY --from=web /web/dist ./web/dist" in dockerfile
    assert "IB_WEB_DIST_DIR=/app/web/dist" in dockerfile and "WORKDIR /app" in dockerfile
    # Everything the build copies from the checkout is there (a typo would fail only in Docker).
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE):
        for source in sources.split():
            assert (REPO / source).exists(), f"the Dockerfile copies {source}, which is not in the checkout"
