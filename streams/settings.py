"""The worker's settings, read once from ``IB_*`` environment variables at start."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from topics.kafka_security import KafkaSecuritySettings
from topics.log_format import LogFormat

REPO_ROOT = Path(__file__).resolve().parent.parent


class StreamsSettings(KafkaSecuritySettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    run_dir: Path = REPO_ROOT / ".run"
    kafka_bootstrap: str = "127.0.0.1:9092"
    #: Brokers each topic is kept on when this process creates it: 1 on the one-node stack,
    #: 3 on three brokers (``ib stack up --brokers 3`` sets it; the brokers' own
    #: ``min.insync.replicas`` then makes an acks=all write wait for two of them).
    kafka_replication_factor: int = 1
    database_url: str = "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
    blob_dir: Path | None = None
    #: Where recordings are read from: the local folder or Azure Blob (as the gateway writes them).
    blob_store: Literal["local", "azure"] = "local"
    azure_storage_connection_string: SecretStr | None = None
    azure_blob_container: str = "recordings"
    topic_prefix: str = ""
    #: A Confluent-compatible schema registry (e.g. Apicurio's /apis/ccompat/v7); unset: ids.json.
    schema_registry_url: str | None = None
    #: ``json`` (one object per line, with the trace id), ``text``, or ``auto``: JSON unless the
    #: log goes to a terminal (``topics.log_format``).
    log_format: LogFormat = "auto"
    #: The Faust app id: the consumer group and the prefix of changelog topics.
    app_id: str = "interview-buddy"
    worker_web_host: str = "127.0.0.1"
    worker_web_port: int = 6066
    #: How long the group waits for a silent member (a worker that crashed says nothing)
    #: before it hands that member's partitions to the others; heartbeats go every tenth of it.
    #: The broker allows 6 s to 1800 s.
    kafka_session_timeout_seconds: float = 30.0
    #: Every external call (blob store, database, SMTP, speech service) is tried this many
    #: times in all, with backoff doubling from ``retry_backoff_seconds`` up to
    #: ``retry_max_backoff_seconds``, before a message that keeps failing for its own reasons
    #: goes to its dead-letter topic; a dependency that cannot be reached is waited out with
    #: the same capped backoff instead (``streams/retry_policy.py``).
    retry_attempts: int = Field(default=3, ge=1)
    retry_backoff_seconds: float = Field(default=0.5, ge=0)
    retry_max_backoff_seconds: float = Field(default=30.0, gt=0)
    sink_batch_size: int = 200
    #: Segments the speech agent takes at once; each interview's table entry is written
    #: once per batch. Live traffic makes small batches; a replay makes full ones.
    speech_batch_size: int = 1000
    sink_batch_seconds: float = 0.25
    #: How long the rollup waits for transcript segments missing when the final one has
    #: come: this many seconds per second of audio, never less than the minimum. Then the
    #: interview fails ("the transcript is incomplete"), never completed with holes.
    transcript_wait_min_seconds: float = 60.0
    transcript_wait_per_audio_second: float = 2.0

    # --- notifications (notify_user, send_email) ---------------------------------------
    #: The web app's address: notifications link to ``<web_url>/review/{id}``.
    web_url: str = "http://127.0.0.1:8000"
    #: An analysis that completed or failed longer ago than this is not notified (a replay).
    notify_max_age_seconds: float = 24 * 60 * 60
    #: The SMTP server email is delivered through (``dev/smtp/run.sh`` starts one on loopback).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    #: Upgrade the connection with STARTTLS (a relay on port 587); off for the local server.
    smtp_starttls: bool = False
    smtp_from: str = "Interview Buddy <notifications@interview-buddy.local>"
    smtp_timeout_seconds: float = 10.0
    #: A delivery that failed for a passing reason (the server away, a 4xx answer) is tried
    #: again after this many seconds, doubled each time up to the maximum, for as long as it
    #: takes; a permanent refusal (5xx) fails it at once.
    email_retry_seconds: float = 30.0
    email_retry_max_seconds: float = 3600.0
    #: How often each worker looks for deliveries that are due (retries, and any left behind
    #: by a worker that stopped).
    email_sweep_seconds: float = 5.0

    #: Which agents this process runs: "all", or a comma-separated group such as
    #: "transcribe_recording" or "measure_speech,roll_up_analysis". Each group is its own
    #: consumer group (app id), so groups scale apart: replicas up to the partition count.
    agents: str = "all"

    @property
    def agent_names(self) -> tuple[str, ...] | None:
        """The agents to run, or None for all of them."""
        if self.agents.strip() in ("", "all"):
            return None
        return tuple(sorted(name.strip() for name in self.agents.split(",") if name.strip()))

    @property
    def faust_app_id(self) -> str:
        names = self.agent_names
        group = "" if names is None else "-" + "-".join(names)
        return f"{self.topic_prefix}{self.app_id}{group}"

    @property
    def blob_root(self) -> Path:
        return self.blob_dir or self.run_dir / "blobs"

    @property
    def table_dir(self) -> Path:
        return self.run_dir / "worker-tables" / self.faust_app_id
