"""Validators for the manifests, from the schemas kept in ``deploy/schemas/`` (SOURCES.md says
where each came from): Kubernetes' own kinds as kubernetes-validate publishes them (strict: an
unknown field is an error), and the custom resources from their CRDs' ``openAPIV3Schema``,
turned into JSON Schema here as strictly as the API server reads them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from dev.stack.config import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "deploy" / "schemas"
KUBERNETES_DIR = SCHEMA_DIR / "kubernetes" / "v1.34.0-local-strict"
DEFINITIONS_URI = "/api/_definitions.json"
OBJECT_META = {"$ref": f"{DEFINITIONS_URI}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}


class NoSchema(LookupError):
    """No schema is kept for a manifest's apiVersion and kind."""


def json_schema_of(openapi: dict[str, Any]) -> dict[str, Any]:
    """A CRD's structural OpenAPI v3 schema as JSON Schema: ``nullable`` allows null,
    ``x-kubernetes-int-or-string`` allows both, and an object that lists its properties
    accepts no others unless it preserves unknown fields (the API server prunes them)."""
    schema: dict[str, Any] = {}
    for key, value in openapi.items():
        if key in ("properties", "patternProperties"):
            schema[key] = {name: json_schema_of(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            schema[key] = json_schema_of(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            schema[key] = [json_schema_of(child) for child in value]
        elif not key.startswith("x-kubernetes-") and key != "nullable":
            schema[key] = value
    if openapi.get("x-kubernetes-int-or-string"):
        schema.pop("type", None)
        schema["anyOf"] = [*schema.get("anyOf", []), {"type": "integer"}, {"type": "string"}]
    if openapi.get("nullable") and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    preserves = openapi.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in schema and "additionalProperties" not in schema and not preserves:
        schema["additionalProperties"] = False
    return schema


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    definitions = json.loads((KUBERNETES_DIR / "_definitions.json").read_text())
    return Registry().with_resource(DEFINITIONS_URI, Resource.from_contents(definitions, DRAFT202012))


def _kubernetes_schema(group: str, version: str, kind: str) -> dict[str, Any] | None:
    name = f"{kind.lower()}-{group.split('.')[0]}-{version}" if group else f"{kind.lower()}-{version}"
    path = KUBERNETES_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _crd_schema(group: str, version: str, kind: str) -> dict[str, Any] | None:
    path = SCHEMA_DIR / "crds" / f"{group}_{version}_{kind}.json"
    if not path.is_file():
        return None
    schema = json_schema_of(json.loads(path.read_text()))
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {"const": f"{group}/{version}"}
    properties["kind"] = {"const": kind}
    properties["metadata"] = OBJECT_META
    schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "metadata"})
    return schema


@cache
def validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    group, _, version = api_version.rpartition("/")
    schema = _kubernetes_schema(group, version, kind) or _crd_schema(group, version, kind)
    if schema is None:
        raise NoSchema(f"no schema for {api_version} {kind} in {SCHEMA_DIR.relative_to(REPO_ROOT)}")
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def errors(manifest: dict[str, Any]) -> list[str]:
    """What is wrong with one manifest, as ``<kind>/<name> <path>: <message>`` lines."""
    found = validator(manifest.get("apiVersion", ""), manifest.get("kind", "")).iter_errors(manifest)
    name = f"{manifest['kind']}/{manifest.get('metadata', {}).get('name')}"
    return [f"{name} {'.'.join(map(str, error.absolute_path))}: {error.message}" for error in found]


def manifest_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.yaml") if path.name != "kustomization.yaml")
