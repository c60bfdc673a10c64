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
