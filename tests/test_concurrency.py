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
