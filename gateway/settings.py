"""The gateway's settings, read once from ``IB_*`` environment variables at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_DIR = Path(__file__).resolve().parent.parent
TWO_GIB = 2 * 1024**3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    run_dir: Path = REPO_DIR / ".run"
    kafka_bootstrap: str = "127.0.0.1:9092"
    database_url: SecretStr = SecretStr(
        "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
    )
    blob_dir: Path | None = None  # None: <run_dir>/blobs
    topic_prefix: str = ""
    #: A Confluent-compatible schema registry (e.g. Apicurio's /apis/ccompat/v7); unset: ids.json.
    schema_registry_url: str | None = None
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    gateway_url: str = "http://127.0.0.1:8000"
    #: Larger recordings are refused with 413 before their bytes are stored.
    max_upload_bytes: int = TWO_GIB
    auth_issuer: str = "interview-buddy-dev"
    auth_audience: str = "interview-buddy"

    @model_validator(mode="after")
    def _default_blob_dir(self) -> Settings:
        if self.blob_dir is None:
            self.blob_dir = self.run_dir / "blobs"
        return self

    @property
    def blob_root(self) -> Path:
        assert self.blob_dir is not None  # filled by the validator
        return self.blob_dir

    @property
    def auth_dir(self) -> Path:
        return self.run_dir / "auth"
