from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        # Imported here, not at the top: a models module may only be imported once the
        # app registry is ready, and each of these imports one.
        from archive import search, signals  # noqa: F401  (versions, tombstones, the index)
        from archive.capture import signals as capture_signals  # noqa: F401
        from archive.catalogue import EntryCatalogue
        from archive.thesaurus import signals as thesaurus_signals  # noqa: F401
        from archive.web import admin  # noqa: F401  (the admin's registrations)

        # The engine reads no model: the archive gives it what it needs to read.
        search.use(EntryCatalogue())
