"""Citing a passage that overlaps a pending candidate resolves the candidate into the cited claim.

Before, the editor's citation sat beside the candidate's own (and its proposed claim), so the
article showed two overlapping highlights for one statement and the candidate stayed in the queue.
"""
import pytest

from claims import services
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimStatus, ReviewEvent
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def pending_candidate_with_its_claim():
    """A pending candidate with its own proposed claim and citation, as matching leaves it."""
    candidate = CandidateFactory()
    own = ClaimFactory(speaker=candidate.speaker, text=candidate.text.strip("\u201c\u201d,"))
    CitationFactory(claim=own, article=candidate.article, candidate=candidate, start=candidate.start, end=candidate.end)
    candidate.claim = own
    candidate.save()
    return candidate, own


def confirmed_claim(speaker):
    claim = ClaimFactory(speaker=speaker, text="We will halve the deficit in four years", status=ClaimStatus.CONFIRMED)
    CitationFactory(claim=claim, article=ArticleFactory())
    return claim


def test_citing_an_overlapping_passage_confirms_the_candidate_into_the_claim(editor):
    candidate, own = pending_candidate_with_its_claim()
    target = confirmed_claim(candidate.speaker)
    # The editor selects a little less than the candidate: without its quotation marks.
    start, end = candidate.start + 1, candidate.end - 2

    citation = services.cite_span(claim_id=target.pk, article_id=candidate.article_id, start=start, end=end, actor=editor)

    candidate.refresh_from_db()
    own.refresh_from_db()
    in_article = Citation.objects.filter(article=candidate.article)
    assert in_article.count() == 1, "two overlapping citations of one statement"
    assert citation.claim == target and citation.candidate == candidate and (citation.start, citation.end) == (start, end)
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.claim == target and candidate.reviewed_by == editor
    assert own.status == ClaimStatus.MERGED and own.merged_into == target
    event = ReviewEvent.objects.get(action="cite_span")
    assert f"candidate {candidate.pk}" in event.summary


def test_the_resolution_is_undone_as_one_step(editor):
    candidate, own = pending_candidate_with_its_claim()
    target = confirmed_claim(candidate.speaker)
    before = (candidate.start, candidate.end, candidate.text)
    services.cite_span(claim_id=target.pk, article_id=candidate.article_id, start=candidate.start + 1,
                       end=candidate.end - 2, actor=editor)

    services.undo(event_id=ReviewEvent.objects.get(action="cite_span").pk, actor=editor)

    candidate.refresh_from_db()
    own.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and candidate.claim == own
    assert (candidate.start, candidate.end, candidate.text) == before
    assert own.status == ClaimStatus.PROPOSED and own.merged_into is None
    assert list(Citation.objects.filter(article=candidate.article).values_list("claim", "start", "end")) == [
        (own.pk, before[0], before[1])
    ]
    assert target.citations.count() == 1


def test_a_passage_elsewhere_in_the_article_leaves_the_candidate_alone(editor):
    candidate, own = pending_candidate_with_its_claim()
    target = confirmed_claim(candidate.speaker)
    start = candidate.article.text.index("schools")  # the next sentence
    services.cite_span(claim_id=target.pk, article_id=candidate.article_id, start=start, end=start + 5, actor=editor)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and candidate.claim == own
    assert Citation.objects.filter(article=candidate.article).count() == 2


def test_a_rejected_candidate_is_not_revived(editor):
    candidate, own = pending_candidate_with_its_claim()
    services.reject_candidate(candidate_id=candidate.pk, actor=editor)
    target = confirmed_claim(candidate.speaker)
    citation = services.cite_span(claim_id=target.pk, article_id=candidate.article_id, start=candidate.start,
                                  end=candidate.end, actor=editor)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED and citation.candidate is None
