"""Undo of a decision whose rows changed since: refused with a reason, nothing half-undone.

Each test makes a decision, changes what it touched by a later decision (or a new version
of the article), and asks for the first decision to be undone. The undo must be refused with
a message naming what changed, every row must be exactly as before the attempt, and the desk
must still be consistent. Undoing the later decision first must then make the undo possible,
so the refusal is about order, not a blanket "no".
"""
import pytest

from articles import services as article_services
from articles.importers import parse_text
from articles.models import Article
from claims import services
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimStatus, Match, ReviewEvent
from tests.factories import (
    ArticleFactory,
    CandidateFactory,
    CitationFactory,
    ClaimFactory,
    SpeakerFactory,
    claim_with_citation,
    last_event,
)

pytestmark = pytest.mark.django_db

BUDGET = (
    "The minister, Jane Rivers, spoke on Monday.\n"
    "\u201cWe will cut the deficit by half within four years,\u201d Rivers said.\n"
    "She added that schools would get more money."
)


def desk_rows():
    """Every row a decision or an undo can touch, in a comparable form."""
    return {
        "claims": sorted(Claim.objects.values_list("pk", "text", "status", "merged_into_id", "speaker_id", "revision")),
        "citations": sorted(Citation.objects.values_list("pk", "claim_id", "article_id", "start", "end", "quote", "content_hash")),
        "candidates": sorted(Candidate.objects.values_list("pk", "status", "claim_id", "start", "end", "revision")),
        "matches": sorted(Match.objects.values_list("pk", "claim_id", "candidate_id", "state")),
        "events": sorted(ReviewEvent.objects.values_list("pk", "action", "undone_at", "undo_of_id")),
    }


def assert_consistent():
    """What must hold whatever decisions and undos happened."""
    for claim in Claim.objects.all():
        if claim.status == ClaimStatus.MERGED:
            assert claim.merged_into_id and claim.merged_into_id != claim.pk
            assert not claim.citations.exists(), f"merged claim {claim.pk} still holds citations"
            assert not claim.candidates.exists(), f"merged claim {claim.pk} still holds candidates"
        else:
            assert claim.merged_into_id is None
    for citation in Citation.objects.select_related("article", "claim"):
        assert 0 <= citation.start < citation.end
        if citation.content_hash == citation.article.content_hash:
            assert citation.article.text[citation.start:citation.end] == citation.quote
    for candidate in Candidate.objects.select_related("article"):
        if candidate.content_hash == candidate.article.content_hash:
            assert candidate.article.text[candidate.start:candidate.end] == candidate.text
    for event in ReviewEvent.objects.filter(undone_at__isnull=False):
        assert ReviewEvent.objects.filter(undo_of=event).count() == 1


def refused(event, editor, *reasons):
    """Ask for an undo that must be refused; check the reason and that nothing moved."""
    before = desk_rows()
    with pytest.raises(services.DecisionError) as refusal:
        services.undo(event_id=event.pk, actor=editor)
    message = str(refusal.value)
    assert message.startswith("Cannot undo"), message
    for reason in reasons:
        assert reason in message, message
    assert desk_rows() == before
    event.refresh_from_db()
    assert event.undone_at is None and not ReviewEvent.objects.filter(undo_of=event).exists()
    assert_consistent()
    return message


def test_undo_merge_is_refused_after_the_target_claim_was_edited(editor):
    speaker = SpeakerFactory()
    source, target = claim_with_citation(speaker), claim_with_citation(speaker)
    services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)
    merge = last_event("merge_claims")
    services.edit_claim(claim_id=target.pk, actor=editor, text="We will halve the deficit within four years")

    refused(merge, editor, f"claim {target.pk} has changed since")
    target.refresh_from_db()
    assert target.text == "We will halve the deficit within four years"
    assert target.citations.count() == 2

    # Undoing the edit first makes the merge undoable again: the refusal was about order.
    services.undo(event_id=last_event("edit_claim").pk, actor=editor)
    services.undo(event_id=merge.pk, actor=editor)
    source.refresh_from_db()
    assert source.status == ClaimStatus.PROPOSED and source.citations.count() == 1
    assert target.citations.count() == 1
    assert_consistent()


def test_undo_is_refused_after_the_claim_was_merged_elsewhere(editor):
    speaker = SpeakerFactory()
    claim, elsewhere = claim_with_citation(speaker), claim_with_citation(speaker)
    services.confirm_claim(claim_id=claim.pk, actor=editor)
    confirm = last_event("confirm_claim")
    services.merge_claims(source_id=claim.pk, target_id=elsewhere.pk, actor=editor)

    refused(confirm, editor, f"claim {claim.pk} has changed since", "status")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.MERGED and claim.merged_into_id == elsewhere.pk


def test_undo_of_a_merge_whose_target_was_merged_on_waits_for_the_later_merge(editor):
    speaker = SpeakerFactory()
    a, b, c = (claim_with_citation(speaker) for _ in range(3))
    original = {claim.pk: set(claim.citations.values_list("pk", flat=True)) for claim in (a, b, c)}
    services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor)
    first = last_event("merge_claims")
    services.merge_claims(source_id=b.pk, target_id=c.pk, actor=editor)
    second = last_event("merge_claims")
    assert first.pk != second.pk

    refused(first, editor, "has changed since")
    assert Citation.objects.filter(claim=c).count() == 3

    services.undo(event_id=second.pk, actor=editor)
    services.undo(event_id=first.pk, actor=editor)
    for claim in (a, b, c):
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PROPOSED
        assert set(claim.citations.values_list("pk", flat=True)) == original[claim.pk]
    assert_consistent()


def test_undo_of_a_split_is_refused_once_the_new_claim_gained_a_citation(editor):
    speaker = SpeakerFactory()
    claim = claim_with_citation(speaker)
    second = CitationFactory(claim=claim, article=ArticleFactory())
    new_claim = services.split_citation(citation_id=second.pk, actor=editor)
    split = last_event("split_citation")
    article = ArticleFactory()
    start = article.text.index("schools")
    services.cite_span(claim_id=new_claim.pk, article_id=article.pk, start=start, end=start + len("schools"), actor=editor)

    refused(split, editor, f"claim {new_claim.pk}")
    assert Claim.objects.filter(pk=new_claim.pk).exists() and new_claim.citations.count() == 2


def test_undo_of_a_rejection_is_refused_once_the_article_has_a_new_version(editor):
    first = article_services.import_articles([parse_text(BUDGET, name="budget.txt", outlet="Desk Times")], source="budget.txt")[0]
    article = Article.objects.get(pk=first.article_id)
    candidate = CandidateFactory(article=article, speaker=SpeakerFactory())
    claim = ClaimFactory(speaker=candidate.speaker, text=candidate.text.strip("\u201c\u201d,"))
    CitationFactory(claim=claim, article=article, candidate=candidate, start=candidate.start, end=candidate.end)
    Candidate.objects.filter(pk=candidate.pk).update(claim=claim)
    services.reject_candidate(candidate_id=candidate.pk, actor=editor)
    reject = last_event("reject_candidate")

    changed = BUDGET.replace("spoke on Monday", "spoke to reporters on Monday morning")
    second = article_services.import_articles([parse_text(changed, name="budget.txt", outlet="Desk Times")], source="budget.txt")[0]
    assert second.status == "new_version" and second.article_id == article.pk

    # Restoring the citation would put back offsets into text the article no longer has.
    refused(reject, editor, "newer version")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert not Citation.objects.filter(candidate=candidate).exists()



def test_undo_of_a_split_is_refused_once_the_new_claim_has_a_confirmed_fact_check(editor):
    """A confirmed fact-check link would go with the split-off claim (Django deletes such rows in bulk, unseen)."""
    from claims.factchecks.linking import confirm_factcheck_link
    from claims.models import FactCheck, FactCheckLink, LinkState

    speaker = SpeakerFactory()
    claim = claim_with_citation(speaker)
    second = CitationFactory(claim=claim, article=ArticleFactory())
    new_claim = services.split_citation(citation_id=second.pk, actor=editor)
    split = last_event("split_citation")
    factcheck = FactCheck.objects.create(
        key="test-review-1", claim_reviewed="The deficit will be cut by half", rating="Mostly false", source_format="jsonl"
    )
    link = FactCheckLink.objects.create(claim=new_claim, factcheck=factcheck, score=0.9)
    confirm_factcheck_link(link_id=link.pk, actor=editor)

    refused(split, editor, f"claim {new_claim.pk}")
    assert FactCheckLink.objects.get(pk=link.pk).state == LinkState.CONFIRMED


def test_undo_of_a_split_takes_a_merely_suggested_fact_check_link_with_it(editor):
    from claims.models import FactCheck, FactCheckLink

    speaker = SpeakerFactory()
    claim = claim_with_citation(speaker)
    second = CitationFactory(claim=claim, article=ArticleFactory())
    new_claim = services.split_citation(citation_id=second.pk, actor=editor)
    factcheck = FactCheck.objects.create(key="test-review-2", claim_reviewed="Schools get more", source_format="jsonl")
    FactCheckLink.objects.create(claim=new_claim, factcheck=factcheck, score=0.7)

    services.undo(event_id=last_event("split_citation").pk, actor=editor)
    assert not Claim.objects.filter(pk=new_claim.pk).exists() and not FactCheckLink.objects.exists()
    assert_consistent()
