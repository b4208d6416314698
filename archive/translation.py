"""Names of topics and sources in each interface language, through django-modeltranslation:
``name_en``, ``name_ru``, ``name_ja`` beside ``name`` (which stays the English one), the
visitor's language shown and English where a translation is missing.

django-modeltranslation over django-parler: the translations are columns of the same
table, so facet labels, ordering and the admin's lists need no join, and existing queries
and the unique constraint on a topic's name keep working unchanged."""

from modeltranslation.translator import TranslationOptions, register

from archive.models import Source, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("name",)
