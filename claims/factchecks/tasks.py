"""Linking tasks: take ids, call one linking function, safe to run twice (a seen pair is never suggested again).

Registered by ``claims.tasks``, which imports them, so the worker's task autodiscovery finds them.
"""
from __future__ import annotations

from celery import shared_task
from django import db

from claims.factchecks import linking

LINK_BATCH_SIZE = 50  # each record is embedded once here: 50 stay well inside the task time limit
DATABASE_GLITCHES = (db.OperationalError, db.InterfaceError)


@shared_task(name="claims.link_factchecks", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=60)
def link_factchecks(factcheck_ids):
    """Compare new or changed fact-checks with the desk's claims; suggest strong links."""
    return {"factchecks": len(factcheck_ids), "links": linking.link_factchecks(factcheck_ids=factcheck_ids)}


@shared_task(name="claims.link_claims_to_factchecks", acks_late=True, autoretry_for=DATABASE_GLITCHES, max_retries=8,
             retry_backoff=2, retry_backoff_max=60)
def link_candidates_claims(candidate_ids):
    """After matching made or found claims for these candidates: look those claims up in the library."""
    from claims.models import Candidate

    claim_ids = sorted(set(Candidate.objects.filter(pk__in=candidate_ids, claim__isnull=False)
                           .values_list("claim_id", flat=True)))
    return {"claims": len(claim_ids), "links": linking.link_claims(claim_ids=claim_ids)}
