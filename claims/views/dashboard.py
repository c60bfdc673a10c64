"""The dashboard: what waits for review by outlet, kind and speaker, and the latest imports."""
from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Value
from django.shortcuts import render

from articles.models import Article
from claims import charts
from claims.models import ArticleExtraction, Candidate, Citation, ClaimKind, ExtractionStatus, Match, MatchRelation, ReviewEvent
from claims.views.base import desk_screen

DASHBOARD_CACHE_SECONDS = 300


def change_stamp() -> str:
    """Newest article, candidate, match, audit event and extraction update: changes whenever a tally can.

    Every decision writes a ReviewEvent, extraction writes candidates and its own state, and
    matching writes matches, so the dashboard's counts (and its charts of articles and claims)
    can be cached until this moves. Each MAX is answered from an index.
    """
    quote = connection.ops.quote_name
    parts = [f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})" for model, column in (
        (Article, "id"), (Candidate, "id"), (Match, "id"), (ReviewEvent, "id"), (ArticleExtraction, "updated_at"),
    )]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return ":".join(str(value) for value in cursor.fetchone())


def dashboard_tallies() -> dict:
    """What waits for review, counted. Every figure is a GROUP BY over the whole pending backlog
    (half a second at 100k candidates), so they are cached until ``change_stamp()`` moves."""
    cache_key = "factdesk:dashboard:" + hashlib.sha1(change_stamp().encode()).hexdigest()
    tallies = cache.get(cache_key)
    if tallies is not None:
        return tallies
    pending = Candidate.objects.pending()
    # One round trip for the small tallies: candidates by kind, suggested matches, lost
    # citations and extraction states, as (label, key, count) rows.
    rows = (
        pending.order_by().values_list(Value("kind"), "kind").annotate(n=Count("pk"))
        .union(
            Match.objects.suggested().order_by().values_list(Value("matches"), "relation").annotate(n=Count("pk")),
            Citation.objects.needing_review().order_by().values_list(Value("lost"), "anchor_state").annotate(n=Count("pk")),
            ArticleExtraction.objects.order_by().values_list(Value("extraction"), "status").annotate(n=Count("pk")),
            all=True,
        )
    )
    tallies = {"kind": {}, "matches": {}, "lost": {}, "extraction": {}}
    for label, key, count in rows:
        tallies[label][key] = count
    tallies["by_outlet"] = list(
        pending.order_by().values("article__outlet_id", "article__outlet__name").annotate(n=Count("pk")).order_by("-n")[:12]
    )
    tallies["by_speaker"] = list(
        pending.filter(speaker__isnull=False).order_by().values("speaker_id", "speaker__name")
        .annotate(n=Count("pk")).order_by("-n")[:12]
    )
    tallies["charts"] = charts.desk_activity()
    for chart in tallies["charts"]:
        if chart.series:
            chart.svg  # drawn once, cached with the counts
    cache.set(cache_key, tallies, DASHBOARD_CACHE_SECONDS)
    return tallies


@desk_screen
def show(request):
    tallies = dashboard_tallies()
    by_kind, matches_by_relation, extraction = tallies["kind"], tallies["matches"], tallies["extraction"]
    kind_labels = dict(ClaimKind.choices)
    relation_labels = dict(MatchRelation.choices)
    recent = list(Article.objects.select_related("outlet", "extraction").defer("text").order_by("-imported_at", "-id")[:10])
    context = {
        "pending_total": sum(by_kind.values()),
        "by_kind": [(kind, kind_labels.get(kind, kind), n) for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1])],
        "matches_total": sum(matches_by_relation.values()),
        "matches_by_relation": [(relation, relation_labels.get(relation, relation), n)
                                for relation, n in matches_by_relation.items()],
        "lost_citations": sum(tallies["lost"].values()),
        "extraction": [(status, label, extraction.get(status, 0)) for status, label in ExtractionStatus.choices],
        "extraction_failed": extraction.get(ExtractionStatus.FAILED, 0),
        "extraction_backlog": extraction.get(ExtractionStatus.QUEUED, 0) + extraction.get(ExtractionStatus.RUNNING, 0),
        "by_outlet": tallies["by_outlet"],
        "by_speaker": tallies["by_speaker"],
        "recent": recent,
        "charts": tallies["charts"],
    }
    return render(request, "claims/dashboard.html", context)
