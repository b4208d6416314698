"""Running an evaluation command again in a process whose database and index are a
temporary folder's, so that it never touches the archive it was started in."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

ISOLATED = "ARCHIVE_EVALUATION_ARCHIVE"  # set in the process that runs in its own archive


def is_isolated() -> bool:
    return bool(os.environ.get(ISOLATED))


def isolated_folder() -> Path:
    return Path(os.environ[ISOLATED])


def run_isolated(command_name: str, arguments: list[str], stdout) -> int:
    """Run ``manage.py command_name arguments`` in an archive of its own; its output is
    written to ``stdout``. Returns the process's exit status."""
    with tempfile.TemporaryDirectory(prefix="rjarchive-evaluation-") as folder:
        env = {
            **os.environ,
            ISOLATED: folder,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'db.sqlite3'}",
            "ARCHIVE_DATA_DIR": folder,
            "ARCHIVE_INDEX_DIR": str(Path(folder) / "index"),
        }
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), command_name, *arguments]
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
        stdout.write(result.stdout, ending="")
        return result.returncode
