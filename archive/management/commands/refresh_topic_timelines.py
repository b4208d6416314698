"""Rebuild every topic's timeline (``TopicTimeline``) from the topic links and the
entries' dates: after either was edited in raw SQL, which the app does not see."""

from django.utils.translation import ngettext

from archive.management.base import ArchiveCommand
from archive.models import TopicTimeline


class Command(ArchiveCommand):
    help = (
        "Rebuild every topic's timeline (what the admin counts and lists a topic's entries "
        "from) from the topic links and the entries' dates, after either was edited in raw "
        "SQL. Saves, topic changes and queryset updates keep it in step by themselves."
    )

    def handle(self, *args, **options):
        rows = TopicTimeline.rebuild_all()
        message = ngettext(
            "Rebuilt the topics' timelines: %(rows)d link.",
            "Rebuilt the topics' timelines: %(rows)d links.",
            rows,
        )
        self.stdout.write(self.style.SUCCESS(message % {"rows": rows}))
