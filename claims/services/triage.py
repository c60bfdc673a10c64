"""Keeping each claim's stored editorial value current: the queue orders by it.

``claims.triage`` holds the score (its weights, its reasons); this module stores it on the claim
(``Claim.triage_value``, ``Claim.triage_reasons``) so the queue's default order is an index scan,
not the signals of every proposed claim recomputed on every request.

The audit writer is the choke point: every decision hands its change set to
``claims.services.audit``, which calls ``refresh_after`` with the rows it changed; undo does the
same with the rows it put back. ``claims_touched`` reads from those rows which claims' signals may
have moved — a citation, candidate, match or fact-check link of the claim, the claim itself, its
speaker's roles or kind, an article's outlet — and ``refresh`` recomputes those claims in one
query and writes the ones that changed in one statement, however many rows the decision wrote.

Derived data, like the embedding: change sets do not snapshot it and undo does not restore it
(it is recomputed instead). ``manage.py refresh_triage`` recomputes every claim, e.g. after rows
were written around the services (a bulk load, fixtures).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Article
from claims import triage
from claims.changes import update_rows
from claims.factchecks.models import FactCheckLink
from claims.models import Candidate, Citation, Claim, Match, Speaker, SpeakerRole

BATCH = 2000

# Rows that belong to one claim through ``claim_id``.
_OF_A_CLAIM = {_model._meta.label_lower: _model for _model in (Citation, Candidate, Match, FactCheckLink)}
_CLAIM = Claim._meta.label_lower
_CANDIDATE = Candidate._meta.label_lower
_MATCH = Match._meta.label_lower
_ROLE = SpeakerRole._meta.label_lower
_SPEAKER = Speaker._meta.label_lower
_ARTICLE = Article._meta.label_lower


def _values(row: dict, name: str) -> set:
    return {values[name] for values in (row["before"], row["after"]) if values and values.get(name) is not None}


def _changed(row: dict) -> set[str]:
    return set(row["before"] or {}) | set(row["after"] or {})


def claims_touched(rows: Iterable[dict]) -> set[int]:
    """The claims whose signals the recorded ``rows`` (a change set's, before and after) may have changed.

    Reads the ids the rows carry, and looks up the rest in a few queries (an updated row records
    only the fields it changed): never one query per row.
    """
    claim_ids: set[int] = set()
    unknown: dict[str, set[int]] = {}
    candidate_ids: set[int] = set()
    role_ids: set[int] = set()
    speaker_ids: set[int] = set()
    article_ids: set[int] = set()
    for row in rows:
        label, pk = row["model"], row["pk"]
        if label == _CLAIM:
            claim_ids.add(pk)
        elif label in _OF_A_CLAIM:
            claim_ids |= _values(row, "claim_id")
            # The row's claim now (an update records only what it changed), and for a match the
            # claim of its candidate too: a wording match flags both ends.
            unknown.setdefault(label, set()).add(pk)
            if label == _MATCH:
                candidate_ids |= _values(row, "candidate_id")
            elif label == _CANDIDATE:
                candidate_ids.add(pk)  # its kind decides whether its matches are misquotes
        elif label == _ROLE:
            speaker_ids |= _values(row, "speaker_id")
            role_ids.add(pk)
        elif label == _SPEAKER and (row["before"] is None or row["after"] is None or "kind" in _changed(row)):
            speaker_ids.add(pk)
        elif label == _ARTICLE and "outlet_id" in _changed(row):
            article_ids.add(pk)
    for label, pks in unknown.items():
        model = _OF_A_CLAIM[label]
        if label == _MATCH:
            for claim_id, candidate_id in model.objects.filter(pk__in=pks).values_list("claim_id", "candidate_id"):
                claim_ids.add(claim_id)
                candidate_ids.add(candidate_id)
        else:
            claim_ids |= set(model.objects.filter(pk__in=pks).values_list("claim_id", flat=True))
    if candidate_ids:
        claim_ids |= set(Candidate.objects.filter(pk__in=candidate_ids).values_list("claim_id", flat=True))
        claim_ids |= set(Match.objects.filter(candidate_id__in=candidate_ids).values_list("claim_id", flat=True))
    if role_ids:
        speaker_ids |= set(SpeakerRole.objects.filter(pk__in=role_ids).values_list("speaker_id", flat=True))
    if speaker_ids:
        claim_ids |= set(Claim.objects.filter(speaker_id__in=speaker_ids).values_list("pk", flat=True))
    if article_ids:
        claim_ids |= set(Citation.objects.filter(article_id__in=article_ids).values_list("claim_id", flat=True))
    claim_ids.discard(None)
    return claim_ids


def refresh(claim_ids: Iterable[int]) -> int:
    """Store the editorial value and reasons of these claims as their signals stand now; returns how many changed.

    One query reads the signals of up to ``BATCH`` claims, one statement writes those whose value
    or reasons moved. Ids of claims that no longer exist are ignored.
    """
    ids = sorted({pk for pk in claim_ids if pk is not None})
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(Claim.objects.filter(pk__in=ids[start:start + BATCH]))
    return changed


def refresh_all(*, progress=None) -> int:
    """Recompute every claim's stored editorial value (the backfill, and ``manage.py refresh_triage``)."""
    changed, last = 0, 0
    while True:
        ids = list(Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return changed
        changed += _refresh_batch(Claim.objects.filter(pk__in=ids))
        last = ids[-1]
        if progress is not None:
            progress(len(ids))


def refresh_after(rows: Iterable[dict]) -> int:
    """Refresh the claims a decision's recorded rows touched (called by the audit writer and by undo)."""
    touched = claims_touched(rows)
    return refresh(touched) if touched else 0


@transaction.atomic
def _refresh_batch(claims) -> int:
    # Lock the claims first (in id order; NO KEY UPDATE, so citing them stays possible): a
    # concurrent decision on one of them — two workers citing one claim — then waits for this
    # transaction and reads its rows, instead of storing a value computed without them.
    list(claims.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    stale = []
    fields = ("id", "speaker_id", "triage_value", "triage_reasons")
    for claim in triage.annotate_signals(claims.order_by()).only(*fields):
        signals = triage.signals_of(claim)
        value, reasons = triage.score(signals), triage.reasons(signals)
        if claim.triage_value != value or claim.triage_reasons != reasons:
            claim.triage_value, claim.triage_reasons = value, reasons
            stale.append(claim)
    update_rows(Claim, stale, ["triage_value", "triage_reasons"])
    return len(stale)
