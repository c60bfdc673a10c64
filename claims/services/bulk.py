"""Bulk decisions over a class of proposals, each recorded as ONE audited, undoable step.

"Reject every unattributed candidate of this article (or outlet)" and "accept every verbatim
match scoring at least 0.95" change many rows; they record one ``ReviewEvent`` holding every
row's values before and after, so one undo puts the whole class back. The per-row changes are
the same as ``reject_candidate``'s and ``accept_match``'s.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article, Outlet
from claims.changes import ChangeSet
from claims.models import (
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimStatus,
    Match,
    MatchRelation,
    MatchState,
    ReviewEvent,
)
from claims.services._common import (
    DecisionError,
    _bump,
    _cite,
    _index_wordings,
    _live_claim,
    _lock,
    _refresh_first_reported,
)
from claims.services.audit import record

# One step stays one transaction an editor can wait for; a larger class is done in several.
MAX_ROWS_PER_STEP = 5000
VERBATIM_THRESHOLD = 0.95
BULK_ACTIONS = ("reject_unattributed", "accept_verbatim")


def _scope(*, article_id: int | None, outlet_id: int | None):
    """The article or outlet a bulk decision is about (exactly one of them)."""
    if (article_id is None) == (outlet_id is None):
        raise DecisionError("Choose one article or one outlet for this bulk decision.")
    if article_id is not None:
        article = Article.objects.filter(pk=article_id).select_related("outlet").first()
        if article is None:
            raise DecisionError(f"Article {article_id} does not exist.")
        return article, {"article_id": article_id}, f"article {article_id}"
    outlet = Outlet.objects.filter(pk=outlet_id).first()
    if outlet is None:
        raise DecisionError(f"Outlet {outlet_id} does not exist.")
    return outlet, {"article__outlet_id": outlet_id}, str(outlet)


@transaction.atomic
def reject_unattributed_candidates(*, actor, article_id: int | None = None, outlet_id: int | None = None) -> ReviewEvent:
    """Reject every pending candidate with no resolved speaker in one article or outlet: one event, one undo."""
    target, lookups, where = _scope(article_id=article_id, outlet_id=outlet_id)
    candidates = list(
        Candidate.objects.select_for_update(of=("self",)).pending().filter(speaker__isnull=True, **lookups).order_by("pk")[
            :MAX_ROWS_PER_STEP
        ]
    )
    if not candidates:
        raise DecisionError(f"No unattributed candidates are pending in {where}.")
    changes = ChangeSet()
    now = timezone.now()
    ids = [candidate.pk for candidate in candidates]
    # Written in bulk (a class can be thousands of rows); each row is recorded as the one-by-one
    # reject_candidate records it, so the undo is the same.
    changes.delete_all(Citation, list(Citation.objects.select_for_update().filter(candidate_id__in=ids)))
    suggested = Match.objects.select_for_update().filter(candidate_id__in=ids, state=MatchState.SUGGESTED)
    ChangeSet.bulk_update(Match, [(changes, match, {"state": MatchState.REJECTED, "decided_by": actor, "decided_at": now})
                                  for match in suggested])
    ChangeSet.bulk_update(Candidate, [
        (changes, candidate, {"revision": candidate.revision + 1, "status": CandidateStatus.REJECTED,
                              "reviewed_by": actor, "reviewed_at": now})
        for candidate in candidates])
    claim_ids = {candidate.claim_id for candidate in candidates if candidate.claim_id}
    # Exists(), not a join: PostgreSQL cannot lock the nullable side of an outer join.
    orphaned = Claim.objects.select_for_update().filter(pk__in=claim_ids, status=ClaimStatus.PROPOSED).exclude(
        Exists(Citation.objects.filter(claim=OuterRef("pk"))))
    ChangeSet.bulk_update(Claim, [(changes, claim, {"revision": claim.revision + 1, "status": ClaimStatus.REJECTED})
                                  for claim in orphaned])
    count = len(candidates)
    return record(actor=actor, action="reject_unattributed", target=target, changes=changes,
                  summary=f"Rejected {count} unattributed candidate{'' if count == 1 else 's'} in {where}")


@transaction.atomic
def accept_verbatim_matches(
    *, actor, min_score: float = VERBATIM_THRESHOLD, outlet_id: int | None = None
) -> ReviewEvent:
    """Accept every suggested verbatim match scoring at least ``min_score``: one event, one undo.

    Each candidate is cited to its best such match only; a match whose candidate or claim was
    rejected, or whose candidate already cites that claim, is left for an editor.
    """
    if not 0.5 <= float(min_score) <= 1.0:
        raise DecisionError("The score threshold for bulk acceptance must be between 0.5 and 1.")
    matches = Match.objects.suggested().filter(relation=MatchRelation.VERBATIM, score__gte=min_score)
    if outlet_id is not None:
        matches = matches.filter(candidate__article__outlet_id=outlet_id)
    matches = list(matches.select_for_update(of=("self",)).order_by("-score", "pk")[:MAX_ROWS_PER_STEP])
    changes = ChangeSet()
    now = timezone.now()
    done, seen_candidates, touched = 0, set(), {}
    for match in matches:
        if match.candidate_id in seen_candidates:
            continue
        seen_candidates.add(match.candidate_id)
        candidate = _lock(Candidate, match.candidate_id)
        target = _live_claim(_lock(Claim, match.claim_id))
        source = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
        if candidate.status == CandidateStatus.REJECTED or target.status == ClaimStatus.REJECTED:
            continue
        if source is not None and source.pk == target.pk:
            continue
        citations = list(Citation.objects.select_for_update().filter(candidate=candidate))
        if not citations:
            _cite(changes, claim=target, article=candidate.article, start=candidate.start, end=candidate.end,
                  candidate=candidate, actor=actor)
        for citation in citations:
            changes.update(citation, claim=target)
        changes.update(candidate, claim=target)
        if source is not None and not source.citations.exists():
            _bump(changes, source, status=ClaimStatus.MERGED, merged_into=target)
        changes.update(match, state=MatchState.ACCEPTED, decided_by=actor, decided_at=now)
        _index_wordings(target, [candidate.text])
        touched[target.pk] = target
        done += 1
    if not done:
        raise DecisionError(f"No suggested verbatim matches scoring {min_score:.2f} or more are waiting.")
    for target in touched.values():
        _refresh_first_reported(changes, target)
    first = next(iter(touched.values()))
    return record(actor=actor, action="accept_verbatim", target=first, changes=changes,
                  summary=f"Accepted {done} verbatim match{'' if done == 1 else 'es'} scoring {min_score:.2f} or more")
