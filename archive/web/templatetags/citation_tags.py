"""Template tags for citation metadata on result lists."""

from django import template

from archive.citations.coins import coins
from archive.web.languages import permalink

register = template.Library()


@register.simple_tag(takes_context=True)
def coins_of(context, entry) -> str:
    """The COinS ContextObject of an entry, with its absolute permalink."""
    return coins(entry, context["request"].build_absolute_uri(permalink(entry)))
