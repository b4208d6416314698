"""A staff account's recorded sessions: those still alive, and ending some of them (the
session itself deleted from the store, so its cookie opens nothing)."""

from importlib import import_module

from django.conf import settings

from archive.accounts.models import StaffSession


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def live(user) -> list[StaffSession]:
    """The account's recorded sessions that still exist (stale records are removed)."""
    store = session_store()
    alive = []
    for session in StaffSession.objects.filter(user=user):
        if store().exists(session.session_key):
            alive.append(session)
        else:
            session.delete()
    return alive


def end(sessions) -> int:
    """End these sessions (a query of ``StaffSession``); returns how many."""
    store = session_store()
    ended = 0
    for session in sessions:
        store(session.session_key).delete()
        session.delete()
        ended += 1
    return ended
