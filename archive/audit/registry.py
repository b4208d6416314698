"""The models whose every change is recorded, and how (django-auditlog's registry)."""

from auditlog.registry import auditlog
from django.contrib.auth.models import Group, User

from archive.models import Entry, Source, Topic
from archive.thesaurus.models import Concept


def register():
    auditlog.register(
        Entry,
        m2m_fields={"topics"},
        exclude_fields=["body_fingerprint", "updated_at"],
    )
    auditlog.register(Topic)
    auditlog.register(Source)
    auditlog.register(Concept, m2m_fields={"broader", "related"})
    auditlog.register(
        User,
        m2m_fields={"groups", "user_permissions"},
        exclude_fields=["last_login"],
        mask_fields=["password"],
    )
    auditlog.register(Group, m2m_fields={"permissions"})
