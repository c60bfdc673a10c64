"""Two editors deciding on the same claims at once: one clear winner, nothing lost.

Runs on PostgreSQL in CI (row locks) and on SQLite locally (one writer at a time); both must
give the same outcome.
"""
import threading

import pytest
from django.db import connection

from claims import services
from claims.models import Citation, Claim, ClaimStatus
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SpeakerFactory


def race(*calls):
    """Run the calls in threads released together; return each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the loser's error is the point of the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def claims_with_citations(count):
    speaker = SpeakerFactory()
    claims = []
    for _ in range(count):
        claim = ClaimFactory(speaker=speaker)
        CitationFactory(claim=claim, article=ArticleFactory())
        claims.append(claim)
    return claims


@pytest.mark.django_db(transaction=True)
def test_two_opposite_merges_at_once_have_one_winner(editor):
    a, b = claims_with_citations(2)
    results = race(
        lambda: services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor),
        lambda: services.merge_claims(source_id=b.pk, target_id=a.pk, actor=editor),
    )
    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, services.DecisionError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "already merged" in str(losers[0])
    survivor = winners[0]
    assert Citation.objects.count() == 2 and Citation.objects.filter(claim=survivor).count() == 2
    assert Claim.objects.filter(status=ClaimStatus.MERGED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_merge_and_reject_at_once_leave_a_consistent_state(editor):
    a, b = claims_with_citations(2)
    results = race(
        lambda: services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor),
        lambda: services.reject_claim(claim_id=a.pk, actor=editor),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.DecisionError), results
    a.refresh_from_db()
    assert a.status in (ClaimStatus.MERGED, ClaimStatus.REJECTED)
    assert Citation.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_editors_confirming_one_candidate_make_one_claim(editor, desk_admin):
    from claims.models import Candidate, CandidateStatus
    from tests.factories import CandidateFactory

    candidate = CandidateFactory()
    results = race(
        lambda: services.confirm_candidate(candidate_id=candidate.pk, actor=editor),
        lambda: services.confirm_candidate(candidate_id=candidate.pk, actor=desk_admin),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.DecisionError), results
    assert "already confirmed" in str(errors[0])
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert candidate.status == CandidateStatus.CONFIRMED
    # Exactly one claim and one citation: the loser created nothing on the side.
    assert Claim.objects.count() == 1 and Citation.objects.count() == 1
    assert candidate.claim.citations.get().candidate_id == candidate.pk


@pytest.mark.django_db(transaction=True)
def test_two_undos_of_one_decision_undo_it_once(editor, desk_admin):
    from claims.models import ReviewEvent

    a, b = claims_with_citations(2)
    services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor)
    merge = ReviewEvent.objects.get(action="merge_claims")
    results = race(
        lambda: services.undo(event_id=merge.pk, actor=editor),
        lambda: services.undo(event_id=merge.pk, actor=desk_admin),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.DecisionError), results
    assert "already undone" in str(errors[0])
    assert ReviewEvent.objects.filter(undo_of=merge).count() == 1
    a.refresh_from_db()
    assert a.status == ClaimStatus.PROPOSED and a.citations.count() == 1 and b.citations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_against_a_merge_is_a_conflict_not_a_lost_edit(editor, desk_admin):
    a, b = claims_with_citations(2)
    seen = a.revision  # both editors opened claim a at this revision
    results = race(
        lambda: services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor),
        lambda: services.edit_claim(claim_id=a.pk, actor=desk_admin, text="A corrected wording", expected_revision=seen),
    )
    merged, edited = results
    assert isinstance(merged, Claim), results  # the merge wins either way: it checks no revision
    a.refresh_from_db()
    assert a.status == ClaimStatus.MERGED
    if isinstance(edited, Exception):
        # The merge came first: the edit was refused with a reason, not applied to a merged claim.
        assert isinstance(edited, services.DecisionError), edited
        assert a.text != "A corrected wording"
    else:
        # The edit came first: it is kept on the claim that was then merged; nothing was lost.
        assert a.text == "A corrected wording"
    assert Citation.objects.count() == 2 and Citation.objects.filter(claim=b).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_suggestions_for_one_claim_at_once_leave_its_editorial_value_current():
    """A fact-check link and a wording variant are suggested for one claim by two workers at once.

    A suggestion locks no claim (it only adds a row pointing at it), so without care each worker
    reads the claim's signals before the other commits, and the last to write stores a value
    that misses the other's suggestion.
    """
    from django.db import transaction

    from claims.changes import ChangeSet
    from claims.factchecks.models import FactCheck, FactCheckLink
    from claims.models import Match, MatchRelation
    from claims.services import triage as stored
    from claims.services.audit import record
    from tests.factories import CandidateFactory

    claim = ClaimFactory(speaker=SpeakerFactory(name="Jane Rivers"), kind="direct")
    CitationFactory(claim=claim, article=ArticleFactory())
    stored.refresh([claim.pk])
    factcheck = FactCheck.objects.create(key="harbour-7", claim_reviewed=claim.text, fact_checker="Harbour Fact Check",
                                         source_format="jsonl")
    reworded = CandidateFactory(article=ArticleFactory(), kind="direct", speaker=claim.speaker)
    holding, release = threading.Event(), threading.Event()

    def suggest(model, action, **values):
        changes = ChangeSet()
        row = changes.create(model, claim=claim, **values)
        record(actor=None, action=action, target=row, changes=changes, claim=claim, summary=action)

    def linking_worker():
        try:
            with transaction.atomic():
                suggest(FactCheckLink, "suggest_factcheck_link", factcheck=factcheck, score=0.8)
                holding.set()  # suggested and its value stored, not yet committed
                release.wait(20)
        finally:
            connection.close()

    def matching_worker():
        try:
            holding.wait(20)
            suggest(Match, "suggest_match", candidate=reworded, score=0.9, relation=MatchRelation.VARIANT)
        finally:
            connection.close()

    threads = [threading.Thread(target=linking_worker), threading.Thread(target=matching_worker)]
    for thread in threads:
        thread.start()
    holding.wait(20)
    threads[1].join(1.5)  # the matching worker gets as far as it can while the other holds its transaction
    release.set()
    for thread in threads:
        thread.join(60)

    claim.refresh_from_db()
    said = " ".join(claim.triage_reasons)
    assert "fact-checked" in said and "misquote" in said, claim.triage_reasons
    assert stored.refresh([claim.pk]) == 0  # nothing stale left to repair
