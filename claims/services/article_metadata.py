"""Editing an article's metadata (title, byline, publication time, language): audited and undoable.

It lives in ``claims``, not ``articles``, because it audits with ``ReviewEvent`` and because
the publication time drives what claims know: which article first reported a claim, and when.
``claims`` depends on ``articles``, never the reverse, so the Article admin that calls this is
the subclass ``claims/admin.py`` registers (``articles/admin.py`` shows the metadata read-only).
The text itself never changes here: a new text is a new version, imported by ``articles.services``.
"""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from articles.models import Article
from claims.changes import ChangeSet
from claims.models import Citation, Claim
from claims.services._common import DecisionError, _lock, _refresh_first_reported
from claims.services.audit import record

UNCHANGED = object()
"""Default of ``edit_article``'s fields: leave this one as it is (``None`` clears a publication time)."""

LANGUAGE_MAX = Article._meta.get_field("language").max_length


@transaction.atomic
def edit_article(*, article_id: int, actor, title=UNCHANGED, byline=UNCHANGED, published_at=UNCHANGED,
                 language=UNCHANGED) -> Article:
    """Correct an article's metadata; a new publication time moves "first reported" of the claims it cites."""
    article = _lock(Article, article_id)
    values = {}
    if title is not UNCHANGED and (title or "").strip() != article.title:
        values["title"] = (title or "").strip()[: Article._meta.get_field("title").max_length]
    if byline is not UNCHANGED and (byline or "").strip() != article.byline:
        values["byline"] = (byline or "").strip()[: Article._meta.get_field("byline").max_length]
    if published_at is not UNCHANGED and published_at != article.published_at:
        if published_at is not None and not isinstance(published_at, datetime):
            raise DecisionError("The publication time must be a date and time.")
        values["published_at"] = published_at
    if language is not UNCHANGED and (language or "").strip() != article.language:
        language = (language or "").strip()
        if not language or len(language) > LANGUAGE_MAX:
            raise DecisionError(f"A language is a code of 1 to {LANGUAGE_MAX} characters, such as 'en'.")
        values["language"] = language
    if not values:
        raise DecisionError("Nothing to change.")
    changes = ChangeSet()
    changes.update(article, **values)
    if "published_at" in values:
        cited = Citation.objects.filter(article=article).values("claim_id")
        for claim in Claim.objects.select_for_update().filter(Q(pk__in=cited) | Q(first_article=article)).order_by("pk"):
            _refresh_first_reported(changes, claim)
    summary = f"Edited {', '.join(name.replace('_at', '') for name in values)} of article {article.pk}"
    record(actor=actor, action="edit_article", target=article, changes=changes, summary=summary)
    return article
