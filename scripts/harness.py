"""A throwaway RJ Archive on loopback for the load and fault scripts: its own database,
index and static files in a temporary folder, served by gunicorn in production mode."""

import copy
import hashlib
import itertools
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
EDITOR_PASSWORD = "load-test-editor-password-1"
# The editors' authenticator keys (hex): each sign-in verifies its session with a code of
# the next key, so that sign-ins in the same 30 seconds (an editor on two nodes) do not
# replay one code, which the archive refuses.
EDITOR_TOTP_KEYS = [hashlib.sha1(f"rj-editor-{i}".encode()).hexdigest() for i in range(16)]
_next_key = itertools.count()


def totp_devices_code(username: str) -> str:
    """Python that gives an account the editors' authenticator keys (a shell command)."""
    return (
        "from django.contrib.auth.models import User; "
        "from django_otp.plugins.otp_totp.models import TOTPDevice; "
        f"user = User.objects.get(username='{username}'); "
        f"[TOTPDevice.objects.get_or_create(user=user, key=key, defaults={{'name': 'app', "
        f"'confirmed': True}}) for key in {EDITOR_TOTP_KEYS!r}]"
    )


def verify_session(session: requests.Session, site_url: str, who: str):
    """Verify a signed-in session with a second factor, as the admin requires."""
    verify = site_url + "/admin/account/two-factor/verify/"
    key = EDITOR_TOTP_KEYS[next(_next_key) % len(EDITOR_TOTP_KEYS)]
    response = session.post(
        verify,
        data={
            "code": f"{totp(bytes.fromhex(key)):06d}",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": verify},
        timeout=10,
    )
    if "/two-factor/" in response.url:
        raise RuntimeError(f"{who} could not verify the session")


# A small but varied corpus: the seed texts, shuffled into new documents.
MAKE_CORPUS = """
import datetime, random
from django.db import transaction
from archive.models import Entry, Source, Topic
random.seed(7)
seeds = list(Entry.objects.filter(external_id__startswith="seed-"))
words = " ".join(entry.body for entry in seeds).split()
sources = list(Source.objects.all())
topics = list(Topic.objects.all())
with transaction.atomic():
  for number in range({count}):
    random.shuffle(words)
    entry = Entry.objects.create(
        title=" ".join(words[:8]).capitalize() + f" ({{number}})",
        body=" ".join(words[: random.randint(80, 400)]),
        source=random.choice(sources),
        language="en",
        document_type=random.choice(["news", "press_release", "journal_article"]),
        date_precision="year",
        date=datetime.date(random.randint(1990, 2024), 1, 1),
        status="published",
    )
    entry.topics.set(random.sample(topics, 2))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_of(index_dir, seconds: float = 0.0, ignore=()) -> list[int]:
    """Pids of the processes whose environment names this index folder (a command, its
    workers, multiprocessing's helpers), read from /proc; with ``seconds``, waits up to
    that long for there to be none."""
    marker = f"ARCHIVE_INDEX_DIR={index_dir}".encode()
    deadline = time.monotonic() + seconds
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in {os.getpid(), *ignore}:
                try:
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        found.append(int(entry.name))
                except OSError:
                    continue
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


PAGE_KINDS = ["page", "partial", "facet", "paging", "api", "entry", "save"]


def latency_rows(latencies: dict) -> list[dict]:
    """Requests and p50 / p95 / p99 milliseconds of each kind, as the load scripts print."""
    rows = []
    for kind in PAGE_KINDS:
        values = latencies.get(kind, [])
        rows.append(
            {
                "kind": kind,
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1) if values else None,
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
            }
        )
    return rows


class Site:
    """Migrated, seeded, indexed; ``start()`` serves it with gunicorn. With ``data_dir``,
    an archive already there (its db.sqlite3 and index/) is served as it is."""

    def __init__(
        self,
        workers: int = 4,
        corpus: int = 300,
        database_url: str | None = None,
        data_dir: Path | None = None,
    ):
        self.folder = Path(tempfile.mkdtemp(prefix="rjarchive-site-"))
        data = data_dir or self.folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.server: subprocess.Popen | None = None
        self.name = "gunicorn"  # its log is <name>.log in the folder
        self.env = {
            **os.environ,
            "PRODUCTION": "true",
            "ARCHIVE_HTTPS": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "ARCHIVE_DATA_DIR": str(data),
            "ARCHIVE_INDEX_DIR": str(data / "index"),
            "STATIC_ROOT": str(self.folder / "static"),
            "DATABASE_URL": database_url or f"sqlite:///{data / 'db.sqlite3'}",
            "ARCHIVE_LOGIN_FAILURE_LIMIT": "1000",
            # The harness's sites measure saving, syncing and searching: a save's names,
            # read in the background, would add index changes at moments of their own.
            "ARCHIVE_ENTITIES_ON_SAVE": os.environ.get("ARCHIVE_ENTITIES_ON_SAVE", "off"),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        if data_dir is not None:
            self.manage("migrate", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            self.add_editors()
            return
        self.manage("migrate", "-v0")
        self.manage("load_seed", "-v0")
        if corpus:
            self.manage("shell", "-v0", "-c", MAKE_CORPUS.format(count=corpus))
        self.manage("rebuild_index", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.add_editors()

    def add_editors(self):
        for name in ("editor1", "editor2"):
            self.manage(
                "shell",
                "-v0",
                "-c",
                "from django.contrib.auth.models import User; "
                f"User.objects.filter(username='{name}').exists() or "
                f"User.objects.create_superuser('{name}', password='{EDITOR_PASSWORD}')",
            )
            self.manage("shell", "-v0", "-c", totp_devices_code(name))

    def manage(self, *args, check=True, timeout=600) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result

    def start(self, require_healthy: bool = True):
        self.server = subprocess.Popen(
            [
                PYTHON,
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
                str(self.folder / f"{self.name}.log"),
                "--capture-output",  # the application's own log lines there too
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status = requests.get(self.url + "/healthz", timeout=2).status_code
                if status == 200 or not require_healthy:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not become healthy within 60 s")

    def another_node(self, name: str, **env) -> "Site":
        """A second app server on the same database, with its own (empty) index folder and
        port: started, it builds its index from the database and follows the change log."""
        node = copy.copy(self)
        node.name = name
        node.port = free_port()
        node.url = f"http://127.0.0.1:{node.port}"
        node.server = None
        node.env = {**self.env, "ARCHIVE_INDEX_DIR": str(self.folder / f"index-{name}"), **env}
        return node

    def worker_pids(self) -> list[int]:
        result = subprocess.run(
            ["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in result.stdout.split()]

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.server = None


def first_source_offered(session: requests.Session, site_url: str) -> str:
    """The id of the first source the entry form's source box offers (its autocomplete)."""
    offered = session.get(
        site_url + "/admin/autocomplete/",
        params={"app_label": "archive", "model_name": "entry", "field_name": "source"},
        timeout=30,
    ).json()["results"]
    if not offered:
        raise RuntimeError("the entry form offers no source")
    return offered[0]["id"]


class Editor:
    """An editor signed in to the admin who saves new published entries."""

    def __init__(self, site: Site, username: str):
        self.site = site
        self.session = requests.Session()
        login = site.url + "/admin/login/"
        self.session.get(login, timeout=10)
        response = self.session.post(
            login,
            data={
                "username": username,
                "password": EDITOR_PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
                "next": "/admin/",
            },
            headers={"Referer": login},
            timeout=10,
        )
        if "/admin/login/" in response.url:
            raise RuntimeError(f"{username} could not sign in")
        verify_session(self.session, site.url, username)

    def save_entry(self, token: str) -> requests.Response:
        add = self.site.url + "/admin/archive/entry/add/"
        self.session.get(add, timeout=30)
        data = {
            "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            # A published entry names its source: the first the form offers.
            "source": first_source_offered(self.session, self.site.url),
            "title": f"Load test entry {token}",
            "slug": "",
            "status": "published",
            "date": "2024-05-01",
            "date_precision": "day",
            "date_note": "",
            "document_type": "news",
            "language": "en",
            "body": f"Saved during the load test with the marker {token} and some words.",
            "identifiers-TOTAL_FORMS": "0",
            "identifiers-INITIAL_FORMS": "0",
            "identifiers-MIN_NUM_FORMS": "0",
            "identifiers-MAX_NUM_FORMS": "1000",
            "originals-TOTAL_FORMS": "0",
            "originals-INITIAL_FORMS": "0",
            "_save": "Save",
        }
        return self.session.post(
            add, data=data, headers={"Referer": add}, timeout=30, allow_redirects=False
        )
