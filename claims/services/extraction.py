"""Storing extraction results: an article's candidates and its extraction status."""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from articles.models import Article
from claims.models import (
    ArticleExtraction, Candidate, CandidateStance, CandidateStatus, Claim, ClaimStatus, ExtractionStatus, Match, Speaker,
    SpeakerKind,
)
from claims.services import triage
from claims.services._common import _article_date
from claims.services.speakers import article_words, link_speaker


def mark_extraction_queued(article_ids: Sequence[int]) -> None:
    now = timezone.now()
    existing = set(ArticleExtraction.objects.filter(article_id__in=article_ids).values_list("article_id", flat=True))
    ArticleExtraction.objects.bulk_create(
        [ArticleExtraction(article_id=i, status=ExtractionStatus.QUEUED, queued_at=now) for i in article_ids if i not in existing],
        ignore_conflicts=True,
    )
    ArticleExtraction.objects.filter(article_id__in=existing).exclude(status=ExtractionStatus.RUNNING).update(
        status=ExtractionStatus.QUEUED, queued_at=now
    )


def extraction_is_current(article: Article, version: str) -> bool:
    return ArticleExtraction.objects.filter(
        article=article, status=ExtractionStatus.DONE, extractor_version=version, content_hash=article.content_hash
    ).exists()


def store_extraction(*, article_id: int, content_hash: str, extracted: Sequence, extractor_version: str) -> list[int]:
    """Replace an article's unreviewed candidates with a fresh extraction; return new candidate ids.

    Safe to run twice: the same text and extractor version give the same rows. Reviewed
    candidates (confirmed or rejected) are never touched, and a new candidate at the same
    place as a reviewed one is not added again.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.content_hash != content_hash:
            return []  # the text changed while we worked: the newer extraction will store its own
        seen_on = _article_date(article)
        pending = Candidate.objects.filter(article=article, status=CandidateStatus.PENDING)
        keep = {
            (c.content_hash, c.kind, c.start, c.end): c.pk
            for c in pending.filter(content_hash=content_hash, extractor_version=extractor_version)
        }
        reviewed = set(
            Candidate.objects.filter(article=article, content_hash=content_hash)
            .exclude(status=CandidateStatus.PENDING)
            .values_list("start", "end")
        )
        wanted = {}
        for item in extracted:
            key = (content_hash, item.kind, item.start, item.end)
            if (item.start, item.end) in reviewed or key in wanted:
                continue
            wanted[key] = item
        stale = pending.exclude(pk__in=[pk for key, pk in keep.items() if key in wanted])
        stale_claims = list(stale.exclude(claim__isnull=True).values_list("claim_id", flat=True))
        # Claims these candidates counted for (their check-worthiness, their suggested matches)
        # are scored again once they are gone.
        rescored = set(stale_claims) | set(Match.objects.filter(candidate__in=stale).values_list("claim_id", flat=True))
        stale.delete()
        # Machine-proposed claims that only these stale candidates supported go with them.
        Claim.objects.filter(pk__in=stale_claims, status=ClaimStatus.PROPOSED).annotate(n=Count("citations")).filter(
            n=0
        ).delete()
        triage.refresh(rescored)
        new_rows = []
        speakers: dict[tuple, Speaker | None] = {}  # one lookup per distinct speaker in the article
        names = article_words(article.text, wanted.values())  # completes "Bob" to the article's Bob Smith
        for key, item in wanted.items():
            if key in keep:
                continue
            who = (item.speaker, item.speaker_kind, item.speaker_resolved, tuple(item.speaker_aliases), tuple(item.speaker_roles))
            if who not in speakers:
                speakers[who] = link_speaker(item, seen_on=seen_on, article=names)
            speaker = speakers[who]
            new_rows.append(
                Candidate(
                    article=article,
                    content_hash=content_hash,
                    kind=item.kind,
                    start=item.start,
                    end=item.end,
                    text=article.text[item.start:item.end],
                    speaker=speaker,
                    speaker_text=(item.speaker_mention or item.speaker or "")[:500],
                    speaker_start=item.speaker_start,
                    speaker_end=item.speaker_end,
                    speaker_resolved=bool(speaker) and speaker.kind != SpeakerKind.UNKNOWN,
                    cue=(item.verb or "")[:200],
                    cue_start=item.verb_start,
                    cue_end=item.verb_end,
                    confidence=min(1.0, max(0.0, float(item.confidence))),
                    checkworthiness=min(1.0, max(0.0, float(getattr(item, "checkworthiness", 0.0) or 0.0))),
                    floating=bool(item.floating),
                    stance=getattr(item, "stance", CandidateStance.ASSERTED),
                    extractor_version=extractor_version,
                )
            )
        created = Candidate.objects.bulk_create(new_rows)
        ArticleExtraction.objects.update_or_create(
            article=article,
            defaults={
                "status": ExtractionStatus.DONE,
                "extractor_version": extractor_version,
                "content_hash": content_hash,
                "candidate_count": Candidate.objects.filter(article=article, content_hash=content_hash).count(),
                "error": "",
                "finished_at": timezone.now(),
            },
        )
    ids = [c.pk for c in created if c.pk]
    if len(ids) != len(created):  # backends that do not return ids from bulk_create
        ids = list(
            Candidate.objects.filter(article_id=article_id, content_hash=content_hash, matched_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
    return ids


def mark_extraction_failed(*, article_id: int, error: str) -> None:
    ArticleExtraction.objects.update_or_create(
        article_id=article_id, defaults={"status": ExtractionStatus.FAILED, "error": error[:4000], "finished_at": timezone.now()}
    )
