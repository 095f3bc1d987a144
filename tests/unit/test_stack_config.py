from __future__ import annotations

from pathlib import Path

import pytest

from dev.stack.config import REPO_ROOT, StackConfig, local_port


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:19092", 19092),
        ("localhost:19092,127.0.0.1:19093", 19092),
        ("postgresql://u:p@127.0.0.1:6543/db", 6543),
        ("kafka.example.com:9092", 1111),  # not this machine: the stack cannot start it there
        ("", 1111),
        (None, 1111),
        ("127.0.0.1", 1111),
    ],
)
def test_local_port(address: str | None, expected: int) -> None:
    assert local_port(address, 1111) == expected


def test_defaults_match_the_shared_settings() -> None:
    cfg = StackConfig.from_env({})
    assert cfg.run_dir == REPO_ROOT / ".run"
    assert cfg.kafka_bootstrap == "127.0.0.1:9092"
    assert cfg.database_url == "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
    assert cfg.gateway_url == "http://127.0.0.1:8000"
    assert cfg.worker_url == "http://127.0.0.1:6066/"


def test_ports_follow_the_environment(tmp_path: Path) -> None:
    cfg = StackConfig.from_env(
        {
            "IB_RUN_DIR": str(tmp_path),
            "IB_KAFKA_BOOTSTRAP": "127.0.0.1:29092",
            "IB_DATABASE_URL": "postgresql://a:b@localhost:25433/x",
            "IB_KAFKA_CONTROLLER_PORT": "29093",
            "IB_GATEWAY_PORT": "28000",
        }
    )
    assert cfg.run_dir == tmp_path
    assert (cfg.kafka_port, cfg.kafka_controller_port, cfg.postgres_port, cfg.gateway_port) == (
        29092,
        29093,
        25433,
        28000,
    )
    assert (
        StackConfig.from_env({"IB_KAFKA_PORT": "39092", "IB_KAFKA_BOOTSTRAP": "127.0.0.1:29092"}).kafka_port
        == 39092
    )


def test_children_get_this_stacks_addresses_and_keep_other_settings(tmp_path: Path) -> None:
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=tmp_path, kafka_port=19092, postgres_port=15433)
    env = cfg.child_environment(
        {"IB_TOPIC_PREFIX": "t-1-", "IB_KAFKA_BOOTSTRAP": "elsewhere:9092", "PATH": "/bin"}
    )
    assert env["IB_KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"
    assert env["IB_DATABASE_URL"].endswith("@127.0.0.1:15433/interview_buddy")
    assert env["IB_RUN_DIR"] == str(tmp_path)
    assert env["IB_BLOB_DIR"] == str(tmp_path / "blobs")
    assert (env["IB_GATEWAY_PORT"], env["IB_WORKER_WEB_PORT"]) == ("8000", "6066")
    assert env["IB_TOPIC_PREFIX"] == "t-1-"
    assert env["PATH"] == "/bin"


def test_the_broker_count_comes_from_the_environment_or_the_running_stack(tmp_path: Path) -> None:
    assert StackConfig.from_env({"IB_RUN_DIR": str(tmp_path)}).brokers == 1
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "brokers").write_text("3\n")  # what `ib stack up --brokers 3` leaves
    assert StackConfig.from_env({"IB_RUN_DIR": str(tmp_path)}).brokers == 3
    assert StackConfig.from_env({"IB_RUN_DIR": str(tmp_path), "IB_KAFKA_BROKERS": "1"}).brokers == 1
