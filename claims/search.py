"""Search over claims and articles: PostgreSQL full-text search, a plain word match on SQLite.

On PostgreSQL the filters use ``SearchVector`` with the English configuration, written to match
exactly the GIN expression indexes that migrations create (claims 0004: ``claim_text_fts``;
articles 0002: ``article_title_fts``, ``article_text_fts``), so a search is an index lookup
rather than a scan (bench/review_bench.py measures it).
On SQLite every word of the query must occur (case-insensitive) in the text or the speaker.
"""
from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from articles.models import Article
from claims.models import Claim, Speaker

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12


def clean_query(raw: str | None) -> str:
    """The query as searched: whitespace folded, bounded in length."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def _words(query: str) -> list[str]:
    return [w for w in query.split() if w][:MAX_WORDS]


def _use_postgres() -> bool:
    return bool(getattr(settings, "IS_POSTGRES", False))


def _all_words(fields: list[str], query: str) -> Q:
    condition = Q()
    for word in _words(query):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def claim_number(query: str) -> int | None:
    """The claim number a query asks for ("12", "#12", "claim 12"), or None."""
    text = query.strip().lower().removeprefix("claim").strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 19 else None


def search_claims(query: str, *, limit: int = 30, exclude_ids=(), live_only: bool = True,
                  by_speaker: bool = True) -> list[Claim]:
    """Claims whose text (or, with ``by_speaker``, speaker's name) matches ``query``, best first; a
    claim asked for by its number ("12", "#12") comes first."""
    query = clean_query(query)
    claims = Claim.objects.select_related("speaker", "first_article__outlet")
    if live_only:
        claims = claims.visible()
    if exclude_ids:
        claims = claims.exclude(pk__in=list(exclude_ids))
    if not query:
        return []
    number = claim_number(query)
    first = list(claims.filter(pk=number)) if number is not None else []
    if first:
        claims = claims.exclude(pk=number)
        limit -= 1
    return first + list(_claims_matching(claims, query, limit, by_speaker=by_speaker))


def _claims_matching(claims: QuerySet, query: str, limit: int, *, by_speaker: bool) -> QuerySet:
    if _use_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("text", config="english")
        search = SearchQuery(query, config="english", search_type="websearch")
        # Speakers first, as plain ids: an OR with a subquery would stop the planner from
        # combining the full-text index with the speaker index.
        speaker_ids = list(
            Speaker.objects.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query))
            .values_list("pk", flat=True).distinct()[:50]
        ) if by_speaker else []
        found = (
            claims.alias(document=vector).annotate(rank=SearchRank(vector, search))
            .filter(Q(document=search) | Q(speaker_id__in=speaker_ids))
            .order_by("-rank", "-created_at")[:limit]
        )
        if found or not _only_stop_words(query):
            return found
        # "there is no": English full-text search drops every word; look for the words as written.
    fields = ["text", "speaker__name"] if by_speaker else ["text"]
    return claims.filter(_all_words(fields, query)).order_by("-created_at")[:limit]


def _only_stop_words(query: str) -> bool:
    """Whether PostgreSQL's English configuration keeps no word of ``query`` (a query of stop words)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s)) = 0", [query])
        return bool(cursor.fetchone()[0])


def search_articles(query: str, *, limit: int = 30) -> QuerySet:
    """Articles whose title or text matches ``query``, best first."""
    query = clean_query(query)
    articles = Article.objects.select_related("outlet")
    if not query:
        return articles.none()
    if _use_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        search = SearchQuery(query, config="english", search_type="websearch")
        # Filter on the plain per-column vectors (what an expression index can answer). Rank by
        # the title only, then newest first: ranking on the body would rebuild the vector of
        # every matching article, seconds for a common word at 10k articles.
        title_doc = SearchVector("title", config="english")
        return (
            # alias(), not annotate(): the vectors are for the WHERE clause only (the indexes answer
            # it); selecting them would rebuild the body's vector for every matching article.
            articles.alias(title_doc=title_doc, text_doc=SearchVector("text", config="english"))
            .filter(Q(title_doc=search) | Q(text_doc=search))
            .annotate(rank=SearchRank(title_doc, search))
            .order_by("-rank", "-published_at", "-id")[:limit]
        )
    return articles.filter(_all_words(["title", "text"], query)).order_by("-published_at", "-id")[:limit]


def search_speakers(query: str, *, limit: int = 10, exclude_ids=()) -> QuerySet:
    """Active speakers whose name or an alias contains ``query``."""
    query = clean_query(query)
    if not query:
        return Speaker.objects.none()
    speakers = Speaker.objects.active().exclude(pk__in=list(exclude_ids))
    ids = speakers.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query)).values("pk")
    return Speaker.objects.filter(pk__in=ids).order_by("name")[:limit]


def snippet(text: str, query: str, width: int = 220) -> str:
    """A window of ``text`` around the first query word found (plain text; the template escapes it)."""
    lowered = text.casefold()
    at = -1
    for word in _words(clean_query(query)):
        at = lowered.find(word.casefold())
        if at >= 0:
            break
    if at < 0:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    end = min(len(text), start + width)
    # Cut at spaces, not inside words.
    if start:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
