"""Links between concepts have no timestamp of their own: changing them touches both
concepts, so that search sees the change (``snapshot.version``)."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from archive.thesaurus.models import Concept


def _touch(concept_ids):
    Concept.objects.filter(pk__in=set(concept_ids)).update(updated_at=timezone.now())


@receiver(m2m_changed, sender=Concept.broader.through)
@receiver(m2m_changed, sender=Concept.related.through)
def concept_links_changed(sender, instance, action, pk_set, reverse, model, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    _touch([instance.pk, *(pk_set or ())])
