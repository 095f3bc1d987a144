"""Copies the schemas the manifests are validated against from the artifacts that publish them
into ``deploy/schemas/``, and writes ``deploy/schemas/SOURCES.md`` with each one's package,
version, path and SHA-256. Run by hand when a version moves (the tests never fetch anything):

    pip download --no-deps kubernetes-validate==1.37.0
    mvn dependency:copy -Dartifact=io.strimzi:api:0.49.1:jar:tests
    go mod download istio.io/api@v1.28.0 github.com/kedacore/keda/v2@v2.18.3 \\
        sigs.k8s.io/secrets-store-csi-driver@v1.5.4
    python -m dev.k8s.schema_sources --wheel ... --strimzi-jar ... --gomodcache ...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from dev.stack.config import REPO_ROOT

SCHEMA_DIR = REPO_ROOT / "deploy" / "schemas"
KUBERNETES_VERSION = "v1.34.0-local-strict"
#: The built-in kinds the manifests use, as kubernetes-validate names their schema files.
KUBERNETES_KINDS = (
    "configmap-v1",
    "persistentvolumeclaim-v1",
    "persistentvolumeclaim-v1",
    "cronjob-batch-v1",
    "deployment-apps-v1",
    "horizontalpodautoscaler-autoscaling-v2",
    "namespace-v1",
    "poddisruptionbudget-policy-v1",
    "service-v1",
    "serviceaccount-v1",
)


@dataclass(frozen=True)
class CrdSource:
    package: str
    version: str
    paths: tuple[str, ...]


STRIMZI = CrdSource(
    "io.strimzi:api:jar:tests (Maven Central)",
    "0.49.1",
    tuple(
        f"crds/v1beta2/{name}.yaml"
        for name in ("040-Crd-kafka", "043-Crd-kafkatopic", "044-Crd-kafkauser", "045-Crd-kafkanodepool")
    ),
)
ISTIO = CrdSource("istio.io/api (Go module)", "v1.28.0", ("kubernetes/customresourcedefinitions.gen.yaml",))
KEDA = CrdSource(
    "github.com/kedacore/keda/v2 (Go module)",
    "v2.18.3",
    ("config/crd/bases/keda.sh_scaledobjects.yaml", "config/crd/bases/keda.sh_triggerauthentications.yaml"),
)
SECRETS_STORE = CrdSource(
    "sigs.k8s.io/secrets-store-csi-driver (Go module)",
    "v1.5.4",
    ("config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml",),
)
#: The Istio kinds the manifests use (the module's file defines every Istio CRD).
ISTIO_KINDS = {"AuthorizationPolicy", "DestinationRule", "Gateway", "PeerAuthentication", "VirtualService"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def crd_schemas(text: str, kinds: set[str] | None = None) -> dict[str, dict[str, object]]:
    """Each served version's ``openAPIV3Schema`` of the CRDs in ``text``, keyed
    ``<group>/<version>/<Kind>``."""
    found = {}
    for crd in yaml.safe_load_all(text):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        kind = crd["spec"]["names"]["kind"]
        if kinds is not None and kind not in kinds:
            continue
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                key = f"{crd['spec']['group']}/{version['name']}/{kind}"
                found[key] = version["schema"]["openAPIV3Schema"]
    return found


def _write_crds(
    source: CrdSource, files: dict[str, bytes], archive: Path, kinds: set[str] | None
) -> list[str]:
    rows = []
    for path, data in files.items():
        for key, schema in sorted(crd_schemas(data.decode(), kinds).items()):
            out = SCHEMA_DIR / "crds" / f"{key.replace('/', '_')}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
            rows.append(
                f"| `crds/{out.name}` | {source.package} | {source.version} | `{path}` | "
                f"`{sha256(data)}` (archive `{archive.name}` `{sha256(archive.read_bytes())}`) |"
            )
    return rows


def vendor(wheel: Path, strimzi_jar: Path, gomodcache: Path) -> None:
    rows = []
    with zipfile.ZipFile(wheel) as archive:
        base = f"kubernetes_validate/kubernetes-json-schema/{KUBERNETES_VERSION}"
        for name in ("_definitions", *KUBERNETES_KINDS):
            data = archive.read(f"{base}/{name}.json")
            out = SCHEMA_DIR / "kubernetes" / KUBERNETES_VERSION / f"{name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            rows.append(
                f"| `kubernetes/{KUBERNETES_VERSION}/{name}.json` | kubernetes-validate (PyPI) | 1.37.0 | "
                f"`{base}/{name}.json` | `{sha256(data)}` "
                f"(archive `{wheel.name}` `{sha256(wheel.read_bytes())}`) |"
            )
    with zipfile.ZipFile(strimzi_jar) as archive:
        rows += _write_crds(STRIMZI, {path: archive.read(path) for path in STRIMZI.paths}, strimzi_jar, None)
    for source, kinds in ((ISTIO, ISTIO_KINDS), (KEDA, None), (SECRETS_STORE, None)):
        module = source.package.split(" ")[0]
        directory = gomodcache / f"{module}@{source.version}"
        archive = gomodcache / "cache" / "download" / module / "@v" / f"{source.version}.zip"
        rows += _write_crds(
            source, {path: (directory / path).read_bytes() for path in source.paths}, archive, kinds
        )
    (SCHEMA_DIR / "SOURCES.md").write_text(
        "# Where the vendored schemas come from\n\n"
        "Written by `python -m dev.k8s.schema_sources` (its docstring has the commands that fetch each\n"
        "artifact). `crds/*.json` are each CRD version's `openAPIV3Schema`, copied as published;\n"
        "`dev/k8s/schemas.py` turns them into JSON Schema when the tests load them.\n"
        "The SHA-256 is the published file's, then the archive's it was taken from.\n\n"
        "| file | package | version | path in the package | SHA-256 |\n| --- | --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--wheel", type=Path, required=True, help="kubernetes_validate-1.37.0-py3-none-any.whl"
    )
    parser.add_argument("--strimzi-jar", type=Path, required=True, help="api-0.49.1-tests.jar")
    parser.add_argument("--gomodcache", type=Path, required=True, help="GOMODCACHE holding the Go modules")
    args = parser.parse_args(argv)
    vendor(args.wheel, args.strimzi_jar, args.gomodcache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
