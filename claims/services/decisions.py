"""Editorial decisions on candidates, claims, matches and citations: confirm, reject, edit, merge, split, cite.

Each decision is one keyword-only function that runs in a transaction, locks the rows it
changes, refuses an illegal transition with ``DecisionError`` (a message an editor can read),
and records a ``ReviewEvent`` with the rows' values before and after, which is what ``undo``
restores.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from claims.changes import ChangeSet
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimStatus, Match, MatchRelation, MatchState
from claims.services._common import (
    Conflict,
    DecisionError,
    _bump,
    _check_revision,
    _cite,
    _context,
    _emit,
    _index_wordings,
    _live_claim,
    _lock,
    _new_claim_for,
    _refresh_first_reported,
    _validate_span,
)
from claims.services.audit import record
from claims.services.speakers import speaker_by_name


@transaction.atomic
def confirm_candidate(*, candidate_id: int, actor, expected_revision: int | None = None) -> Candidate:
    """Confirm that a candidate is a real statement by its speaker; its claim becomes confirmed."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status != CandidateStatus.PENDING:
        raise DecisionError(f"This candidate was already {candidate.get_status_display().lower()}.")
    changes = ChangeSet()
    if candidate.claim_id is None:
        from claims.matching import embed

        claim = _new_claim_for(changes, candidate, embed([candidate.text])[0])
    else:
        claim = _live_claim(_lock(Claim, candidate.claim_id))
    if claim.status == ClaimStatus.REJECTED:
        raise DecisionError("Its claim was rejected; undo that rejection or split this citation off first.")
    now = timezone.now()
    _bump(changes, candidate, status=CandidateStatus.CONFIRMED, reviewed_by=actor, reviewed_at=now, claim=claim)
    if claim.status == ClaimStatus.PROPOSED:
        _bump(changes, claim, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=now)
        _emit("claim.confirmed", claim.pk)
    record(actor=actor, action="confirm_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


@transaction.atomic
def reject_candidate(*, candidate_id: int, actor, expected_revision: int | None = None) -> Candidate:
    """Reject a candidate: it is not a statement (or not this one); its citations go."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status != CandidateStatus.PENDING:
        raise DecisionError(f"This candidate was already {candidate.get_status_display().lower()}.")
    changes = ChangeSet()
    claim = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
    for citation in Citation.objects.select_for_update().filter(candidate=candidate):
        changes.delete(citation)
    for match in Match.objects.select_for_update().filter(candidate=candidate, state=MatchState.SUGGESTED):
        changes.update(match, state=MatchState.REJECTED, decided_by=actor, decided_at=timezone.now())
    _bump(changes, candidate, status=CandidateStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now())
    if claim is not None and claim.status == ClaimStatus.PROPOSED and not claim.citations.exists():
        _bump(changes, claim, status=ClaimStatus.REJECTED)
    record(actor=actor, action="reject_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


@transaction.atomic
def edit_candidate(
    *, candidate_id: int, actor, start: int | None = None, end: int | None = None, speaker_name: str | None = None,
    expected_revision: int | None = None,
) -> Candidate:
    """Correct a candidate's span or speaker; its citation (and a single-source claim) follow."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status == CandidateStatus.REJECTED:
        raise DecisionError("A rejected candidate cannot be edited; undo the rejection first.")
    article = candidate.article
    if article.content_hash != candidate.content_hash:
        raise DecisionError("The article has a newer version; this candidate points into an old one.")
    changes = ChangeSet()
    values = {}
    new_start = candidate.start if start is None else int(start)
    new_end = candidate.end if end is None else int(end)
    if (new_start, new_end) != (candidate.start, candidate.end):
        _validate_span(article, new_start, new_end)
        values.update(start=new_start, end=new_end, text=article.text[new_start:new_end])
    speaker = candidate.speaker
    if speaker_name is not None and speaker_name.strip() and (not speaker or speaker_name.strip() != speaker.name):
        speaker = speaker_by_name(speaker_name)
        values.update(speaker=speaker, speaker_resolved=True)
    if not values:
        raise DecisionError("Nothing to change: the span and speaker are as they were.")
    _bump(changes, candidate, **values)
    claim = None
    for citation in Citation.objects.select_for_update().filter(candidate=candidate):
        prefix, suffix = _context(article.text, candidate.start, candidate.end)
        changes.update(citation, start=candidate.start, end=candidate.end, quote=candidate.text, prefix=prefix, suffix=suffix)
        claim = citation.claim
    if claim is not None and claim.citations.count() == 1:
        _bump(changes, claim, text=candidate.text.strip(), speaker=speaker)
    record(actor=actor, action="edit_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


@transaction.atomic
def confirm_claim(*, claim_id: int, actor, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status != ClaimStatus.PROPOSED:
        raise DecisionError(f"Only a proposed claim can be confirmed; this one is {claim.get_status_display().lower()}.")
    changes = ChangeSet()
    now = timezone.now()
    _bump(changes, claim, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=now)
    for candidate in Candidate.objects.select_for_update().filter(claim=claim, status=CandidateStatus.PENDING):
        _bump(changes, candidate, status=CandidateStatus.CONFIRMED, reviewed_by=actor, reviewed_at=now)
    record(actor=actor, action="confirm_claim", target=claim, changes=changes, claim=claim, summary=claim.text[:200])
    _emit("claim.confirmed", claim.pk)
    return claim


@transaction.atomic
def reject_claim(*, claim_id: int, actor, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status not in (ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED):
        raise DecisionError(f"This claim is {claim.get_status_display().lower()} and cannot be rejected.")
    changes = ChangeSet()
    _bump(changes, claim, status=ClaimStatus.REJECTED)
    for candidate in Candidate.objects.select_for_update().filter(claim=claim, status=CandidateStatus.PENDING):
        _bump(changes, candidate, status=CandidateStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now())
    record(actor=actor, action="reject_claim", target=claim, changes=changes, claim=claim, summary=claim.text[:200])
    return claim


@transaction.atomic
def edit_claim(*, claim_id: int, actor, text: str | None = None, speaker_name: str | None = None, rating: str | None = None,
               rating_explanation: str | None = None, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status == ClaimStatus.MERGED:
        raise DecisionError("This claim was merged into another; edit that one.")
    values = {}
    if text is not None and text.strip() and text.strip() != claim.text:
        values["text"] = text.strip()
    if speaker_name is not None and speaker_name.strip() and (not claim.speaker or claim.speaker.name != speaker_name.strip()):
        values["speaker"] = speaker_by_name(speaker_name)
    if rating is not None and rating != claim.rating:
        values["rating"] = rating.strip()[:100]
    if rating_explanation is not None and rating_explanation != claim.rating_explanation:
        values["rating_explanation"] = rating_explanation.strip()
    if not values:
        raise DecisionError("Nothing to change.")
    changes = ChangeSet()
    _bump(changes, claim, **values)
    if "text" in values:
        # Found by the new wording too; the stored vector goes (matching embeds the current text
        # when a claim has none), so it can never describe a text the claim no longer has, undo included.
        _index_wordings(claim, [claim.text])
        Claim.objects.filter(pk=claim.pk).update(embedding=None, embedding_model="")
    record(actor=actor, action="edit_claim", target=claim, changes=changes, claim=claim, summary=", ".join(values))
    return claim


@transaction.atomic
def accept_match(*, match_id: int, actor) -> Match:
    """Accept that a candidate reports the match's claim: its citation moves to that claim."""
    match = _lock(Match, match_id)
    if match.state != MatchState.SUGGESTED:
        raise DecisionError(f"This match was already {match.get_state_display().lower()}.")
    if match.relation == MatchRelation.OTHER_SPEAKER:
        raise DecisionError("These are the same words from different speakers; correct the speaker first if that is wrong.")
    candidate = _lock(Candidate, match.candidate_id)
    if candidate.status == CandidateStatus.REJECTED:
        raise DecisionError("The candidate was rejected; undo that first.")
    target = _live_claim(_lock(Claim, match.claim_id))
    if target.status == ClaimStatus.REJECTED:
        raise DecisionError("The matched claim was rejected.")
    changes = ChangeSet()
    source = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
    if source is not None and source.pk == target.pk:
        raise DecisionError("The candidate is already cited to this claim.")
    citations = list(Citation.objects.select_for_update().filter(candidate=candidate))
    if not citations:
        _cite(changes, claim=target, article=candidate.article, start=candidate.start, end=candidate.end, candidate=candidate, actor=actor)
    for citation in citations:
        changes.update(citation, claim=target)
    changes.update(candidate, claim=target)
    if source is not None and not source.citations.exists():
        _bump(changes, source, status=ClaimStatus.MERGED, merged_into=target)
    changes.update(match, state=MatchState.ACCEPTED, decided_by=actor, decided_at=timezone.now())
    _refresh_first_reported(changes, target)
    _index_wordings(target, [candidate.text])
    record(actor=actor, action="accept_match", target=match, changes=changes, claim=target,
           summary=f"Cited {candidate.article.outlet} to claim {target.pk}")
    return match


@transaction.atomic
def reject_match(*, match_id: int, actor) -> Match:
    match = _lock(Match, match_id)
    if match.state != MatchState.SUGGESTED:
        raise DecisionError(f"This match was already {match.get_state_display().lower()}.")
    changes = ChangeSet()
    changes.update(match, state=MatchState.REJECTED, decided_by=actor, decided_at=timezone.now())
    record(actor=actor, action="reject_match", target=match, changes=changes, claim=match.claim, summary="Not the same claim")
    return match


@transaction.atomic
def merge_claims(*, source_id: int, target_id: int, actor, allow_other_speaker: bool = False) -> Claim:
    """Merge ``source`` into ``target``: citations and candidates move; the source remembers where it went."""
    if int(source_id) == int(target_id):
        raise DecisionError("A claim cannot be merged into itself.")
    # Lock in id order so two editors merging the same pair cannot deadlock.
    locked = {c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")}
    if len(locked) != 2:
        raise DecisionError("One of the claims no longer exists.")
    source, target = locked[int(source_id)], locked[int(target_id)]
    for claim in (source, target):
        if claim.status == ClaimStatus.MERGED:
            raise Conflict(f"Claim {claim.pk} was already merged into claim {claim.merged_into_id} (perhaps by another editor).")
        if claim.status == ClaimStatus.REJECTED:
            raise DecisionError(f"Claim {claim.pk} was rejected; undo that before merging.")
    if source.speaker_id and target.speaker_id and source.speaker_id != target.speaker_id and not allow_other_speaker:
        raise DecisionError("These claims have different speakers; same words from another speaker are related, not one claim.")
    changes = ChangeSet()
    existing = set(Citation.objects.filter(claim=target).values_list("article_id", "start", "end"))
    for citation in Citation.objects.select_for_update().filter(claim=source):
        if (citation.article_id, citation.start, citation.end) in existing:
            changes.delete(citation)
        else:
            changes.update(citation, claim=target)
    for candidate in Candidate.objects.select_for_update().filter(claim=source):
        changes.update(candidate, claim=target)
    target_matches = set(Match.objects.filter(claim=target).values_list("candidate_id", flat=True))
    for match in Match.objects.select_for_update().filter(claim=source):
        if match.candidate_id in target_matches:
            continue
        changes.update(match, claim=target)
    _bump(changes, source, status=ClaimStatus.MERGED, merged_into=target)
    if source.status == ClaimStatus.CONFIRMED and target.status == ClaimStatus.PROPOSED:
        _bump(changes, target, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now())
    else:
        _bump(changes, target)
    _refresh_first_reported(changes, target)
    _index_wordings(target, from_claim=source)
    record(actor=actor, action="merge_claims", target=target, changes=changes, claim=target,
           summary=f"Merged claim {source.pk} into claim {target.pk}")
    if target.status == ClaimStatus.CONFIRMED:  # merges among proposed claims are review work, not news
        _emit("claim.merged", target.pk, merged_claim_id=source.pk)
    return target


@transaction.atomic
def split_citation(*, citation_id: int, actor) -> Claim:
    """Split a citation off its claim into a new proposed claim of its own."""
    citation = _lock(Citation, citation_id)
    claim = _lock(Claim, citation.claim_id)
    if claim.citations.count() < 2:
        raise DecisionError("This is the claim's only citation; there is nothing to split it from.")
    changes = ChangeSet()
    speaker = citation.candidate.speaker if citation.candidate_id and citation.candidate.speaker_id else claim.speaker
    new_claim = changes.create(
        Claim,
        text=citation.quote.strip(),
        speaker=speaker,
        kind=citation.candidate.kind if citation.candidate_id else claim.kind,
        status=ClaimStatus.PROPOSED,
        first_article=citation.article,
        first_reported_at=citation.article.published_at,
    )
    _index_wordings(new_claim, [new_claim.text])  # its vector is made from the text when first needed
    changes.update(citation, claim=new_claim)
    if citation.candidate_id:
        candidate = _lock(Candidate, citation.candidate_id)
        changes.update(candidate, claim=new_claim)
    _bump(changes, claim)
    _refresh_first_reported(changes, claim)
    record(actor=actor, action="split_citation", target=citation, changes=changes, claim=claim,
           summary=f"Split the {citation.article.outlet} citation into claim {new_claim.pk}")
    return new_claim


@transaction.atomic
def cite_span(*, claim_id: int, article_id: int, start: int, end: int, actor) -> Citation:
    """Cite any span of any article to a claim."""
    claim = _live_claim(_lock(Claim, claim_id))
    if claim.status == ClaimStatus.REJECTED:
        raise DecisionError("A rejected claim cannot be cited.")
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise DecisionError(f"Article {article_id} does not exist.")
    start, end = int(start), int(end)
    _validate_span(article, start, end)
    if Citation.objects.filter(claim=claim, article=article, start=start, end=end).exists():
        raise DecisionError("This span is already cited to this claim.")
    changes = ChangeSet()
    candidate = _overlapping_pending_candidate(article, start, end)
    if candidate is None:
        citation = _cite(changes, claim=claim, article=article, start=start, end=end, actor=actor)
        resolved = ""
    else:
        citation = _resolve_into(changes, candidate=candidate, claim=claim, start=start, end=end, actor=actor)
        resolved = f" (resolves candidate {candidate.pk})"
    _bump(changes, claim)
    _refresh_first_reported(changes, claim)
    _index_wordings(claim, [citation.quote])
    record(actor=actor, action="cite_span", target=citation, changes=changes, claim=claim,
           summary=f"Cited {article.outlet}{resolved}: {citation.quote[:120]}")
    return citation


def _overlapping_pending_candidate(article: Article, start: int, end: int) -> Candidate | None:
    """The pending candidate of the article's current text that shares the most characters with the span, locked."""
    overlapping = list(
        Candidate.objects.select_for_update()
        .filter(article=article, content_hash=article.content_hash, status=CandidateStatus.PENDING, start__lt=end, end__gt=start)
        .order_by("pk")
    )
    return max(overlapping, key=lambda c: min(c.end, end) - max(c.start, start), default=None)


def _resolve_into(changes: ChangeSet, *, candidate: Candidate, claim: Claim, start: int, end: int, actor) -> Citation:
    """Confirm ``candidate`` into ``claim`` with the editor's span: one citation where there were two.

    The candidate's own citation moves to the claim (a new one if it had none), its proposed
    claim, left without citations, is merged into this one, and its suggestions are decided.
    """
    article = candidate.article
    own = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
    cited = list(Citation.objects.select_for_update().filter(candidate=candidate).order_by("pk"))
    if cited:
        prefix, suffix = _context(article.text, start, end)
        citation = cited[0]
        changes.update(citation, claim=claim, start=start, end=end, quote=article.text[start:end], prefix=prefix, suffix=suffix)
        for extra in cited[1:]:
            changes.delete(extra)
        if claim.status == ClaimStatus.CONFIRMED:
            _emit("claim.cited", claim.pk)
    else:
        citation = _cite(changes, claim=claim, article=article, start=start, end=end, candidate=candidate, actor=actor)
    now = timezone.now()
    _bump(changes, candidate, status=CandidateStatus.CONFIRMED, reviewed_by=actor, reviewed_at=now, claim=claim,
          start=start, end=end, text=article.text[start:end])
    for match in Match.objects.select_for_update().filter(candidate=candidate, state=MatchState.SUGGESTED):
        state = MatchState.ACCEPTED if match.claim_id == claim.pk else MatchState.REJECTED
        changes.update(match, state=state, decided_by=actor, decided_at=now)
    if own is not None and own.pk != claim.pk and own.status == ClaimStatus.PROPOSED and not own.citations.exists():
        _bump(changes, own, status=ClaimStatus.MERGED, merged_into=claim)
    if claim.status == ClaimStatus.PROPOSED:
        _bump(changes, claim, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=now)
        _emit("claim.confirmed", claim.pk)
    return citation
