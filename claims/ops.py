"""Operations figures for the desk's operations page: queue depths, throughput, failures, backlog."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from articles.models import Article
from claims.models import (
    ArticleExtraction,
    Candidate,
    CandidateStatus,
    ExtractionStatus,
    Match,
    MatchState,
    ReviewEvent,
)

logger = logging.getLogger(__name__)

QUEUES = ("extract", "match", "fetch", "default")
RATE_WINDOW = timedelta(minutes=10)  # recent enough to follow a worker that starts or stops


def backlog_estimate(*, waiting: int, extracted_recently: int, window: timedelta = RATE_WINDOW) -> dict:
    """Rate (articles a minute over ``window``) and the minutes until ``waiting`` articles are done.

    ``minutes_left`` is None when nothing was extracted in the window (no rate, so no estimate);
    0 when nothing waits.
    """
    per_minute = extracted_recently / (window.total_seconds() / 60)
    if not waiting:
        minutes_left = 0
    elif per_minute:
        minutes_left = max(1, round(waiting / per_minute))
    else:
        minutes_left = None
    return {"per_minute": round(per_minute, 1), "waiting": waiting, "minutes_left": minutes_left,
            "window_minutes": int(window.total_seconds() // 60)}


def queue_depths() -> dict[str, int | None]:
    """Messages waiting on each queue; None when the broker cannot be reached."""
    from factdesk.celery import app

    depths: dict[str, int | None] = {}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            for name in QUEUES:
                depths[name] = channel.queue_declare(queue=name, durable=True, auto_delete=False).message_count
    except Exception as exc:  # the page must render when the broker is down; say so instead
        logger.warning("broker unreachable for queue depths: %s", exc)
        return {name: None for name in QUEUES}
    return depths


def snapshot(now=None) -> dict:
    """The operations page's figures, in as few queries as the tables allow (one per table)."""
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    day_ago = now - timedelta(days=1)
    done = Q(status=ExtractionStatus.DONE)
    extraction = ArticleExtraction.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ExtractionStatus.values},
        extracted_last_hour=Count("pk", filter=done & Q(finished_at__gte=hour_ago)),
        extracted_last_day=Count("pk", filter=done & Q(finished_at__gte=day_ago)),
        extracted_recently=Count("pk", filter=done & Q(finished_at__gte=now - RATE_WINDOW)),
    )
    articles = Article.objects.aggregate(
        never_queued=Count("pk", filter=Q(extraction__isnull=True)),
        articles_last_hour=Count("pk", filter=Q(imported_at__gte=hour_ago)),
    )
    candidates = Candidate.objects.aggregate(
        candidates_last_hour=Count("pk", filter=Q(created_at__gte=hour_ago)),
        unmatched_candidates=Count("pk", filter=Q(matched_at__isnull=True)),
    )
    return {
        "queues": queue_depths(),
        "extraction": {status: extraction[status] for status in ExtractionStatus.values},
        "never_queued": articles["never_queued"],
        "articles_last_hour": articles["articles_last_hour"],
        "extracted_last_hour": extraction["extracted_last_hour"],
        "extracted_last_day": extraction["extracted_last_day"],
        "candidates_last_hour": candidates["candidates_last_hour"],
        "unmatched_candidates": candidates["unmatched_candidates"],
        "backlog": backlog_estimate(
            waiting=extraction[ExtractionStatus.QUEUED] + extraction[ExtractionStatus.RUNNING] + articles["never_queued"],
            extracted_recently=extraction["extracted_recently"],
        ),
        "recent_failures": list(
            ArticleExtraction.objects.failed().select_related("article__outlet").order_by("-updated_at")[:10]
        ),
    }


# Score bands for match suggestions: where a threshold could go.
SCORE_BANDS = ((0.95, "0.95 and above"), (0.9, "0.90–0.95"), (0.8, "0.80–0.90"), (0.7, "0.70–0.80"),
               (0.6, "0.60–0.70"), (0.0, "below 0.60"))


def _rate(row: dict) -> dict:
    decided = row["accepted"] + row["rejected"]
    row["decided"] = decided
    row["acceptance"] = round(row["accepted"] / decided, 2) if decided else None
    # "accepted 1 time in 9": how an editor reads a rate when setting a threshold.
    row["one_in"] = round(decided / row["accepted"]) if row["accepted"] else None
    return row


def proposal_quality() -> dict:
    """How editors decided the desk's proposals: candidates by kind, outlet and extractor version
    (confirmed, rejected, edited before deciding), match suggestions by relation and score band.

    Two grouped queries. Machine-accepted matches are left out: they measure the policy, not
    the proposals. Each table lists its rows with the most decisions first.
    """
    edited = ReviewEvent.objects.filter(action="edit_candidate", target_type="candidate", target_id=OuterRef("pk"))
    candidate_rows = (
        Candidate.objects.reviewed().annotate(was_edited=Exists(edited))
        .values("kind", "article__outlet__name", "extractor_version")
        .annotate(
            accepted=Count("pk", filter=Q(status=CandidateStatus.CONFIRMED)),
            rejected=Count("pk", filter=Q(status=CandidateStatus.REJECTED)),
            edited=Count("pk", filter=Q(was_edited=True)),
        )
        .order_by()
    )
    tables: dict[str, dict[str, dict]] = {"kind": {}, "outlet": {}, "version": {}}
    for row in candidate_rows:
        for table, key in (("kind", row["kind"]), ("outlet", row["article__outlet__name"]),
                           ("version", row["extractor_version"] or "unknown")):
            tally = tables[table].setdefault(key, {"label": key, "accepted": 0, "rejected": 0, "edited": 0})
            for count in ("accepted", "rejected", "edited"):
                tally[count] += row[count]
    band = Case(*(When(score__gte=low, then=Value(label)) for low, label in SCORE_BANDS),
                default=Value(SCORE_BANDS[-1][1]), output_field=CharField())
    match_rows = (
        Match.objects.exclude(state=MatchState.SUGGESTED).filter(automatic=False).annotate(band=band)
        .values("relation", "band")
        .annotate(accepted=Count("pk", filter=Q(state=MatchState.ACCEPTED)),
                  rejected=Count("pk", filter=Q(state=MatchState.REJECTED)))
        .order_by()
    )
    band_order = {label: k for k, (_low, label) in enumerate(SCORE_BANDS)}
    matches = sorted(
        (_rate({"label": f"{row['relation'].replace('_', ' ')}, {row['band']}", "relation": row["relation"],
                "band": row["band"], "accepted": row["accepted"], "rejected": row["rejected"]})
         for row in match_rows),
        key=lambda row: (row["relation"], band_order.get(row["band"], 99)),
    )

    def ranked(table):
        return sorted((_rate(row) for row in table.values()), key=lambda row: (-row["accepted"] - row["rejected"], row["label"]))

    return {"by_kind": ranked(tables["kind"]), "by_outlet": ranked(tables["outlet"])[:15],
            "by_version": ranked(tables["version"]), "matches": matches}
