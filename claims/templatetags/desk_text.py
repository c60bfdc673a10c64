"""Text on the review screens: cut at a word with an ellipsis, quotes not doubled, dates without a fake 00:00."""
from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone

register = template.Library()

QUOTE_MARKS = "\"'“”‘’«»„"
TRAILING = " ,;:-–—(\"'“‘"


@register.filter
def cut_words(value, limit):
    """``value`` at most ``limit`` characters, cut at a word boundary and ended with an ellipsis."""
    text = " ".join(str(value or "").split())
    limit = int(limit)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # one very long word: cut inside it rather than lose most of the text
        cut = cut[:space]
    return cut.rstrip(TRAILING) + "…"


@register.filter
def unquoted(value):
    """Text without the quote marks around it, for templates that put their own around it."""
    return str(value or "").strip().strip(QUOTE_MARKS).strip()


@register.filter
def when(value):
    """A date and time ("3 March 2025, 14:05"), or the date alone when the time is midnight,
    which is how a date-only publication date is stored ("3 March 2025", never "00:00")."""
    if not value:
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            return dateformat.format(local, "j F Y")
        return dateformat.format(local, "j F Y, H:i")
    return dateformat.format(value, "j F Y")
