"""Writes: every change to the archive that matters goes through a function here."""
