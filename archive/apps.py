from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        # The search index follows every change made through the ORM.
        from archive import signals  # noqa: F401  (versions and tombstones)
        from archive.capture import signals as capture_signals  # noqa: F401
        from archive.search.sync import signals as search_signals  # noqa: F401
        from archive.thesaurus import signals as thesaurus_signals  # noqa: F401

        # The admin's registrations live in the web layer, where Django's discovery of an
        # app's ``admin`` module does not look.
        from archive.web import admin  # noqa: F401
