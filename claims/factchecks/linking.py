"""Linking claims with the fact-check library, and the editor's decisions on the links.

Both directions use the matching retriever and scorer (``claims.matching.retrieve`` and
``rank``), the code paths of cross-outlet matching and ``rank_claims``:

- a new claim is looked up in the library: a ``LibraryBackend`` (``library_index.py``: the retriever's shingle block
  and nearest-vector branch) over the fact-checks' statements (headline, then claim reviewed; and
  the claim reviewed alone, ``FactCheck.wordings``) and their stored vectors (one per fact-check,
  searched through k-means lists above ``COARSE_MIN_RECORDS``), built once per process and
  updated in place with the records added or changed since (``library_index``);
- a new fact-check is looked up among the claims, by each of its wordings:
  ``claims.selectors.DatabaseBackend``.

A pair the scorer types as the same claim (verbatim, wording variant or paraphrase; with no
speaker to vouch, a paraphrase must be as close as ``unknown_speaker_min_semantic``) and that
scores at least ``FACTDESK_FACTCHECK_LINK_MIN_SCORE`` is suggested on the claim with its score
and evidence, unless that pair was ever suggested before: a rejected link stays rejected.
Suggestions are recorded through the audit writer (one event per claim, undoable like bulk
matching's); ``confirm_factcheck_link`` and ``reject_factcheck_link`` are the editor's decisions.
A suggestion and a confirmation are announced to webhooks as ``claim.factcheck_linked``.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from claims.changes import ChangeSet
from claims.factchecks.library_index import LibraryBackend, stored_vector
from claims.factchecks.models import FactCheck, FactCheckLink, LinkState
from claims.matching import (
    EMBEDDING_DIM,
    EMBEDDING_MODEL,
    SAME_CLAIM_RELATIONS,
    Statement,
    Thresholds,
    embed,
    retrieve,
)
from claims.models import Claim, ClaimStatus, WebhookEvent
from claims.services._common import DecisionError, _lock
from claims.services.audit import event, record, record_all
from claims.webhooks import factcheck_link_payload, queue_event, queue_events

LINKS_PER_CLAIM = 5          # suggestions kept per claim, best first
EMBED_BATCH = 256
EMBED_ON_LOOKUP = 200        # records a claim's lookup embeds itself; the rest wait for their linking task
LIVE_STATUSES = (ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED)


def _min_score() -> float:
    return float(getattr(settings, "FACTDESK_FACTCHECK_LINK_MIN_SCORE", 0.6))


def _thresholds() -> Thresholds:
    """Matching's cut-offs (with their FACTDESK_MATCH_* settings); more results, to keep the strong ones."""
    from dataclasses import replace

    from claims.services.matching import _match_thresholds

    return replace(_match_thresholds(), max_results=LINKS_PER_CLAIM * 4)


def _is_strong(result) -> bool:
    return result.relation in SAME_CLAIM_RELATIONS and result.score >= _min_score()


# --- vectors ------------------------------------------------------------------------------------

def embed_factchecks(*, factcheck_ids: Sequence[int] | None = None) -> int:
    """Compute the missing (or another model's) vectors of fact-checks; derived data, not audited."""
    queryset = FactCheck.objects.exclude(embedding_model=EMBEDDING_MODEL, embedding__isnull=False)
    if factcheck_ids is not None:
        queryset = queryset.filter(pk__in=list(factcheck_ids))
    done = 0
    pending = list(queryset.only("id", "headline", "claim_reviewed").order_by("id"))
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start:start + EMBED_BATCH]
        vectors = embed([factcheck.statement_text for factcheck in batch])
        now = timezone.now()  # bulk_update skips auto_now: stamped here so library_index() sees the change
        for factcheck, vector in zip(batch, vectors):
            factcheck.embedding = np.asarray(vector, dtype=np.float32).tobytes()
            factcheck.embedding_model = EMBEDDING_MODEL
            factcheck.updated_at = now
        FactCheck.objects.bulk_update(batch, ["embedding", "embedding_model", "updated_at"])
        done += len(batch)
    return done


def _claim_vectors(claims: list[Claim]) -> np.ndarray:
    vectors = np.zeros((len(claims), EMBEDDING_DIM), dtype=np.float32)
    missing = []
    for position, claim in enumerate(claims):
        vector = stored_vector(claim.embedding)
        if vector is None:
            missing.append(position)
        else:
            vectors[position] = vector
    if missing:
        vectors[missing] = embed([claims[position].text for position in missing])
    return vectors


class LibraryIndex:
    """The fact-check library in memory: statements, vectors and the retriever's posting lists."""

    def __init__(self, factchecks: list[tuple[int, str | Sequence[str], bytes]]):
        """``factchecks``: (id, its wording or wordings, its vector); each wording is a statement with that vector."""
        self.statements, record_of = [], []
        vectors = np.zeros((len(factchecks), EMBEDDING_DIM), dtype=np.float32)
        for row, (pk, wordings, blob) in enumerate(factchecks):
            vector = stored_vector(blob)
            if vector is not None:
                vectors[row] = vector
            for text in [wordings] if isinstance(wordings, str) else wordings:
                self.statements.append(Statement(id=pk, text=text))
                record_of.append(row)
        self.backend = LibraryBackend(self.statements, record_of, vectors, ids=[pk for pk, _, _ in factchecks])

    @property
    def record_count(self) -> int:
        """Fact-checks indexed (each once, at its latest version)."""
        return self.backend.record_count - int(self.backend.retired.sum())

    def update(self, factchecks: list[tuple[int, str | Sequence[str], bytes]]) -> None:
        """Add these records, or replace the ones already indexed by id; one writer at a time (``_cache_lock``).

        The new snapshot is published by one assignment: a lookup under way finishes on the one it began with."""
        if factchecks:
            self.backend = self.backend.updated(factchecks)

    def links_for(self, statement: Statement, vector: np.ndarray) -> list:
        """The library's strong matches for one statement, best first, each fact-check once (its best wording)."""
        results = retrieve(statement, vector=vector, backend=self.backend, window_days=None, thresholds=_thresholds())
        return _best_per_target([result for result in results if _is_strong(result)])


def _best_per_target(results: list) -> list:
    best = {}
    for result in results:
        if result.target_id not in best or result.score > best[result.target_id].score:
            best[result.target_id] = result
    return sorted(best.values(), key=lambda result: -result.score)[:LINKS_PER_CLAIM]


_cache: dict = {}
_cache_lock = threading.Lock()


def _library_rows(queryset) -> list[tuple[int, tuple[str, ...], bytes | None]]:
    return [(factcheck.pk, factcheck.wordings, factcheck.embedding)
            for factcheck in queryset.only("id", "headline", "claim_reviewed", "embedding").order_by("id").iterator(
                chunk_size=2000)]


def library_index() -> LibraryIndex:
    """The process's ``LibraryIndex``, built once and then updated with the fact-checks added or changed since.

    Up to ``EMBED_ON_LOOKUP`` records not yet embedded are embedded here; a larger backlog (a
    library just imported) is embedded by its queued ``link_factchecks`` tasks, and until then
    those records are not found. Only the records with a higher id or changed since the index's
    stamp are read and applied (``LibraryIndex.update``); a library with fewer records than
    indexed (one was deleted: never done through the app) is built again whole.
    """
    missing = list(FactCheck.objects.exclude(embedding_model=EMBEDDING_MODEL, embedding__isnull=False)
                   .order_by("id").values_list("id", flat=True)[:EMBED_ON_LOOKUP])
    if missing:
        embed_factchecks(factcheck_ids=missing)
    latest = FactCheck.objects.aggregate(last_id=Max("id"), changed=Max("updated_at"))
    stamp = (FactCheck.objects.count(), latest["last_id"], latest["changed"])
    with _cache_lock:
        known, index = _cache.get("stamp"), _cache.get("index")
        if known == stamp:
            return index
        if index is not None and known[1] is not None and stamp[0] >= index.record_count:
            _count, last_id, changed = known
            # >= on the time: a record saved in the same tick as the stamp's is read again (applying it twice is harmless)
            rows = _library_rows(FactCheck.objects.filter(Q(id__gt=last_id) | Q(updated_at__gte=changed)))
            index.update(rows)
            if index.record_count == stamp[0]:
                _cache["stamp"] = stamp
                return index
        _cache["index"] = LibraryIndex(_library_rows(FactCheck.objects.all()))  # first lookup, or records deleted
        _cache["stamp"] = stamp
        return _cache["index"]


# --- suggesting links ---------------------------------------------------------------------------

def link_claims(*, claim_ids: Sequence[int]) -> int:
    """Look new claims up in the library and suggest their strong links; returns how many were suggested."""
    claims = list(Claim.objects.filter(pk__in=list(claim_ids), status__in=LIVE_STATUSES).order_by("id"))
    if not claims or not FactCheck.objects.exists():
        return 0
    index = library_index()
    proposals = []
    for claim, vector in zip(claims, _claim_vectors(claims)):
        statement = Statement(id=claim.pk, text=claim.text)
        for result in index.links_for(statement, vector):
            proposals.append((claim.pk, result.target_id, result))
    return _suggest(proposals)


def link_factchecks(*, factcheck_ids: Sequence[int]) -> int:
    """Look new (or changed) fact-checks up among the desk's claims; returns how many links were suggested."""
    from claims.selectors import DatabaseBackend

    ids = list(factcheck_ids)
    embed_factchecks(factcheck_ids=ids)
    factchecks = list(FactCheck.objects.filter(pk__in=ids).order_by("id"))
    proposals = []
    if Claim.objects.filter(status__in=LIVE_STATUSES).exists():
        backend = DatabaseBackend()
        for factcheck in factchecks:
            vector = stored_vector(factcheck.embedding)
            results = [
                result
                for text in factcheck.wordings
                for result in retrieve(Statement(id=factcheck.pk, text=text), vector=vector, backend=backend,
                                       window_days=None, thresholds=_thresholds())
                if _is_strong(result)
            ]
            for result in _best_per_target(results):
                proposals.append((result.target_id, factcheck.pk, result))
    suggested = _suggest(proposals)
    FactCheck.objects.filter(pk__in=ids).update(linked_at=timezone.now())  # bookkeeping, not a decision
    return suggested


@transaction.atomic
def _suggest(proposals: list[tuple[int, int, object]]) -> int:
    """Store new suggestions, one audit event per claim; pairs seen before (even rejected) are skipped."""
    if not proposals:
        return 0
    claim_ids = {claim_id for claim_id, _, _ in proposals}
    seen = set(FactCheckLink.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "factcheck_id"))
    live = dict(Claim.objects.filter(pk__in=claim_ids, status__in=LIVE_STATUSES).in_bulk())
    by_claim: dict[int, list] = defaultdict(list)
    for claim_id, factcheck_id, result in proposals:
        if (claim_id, factcheck_id) in seen or claim_id not in live:
            continue
        seen.add((claim_id, factcheck_id))
        by_claim[claim_id].append(FactCheckLink(
            claim_id=claim_id, factcheck_id=factcheck_id, state=LinkState.SUGGESTED, relation=result.relation,
            score=result.score, lexical=result.lexical, semantic=result.semantic, evidence=_evidence(result),
        ))
    rows, events = [], []
    for claim_id, links in by_claim.items():
        changes = ChangeSet()
        rows.extend((changes, link) for link in links)
        events.append((claim_id, changes, links))
    ChangeSet.bulk_create(FactCheckLink, rows)
    queue_events(WebhookEvent.FACTCHECK_LINKED, lambda: _links_announced(by_claim))
    record_all([
        event(actor=None, action="suggest_factcheck_links", target=live[claim_id], changes=changes, claim=live[claim_id],
              summary=f"{len(links)} fact-check(s) found for this claim")
        for claim_id, changes, links in events
    ])
    return len(rows)


def _links_announced(by_claim: dict[int, list]) -> dict[int, dict]:
    """Each claim's new links as the webhook tells them, the fact-checks read in one query."""
    factchecks = FactCheck.objects.in_bulk({link.factcheck_id for links in by_claim.values() for link in links})
    for links in by_claim.values():
        for link in links:
            link.factcheck = factchecks[link.factcheck_id]
    return {claim_id: {"factcheck_links": [factcheck_link_payload(link) for link in links]} for claim_id, links in by_claim.items()}


def _evidence(result) -> dict:
    evidence = dict(result.evidence)
    evidence.pop("diff", None)  # the page draws its own diff; the stored evidence stays small
    return evidence


# --- the editor's decisions ---------------------------------------------------------------------

@transaction.atomic
def confirm_factcheck_link(*, link_id: int, actor) -> FactCheckLink:
    """The claim is the one the fact-checker checked: the link is shown as confirmed and exported."""
    link = _lock(FactCheckLink, link_id)
    if link.state == LinkState.CONFIRMED:
        raise DecisionError("This fact-check link was already confirmed.")
    changes = ChangeSet()
    changes.update(link, state=LinkState.CONFIRMED, decided_by=actor, decided_at=timezone.now())
    record(actor=actor, action="confirm_factcheck_link", target=link, changes=changes, claim=link.claim,
           summary=str(link.factcheck)[:200])
    queue_event(WebhookEvent.FACTCHECK_LINKED, link.claim_id, factcheck_links=[factcheck_link_payload(link)])
    return link


@transaction.atomic
def reject_factcheck_link(*, link_id: int, actor) -> FactCheckLink:
    """The fact-check is about another claim: the link is hidden and never suggested again."""
    link = _lock(FactCheckLink, link_id)
    if link.is_desk_verdict:
        raise DecisionError("This is the desk's own published verdict on the claim; reopen the check to withdraw it.")
    if link.state == LinkState.REJECTED:
        raise DecisionError("This fact-check link was already rejected.")
    changes = ChangeSet()
    changes.update(link, state=LinkState.REJECTED, decided_by=actor, decided_at=timezone.now())
    record(actor=actor, action="reject_factcheck_link", target=link, changes=changes, claim=link.claim,
           summary=str(link.factcheck)[:200])
    return link
