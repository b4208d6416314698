"""Compile the interface's catalogues (locale/*/LC_MESSAGES/django.po) into the .mo files
Django reads, with polib: no GNU gettext needed, so the committed .mo files can always be
rebuilt the same way."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]

for catalogue in sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po")):
    polib.pofile(str(catalogue)).save_as_mofile(str(catalogue.with_suffix(".mo")))
    print(f"compiled {catalogue.relative_to(ROOT)}")
