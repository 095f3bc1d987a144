"""PostgreSQL from the Debian packages, as a private cluster under ``<run dir>/postgres``.

initdb and the server refuse to run as root, so as root they run as the unprivileged system user
``ibstack`` (created on first use), which owns the cluster's files. The server listens on
127.0.0.1 only, on its own port, with its Unix socket kept inside the run directory.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from dev.stack.config import DATABASE_NAME, DATABASE_PASSWORD, DATABASE_USER, StackConfig
from dev.stack.errors import StackError
from dev.stack.ports import find_clash
from dev.stack.processes import (
    is_alive,
    matches,
    read_pidfile,
    run_checked,
    stop_process,
    tail,
    wait_for_service,
)
from dev.stack.progress import PartStatus, Report, log_report

SYSTEM_USER = "ibstack"
SUPERUSER = "postgres"
PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = "install it with `apt-get install -y postgresql` (or run `make system-deps`)"
#: Unix socket paths are limited to 107 bytes; keep a margin.
MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class PostgresLayout:
    """Where one cluster keeps its files."""

    base: Path
    data_dir: Path
    socket_dir: Path
    log_file: Path


def _short_name(run_dir: Path) -> str:
    return hashlib.sha256(str(run_dir).encode()).hexdigest()[:10]


def traversable_by_others(path: Path) -> bool:
    """True when every existing ancestor of ``path`` lets other users through (o+x)."""
    for ancestor in [path, *path.parents]:
        try:
            mode = ancestor.stat().st_mode
        except FileNotFoundError:
            continue
        if not mode & stat.S_IXOTH:
            return False
    return True


def layout(cfg: StackConfig, *, as_root: bool | None = None) -> PostgresLayout:
    """The cluster's paths: under the run dir, unless the server's user could not reach them there."""
    as_root = os.geteuid() == 0 if as_root is None else as_root
    base = cfg.postgres_dir
    if as_root and not traversable_by_others(cfg.run_dir.parent):
        # e.g. a checkout under /root: the ``ibstack`` user cannot enter it.
        base = Path("/var/lib") / SYSTEM_USER / _short_name(cfg.run_dir)
    socket_dir = base / "socket"
    if len(str(socket_dir / f".s.PGSQL.{cfg.postgres_port}")) > MAX_SOCKET_PATH:
        socket_dir = Path(tempfile.gettempdir()) / f"ib-pg-{_short_name(cfg.run_dir)}"
    return PostgresLayout(base, base / "data", socket_dir, base / "log" / "postgres.log")


def find_bin_dir(pg_root: Path = PG_ROOT) -> Path | None:
    """The ``bin`` directory of the newest PostgreSQL installed from Debian packages."""
    candidates = []
    if pg_root.is_dir():
        for entry in pg_root.iterdir():
            if entry.name.isdigit() and (entry / "bin" / "initdb").is_file():
                candidates.append((int(entry.name), entry / "bin"))
    if candidates:
        return max(candidates)[1]
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def render_server_conf(cfg: StackConfig, socket_dir: Path) -> str:
    """Settings appended to the cluster's postgresql.conf (via include) on every start."""
    return (
        "# Written by `ib stack up`; edits are overwritten on the next start.\n"
        f"listen_addresses = '{cfg.host}'\n"
        f"port = {cfg.postgres_port}\n"
        f"unix_socket_directories = '{socket_dir}'\n"
        # A development database: losing the last few commits on a machine crash is acceptable.
        "synchronous_commit = off\n"
        "max_connections = 200\n"
        "log_min_messages = warning\n"
        "log_line_prefix = '%m [%p] %u@%d '\n"
    )


INCLUDE_LINE = "include_if_exists = 'ib_stack.conf'"


def as_server_user(command: list[str]) -> list[str]:
    """Run ``command`` as ``ibstack`` when we are root (initdb/pg_ctl refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SYSTEM_USER, "--", *command]
    return command


# State -------------------------------------------------------------------------------------------


def postgres_pid(cfg: StackConfig) -> int | None:
    data_dir = layout(cfg).data_dir
    pid = read_pidfile(data_dir / "postmaster.pid")
    if pid is not None and matches(pid, ("postgres", str(data_dir))):
        return pid
    return None


def postgres_healthy(cfg: StackConfig) -> bool:
    """A real login as the application's role, as the gateway and sinks will do."""
    try:
        with psycopg.connect(cfg.database_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def postgres_status(cfg: StackConfig) -> PartStatus:
    pid = postgres_pid(cfg)
    healthy = postgres_healthy(cfg)
    if healthy and pid is None:
        detail = "answers, but was not started by this stack"
    elif healthy:
        detail = f"accepts logins to {DATABASE_NAME}"
    elif pid is not None:
        detail = "running but not accepting logins"
    else:
        detail = "stopped"
    return PartStatus(
        "postgres", pid, cfg.postgres_port, healthy and pid is not None, detail, layout(cfg).log_file
    )


def postgres_problems(cfg: StackConfig) -> list[str]:
    problems = []
    if find_bin_dir() is None:
        problems.append(f"postgres: the PostgreSQL server is not installed; {INSTALL_HINT}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        problems.append("postgres: `runuser` (util-linux) is needed to run PostgreSQL as a non-root user")
    clash = find_clash("postgres", cfg.host, cfg.postgres_port, None)
    if clash:
        problems.append(clash.message() + "; stop it, or choose another port with IB_POSTGRES_PORT")
    return problems


# Actions -----------------------------------------------------------------------------------------


def ensure_system_user() -> None:
    """Create the unprivileged ``ibstack`` user once (idempotent, and safe if two of us race)."""
    try:
        pwd.getpwnam(SYSTEM_USER)
        return
    except KeyError:
        pass
    subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            SYSTEM_USER,
        ],
        check=False,
        capture_output=True,
    )
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError as exc:
        raise StackError(
            f"postgres: could not create the system user {SYSTEM_USER!r} (useradd failed)"
        ) from exc


def _own(paths: list[Path]) -> None:
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam(SYSTEM_USER)
    for path in paths:
        os.chown(path, user.pw_uid, user.pw_gid)


def prepare_dirs(where: PostgresLayout) -> None:
    created = []
    for directory in (where.base, where.data_dir, where.socket_dir, where.log_file.parent):
        directory.mkdir(parents=True, exist_ok=True)
        created.append(directory)
    where.data_dir.chmod(0o700)
    if not where.log_file.exists():
        where.log_file.touch()
    _own([*created, where.log_file])


def init_cluster(cfg: StackConfig, where: PostgresLayout, bin_dir: Path, report: Report) -> None:
    if (where.data_dir / "PG_VERSION").exists():
        return
    report(f"postgres: creating the cluster in {where.data_dir} (first start) ...")
    run_checked(
        as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(where.data_dir),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        ),
        what="Creating the PostgreSQL cluster (initdb)",
        log_file=cfg.logs_dir / "postgres-setup.log",
        cwd=where.base,
    )


def write_conf(cfg: StackConfig, where: PostgresLayout) -> None:
    conf = where.data_dir / "ib_stack.conf"
    conf.write_text(render_server_conf(cfg, where.socket_dir))
    main_conf = where.data_dir / "postgresql.conf"
    if INCLUDE_LINE not in main_conf.read_text():
        with open(main_conf, "a") as handle:
            handle.write(f"\n{INCLUDE_LINE}\n")
    _own([conf])


def start_server(cfg: StackConfig, where: PostgresLayout, bin_dir: Path, report: Report) -> None:
    report(f"postgres: starting on {cfg.host}:{cfg.postgres_port} ...")
    try:
        run_checked(
            as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(where.data_dir),
                    "-l",
                    str(where.log_file),
                    "-w",
                    "-t",
                    str(int(cfg.postgres_start_timeout_s)),
                    "start",
                ]
            ),
            what="Starting PostgreSQL (pg_ctl start)",
            log_file=cfg.logs_dir / "postgres-setup.log",
            cwd=where.base,
            new_session=True,
        )
    except StackError as exc:
        raise StackError(f"{exc}\nServer log {where.log_file}:\n{tail(where.log_file)}") from exc


def create_role_and_database(cfg: StackConfig, where: PostgresLayout) -> None:
    """The application's role and database, created once and left as they are afterwards."""
    with psycopg.connect(
        host=str(where.socket_dir), port=cfg.postgres_port, user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        role = sql.Identifier(DATABASE_USER)
        password = sql.Literal(DATABASE_PASSWORD)
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DATABASE_USER,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(role, password))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE_NAME), role))


def ensure_postgres(cfg: StackConfig | None = None, report: Report = log_report) -> PartStatus:
    """Start this stack's PostgreSQL unless it runs; make sure the role and database exist."""
    cfg = cfg or StackConfig.from_env()
    where = layout(cfg)
    pid = postgres_pid(cfg)
    if pid is not None and postgres_healthy(cfg):
        report(f"postgres: already running (pid {pid}) on {cfg.host}:{cfg.postgres_port}")
        return postgres_status(cfg)
    if pid is None:
        problems = postgres_problems(cfg)
        if problems:
            raise StackError("\n".join(problems))
        bin_dir = find_bin_dir()
        assert bin_dir is not None  # checked by postgres_problems
        if os.geteuid() == 0:
            ensure_system_user()
        prepare_dirs(where)
        init_cluster(cfg, where, bin_dir, report)
        write_conf(cfg, where)
        start_server(cfg, where, bin_dir, report)
    try:
        create_role_and_database(cfg, where)
    except psycopg.Error as exc:
        raise StackError(
            f"postgres: could not create the role and database: {exc}; "
            f"see {where.log_file}:\n{tail(where.log_file)}"
        ) from exc
    pid = postgres_pid(cfg)
    alive = lambda: pid is not None and is_alive(pid)  # noqa: E731
    if not wait_for_service(
        lambda: postgres_healthy(cfg), timeout_s=cfg.postgres_start_timeout_s, still_starting=alive
    ):
        raise StackError(
            f"postgres: no login to {cfg.database_url} succeeded; "
            f"see {where.log_file}:\n{tail(where.log_file)}"
        )
    report(f"postgres: healthy on {cfg.host}:{cfg.postgres_port} (database {DATABASE_NAME})")
    return postgres_status(cfg)


def stop_postgres(cfg: StackConfig, report: Report) -> None:
    pid = postgres_pid(cfg)
    if pid is None:
        report("postgres: not running")
        return
    report(f"postgres: stopping (pid {pid}) ...")
    where = layout(cfg)
    bin_dir = find_bin_dir()
    # "fast" shutdown: SIGTERM to the postmaster would wait for every client to disconnect.
    result = None
    if bin_dir is not None:
        result = subprocess.run(
            as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(where.data_dir),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    str(int(cfg.stop_timeout_s)),
                    "stop",
                ]
            ),
            capture_output=True,
            check=False,
            cwd=where.base,
        )
    if result is not None and result.returncode == 0 and not is_alive(pid):
        report("postgres: stopped")
        return
    graceful = stop_process(pid, timeout_s=cfg.stop_timeout_s)
    report("postgres: stopped" if graceful else "postgres: killed after it ignored SIGTERM")
