"""Re-anchoring: an article's citations follow its text to a new version, or are flagged."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from articles.models import Article
from claims.changes import ChangeSet
from claims.models import AnchorState, Citation
from claims.services._common import _context
from claims.services.audit import record


def reanchor_citations(*, article_id: int) -> dict[str, int]:
    """Find every citation of an article in its newest text; flag what cannot be found confidently.

    Exact text with its prefix and suffix first, then the exact text alone when it occurs once,
    then a fuzzy search (rapidfuzz) above ``FACTDESK_REANCHOR_MIN_SCORE``. Nothing is moved
    silently: a citation that cannot be placed keeps its old offsets and is flagged.
    """
    from rapidfuzz import fuzz

    counts = {"kept": 0, "reanchored": 0, "needs_review": 0}
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        text = article.text
        for citation in Citation.objects.select_for_update().filter(article=article).exclude(content_hash=article.content_hash):
            changes = ChangeSet()
            old_place = (citation.start, citation.end)
            position, score = _find_anchor(text, citation, fuzz)
            if position is None:
                changes.update(citation, anchor_state=AnchorState.NEEDS_REVIEW, anchor_score=score)
                counts["needs_review"] += 1
            else:
                start, end = position
                prefix, suffix = _context(text, start, end)
                changes.update(
                    citation, start=start, end=end, quote=text[start:end], prefix=prefix, suffix=suffix,
                    content_hash=article.content_hash, article_version=article.version,
                    anchor_state=AnchorState.ANCHORED if score >= 100 else AnchorState.REANCHORED, anchor_score=score,
                )
                counts["reanchored" if score < 100 or (start, end) != old_place else "kept"] += 1
            record(actor=None, action="reanchor_citation", target=citation, changes=changes, claim=citation.claim,
                   summary=f"Article version {article.version}: {citation.get_anchor_state_display()}")
    return counts


def _find_anchor(text: str, citation: Citation, fuzz) -> tuple[tuple[int, int] | None, float]:
    quote = citation.quote
    with_context = citation.prefix + quote + citation.suffix
    at = text.find(with_context)
    if at >= 0:
        start = at + len(citation.prefix)
        return (start, start + len(quote)), 100.0
    first = text.find(quote)
    if first >= 0 and text.find(quote, first + 1) < 0:
        return (first, first + len(quote)), 100.0 if first == citation.start else 99.0
    alignment = fuzz.partial_ratio_alignment(quote, text, score_cutoff=settings.FACTDESK_REANCHOR_MIN_SCORE)
    if alignment is None:
        return None, 0.0
    start, end = alignment.dest_start, alignment.dest_end
    if not text[start:end].strip():
        return None, float(alignment.score)
    return (start, end), float(alignment.score)
