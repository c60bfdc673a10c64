"""Matching orchestration: new candidates become claims, citations and match suggestions.

Retrieval and scoring are ``claims.matching.retrieve`` over ``claims.selectors.DatabaseBackend``
(the same code ``rank_claims`` runs over its in-memory backend). This module loads candidates,
asks it, and writes the outcome with its audit events.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.changes import ChangeSet
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimShingle, ClaimStatus, Match, MatchState
from claims.nearest import ArticleBackend
from claims.selectors import DatabaseBackend, speaker_key
from claims.services import audit
from claims.services._common import _citation_values, _claim_values, _emit


def store_claim_embeddings(*, vectors: Sequence[tuple[int, str, bytes]], model_name: str) -> int:
    """Store recomputed embeddings ``(claim id, text embedded, vector bytes)``; returns how many were stored.

    Embeddings are derived data, not editorial state, so this is not audited: a claim edited
    meanwhile keeps the vector of its newest text, because a row is written only where its text is
    still the one embedded.
    """
    stored = 0
    with transaction.atomic():
        for pk, text, vector in vectors:
            stored += Claim.objects.filter(pk=pk, text=text).update(embedding=vector, embedding_model=model_name)
    return stored


def _match_thresholds():
    """Matching cut-offs: ``claims.matching`` defaults, each overridable by a FACTDESK_MATCH_* setting."""
    from claims import matching

    names = {
        "variant_min_ratio": "FACTDESK_MATCH_VARIANT_MIN_RATIO",
        "variant_min_run": "FACTDESK_MATCH_VARIANT_MIN_RUN",
        "shared_run_min": "FACTDESK_MATCH_SHARED_RUN_MIN",
        "quoted_fragment_min": "FACTDESK_MATCH_QUOTED_FRAGMENT_MIN",
        "paraphrase_min_semantic": "FACTDESK_MATCH_PARAPHRASE_MIN",
        "supported_min_semantic": "FACTDESK_MATCH_SUPPORTED_MIN",
        "supported_min_run": "FACTDESK_MATCH_SUPPORTED_MIN_RUN",
        "other_speaker_min_semantic": "FACTDESK_MATCH_OTHER_SPEAKER_MIN",
        "unknown_speaker_min_semantic": "FACTDESK_MATCH_UNKNOWN_SPEAKER_MIN",
        "semantic_floor": "FACTDESK_MATCH_SEMANTIC_FLOOR",
        "semantic_min_words": "FACTDESK_MATCH_SEMANTIC_MIN_WORDS",
        "max_results": "FACTDESK_MATCH_MAX_RESULTS",
    }
    values = {field: getattr(settings, name) for field, name in names.items() if hasattr(settings, name)}
    return matching.Thresholds(**values) if values else matching.DEFAULT_THRESHOLDS


def propose_matches(*, candidate_ids: Sequence[int]) -> int:
    """Turn new candidates into claims and propose cross-outlet matches; return matches written.

    Policy: a verbatim or wording-variant match by the same speaker becomes a citation of that
    claim at once (accepted automatically, undoable); paraphrases are suggested for review;
    the same words by another speaker are suggested as related and never merged. A pair an
    editor rejected is never proposed again, nor is a claim only the candidate's own outlet has
    cited (an outlet repeating itself is no cross-outlet evidence). A candidate with no speaker
    that repeats a claim at length is cited to it and takes its speaker. Safe to run twice:
    matched candidates are skipped.

    Work is done an article at a time, in one transaction with a fixed number of writes (see
    ``_propose_for_article``), not a transaction and a dozen queries per candidate.
    """
    from claims.matching import embed

    candidates = list(
        Candidate.objects.filter(pk__in=candidate_ids, matched_at__isnull=True, claim__isnull=True)
        .exclude(status=CandidateStatus.REJECTED)
        .order_by("article_id", "start")
        .values_list("pk", "article_id", "text")
    )
    if not candidates:
        return 0
    vectors = embed([text for _, _, text in candidates])
    thresholds = _match_thresholds()
    by_article: dict[int, dict[int, np.ndarray]] = {}
    for (pk, article_id, _), vector in zip(candidates, vectors):
        by_article.setdefault(article_id, {})[pk] = vector
    return sum(_propose_for_article(vectors_by_pk, thresholds) for vectors_by_pk in by_article.values())


class _Proposal(NamedTuple):
    candidate: Candidate
    vector: np.ndarray
    results: list
    auto: object  # the MatchResult cited at once, or None


def _rank_candidate(candidate: Candidate, vector, when: date | None, thresholds, backend: DatabaseBackend) -> list:
    from claims.matching import Statement, retrieve

    query = Statement(id=candidate.pk, text=candidate.text, speaker=speaker_key(candidate.speaker_id), published=when)
    return retrieve(
        query, vector=vector, backend=backend, window_days=settings.FACTDESK_MATCH_WINDOW_DAYS, thresholds=thresholds,
    )


def _without_rejected_pairs(proposals: list[tuple[Candidate, list]]) -> list[list]:
    """Drop results an editor already rejected (this wording against that claim): one query for the article."""
    claim_ids = {r.target_id for _, results in proposals for r in results}
    if not claim_ids:
        return [results for _, results in proposals]
    rejected = set(
        Match.objects.filter(
            claim_id__in=claim_ids, state=MatchState.REJECTED, candidate__text__in={c.text for c, _ in proposals}
        ).values_list("claim_id", "candidate__text")
    )
    return [[r for r in results if (r.target_id, candidate.text) not in rejected] for candidate, results in proposals]


def _without_same_outlet_suggestions(kept: list[list], *, outlet_id: int) -> list[list]:
    """Drop suggestions of claims only the candidate's own outlet has cited: one query for the article.

    An outlet's repeats of itself (templates, live-blog lines, boilerplate) are no cross-outlet
    evidence; a same-speaker repeat that may be cited at once is still folded into its claim.
    """
    claim_ids = {r.target_id for results in kept for r in results if not r.auto_mergeable}
    if not claim_ids:
        return kept
    outlets: dict[int, set[int]] = {}
    for claim_id, outlet in Citation.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "article__outlet_id"):
        outlets.setdefault(claim_id, set()).add(outlet)
    return [
        [r for r in results if r.auto_mergeable or outlets.get(r.target_id, set()) - {outlet_id}]
        for results in kept
    ]


def _candidate_values(proposal: _Proposal, claim: Claim) -> dict:
    """What matching decides for a candidate: its claim, and the claim's speaker when it had none
    and repeats the claim's words at length (``MatchResult.evidence["adopts_speaker"]``)."""
    values = {"claim": claim}
    if proposal.auto is not None and proposal.auto.evidence.get("adopts_speaker") and not proposal.candidate.speaker_id:
        values["speaker_id"] = claim.speaker_id
    return values


def _propose_for_article(vectors_by_pk: dict[int, np.ndarray], thresholds) -> int:
    """Match one article's new candidates: score each, then write everything in bulk, in one transaction.

    Scoring comes first, for all of them: a candidate's pool never holds claims cited in its own
    article, so nothing this article writes can change another of its candidates' results.
    Then a fixed number of statements whatever the number of candidates: new claims, their
    shingles, citations, matches and audit events are bulk inserts, candidates one bulk update.
    Each candidate still gets its own audit event ("propose_claim", or "auto_accept_match" and
    "propose_matches"), so each is undone on its own, exactly as if it had been decided alone:
    the bulk writes go through ``ChangeSet.bulk_create``/``bulk_update``, which record each row
    in its own decision's change set, and the events through the one audit writer.
    """
    from claims.matching import RELATION_OTHER_SPEAKER, SAME_CLAIM_RELATIONS, shingles

    with transaction.atomic():
        # Lock the candidates only (not their article or outlet, which other workers share), in
        # primary-key order so two workers never wait on each other in a cycle.
        candidates = list(
            Candidate.objects.select_for_update(of=("self",))
            .select_related("article__outlet")
            .filter(pk__in=list(vectors_by_pk), matched_at__isnull=True, claim__isnull=True)
            .exclude(status=CandidateStatus.REJECTED)
            .order_by("pk")
        )
        if not candidates:
            return 0
        candidates.sort(key=lambda c: c.start)
        article = candidates[0].article
        # An undated article has no place in time: matched by content, never kept out by the
        # window (its import time is no publication date).
        when = article.published_at.date() if article.published_at else None
        # The article's candidates' nearest claims in one statement, not one scan per candidate.
        backend = ArticleBackend(exclude_article_id=article.pk, vectors={c.pk: vectors_by_pk[c.pk] for c in candidates})
        ranked = [(c, _rank_candidate(c, vectors_by_pk[c.pk], when, thresholds, backend)) for c in candidates]
        kept = _without_same_outlet_suggestions(_without_rejected_pairs(ranked), outlet_id=article.outlet_id)

        # Claims to cite at once: locked (in primary-key order), and still live now that they are
        # locked; one an editor merged or rejected meanwhile is not cited behind their back.
        autos = [next((r for r in results if r.auto_mergeable), None) for results in kept]
        targets = {
            claim.pk: claim
            for claim in Claim.objects.select_for_update()
            .filter(pk__in=sorted({a.target_id for a in autos if a is not None}))
            .order_by("pk")
        }
        proposals = []
        for candidate, results, auto in zip(candidates, kept, autos):
            target = targets.get(auto.target_id) if auto is not None else None
            if target is None or target.status not in (ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED):
                auto = None
            proposals.append(_Proposal(candidate, vectors_by_pk[candidate.pk], results, auto))

        # One change set per decision, so each candidate is undone on its own; the rows of all of
        # them are written together, one statement per table.
        decided = {p.candidate.pk: ChangeSet() for p in proposals}
        proposed_matches = {p.candidate.pk: ChangeSet() if p.auto else decided[p.candidate.pk] for p in proposals}
        moment = article.published_at  # an undated article never moves a claim's first report
        new_claims = ChangeSet.bulk_create(
            Claim, [(decided[p.candidate.pk], Claim(**_claim_values(p.candidate, p.vector))) for p in proposals if p.auto is None]
        )
        # Derived index rows, not audited (see _common._index_wordings); they go with the claim on undo.
        ClaimShingle.objects.bulk_create(
            [ClaimShingle(claim=claim, value=v) for claim in new_claims for v in shingles(claim.text)], ignore_conflicts=True
        )
        fresh = iter(new_claims)
        claim_of = {p.candidate.pk: (targets[p.auto.target_id] if p.auto is not None else next(fresh)) for p in proposals}

        ChangeSet.bulk_create(
            Citation,
            [
                (decided[p.candidate.pk], Citation(**_citation_values(
                    claim=claim_of[p.candidate.pk], article=article, start=p.candidate.start, end=p.candidate.end,
                    candidate=p.candidate,
                )))
                for p in proposals
            ],
        )
        now = timezone.now()
        # matched_at is bookkeeping, not part of the decision: an undone proposal is not proposed again.
        ChangeSet.bulk_update(
            Candidate,
            [(decided[p.candidate.pk], p.candidate, _candidate_values(p, claim_of[p.candidate.pk])) for p in proposals],
            unrecorded={"matched_at": now},
        )

        cited_first = {}
        for p in proposals:
            if p.auto is not None:
                cited_first.setdefault(claim_of[p.candidate.pk].pk, p.candidate.pk)
        for claim_pk, candidate_pk in cited_first.items():
            claim = targets[claim_pk]
            # The article may have been published before the claim's first report (back-fills), or
            # be the first dated report of a claim reported so far only by undated articles.
            if moment and (claim.first_reported_at is None or moment < claim.first_reported_at):
                decided[candidate_pk].update(claim, first_article=article, first_reported_at=moment)
            if claim.status == ClaimStatus.CONFIRMED:  # proposed claims are not published: no event, no query
                _emit("claim.cited", claim.pk)

        match_rows = []
        accepted_of: dict[int, Match] = {}
        for p in proposals:
            for result in p.results:
                if result.relation not in (*SAME_CLAIM_RELATIONS, RELATION_OTHER_SPEAKER):
                    continue
                is_auto = result is p.auto
                match = Match(
                    candidate=p.candidate,
                    claim_id=result.target_id,
                    score=float(result.score),
                    lexical=float(result.lexical),
                    semantic=float(result.semantic),
                    relation=result.relation,
                    evidence=result.evidence,
                    state=MatchState.ACCEPTED if is_auto else MatchState.SUGGESTED,
                    automatic=is_auto,
                    decided_at=now if is_auto else None,
                )
                if is_auto:
                    accepted_of[p.candidate.pk] = match
                match_rows.append((decided[p.candidate.pk] if is_auto else proposed_matches[p.candidate.pk], match))
        matches = ChangeSet.bulk_create(Match, match_rows)

        events = []
        for p in proposals:
            candidate, claim = p.candidate, claim_of[p.candidate.pk]
            proposed_from = f"Proposed from {article.outlet}"
            if p.auto is None:
                events.append(audit.event(actor=None, action="propose_claim", target=candidate, changes=decided[candidate.pk],
                                          claim=claim, summary=proposed_from))
                continue
            accepted = accepted_of[candidate.pk]
            summary = f"{accepted.get_relation_display()} of claim {claim.pk} in {article.outlet}: cited automatically"
            events.append(audit.event(actor=None, action="auto_accept_match", target=accepted, changes=decided[candidate.pk],
                                      claim=claim, summary=summary))
            if proposed_matches[candidate.pk].rows:
                events.append(audit.event(actor=None, action="propose_matches", target=candidate,
                                          changes=proposed_matches[candidate.pk], claim=claim, summary=proposed_from))
        audit.record_all(events)
    return len(matches)
