"""An archive that separate processes share: its own database (an SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL) and its own index folder."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


class ProcessSite:
    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.index_dir = folder / "index"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "ARCHIVE_DATA_DIR": str(folder),
            "ARCHIVE_INDEX_DIR": str(self.index_dir),
            "ARCHIVE_INDEX_LOCK_TIMEOUT": "10",
            # These nodes test the change log: a save's names, read in the background,
            # would add changes of their own at moments of their own.
            "ARCHIVE_ENTITIES_ON_SAVE": "off",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(self, *args, check=True, timeout=120, env=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args) -> subprocess.Popen:
        """A manage.py command in the background."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def shell(self, code) -> subprocess.Popen:
        return self.start("shell", "-c", code)


def _postgres_database(base_url: str):
    """A new, empty database on the suite's PostgreSQL server; returns (url, drop)."""
    import psycopg

    parts = urlsplit(base_url)
    name = f"rjsite_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture
def process_site(tmp_path):
    """A migrated database and an index folder that separate processes share."""
    suite_url = os.environ.get("DATABASE_URL", "")
    drop = None
    if suite_url.startswith(("postgres://", "postgresql://")):
        database_url, drop = _postgres_database(suite_url)
    else:
        database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    site = ProcessSite(tmp_path, database_url)
    site.manage("migrate", "-v0")
    site.manage("rebuild_index", "-v0")
    yield site
    if drop is not None:
        drop()


class Node:
    """One app server of a several-node archive: gunicorn with its own index folder, on the
    database of a ``ProcessSite``."""

    def __init__(self, site: ProcessSite, name: str, workers: int = 2):
        self.site = site
        self.name = name
        self.index_dir = site.folder / f"node-{name}"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **site.env,
            "ARCHIVE_INDEX_DIR": str(self.index_dir),
            "ARCHIVE_INDEX_POLL_SECONDS": "0.5",
            "ARCHIVE_RATE_LIMIT_SEARCH": "100000/m",
            "ARCHIVE_RATE_LIMIT_API": "100000/m",
        }
        self.server: subprocess.Popen | None = None

    def manage(self, *args, check=True, timeout=120):
        """A command on this node (its index folder)."""
        return self.site.manage(*args, check=check, timeout=timeout, env=self.env)

    def start(self, env: dict | None = None):
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "rjsite.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--error-logfile",
                str(self.site.folder / f"gunicorn-{self.name}.log"),
                "--capture-output",
            ],  # fmt: skip
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a process group of its own: killed as one
        )
        return self

    def health(self) -> dict:
        import requests

        try:
            response = requests.get(self.url + "/healthz", timeout=5)
        except requests.RequestException:
            return {}
        return response.json() | {"http_status": response.status_code}

    def wait_until(self, condition, what: str, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        health = {}
        while time.monotonic() < deadline:
            health = self.health()
            if health and condition(health):
                return health
            time.sleep(0.1)
        log = self.log()[-3000:]
        raise AssertionError(f"node {self.name}: {what} not reached; last {health}\n{log}")

    def log(self) -> str:
        return (self.site.folder / f"gunicorn-{self.name}.log").read_text()

    def position(self) -> int | None:
        """The change log position of the node's index, read from its folder."""
        from archive.search.sync import applied_position

        current = self.index_dir / "current"
        return applied_position.read(current.resolve()) if current.exists() else None

    def search_total(self, query: str) -> int:
        import requests

        response = requests.get(self.url + "/api/search/", params={"q": query}, timeout=30)
        response.raise_for_status()
        return response.json()["total"]

    def kill(self):
        """kill -9 of the whole node, master and workers."""
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(10)
        self.server = None

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
        self.server = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def make_node(process_site):
    """Nodes on one database, each with its own index folder; all stopped at the end."""
    nodes = []

    def make(name: str, workers: int = 2) -> Node:
        node = Node(process_site, name, workers)
        nodes.append(node)
        return node

    yield make
    for node in nodes:
        if node.server is not None and node.server.poll() is None:
            os.killpg(node.server.pid, signal.SIGKILL)
