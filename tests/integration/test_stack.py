"""`ib stack` against the real services: the running stack, and throwaway stacks on spare ports."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dev.stack import StackConfig, StackError, down, status, up
from dev.stack.commands import stack_app
from dev.stack.config import REPO_ROOT
from dev.stack.postgres import layout

pytestmark = pytest.mark.stack


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def foreign_listener() -> Iterator[int]:
    """A port held by a listener that is not the stack's."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def throwaway_config(tmp_path: Path) -> Iterator[StackConfig]:
    """A second stack in its own run dir on spare ports, so the shared one is never disturbed."""
    cfg = StackConfig(
        repo_root=REPO_ROOT,
        run_dir=tmp_path / "run",
        kafka_port=_free_port(),
        kafka_controller_port=_free_port(),
        postgres_port=_free_port(),
        worker_port=_free_port(),
        gateway_port=_free_port(),
    )
    try:
        yield cfg
    finally:
        down(cfg)
        where = layout(cfg)
        if not where.base.is_relative_to(cfg.run_dir):
            shutil.rmtree(where.base, ignore_errors=True)


def test_status_reports_kafka_and_postgres_healthy(kafka_bootstrap: str, database_url: str) -> None:
    parts = {part.name: part for part in status(services_only=True)}
    assert set(parts) == {"kafka", "postgres"}
    for part in parts.values():
        assert part.healthy, f"{part.name}: {part.detail} (log: {part.log_file})"
        assert part.pid is not None
    assert kafka_bootstrap.endswith(f":{parts['kafka'].port}")
    assert f":{parts['postgres'].port}/" in database_url


def test_status_command_prints_the_table_and_succeeds(kafka_bootstrap: str, database_url: str) -> None:
    result = CliRunner().invoke(stack_app, ["status", "--services-only"])
    assert result.exit_code == 0, result.output
    assert "kafka" in result.output and "postgres" in result.output
    assert "broker answers metadata requests" in result.output


def test_up_again_leaves_the_running_services_alone(kafka_bootstrap: str, database_url: str) -> None:
    before = {part.name: part.pid for part in status(services_only=True)}
    lines: list[str] = []
    up(services_only=True, report=lines.append)
    after = {part.name: part.pid for part in status(services_only=True)}
    assert after == before
    assert any(line.startswith("kafka: already running") for line in lines), lines
    assert any(line.startswith("postgres: already running") for line in lines), lines


@pytest.mark.parametrize("part", ["kafka", "postgres"])
def test_a_port_taken_by_a_foreign_listener_stops_up_before_anything_starts(
    part: str, foreign_listener: int, throwaway_config: StackConfig
) -> None:
    field = {"kafka": "kafka_port", "postgres": "postgres_port"}[part]
    cfg = StackConfig(**{**throwaway_config.__dict__, field: foreign_listener})
    with pytest.raises(StackError) as raised:
        up(cfg, services_only=True)
    message = str(raised.value)
    assert "nothing was started" in message
    assert f"{part}: port 127.0.0.1:{foreign_listener} is already in use" in message
    assert {"kafka": "IB_KAFKA_PORT", "postgres": "IB_POSTGRES_PORT"}[part] in message
    assert not (cfg.run_dir / "kafka").exists()
    assert not any(part.running for part in status(cfg, services_only=True))


def test_the_command_line_names_the_taken_port(foreign_listener: int, tmp_path: Path) -> None:
    env = {
        "IB_RUN_DIR": str(tmp_path / "run"),
        "IB_KAFKA_PORT": str(foreign_listener),
        "IB_KAFKA_CONTROLLER_PORT": str(_free_port()),
        "IB_POSTGRES_PORT": str(_free_port()),
    }
    result = CliRunner().invoke(stack_app, ["up", "--services-only"], env=env)
    assert result.exit_code == 1
    assert f"port 127.0.0.1:{foreign_listener} is already in use" in result.output
    assert "ib stack up failed" in result.output


@pytest.mark.slow
def test_a_second_stack_starts_reports_and_stops(throwaway_config: StackConfig) -> None:
    cfg = throwaway_config
    parts = up(cfg, services_only=True)
    assert [(part.name, part.healthy) for part in parts] == [("kafka", True), ("postgres", True)]
    pids = {part.name: part.pid for part in parts}

    again = up(cfg, services_only=True)
    assert {part.name: part.pid for part in again} == pids

    lines: list[str] = []
    down(cfg, report=lines.append)
    assert "kafka: stopped" in lines and "postgres: stopped" in lines
    after = status(cfg, services_only=True)
    assert not any(part.running or part.healthy for part in after)


def test_three_brokers_check_every_nodes_ports_before_anything_starts(
    foreign_listener: int, tmp_path: Path
) -> None:
    """`ib stack up --brokers 3`: node 2 listens on IB_KAFKA_PORT + 2, here held by someone else."""
    env = {
        "IB_RUN_DIR": str(tmp_path / "run"),
        "IB_KAFKA_PORT": str(foreign_listener - 2),
        "IB_KAFKA_CONTROLLER_PORT": str(_free_port()),
        "IB_POSTGRES_PORT": str(_free_port()),
    }
    result = CliRunner().invoke(stack_app, ["up", "--services-only", "--brokers", "3"], env=env)
    assert result.exit_code == 1
    assert f"kafka-2: port 127.0.0.1:{foreign_listener} is already in use" in result.output
    assert not (tmp_path / "run" / "kafka").exists(), "nothing was started"
