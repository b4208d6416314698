"""What the archive's management commands share: they speak the terminal's language."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from archive.audit import origin


def terminal_language() -> str:
    """The interface language the terminal asks for (``LC_ALL``, ``LC_MESSAGES``, then
    ``LANG``, as gettext reads them: ``ru_RU.UTF-8`` is Russian), else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


class ArchiveCommand(BaseCommand):
    """A management command whose messages are in the terminal's language."""

    def execute(self, *args, **options):
        # What the command changes is recorded as coming from it (archive/audit/).
        with translation.override(terminal_language()), origin(self.__module__.rsplit(".")[-1]):
            return super().execute(*args, **options)

    def progress_bar(self, done: int, total: int, unit: str = ""):
        """A bar redrawn on one line ("[#####.....] 120/300 entries"), ended at the end."""
        width = 30
        filled = width * done // total if total else width
        counted = f"{done}/{total} {unit}".rstrip()
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {counted}",
            ending="" if done < total else "\n",
        )
        self.stdout.flush()
