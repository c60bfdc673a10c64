"""Bulk decisions over a class of proposals: one audited event each, undone in one step."""
from __future__ import annotations

import pytest

from claims import services
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimStatus, Match, MatchRelation, MatchState, ReviewEvent
from claims.services import bulk
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def proposed(article, **extra):
    """A pending candidate with its own proposed claim and citation, as matching leaves it."""
    candidate = CandidateFactory(article=article, **extra)
    claim = ClaimFactory(speaker=candidate.speaker, text=candidate.text)
    CitationFactory(claim=claim, article=article, candidate=candidate, start=candidate.start, end=candidate.end)
    candidate.claim = claim
    candidate.save()
    return candidate, claim


def test_rejecting_the_unattributed_candidates_of_an_article_is_one_step_and_one_undo(editor):
    article = ArticleFactory()
    other_article = ArticleFactory(outlet=article.outlet)
    loose = [proposed(article, speaker=None, kind=kind)[0] for kind in ("direct", "checkworthy")]
    named, _ = proposed(article, kind="indirect")
    elsewhere, _ = proposed(other_article, speaker=None)
    events_before = ReviewEvent.objects.count()

    event = bulk.reject_unattributed_candidates(actor=editor, article_id=article.pk)

    assert ReviewEvent.objects.count() == events_before + 1
    assert event.summary == f"Rejected 2 unattributed candidates in article {article.pk}"
    statuses = dict(Candidate.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in loose] == [CandidateStatus.REJECTED] * 2
    assert statuses[named.pk] == statuses[elsewhere.pk] == CandidateStatus.PENDING
    assert not Citation.objects.filter(candidate__in=loose).exists()
    assert set(Claim.objects.filter(candidates__in=loose).values_list("status", flat=True)) == {ClaimStatus.REJECTED}

    services.undo(event_id=event.pk, actor=editor)

    assert set(Candidate.objects.filter(pk__in=[c.pk for c in loose]).values_list("status", flat=True)) == {"pending"}
    assert Citation.objects.filter(candidate__in=loose).count() == 2
    assert set(Claim.objects.filter(candidates__in=loose).values_list("status", flat=True)) == {ClaimStatus.PROPOSED}


def test_rejecting_unattributed_candidates_by_outlet_and_its_refusals(editor):
    outlet = OutletFactory(name="Noisy Wire")
    for _ in range(3):
        proposed(ArticleFactory(outlet=outlet), speaker=None)
    event = bulk.reject_unattributed_candidates(actor=editor, outlet_id=outlet.pk)
    assert event.summary == "Rejected 3 unattributed candidates in Noisy Wire"
    with pytest.raises(services.DecisionError, match="No unattributed candidates are pending in Noisy Wire"):
        bulk.reject_unattributed_candidates(actor=editor, outlet_id=outlet.pk)
    with pytest.raises(services.DecisionError, match="one article or one outlet"):
        bulk.reject_unattributed_candidates(actor=editor)
    with pytest.raises(services.DecisionError, match="Article 999999 does not exist"):
        bulk.reject_unattributed_candidates(actor=editor, article_id=999999)


def test_accepting_verbatim_matches_above_the_threshold_is_one_step_and_one_undo(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    first = ArticleFactory(outlet=OutletFactory(name="Ledger"))
    _, existing = proposed(first, speaker=speaker)
    sure, weak, worded = [proposed(ArticleFactory(outlet=OutletFactory(name=name)), speaker=speaker)
                          for name in ("Post", "Herald", "Times")]
    Match.objects.create(candidate=sure[0], claim=existing, score=0.97, relation=MatchRelation.VERBATIM)
    Match.objects.create(candidate=weak[0], claim=existing, score=0.9, relation=MatchRelation.VERBATIM)
    Match.objects.create(candidate=worded[0], claim=existing, score=0.99, relation=MatchRelation.VARIANT)

    event = bulk.accept_verbatim_matches(actor=editor, min_score=0.95)

    assert event.summary == "Accepted 1 verbatim match scoring 0.95 or more"
    assert Citation.objects.get(candidate=sure[0]).claim_id == existing.pk
    assert Claim.objects.get(pk=sure[1].pk).status == ClaimStatus.MERGED
    assert set(Match.objects.filter(candidate__in=[weak[0], worded[0]]).values_list("state", flat=True)) == {
        MatchState.SUGGESTED}

    services.undo(event_id=event.pk, actor=editor)

    assert Citation.objects.get(candidate=sure[0]).claim_id == sure[1].pk
    assert Claim.objects.get(pk=sure[1].pk).status == ClaimStatus.PROPOSED
    assert Match.objects.get(candidate=sure[0]).state == MatchState.SUGGESTED
    with pytest.raises(services.DecisionError, match="between 0.5 and 1"):
        bulk.accept_verbatim_matches(actor=editor, min_score=3)
    Match.objects.update(state=MatchState.REJECTED)
    with pytest.raises(services.DecisionError, match="No suggested verbatim matches"):
        bulk.accept_verbatim_matches(actor=editor)


def _statements(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _reject_and_undo_outlet(editor, name: str, count: int) -> tuple[int, int]:
    """Reject an outlet's ``count`` unattributed candidates and undo it; the statements each took."""
    outlet = OutletFactory(name=name)
    rows = [proposed(ArticleFactory(outlet=outlet), speaker=None) for _ in range(count)]
    matched = ClaimFactory()
    for candidate, _ in rows[::2]:
        Match.objects.create(candidate=candidate, claim=matched, score=0.7, relation=MatchRelation.PARAPHRASE)
    events = []
    decision = _statements(lambda: events.append(bulk.reject_unattributed_candidates(actor=editor, outlet_id=outlet.pk)))
    assert events[0].summary == f"Rejected {count} unattributed candidates in {name}"
    assert set(Candidate.objects.filter(article__outlet=outlet).values_list("status", flat=True)) == {
        CandidateStatus.REJECTED}

    undo = _statements(lambda: services.undo(event_id=events[0].pk, actor=editor))

    # Put back whole: every candidate pending and cited to its own proposed claim, matches suggested.
    assert set(Candidate.objects.filter(article__outlet=outlet).values_list("status", flat=True)) == {
        CandidateStatus.PENDING}
    assert sorted(Citation.objects.filter(candidate__article__outlet=outlet).values_list("candidate_id", "claim_id")) == sorted(
        (candidate.pk, claim.pk) for candidate, claim in rows)
    assert set(Claim.objects.filter(pk__in=[claim.pk for _, claim in rows]).values_list("status", flat=True)) == {
        ClaimStatus.PROPOSED}
    assert set(Match.objects.filter(claim=matched).values_list("state", flat=True)) == {MatchState.SUGGESTED}
    return decision, undo


def test_a_class_decision_and_its_undo_take_the_same_statements_for_any_class_size(editor):
    """An outlet's class of 2,500 candidates is rejected and put back in seconds, not minutes:
    neither the decision nor its undo writes row by row."""
    small = _reject_and_undo_outlet(editor, "Small Wire", 4)
    large = _reject_and_undo_outlet(editor, "Large Wire", 40)
    assert large == small
