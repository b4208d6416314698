"""Where a change comes from, for the record: a context variable set by whatever makes
the change (a request, a command, capture, a background reading), read when
django-auditlog saves a record (its ``pre_save``)."""

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, replace

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.dispatch import receiver


@dataclass(frozen=True)
class Origin:
    name: str  # "admin", "site", "capture", "import_entries", "load_seed", "ocr", …
    actor: object = None  # the user, when a person made it
    address: str | None = None


_current: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def current_origin() -> Origin | None:
    return _current.get()


@contextlib.contextmanager
def origin(name: str, actor=None, address: str | None = None):
    """Changes made in the block are recorded as coming from ``name``; the actor and
    address are those given, or the enclosing context's (capture in an admin request
    is the editor's)."""
    outer = _current.get()
    if outer is not None:
        here = replace(outer, name=name)
        if actor is not None:
            here = replace(here, actor=actor, address=address)
    else:
        here = Origin(name, actor, address)
    token = _current.set(here)
    try:
        yield here
    finally:
        _current.reset(token)


@contextlib.contextmanager
def request_context(request, name: str, actor, address: str | None):
    with origin(name, actor if getattr(actor, "is_authenticated", False) else None, address):
        yield


@receiver(pre_save, sender=LogEntry, dispatch_uid="audit-origin")
def _stamp(sender, instance: LogEntry, **kwargs):
    """Each record made in a context says its origin, actor and address."""
    if instance.pk is not None:
        return
    here = _current.get()
    data = dict(instance.additional_data or {})
    data.setdefault("origin", here.name if here else "unknown")
    instance.additional_data = data
    if here is not None:
        if instance.actor_id is None and here.actor is not None:
            instance.actor = here.actor
            instance.actor_email = getattr(here.actor, "email", None) or None
        if not instance.remote_addr and here.address:
            instance.remote_addr = here.address


def record_refusal(user, what: str, request=None):
    """A refused attempt (a wrong, replayed or used code; a forged record), recorded on
    the account it concerned."""
    _record_on_account(user, {"refused": what}, request)


def record_account_event(user, what: str):
    """Something done to an account that is not a change of its fields (its second
    factor removed, its sessions ended)."""
    _record_on_account(user, {"event": what}, None)


def _record_on_account(user, data: dict, request):
    here = _current.get()
    user = getattr(user, "_wrapped", user) if user.pk is not None else user  # a lazy user
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=str(user)[:200],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=here.actor if here and here.actor is not None else None,
        remote_addr=(here.address if here else None)
        or (request.META.get("REMOTE_ADDR") if request is not None else None),
        additional_data={"origin": here.name if here else "site", **data},
    )
