"""The gateway's settings, read once from ``IB_*`` environment variables at start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from sinks.stuck_bound import StuckBound
from topics.kafka_security import KafkaSecuritySettings
from topics.log_format import LogFormat

REPO_DIR = Path(__file__).resolve().parent.parent
TWO_GIB = 2 * 1024**3
#: Where a web UI runs in development (Vite's and Next.js' default ports).
DEV_CORS_ORIGINS = (
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:3000",
    "http://127.0.0.1:3000",
)
GOOGLE_CERTS_URL = "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"


class Settings(KafkaSecuritySettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    run_dir: Path = REPO_DIR / ".run"
    kafka_bootstrap: str = "127.0.0.1:9092"
    #: Brokers each topic is kept on when this process creates it: 1 on the one-node stack,
    #: 3 on three brokers (``ib stack up --brokers 3`` sets it; the brokers' own
    #: ``min.insync.replicas`` then makes an acks=all write wait for two of them).
    kafka_replication_factor: int = 1
    database_url: SecretStr = SecretStr(
        "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
    )
    blob_dir: Path | None = None  # None: <run_dir>/blobs
    topic_prefix: str = ""
    #: A Confluent-compatible schema registry (e.g. Apicurio's /apis/ccompat/v7); unset: ids.json.
    schema_registry_url: str | None = None
    #: ``json`` (one object per line, with the trace id), ``text``, or ``auto``: JSON unless the
    #: log goes to a terminal (``topics.log_format``).
    log_format: LogFormat = "auto"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    gateway_url: str = "http://127.0.0.1:8000"
    #: Larger recordings are refused with 413 before their bytes are stored.
    max_upload_bytes: int = TWO_GIB
    auth_issuer: str = "interview-buddy-dev"
    auth_audience: str = "interview-buddy"
    #: production accepts Firebase ID tokens only: the dev issuer's tokens are refused.
    environment: Literal["development", "production"] = "development"
    auth_mode: Literal["dev", "firebase"] = "dev"
    firebase_project_id: str | None = None
    firebase_certs_url: str = GOOGLE_CERTS_URL
    #: ``host:port`` of the Firebase Auth emulator (``dev/firebase/run.sh``): its tokens are
    #: unsigned, and accepted only while this is set, as the Firebase Admin SDK does with
    #: FIREBASE_AUTH_EMULATOR_HOST; refused in production.
    firebase_auth_emulator_host: str | None = None
    #: The Firebase project's Web API key the browser's sign-in uses (``IB_FIREBASE_WEB_API_KEY``;
    #: public, as in every Firebase web app); the emulator takes any.
    firebase_web_api_key: str | None = None
    #: Where Firebase's sign-in pop-ups are served (``IB_FIREBASE_AUTH_DOMAIN``); unset,
    #: ``<project>.firebaseapp.com``.
    firebase_auth_domain: str | None = None
    blob_store: Literal["local", "azure"] = "local"
    azure_storage_connection_string: SecretStr | None = None
    #: Blob names inside it are the store's keys (``uploads/{user_id}/{upload_id}/...``).
    azure_blob_container: str = "recordings"
    #: How often expired tus uploads are swept from the store (``IB_UPLOAD_SWEEP_SECONDS``).
    upload_sweep_seconds: float = Field(default=600.0, gt=0)
    #: Each user's room: recordings kept (``IB_QUOTA_RECORDINGS``) and their total size
    #: (``IB_QUOTA_BYTES``). Unfinished uploads count until they expire. Unset, production gives
    #: the free tier (``gateway.quota.FREE_TIER``) and development no limit: there the person at
    #: the keyboard is the only user.
    quota_recordings: int | None = Field(default=None, ge=1)
    quota_bytes: int | None = Field(default=None, ge=1)
    #: Recordings are deleted this many days after their upload (``IB_RETENTION_DAYS``) unless
    #: the user chose otherwise (``PUT /me/settings``); the analysis and transcript stay.
    retention_days: int = Field(default=90, ge=1)
    #: How often the retention sweeper looks for recordings past their retention
    #: (``IB_RETENTION_SWEEP_SECONDS``).
    retention_sweep_seconds: float = Field(default=3600.0, gt=0)
    #: An interview counts as stuck when it has not moved for max(``IB_STUCK_MIN_SECONDS``,
    #: ``IB_STUCK_DURATION_FACTOR`` × its recording's duration). Before transcription is done, its
    #: ``interview.uploaded`` is then re-emitted, at most once per bound and ``IB_STUCK_MAX_REEMITS``
    #: times in all (0: never); a re-upload of its file is analysed anew instead of linked to it.
    stuck_min_seconds: float = Field(default=300.0, gt=0)
    stuck_duration_factor: float = Field(default=3.0, ge=0)
    stuck_max_reemits: int = Field(default=3, ge=0)
    #: How often the stuck-interview sweeper looks (``IB_STUCK_SWEEP_SECONDS``).
    stuck_sweep_seconds: float = Field(default=60.0, gt=0)
    #: Browser origins that may call the API and upload (``IB_CORS_ORIGINS``: comma-separated
    #: or a JSON list; ``*`` allows any). Defaults to a web UI on the developer's machine.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEV_CORS_ORIGINS))

    # The web app (gateway/web_app.py, gateway/routes/sign_in.py).
    #: The built browser app (``make web``) the gateway serves at ``/`` (``IB_WEB_DIST_DIR``).
    web_dist_dir: Path = REPO_DIR / "web" / "dist"

    @property
    def dev_sign_in_enabled(self) -> bool:
        """``POST /auth/dev-token`` exists only on a development stack with the dev issuer."""
        return self.auth_mode == "dev" and self.environment == "development"

    # --- live updates (gateway/live/: GET /ws) ------------------------------------------
    #: How long ``/ws`` waits for its first message, ``{"type": "auth", "token": ...}``
    #: (``IB_WS_AUTH_SECONDS``), before it closes the socket with 4408.
    ws_auth_seconds: float = Field(default=10.0, gt=0)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_have_no_path(cls, origins: list[str]) -> list[str]:
        # A browser sends "scheme://host[:port]"; a trailing slash would never match it.
        return [origin.rstrip("/") for origin in origins]

    @model_validator(mode="after")
    def _default_blob_dir(self) -> Settings:
        if self.blob_dir is None:
            self.blob_dir = self.run_dir / "blobs"
        return self

    @model_validator(mode="after")
    def _edges_are_configured(self) -> Settings:
        if self.environment == "production" and self.auth_mode != "firebase":
            raise ValueError(
                "IB_ENVIRONMENT=production accepts only Firebase tokens: set IB_AUTH_MODE=firebase"
            )
        if self.auth_mode == "firebase" and not self.firebase_project_id:
            raise ValueError("IB_AUTH_MODE=firebase needs IB_FIREBASE_PROJECT_ID")
        web_key = self.firebase_web_api_key or self.firebase_auth_emulator_host  # the emulator takes any
        if self.auth_mode == "firebase" and not web_key:
            raise ValueError(
                "IB_AUTH_MODE=firebase needs IB_FIREBASE_WEB_API_KEY: the web app signs in with it"
            )
        if self.environment == "production" and self.firebase_auth_emulator_host:
            raise ValueError(
                "IB_ENVIRONMENT=production never accepts the Firebase Auth emulator's unsigned tokens: "
                "unset IB_FIREBASE_AUTH_EMULATOR_HOST"
            )
        if self.blob_store == "azure" and self.azure_storage_connection_string is None:
            raise ValueError("IB_BLOB_STORE=azure needs IB_AZURE_STORAGE_CONNECTION_STRING")
        return self

    @property
    def blob_root(self) -> Path:
        assert self.blob_dir is not None  # filled by the validator
        return self.blob_dir

    @property
    def stuck_bound(self) -> StuckBound:
        return StuckBound(self.stuck_min_seconds, self.stuck_duration_factor)

    @property
    def auth_dir(self) -> Path:
        return self.run_dir / "auth"
