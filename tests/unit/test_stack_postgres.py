from __future__ import annotations

import os
from pathlib import Path

from dev.stack import postgres
from dev.stack.config import REPO_ROOT, StackConfig


def _fake_install(root: Path, *versions: str) -> None:
    for version in versions:
        bin_dir = root / version / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "initdb").write_text("#!/bin/sh\n")


def test_newest_installed_version_is_chosen(tmp_path: Path) -> None:
    _fake_install(tmp_path, "9", "15", "16")
    (tmp_path / "17").mkdir()  # a leftover directory without binaries
    assert postgres.find_bin_dir(tmp_path) == tmp_path / "16" / "bin"


def test_server_listens_on_loopback_at_its_own_port(tmp_path: Path) -> None:
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=tmp_path, postgres_port=15433)
    conf = postgres.render_server_conf(cfg, tmp_path / "socket")
    assert "listen_addresses = '127.0.0.1'" in conf
    assert "port = 15433" in conf
    assert f"unix_socket_directories = '{tmp_path / 'socket'}'" in conf


def test_cluster_lives_in_the_run_dir(tmp_path: Path) -> None:
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=tmp_path / "run")
    where = postgres.layout(cfg, as_root=False)
    assert where.data_dir == tmp_path / "run" / "postgres" / "data"
    assert where.socket_dir == tmp_path / "run" / "postgres" / "socket"
    assert where.log_file.parent.parent == tmp_path / "run" / "postgres"


def test_cluster_moves_out_of_a_run_dir_the_server_user_cannot_enter(tmp_path: Path) -> None:
    private = tmp_path / "home"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=private / "repo" / ".run")
    assert not postgres.traversable_by_others(cfg.run_dir.parent)
    where = postgres.layout(cfg, as_root=True)
    assert where.base.parent == Path("/var/lib/ibstack")
    assert postgres.layout(cfg, as_root=True) == where  # the same place every time


def test_socket_moves_to_a_short_path_when_the_run_dir_is_deep(tmp_path: Path) -> None:
    cfg = StackConfig(repo_root=REPO_ROOT, run_dir=tmp_path / ("x" * 120))
    where = postgres.layout(cfg, as_root=False)
    assert len(str(where.socket_dir / ".s.PGSQL.5433")) <= 107
    assert where.data_dir.is_relative_to(cfg.run_dir)
