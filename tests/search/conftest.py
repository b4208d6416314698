"""An archive that separate processes share: its own database (an SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL) and its own index folder."""

import os
import subprocess
import sys
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
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(self, *args, check=True, timeout=120):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
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
