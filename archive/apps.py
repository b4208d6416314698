from importlib import import_module

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    # The thesaurus's, the capture's and the change log's models live in their packages.
    MODEL_MODULES = (
        "archive.accounts.models",
        "archive.capture.models",
        "archive.entities.models",
        "archive.lists.models",
        "archive.thesaurus.models",
        "archive.search.sync.models",
    )

    def import_models(self):
        """The app's own ``models.py``, then the models its packages keep beside their code."""
        super().import_models()
        for module in self.MODEL_MODULES:
            import_module(module)

    def ready(self):
        # Imported here, not at the top: each imports models, which may only be imported
        # once the app registry is ready (and importing them is what connects them).
        from archive import search, signals  # noqa: F401  (versions and index changes)
        from archive.audit import registry  # the models whose changes are recorded
        from archive.capture import replays  # noqa: F401  (its system check)
        from archive.capture import signals as capture_signals  # noqa: F401  (files)
        from archive.catalogue import EntryCatalogue  # reads the models for the engine
        from archive.thesaurus import signals as thesaurus_signals  # noqa: F401  (links)
        from archive.web import admin  # noqa: F401  (the admin's registrations)

        registry.register()

        # The engine reads no model: the archive gives it what it needs to read.
        search.use(EntryCatalogue())
