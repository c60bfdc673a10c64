"""The word diff between a claim's wording and a report of it, as the review screens mark it up."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Each run of words: plain, struck (in the claim's wording only) or underlined (in this report only).
RUN_MARKUP = {
    "equal": '<span class="d-eq">{}</span> ',
    "delete": '<del class="d-del">{}</del> ',
    "insert": '<ins class="d-ins">{}</ins> ',
}


@register.simple_tag
def word_diff(diff):
    """``diff`` (the ``(op, text)`` runs of ``claims.views.base.diff_words``) marked up, each text escaped.

    Python rather than a template loop: a queue page shows fifty diffs of a dozen runs each, and
    a loop of template tags over them cost more than the rest of the page.
    """
    return mark_safe("".join(format_html(RUN_MARKUP.get(op, RUN_MARKUP["insert"]), text) for op, text in diff))
