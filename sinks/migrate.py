"""Apply the read model's SQL migrations, in order, once each.

The gateway and every worker call :func:`apply_migrations` at start-up, possibly at the
same moment: a PostgreSQL advisory lock makes them take turns, and the
``schema_migrations`` table records what has been applied so the second caller does
nothing.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import psycopg
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from sinks.errors import ReadModelUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Any constant the project owns; it only has to differ from other advisory locks in the database.
ADVISORY_LOCK_KEY = 0x1B_5EAD_0001


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """``NNNN_name.sql`` files, in the order they must run."""
    return sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))


async def apply_migrations(database_url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the migrations that are missing; return the names applied by this call."""
    try:
        conn = await psycopg.AsyncConnection.connect(database_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise ReadModelUnavailable(f"cannot connect to PostgreSQL to migrate: {exc}") from exc
    applied_now: list[str] = []
    async with conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            cursor = await conn.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in await cursor.fetchall()}
            for path in migration_files(directory):
                if path.stem in done:
                    continue
                # One transaction per file: a failed migration leaves no half-made tables.
                async with conn.transaction():
                    await conn.execute(path.read_bytes())
                    await conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (path.stem,))
                log.info("applied migration %s", path.stem)
                applied_now.append(path.stem)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    return applied_now


class MigrateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IB_", extra="ignore")

    database_url: SecretStr = SecretStr(
        "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = MigrateSettings()
    applied = asyncio.run(apply_migrations(settings.database_url.get_secret_value()))
    log.info("%d migration(s) applied", len(applied))


if __name__ == "__main__":
    main()
