"""Every change of state in claims: extraction results, matching, and editorial decisions.

Each decision is one keyword-only function that runs in a transaction, locks the rows it
changes, refuses an illegal transition with ``DecisionError`` (a message an editor can read),
and records a ``ReviewEvent`` with the rows' values before and after, which is what ``undo``
restores. Admin actions, screens, the API and tasks all call these functions.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from claims.changes import ChangeSet, UndoRefused, revert, snapshot
from claims.models import (
    AnchorState,
    ArticleExtraction,
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimShingle,
    ClaimStatus,
    ExtractionStatus,
    Match,
    MatchRelation,
    MatchState,
    ReviewEvent,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    SpeakerRole,
    normalise_name,
)
from claims.webhooks import queue_event as _emit

logger = logging.getLogger(__name__)

CONTEXT_CHARS = 32
ROLE_WINDOW_DAYS = 400


class DecisionError(Exception):
    """A decision that cannot be made as asked; the message is shown to the editor."""


class Conflict(DecisionError):
    """Another editor changed the row since this editor loaded it."""


# --------------------------------------------------------------------------- helpers


def _lock(model, pk):
    obj = model.objects.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise DecisionError(f"{model._meta.verbose_name.capitalize()} {pk} does not exist (it may have been removed).")
    return obj


def _check_revision(obj, expected_revision):
    if expected_revision is not None and int(expected_revision) != obj.revision:
        raise Conflict(
            f"Another editor changed this {obj._meta.verbose_name} since you opened it. Reload to see the current state."
        )


def _record(*, actor, action, target, changes: ChangeSet, claim=None, summary="") -> ReviewEvent:
    return ReviewEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        claim=claim,
        summary=summary[:500],
        changes=changes.rows,
    )


def _live_claim(claim: Claim) -> Claim:
    """Follow merges to the claim that now holds the citations."""
    seen = set()
    while claim.status == ClaimStatus.MERGED and claim.merged_into_id and claim.pk not in seen:
        seen.add(claim.pk)
        claim = Claim.objects.select_for_update().get(pk=claim.merged_into_id)
    return claim


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]


def _validate_span(article: Article, start: int, end: int) -> None:
    if not (0 <= start < end <= len(article.text)):
        raise DecisionError(f"The span {start}–{end} is outside the article's text (0–{len(article.text)}).")
    if not article.text[start:end].strip():
        raise DecisionError("The selected span holds no text.")


def _article_date(article: Article) -> date | None:
    moment = article.published_at or article.imported_at
    return moment.date() if moment else None


def _citation_values(*, claim: Claim, article: Article, start: int, end: int, candidate=None, actor=None) -> dict:
    prefix, suffix = _context(article.text, start, end)
    return dict(
        claim=claim,
        article=article,
        candidate=candidate,
        start=start,
        end=end,
        quote=article.text[start:end],
        prefix=prefix,
        suffix=suffix,
        content_hash=article.content_hash,
        article_version=article.version,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _cite(changes: ChangeSet, *, claim: Claim, article: Article, start: int, end: int, candidate=None, actor=None) -> Citation:
    if claim.status == ClaimStatus.CONFIRMED:  # proposed claims are not published: no event, no query
        _emit("claim.cited", claim.pk)
    return changes.create(
        Citation, **_citation_values(claim=claim, article=article, start=start, end=end, candidate=candidate, actor=actor)
    )


def _refresh_first_reported(changes: ChangeSet, claim: Claim) -> None:
    first = (
        Citation.objects.filter(claim=claim)
        .select_related("article")
        .order_by("article__published_at", "article__imported_at", "id")
        .first()
    )
    article = first.article if first else None
    when = (article.published_at or article.imported_at) if article else None
    if claim.first_article_id != (article.pk if article else None) or claim.first_reported_at != when:
        changes.update(claim, first_article=article, first_reported_at=when)


def _bump(changes: ChangeSet, obj, **values):
    return changes.update(obj, revision=obj.revision + 1, **values)


# --------------------------------------------------------------------------- speakers


def _add_aliases_and_roles(speaker: Speaker, aliases: Iterable[str], roles: Iterable[str], seen_on: date | None) -> None:
    by_key = {normalise_name(a): a.strip()[:300] for a in aliases if a and a.strip()}
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=speaker, normalized=key, alias=alias) for key, alias in by_key.items() if key],
        ignore_conflicts=True,
    )
    for role in {r.strip() for r in roles if r and r.strip()}:
        obj, created = SpeakerRole.objects.get_or_create(
            speaker=speaker,
            normalized=normalise_name(role),
            defaults={"role": role[:300], "first_seen": seen_on, "last_seen": seen_on},
        )
        if not created and seen_on:
            first = min(d for d in (obj.first_seen, seen_on) if d)
            last = max(d for d in (obj.last_seen, seen_on) if d)
            if (first, last) != (obj.first_seen, obj.last_seen):
                SpeakerRole.objects.filter(pk=obj.pk).update(first_seen=first, last_seen=last)


# Words that open a sentence with a capital but name nobody ("They said", "Both campaigns ...").
_NOT_MEMBERS = frozenset(
    "they them we us you both some many most all the his her their our its these those several other others"
    " each every few".split()
)


def _group_members(name: str) -> set[str]:
    """Capitalised words of a group phrase ("ministers of Germany, France and Britain")."""
    words = {w.strip(",.;:()") for w in name.split()}
    return {w.casefold() for w in words if w[:1].isupper() and len(w) > 2} - _NOT_MEMBERS


def _speaker_by_role(role_phrase: str, when: date | None) -> Speaker | None:
    key = normalise_name(role_phrase)
    key = key.removeprefix("the ").strip()
    if not key:
        return None
    roles = SpeakerRole.objects.filter(normalized=key, speaker__merged_into__isnull=True)
    if when:
        window = timedelta(days=ROLE_WINDOW_DAYS)
        roles = roles.filter(Q(last_seen__isnull=True) | Q(last_seen__gte=when - window, first_seen__lte=when + window))
    speaker_ids = set(roles.values_list("speaker_id", flat=True)[:3])
    return Speaker.objects.get(pk=speaker_ids.pop()) if len(speaker_ids) == 1 else None


def link_speaker(extracted, *, seen_on: date | None) -> Speaker | None:
    """The shared Speaker for an extracted candidate's speaker, created on first sight.

    A named person or organisation is found by its full name among aliases; a role phrase
    ("the US Defence Secretary") by the roles other articles gave a named speaker around the
    same date; a group by the places it names. Pronouns and anything else unresolved stay
    unlinked: the candidate keeps the mention as written and is flagged.
    """
    name = (extracted.speaker or "").strip()
    if not name:
        return None
    kind = extracted.speaker_kind or ""
    if kind == "group":
        members = _group_members(name)
        if not members:
            # "they", "officials", "some economists": a description that names nobody. Each
            # article's "officials" are other people, so no shared speaker is made for them;
            # the candidate keeps the words as written and is flagged, like a pronoun.
            return None
        # Only groups whose name or an alias names one of the same places: however many groups
        # the desk has met, each is considered (no arbitrary first N), and few are loaded.
        names_one = Q()
        for member in sorted(members):
            names_one |= Q(name__icontains=member) | Q(aliases__alias__icontains=member)
        groups = Speaker.objects.active().filter(kind=SpeakerKind.GROUP).filter(names_one)
        for group in groups.distinct().order_by("pk").prefetch_related("aliases"):
            other = set().union(*(_group_members(a.alias) for a in group.aliases.all())) | _group_members(group.name)
            if other and len(members & other) / len(members | other) >= 0.6:
                _add_aliases_and_roles(group, [name], [], seen_on)
                return group
        group = Speaker.objects.create(name=name[:300], kind=SpeakerKind.GROUP)
        _add_aliases_and_roles(group, [name], [], seen_on)
        return group
    if not extracted.speaker_resolved:
        return _speaker_by_role(name, seen_on)
    key = normalise_name(name)
    ids = list(
        SpeakerAlias.objects.filter(normalized=key, speaker__merged_into__isnull=True)
        .values_list("speaker_id", flat=True)
        .distinct()[:2]
    )
    if len(ids) == 1:
        speaker = Speaker.objects.get(pk=ids[0])
    elif len(name.split()) == 1 and len(ids) > 1:
        return None  # a bare surname shared by several people: never guess
    else:
        speaker = Speaker.objects.filter(pk__in=ids).order_by("pk").first() if ids else None
    if speaker is None:
        speaker = Speaker.objects.create(
            name=name[:300], kind=SpeakerKind.ORGANISATION if kind == "organisation" else SpeakerKind.PERSON
        )
    _add_aliases_and_roles(speaker, [name, *extracted.speaker_aliases], extracted.speaker_roles, seen_on)
    return speaker


# --------------------------------------------------------------------------- extraction


def mark_extraction_queued(article_ids: Sequence[int]) -> None:
    now = timezone.now()
    existing = set(ArticleExtraction.objects.filter(article_id__in=article_ids).values_list("article_id", flat=True))
    ArticleExtraction.objects.bulk_create(
        [ArticleExtraction(article_id=i, status=ExtractionStatus.QUEUED, queued_at=now) for i in article_ids if i not in existing],
        ignore_conflicts=True,
    )
    ArticleExtraction.objects.filter(article_id__in=existing).exclude(status=ExtractionStatus.RUNNING).update(
        status=ExtractionStatus.QUEUED, queued_at=now
    )


def extraction_is_current(article: Article, version: str) -> bool:
    return ArticleExtraction.objects.filter(
        article=article, status=ExtractionStatus.DONE, extractor_version=version, content_hash=article.content_hash
    ).exists()


def store_extraction(*, article_id: int, content_hash: str, extracted: Sequence, extractor_version: str) -> list[int]:
    """Replace an article's unreviewed candidates with a fresh extraction; return new candidate ids.

    Safe to run twice: the same text and extractor version give the same rows. Reviewed
    candidates (confirmed or rejected) are never touched, and a new candidate at the same
    place as a reviewed one is not added again.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.content_hash != content_hash:
            return []  # the text changed while we worked: the newer extraction will store its own
        seen_on = _article_date(article)
        pending = Candidate.objects.filter(article=article, status=CandidateStatus.PENDING)
        keep = {
            (c.content_hash, c.kind, c.start, c.end): c.pk
            for c in pending.filter(content_hash=content_hash, extractor_version=extractor_version)
        }
        reviewed = set(
            Candidate.objects.filter(article=article, content_hash=content_hash)
            .exclude(status=CandidateStatus.PENDING)
            .values_list("start", "end")
        )
        wanted = {}
        for item in extracted:
            key = (content_hash, item.kind, item.start, item.end)
            if (item.start, item.end) in reviewed or key in wanted:
                continue
            wanted[key] = item
        stale = pending.exclude(pk__in=[pk for key, pk in keep.items() if key in wanted])
        stale_claims = list(stale.exclude(claim__isnull=True).values_list("claim_id", flat=True))
        stale.delete()
        # Machine-proposed claims that only these stale candidates supported go with them.
        Claim.objects.filter(pk__in=stale_claims, status=ClaimStatus.PROPOSED).annotate(n=Count("citations")).filter(
            n=0
        ).delete()
        new_rows = []
        speakers: dict[tuple, Speaker | None] = {}  # one lookup per distinct speaker in the article
        for key, item in wanted.items():
            if key in keep:
                continue
            who = (item.speaker, item.speaker_kind, item.speaker_resolved, tuple(item.speaker_aliases), tuple(item.speaker_roles))
            if who not in speakers:
                speakers[who] = link_speaker(item, seen_on=seen_on)
            speaker = speakers[who]
            new_rows.append(
                Candidate(
                    article=article,
                    content_hash=content_hash,
                    kind=item.kind,
                    start=item.start,
                    end=item.end,
                    text=article.text[item.start:item.end],
                    speaker=speaker,
                    speaker_text=(item.speaker_mention or item.speaker or "")[:500],
                    speaker_start=item.speaker_start,
                    speaker_end=item.speaker_end,
                    speaker_resolved=bool(speaker) and speaker.kind != SpeakerKind.UNKNOWN,
                    cue=(item.verb or "")[:200],
                    cue_start=item.verb_start,
                    cue_end=item.verb_end,
                    confidence=min(1.0, max(0.0, float(item.confidence))),
                    checkworthiness=min(1.0, max(0.0, float(getattr(item, "checkworthiness", 0.0) or 0.0))),
                    floating=bool(item.floating),
                    extractor_version=extractor_version,
                )
            )
        created = Candidate.objects.bulk_create(new_rows)
        ArticleExtraction.objects.update_or_create(
            article=article,
            defaults={
                "status": ExtractionStatus.DONE,
                "extractor_version": extractor_version,
                "content_hash": content_hash,
                "candidate_count": Candidate.objects.filter(article=article, content_hash=content_hash).count(),
                "error": "",
                "finished_at": timezone.now(),
            },
        )
    ids = [c.pk for c in created if c.pk]
    if len(ids) != len(created):  # backends that do not return ids from bulk_create
        ids = list(
            Candidate.objects.filter(article_id=article_id, content_hash=content_hash, matched_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
    return ids


def mark_extraction_failed(*, article_id: int, error: str) -> None:
    ArticleExtraction.objects.update_or_create(
        article_id=article_id, defaults={"status": ExtractionStatus.FAILED, "error": error[:4000], "finished_at": timezone.now()}
    )


# --------------------------------------------------------------------------- matching


def _speaker_key(speaker_id) -> str:
    return f"speaker:{speaker_id}" if speaker_id else ""


def _claim_statement(claim: Claim):
    from claims.matching import Statement

    when = claim.first_reported_at.date() if claim.first_reported_at else None
    return Statement(id=claim.pk, text=claim.text, speaker=_speaker_key(claim.speaker_id), published=when)


def _embedding_bytes(vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _index_wordings(claim: Claim, texts: Iterable[str] = (), *, from_claim: Claim | None = None) -> None:
    """Make ``claim`` findable by more wordings: the shingles of ``texts`` (and of ``from_claim``) join its own.

    A claim is reported in several wordings (merged claims, accepted matches, cited spans, an
    edited canonical text); retrieval should find it by any of them, not only by the first.
    Derived data, not audited: an extra shingle only brings the claim into a pool, where
    scoring decides (and undo leaves it, harmlessly).
    """
    from claims.matching import shingles

    values = set()
    for text in texts:
        values |= shingles(text)
    if from_claim is not None:
        values.update(ClaimShingle.objects.filter(claim=from_claim).values_list("value", flat=True))
    ClaimShingle.objects.bulk_create([ClaimShingle(claim=claim, value=v) for v in values], ignore_conflicts=True)


# Retrieval caps: a new candidate is scored against at most this many claims, however large the
# table grows (bench/matching_bench.py shows the time staying flat from 100k to 1M claims).
POOL_SAME_SPEAKER = 150      # the speaker's claims nearest before the date (a third as many after)
POOL_PER_SHINGLE = 100       # newest claims per shared shingle (an index range scan each)
POOL_BY_SHINGLES = 150       # claims sharing the most shingles
POOL_MAX_SHINGLES = 64       # shingles of the candidate looked up


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


class PoolClaim(NamedTuple):
    """A retrieved claim as scoring needs it: five columns, no model instance.

    Attribute names are the model's, so ``_claim_statement`` and ``_pool_vectors`` take either.
    Building ~200 Claim instances (with their embedding bytes) per candidate cost more than
    the SQL itself (bench/matching_bench.py).
    """

    pk: int
    text: str
    speaker_id: int | None
    first_reported_at: datetime | None
    embedding: bytes | None


_POOL_COLUMNS = ("id", "text", "speaker_id", "first_reported_at", "embedding")


def _shingle_sql(table: str) -> str:
    # Each shingle reads at most POOL_PER_SHINGLE entries (newest claims first) from the
    # (value, claim) unique index, so a common phrase costs the same at 1M claims as at 10k.
    return (
        f"SELECT s.claim_id FROM unnest(%s::bigint[]) AS q(value) "
        f"CROSS JOIN LATERAL (SELECT claim_id FROM {table} WHERE value = q.value "
        f"ORDER BY claim_id DESC LIMIT %s) AS s "
        f"GROUP BY s.claim_id ORDER BY count(*) DESC, s.claim_id DESC LIMIT %s"
    )


def _claims_sharing_shingles(values: list[int]) -> list[int]:
    """Ids of the claims sharing most of ``values``, reading a bounded slice of each posting list.

    On PostgreSQL each shingle reads at most POOL_PER_SHINGLE entries (newest claims first) from
    the (value, claim) unique index, so a common phrase costs the same at 1M claims as at 10k.
    Other databases (SQLite: development and tests) count over the whole posting lists.
    """
    if not values:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ClaimShingle._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(_shingle_sql(table), [values, POOL_PER_SHINGLE, POOL_BY_SHINGLES])
            return [row[0] for row in cursor.fetchall()]
    shared = (
        ClaimShingle.objects.filter(value__in=values)
        .values("claim_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-claim_id")[:POOL_BY_SHINGLES]
    )
    return [row["claim_id"] for row in shared]


def _speaker_window(when: date | None) -> tuple[datetime, datetime, datetime] | None:
    """(window start, end of the candidate's day, window end) as aware datetimes; None without a date."""
    if not when:
        return None
    # Datetime bounds (not __date), and no "OR date IS NULL": the (speaker, first_reported_at)
    # index then serves the range in order and stops at the cap. (An OR made PostgreSQL read
    # all of a prolific speaker's window: p95 0.4 s at 1M claims.) Claims always get a date
    # from their article; an undated one is still found through its shingles.
    window = timedelta(days=settings.FACTDESK_MATCH_WINDOW_DAYS)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(when - window, time.min, tzinfo=tz),
        datetime.combine(when, time.max, tzinfo=tz),
        datetime.combine(when + window, time.max, tzinfo=tz),
    )


def _retrieval_pool(candidate: Candidate, shingle_values: set[int], when: date | None) -> list[PoolClaim]:
    """Claims worth scoring against: the same speaker near the date, or sharing rare phrases.

    Blocking plus indexes, never a scan: the speaker's claims come from the (speaker,
    first_reported_at) index within the match window, phrase-sharing claims from the shingle
    index; each part is capped, so the pool (and the time to score it) does not grow with the
    table. Claims already cited in the candidate's own article are left out. Returns
    ``PoolClaim`` rows (id, text, speaker, first reported, stored embedding).
    """
    values = sorted(shingle_values)[:POOL_MAX_SHINGLES] if shingle_values else []
    bounds = _speaker_window(when)
    if connection.vendor == "postgresql":
        return _retrieval_pool_postgresql(candidate, values, bounds)
    live = Claim.objects.filter(status__in=[ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED]).exclude(
        citations__article_id=candidate.article_id
    )
    ids: list[int] = []
    if candidate.speaker_id:
        same_speaker = live.filter(speaker_id=candidate.speaker_id)
        if bounds:
            # Two ordered range scans that stop at their caps: the newest claims up to the
            # candidate's day, and the first ones after it (back-filled archives come in any order).
            lo, mid, hi = bounds
            before = same_speaker.filter(first_reported_at__range=(lo, mid)).order_by("-first_reported_at")
            after = same_speaker.filter(first_reported_at__gt=mid, first_reported_at__lte=hi).order_by("first_reported_at")
            ids.extend(before.values_list("pk", flat=True)[:POOL_SAME_SPEAKER])
            ids.extend(after.values_list("pk", flat=True)[:POOL_SAME_SPEAKER // 3])
        else:
            ids.extend(same_speaker.order_by("-first_reported_at").values_list("pk", flat=True)[:POOL_SAME_SPEAKER])
    ids.extend(_claims_sharing_shingles(values))
    if not ids:
        return []
    rows = live.filter(pk__in=set(ids)).order_by("pk").values_list(*_POOL_COLUMNS)
    return [PoolClaim._make(row) for row in rows]


def _retrieval_pool_postgresql(candidate: Candidate, values: list[int], bounds) -> list[PoolClaim]:
    """The same pool as the generic path, in one round trip.

    The speaker block (two capped range scans on the (speaker, first_reported_at) index) and
    the shingle block (capped posting-list reads) are UNION ALL branches of one id list, and
    the pool's rows are fetched by primary key in the same statement: one round trip instead
    of four, and no query compiled by the ORM per candidate. The rows come in binary format
    (server-side parameters): ~350 embeddings as raw bytes and timestamps without text parsing.
    """
    import psycopg

    query = _pool_query_postgresql(candidate, values, bounds)
    if query is None:
        return []
    connection.ensure_connection()
    # A plain psycopg cursor on Django's own connection (so inside its transaction): Django's
    # cursors bind parameters client-side, and those cannot return binary rows.
    # wrap_database_errors turns psycopg's errors into Django's, as Django's own cursors do, so a
    # dropped connection is a django.db.OperationalError that the task retries (and Django
    # knows to discard the broken connection).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(*query, binary=True)
        return [PoolClaim(*row) for row in cursor.fetchall()]


def _pool_query_postgresql(candidate: Candidate, values: list[int], bounds) -> tuple[str, list] | None:
    """SQL and parameters of ``_retrieval_pool_postgresql``'s one statement (None: nothing to look up).

    The speaker branches read their rows straight from the heap pages their index scan visits;
    only the phrase-sharing claims not already among them are then fetched by primary key
    (at 1M claims the second heap visit per row was ~2 ms of a ~5 ms statement).
    """
    qn = connection.ops.quote_name
    claim, citation = qn(Claim._meta.db_table), qn(Citation._meta.db_table)
    columns = "{t}.id, {t}.text, {t}.speaker_id, {t}.first_reported_at, {t}.embedding"
    live_sql = (
        f"{{t}}.status = ANY(%s) AND NOT EXISTS (SELECT 1 FROM {citation} u "
        f"WHERE u.article_id = %s AND u.claim_id = {{t}}.id)"
    )
    live_params = [[ClaimStatus.PROPOSED.value, ClaimStatus.CONFIRMED.value], candidate.article_id]
    speaker_branches: list[str] = []
    params: list = []
    if candidate.speaker_id:
        head = f"SELECT {columns.format(t='c1')} FROM {claim} c1 WHERE c1.speaker_id = %s AND {live_sql.format(t='c1')}"
        if bounds:
            # The before and after ranges are disjoint: the two branches never repeat a claim.
            lo, mid, hi = bounds
            speaker_branches.append(
                f"({head} AND c1.first_reported_at BETWEEN %s AND %s ORDER BY c1.first_reported_at DESC LIMIT %s)"
            )
            params += [candidate.speaker_id, *live_params, lo, mid, POOL_SAME_SPEAKER]
            speaker_branches.append(
                f"({head} AND c1.first_reported_at > %s AND c1.first_reported_at <= %s "
                f"ORDER BY c1.first_reported_at ASC LIMIT %s)"
            )
            params += [candidate.speaker_id, *live_params, mid, hi, POOL_SAME_SPEAKER // 3]
        else:
            speaker_branches.append(f"({head} ORDER BY c1.first_reported_at DESC LIMIT %s)")
            params += [candidate.speaker_id, *live_params, POOL_SAME_SPEAKER]
    if not speaker_branches and not values:
        return None
    parts: list[str] = []
    sql = ""
    if speaker_branches:
        sql = f"WITH sp AS ({' UNION ALL '.join(speaker_branches)}) "
        parts.append("SELECT * FROM sp")
    if values:
        shared = (
            f"SELECT {columns.format(t='c')} FROM {claim} c "
            f"WHERE c.id IN ({_shingle_sql(qn(ClaimShingle._meta.db_table))}) AND {live_sql.format(t='c')}"
        )
        params += [values, POOL_PER_SHINGLE, POOL_BY_SHINGLES, *live_params]
        if speaker_branches:
            shared += " AND c.id NOT IN (SELECT id FROM sp)"
        parts.append(shared)
    # No ORDER BY: rank orders its results itself.
    return sql + " UNION ALL ".join(parts), params


def _pool_vectors(pool) -> np.ndarray:
    """Stored embeddings of the pool (Claim or PoolClaim rows); the few without one are embedded in one batch."""
    from claims.matching import EMBEDDING_DIM, embed

    size = EMBEDDING_DIM * 4
    stored = [claim.embedding for claim in pool]
    if all(blob is not None and len(blob) == size for blob in stored):
        # One join and one frombuffer: no per-row array (the common case: every claim has one).
        return np.frombuffer(b"".join(stored), dtype=np.float32).reshape(len(pool), EMBEDDING_DIM).copy()
    vectors = np.zeros((len(pool), EMBEDDING_DIM), dtype=np.float32)
    missing = []
    for i, blob in enumerate(stored):
        if blob is not None and len(blob) == size:
            vectors[i] = np.frombuffer(blob, dtype=np.float32)
        else:
            missing.append(i)
    if missing:
        vectors[missing] = embed([pool[i].text for i in missing])
    return vectors


def _claim_values(candidate: Candidate, vector) -> dict:
    """A new proposed claim made from a candidate: its words, speaker and kind, first reported where it is."""
    article = candidate.article
    return dict(
        text=candidate.text.strip(),
        speaker_id=candidate.speaker_id,
        kind=candidate.kind,
        status=ClaimStatus.PROPOSED,
        first_article=article,
        first_reported_at=article.published_at or article.imported_at,
        embedding=_embedding_bytes(vector),
    )


def _new_claim_for(changes: ChangeSet, candidate: Candidate, vector) -> Claim:
    article = candidate.article
    claim = changes.create(Claim, **_claim_values(candidate, vector))
    _index_wordings(claim, [claim.text])
    _cite(changes, claim=claim, article=article, start=candidate.start, end=candidate.end, candidate=candidate)
    changes.update(candidate, claim=claim)
    return claim


def propose_matches(*, candidate_ids: Sequence[int]) -> int:
    """Turn new candidates into claims and propose cross-outlet matches; return matches written.

    Policy: a verbatim or wording-variant match by the same speaker becomes a citation of that
    claim at once (accepted automatically, undoable); paraphrases are suggested for review;
    the same words by another speaker are suggested as related and never merged. A pair an
    editor rejected is never proposed again. Safe to run twice: matched candidates are skipped.

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


def _rank_candidate(candidate: Candidate, vector, when: date | None, thresholds) -> list:
    from claims.matching import Statement, rank, shingles

    pool = _retrieval_pool(candidate, shingles(candidate.text), when)
    if not pool:
        return []
    query = Statement(id=candidate.pk, text=candidate.text, speaker=_speaker_key(candidate.speaker_id), published=when)
    return rank(
        query, [_claim_statement(c) for c in pool], pool_vecs=_pool_vectors(pool), query_vec=vector,
        window_days=settings.FACTDESK_MATCH_WINDOW_DAYS, thresholds=thresholds,
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


def _created(obj) -> dict:
    return {"model": obj._meta.label_lower, "pk": obj.pk, "before": None, "after": snapshot(obj)}


def _propose_for_article(vectors_by_pk: dict[int, np.ndarray], thresholds) -> int:
    """Match one article's new candidates: score each, then write everything in bulk, in one transaction.

    Scoring comes first, for all of them: a candidate's pool never holds claims cited in its own
    article, so nothing this article writes can change another of its candidates' results.
    Then a fixed number of statements whatever the number of candidates: new claims, their
    shingles, citations, matches and audit events are bulk inserts, candidates one bulk update.
    Each candidate still gets its own audit event ("propose_claim", or "auto_accept_match" and
    "propose_matches"), so each is undone on its own, exactly as if it had been decided alone.
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
        when = _article_date(article)
        ranked = [(c, _rank_candidate(c, vectors_by_pk[c.pk], when, thresholds)) for c in candidates]
        kept = _without_rejected_pairs(ranked)

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

        moment = article.published_at or article.imported_at
        new_claims = Claim.objects.bulk_create(
            [Claim(**_claim_values(p.candidate, p.vector)) for p in proposals if p.auto is None]
        )
        ClaimShingle.objects.bulk_create(
            [ClaimShingle(claim=claim, value=v) for claim in new_claims for v in shingles(claim.text)], ignore_conflicts=True
        )
        fresh = iter(new_claims)
        claim_of = {p.candidate.pk: (targets[p.auto.target_id] if p.auto is not None else next(fresh)) for p in proposals}

        citations = Citation.objects.bulk_create(
            [
                Citation(**_citation_values(
                    claim=claim_of[p.candidate.pk], article=article, start=p.candidate.start, end=p.candidate.end,
                    candidate=p.candidate,
                ))
                for p in proposals
            ]
        )
        now = timezone.now()
        candidate_rows = {}
        for p in proposals:
            before = snapshot(p.candidate, {"claim_id"})
            p.candidate.claim = claim_of[p.candidate.pk]
            p.candidate.matched_at = now
            candidate_rows[p.candidate.pk] = {
                "model": Candidate._meta.label_lower, "pk": p.candidate.pk, "before": before,
                "after": snapshot(p.candidate, {"claim_id"}),
            }
        Candidate.objects.bulk_update([p.candidate for p in proposals], ["claim", "matched_at"])

        first_reported_rows = {}
        for claim in {claim_of[p.candidate.pk].pk: claim_of[p.candidate.pk] for p in proposals if p.auto}.values():
            # The article may have been published before the claim's first report (back-fills).
            if moment and (claim.first_reported_at is None or moment < claim.first_reported_at):
                changes = ChangeSet()
                changes.update(claim, first_article=article, first_reported_at=moment)
                first_reported_rows[claim.pk] = changes.rows
            if claim.status == ClaimStatus.CONFIRMED:  # proposed claims are not published: no event, no query
                _emit("claim.cited", claim.pk)

        matches = []
        for p in proposals:
            for result in p.results:
                if result.relation not in (*SAME_CLAIM_RELATIONS, RELATION_OTHER_SPEAKER):
                    continue
                is_auto = result is p.auto
                matches.append(
                    Match(
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
                )
        matches = Match.objects.bulk_create(matches)
        matches_of: dict[int, list[Match]] = {}
        for match in matches:
            matches_of.setdefault(match.candidate_id, []).append(match)

        events = []
        for p, citation in zip(proposals, citations):
            candidate, claim = p.candidate, claim_of[p.candidate.pk]
            own = matches_of.get(candidate.pk, [])
            if p.auto is None:
                rows = [_created(claim), _created(citation), candidate_rows[candidate.pk], *map(_created, own)]
                events.append(_event("propose_claim", candidate, rows, claim, f"Proposed from {article.outlet}"))
                continue
            accepted = next(m for m in own if m.automatic)
            rows = [_created(citation), candidate_rows[candidate.pk], *first_reported_rows.pop(claim.pk, []), _created(accepted)]
            summary = f"{accepted.get_relation_display()} of claim {claim.pk} in {article.outlet}: cited automatically"
            events.append(_event("auto_accept_match", accepted, rows, claim, summary))
            others = [_created(m) for m in own if m is not accepted]
            if others:
                events.append(_event("propose_matches", candidate, others, claim, f"Proposed from {article.outlet}"))
        ReviewEvent.objects.bulk_create(events)
    return len(matches)


def _event(action: str, target, rows: list[dict], claim: Claim, summary: str) -> ReviewEvent:
    return ReviewEvent(
        actor=None, action=action, target_type=target._meta.model_name, target_id=target.pk, claim=claim,
        summary=summary[:500], changes=rows,
    )


# --------------------------------------------------------------------------- decisions on candidates


@transaction.atomic
def confirm_candidate(*, candidate_id: int, actor, expected_revision: int | None = None) -> Candidate:
    """Confirm that a candidate is a real statement by its speaker; its claim becomes confirmed."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status != CandidateStatus.PENDING:
        raise DecisionError(f"This candidate was already {candidate.get_status_display().lower()}.")
    changes = ChangeSet()
    if candidate.claim_id is None:
        from claims.matching import embed

        claim = _new_claim_for(changes, candidate, embed([candidate.text])[0])
    else:
        claim = _live_claim(_lock(Claim, candidate.claim_id))
    if claim.status == ClaimStatus.REJECTED:
        raise DecisionError("Its claim was rejected; undo that rejection or split this citation off first.")
    now = timezone.now()
    _bump(changes, candidate, status=CandidateStatus.CONFIRMED, reviewed_by=actor, reviewed_at=now, claim=claim)
    if claim.status == ClaimStatus.PROPOSED:
        _bump(changes, claim, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=now)
        _emit("claim.confirmed", claim.pk)
    _record(actor=actor, action="confirm_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


@transaction.atomic
def reject_candidate(*, candidate_id: int, actor, expected_revision: int | None = None) -> Candidate:
    """Reject a candidate: it is not a statement (or not this one); its citations go."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status != CandidateStatus.PENDING:
        raise DecisionError(f"This candidate was already {candidate.get_status_display().lower()}.")
    changes = ChangeSet()
    claim = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
    for citation in Citation.objects.select_for_update().filter(candidate=candidate):
        changes.delete(citation)
    for match in Match.objects.select_for_update().filter(candidate=candidate, state=MatchState.SUGGESTED):
        changes.update(match, state=MatchState.REJECTED, decided_by=actor, decided_at=timezone.now())
    _bump(changes, candidate, status=CandidateStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now())
    if claim is not None and claim.status == ClaimStatus.PROPOSED and not claim.citations.exists():
        _bump(changes, claim, status=ClaimStatus.REJECTED)
    _record(actor=actor, action="reject_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


@transaction.atomic
def edit_candidate(
    *, candidate_id: int, actor, start: int | None = None, end: int | None = None, speaker_name: str | None = None,
    expected_revision: int | None = None,
) -> Candidate:
    """Correct a candidate's span or speaker; its citation (and a single-source claim) follow."""
    candidate = _lock(Candidate, candidate_id)
    _check_revision(candidate, expected_revision)
    if candidate.status == CandidateStatus.REJECTED:
        raise DecisionError("A rejected candidate cannot be edited; undo the rejection first.")
    article = candidate.article
    if article.content_hash != candidate.content_hash:
        raise DecisionError("The article has a newer version; this candidate points into an old one.")
    changes = ChangeSet()
    values = {}
    new_start = candidate.start if start is None else int(start)
    new_end = candidate.end if end is None else int(end)
    if (new_start, new_end) != (candidate.start, candidate.end):
        _validate_span(article, new_start, new_end)
        values.update(start=new_start, end=new_end, text=article.text[new_start:new_end])
    speaker = candidate.speaker
    if speaker_name is not None and speaker_name.strip() and (not speaker or speaker_name.strip() != speaker.name):
        speaker = speaker_by_name(speaker_name)
        values.update(speaker=speaker, speaker_resolved=True)
    if not values:
        raise DecisionError("Nothing to change: the span and speaker are as they were.")
    _bump(changes, candidate, **values)
    claim = None
    for citation in Citation.objects.select_for_update().filter(candidate=candidate):
        prefix, suffix = _context(article.text, candidate.start, candidate.end)
        changes.update(citation, start=candidate.start, end=candidate.end, quote=candidate.text, prefix=prefix, suffix=suffix)
        claim = citation.claim
    if claim is not None and claim.citations.count() == 1:
        _bump(changes, claim, text=candidate.text.strip(), speaker=speaker)
    _record(actor=actor, action="edit_candidate", target=candidate, changes=changes, claim=claim, summary=candidate.text[:200])
    return candidate


def speaker_by_name(name: str) -> Speaker:
    """The speaker an editor named: an existing one by alias, else a new person."""
    name = " ".join(name.split())[:300]
    if not name:
        raise DecisionError("A speaker needs a name.")
    alias = SpeakerAlias.objects.filter(normalized=normalise_name(name), speaker__merged_into__isnull=True).first()
    if alias:
        return alias.speaker
    speaker = Speaker.objects.create(name=name, kind=SpeakerKind.PERSON)
    SpeakerAlias.objects.create(speaker=speaker, alias=name, normalized=normalise_name(name))
    return speaker


# --------------------------------------------------------------------------- decisions on claims


@transaction.atomic
def confirm_claim(*, claim_id: int, actor, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status != ClaimStatus.PROPOSED:
        raise DecisionError(f"Only a proposed claim can be confirmed; this one is {claim.get_status_display().lower()}.")
    changes = ChangeSet()
    now = timezone.now()
    _bump(changes, claim, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=now)
    for candidate in Candidate.objects.select_for_update().filter(claim=claim, status=CandidateStatus.PENDING):
        _bump(changes, candidate, status=CandidateStatus.CONFIRMED, reviewed_by=actor, reviewed_at=now)
    _record(actor=actor, action="confirm_claim", target=claim, changes=changes, claim=claim, summary=claim.text[:200])
    _emit("claim.confirmed", claim.pk)
    return claim


@transaction.atomic
def reject_claim(*, claim_id: int, actor, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status not in (ClaimStatus.PROPOSED, ClaimStatus.CONFIRMED):
        raise DecisionError(f"This claim is {claim.get_status_display().lower()} and cannot be rejected.")
    changes = ChangeSet()
    _bump(changes, claim, status=ClaimStatus.REJECTED)
    for candidate in Candidate.objects.select_for_update().filter(claim=claim, status=CandidateStatus.PENDING):
        _bump(changes, candidate, status=CandidateStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now())
    _record(actor=actor, action="reject_claim", target=claim, changes=changes, claim=claim, summary=claim.text[:200])
    return claim


@transaction.atomic
def edit_claim(*, claim_id: int, actor, text: str | None = None, speaker_name: str | None = None, rating: str | None = None,
               rating_explanation: str | None = None, expected_revision: int | None = None) -> Claim:
    claim = _lock(Claim, claim_id)
    _check_revision(claim, expected_revision)
    if claim.status == ClaimStatus.MERGED:
        raise DecisionError("This claim was merged into another; edit that one.")
    values = {}
    if text is not None and text.strip() and text.strip() != claim.text:
        values["text"] = text.strip()
    if speaker_name is not None and speaker_name.strip() and (not claim.speaker or claim.speaker.name != speaker_name.strip()):
        values["speaker"] = speaker_by_name(speaker_name)
    if rating is not None and rating != claim.rating:
        values["rating"] = rating.strip()[:100]
    if rating_explanation is not None and rating_explanation != claim.rating_explanation:
        values["rating_explanation"] = rating_explanation.strip()
    if not values:
        raise DecisionError("Nothing to change.")
    changes = ChangeSet()
    _bump(changes, claim, **values)
    if "text" in values:
        # Found by the new wording too; the stored vector goes (matching embeds the current text
        # when a claim has none), so it can never describe a text the claim no longer has, undo included.
        _index_wordings(claim, [claim.text])
        Claim.objects.filter(pk=claim.pk).update(embedding=None)
    _record(actor=actor, action="edit_claim", target=claim, changes=changes, claim=claim, summary=", ".join(values))
    return claim


@transaction.atomic
def accept_match(*, match_id: int, actor) -> Match:
    """Accept that a candidate reports the match's claim: its citation moves to that claim."""
    match = _lock(Match, match_id)
    if match.state != MatchState.SUGGESTED:
        raise DecisionError(f"This match was already {match.get_state_display().lower()}.")
    if match.relation == MatchRelation.OTHER_SPEAKER:
        raise DecisionError("These are the same words from different speakers; correct the speaker first if that is wrong.")
    candidate = _lock(Candidate, match.candidate_id)
    if candidate.status == CandidateStatus.REJECTED:
        raise DecisionError("The candidate was rejected; undo that first.")
    target = _live_claim(_lock(Claim, match.claim_id))
    if target.status == ClaimStatus.REJECTED:
        raise DecisionError("The matched claim was rejected.")
    changes = ChangeSet()
    source = _live_claim(_lock(Claim, candidate.claim_id)) if candidate.claim_id else None
    if source is not None and source.pk == target.pk:
        raise DecisionError("The candidate is already cited to this claim.")
    citations = list(Citation.objects.select_for_update().filter(candidate=candidate))
    if not citations:
        _cite(changes, claim=target, article=candidate.article, start=candidate.start, end=candidate.end, candidate=candidate, actor=actor)
    for citation in citations:
        changes.update(citation, claim=target)
    changes.update(candidate, claim=target)
    if source is not None and not source.citations.exists():
        _bump(changes, source, status=ClaimStatus.MERGED, merged_into=target)
    changes.update(match, state=MatchState.ACCEPTED, decided_by=actor, decided_at=timezone.now())
    _refresh_first_reported(changes, target)
    _index_wordings(target, [candidate.text])
    _record(actor=actor, action="accept_match", target=match, changes=changes, claim=target,
            summary=f"Cited {candidate.article.outlet} to claim {target.pk}")
    return match


@transaction.atomic
def reject_match(*, match_id: int, actor) -> Match:
    match = _lock(Match, match_id)
    if match.state != MatchState.SUGGESTED:
        raise DecisionError(f"This match was already {match.get_state_display().lower()}.")
    changes = ChangeSet()
    changes.update(match, state=MatchState.REJECTED, decided_by=actor, decided_at=timezone.now())
    _record(actor=actor, action="reject_match", target=match, changes=changes, claim=match.claim, summary="Not the same claim")
    return match


@transaction.atomic
def merge_claims(*, source_id: int, target_id: int, actor, allow_other_speaker: bool = False) -> Claim:
    """Merge ``source`` into ``target``: citations and candidates move; the source remembers where it went."""
    if int(source_id) == int(target_id):
        raise DecisionError("A claim cannot be merged into itself.")
    # Lock in id order so two editors merging the same pair cannot deadlock.
    locked = {c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")}
    if len(locked) != 2:
        raise DecisionError("One of the claims no longer exists.")
    source, target = locked[int(source_id)], locked[int(target_id)]
    for claim in (source, target):
        if claim.status == ClaimStatus.MERGED:
            raise Conflict(f"Claim {claim.pk} was already merged into claim {claim.merged_into_id} (perhaps by another editor).")
        if claim.status == ClaimStatus.REJECTED:
            raise DecisionError(f"Claim {claim.pk} was rejected; undo that before merging.")
    if source.speaker_id and target.speaker_id and source.speaker_id != target.speaker_id and not allow_other_speaker:
        raise DecisionError("These claims have different speakers; same words from another speaker are related, not one claim.")
    changes = ChangeSet()
    existing = set(Citation.objects.filter(claim=target).values_list("article_id", "start", "end"))
    for citation in Citation.objects.select_for_update().filter(claim=source):
        if (citation.article_id, citation.start, citation.end) in existing:
            changes.delete(citation)
        else:
            changes.update(citation, claim=target)
    for candidate in Candidate.objects.select_for_update().filter(claim=source):
        changes.update(candidate, claim=target)
    target_matches = set(Match.objects.filter(claim=target).values_list("candidate_id", flat=True))
    for match in Match.objects.select_for_update().filter(claim=source):
        if match.candidate_id in target_matches:
            continue
        changes.update(match, claim=target)
    _bump(changes, source, status=ClaimStatus.MERGED, merged_into=target)
    if source.status == ClaimStatus.CONFIRMED and target.status == ClaimStatus.PROPOSED:
        _bump(changes, target, status=ClaimStatus.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now())
    else:
        _bump(changes, target)
    _refresh_first_reported(changes, target)
    _index_wordings(target, from_claim=source)
    _record(actor=actor, action="merge_claims", target=target, changes=changes, claim=target,
            summary=f"Merged claim {source.pk} into claim {target.pk}")
    if target.status == ClaimStatus.CONFIRMED:  # merges among proposed claims are review work, not news
        _emit("claim.merged", target.pk, merged_claim_id=source.pk)
    return target


@transaction.atomic
def split_citation(*, citation_id: int, actor) -> Claim:
    """Split a citation off its claim into a new proposed claim of its own."""
    citation = _lock(Citation, citation_id)
    claim = _lock(Claim, citation.claim_id)
    if claim.citations.count() < 2:
        raise DecisionError("This is the claim's only citation; there is nothing to split it from.")
    changes = ChangeSet()
    speaker = citation.candidate.speaker if citation.candidate_id and citation.candidate.speaker_id else claim.speaker
    new_claim = changes.create(
        Claim,
        text=citation.quote.strip(),
        speaker=speaker,
        kind=citation.candidate.kind if citation.candidate_id else claim.kind,
        status=ClaimStatus.PROPOSED,
        first_article=citation.article,
        first_reported_at=citation.article.published_at or citation.article.imported_at,
    )
    _index_wordings(new_claim, [new_claim.text])  # its vector is made from the text when first needed
    changes.update(citation, claim=new_claim)
    if citation.candidate_id:
        candidate = _lock(Candidate, citation.candidate_id)
        changes.update(candidate, claim=new_claim)
    _bump(changes, claim)
    _refresh_first_reported(changes, claim)
    _record(actor=actor, action="split_citation", target=citation, changes=changes, claim=claim,
            summary=f"Split the {citation.article.outlet} citation into claim {new_claim.pk}")
    return new_claim


@transaction.atomic
def cite_span(*, claim_id: int, article_id: int, start: int, end: int, actor) -> Citation:
    """Cite any span of any article to a claim."""
    claim = _live_claim(_lock(Claim, claim_id))
    if claim.status == ClaimStatus.REJECTED:
        raise DecisionError("A rejected claim cannot be cited.")
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise DecisionError(f"Article {article_id} does not exist.")
    start, end = int(start), int(end)
    _validate_span(article, start, end)
    if Citation.objects.filter(claim=claim, article=article, start=start, end=end).exists():
        raise DecisionError("This span is already cited to this claim.")
    changes = ChangeSet()
    citation = _cite(changes, claim=claim, article=article, start=start, end=end, actor=actor)
    _bump(changes, claim)
    _refresh_first_reported(changes, claim)
    _index_wordings(claim, [citation.quote])
    _record(actor=actor, action="cite_span", target=citation, changes=changes, claim=claim,
            summary=f"Cited {article.outlet}: {citation.quote[:120]}")
    return citation


# --------------------------------------------------------------------------- decisions on speakers


@transaction.atomic
def edit_speaker(*, speaker_id: int, actor, name: str | None = None, add_aliases: Sequence[str] = (),
                 remove_aliases: Sequence[str] = (), kind: str | None = None) -> Speaker:
    speaker = _lock(Speaker, speaker_id)
    if speaker.merged_into_id:
        raise DecisionError("This speaker was merged into another; edit that one.")
    changes = ChangeSet()
    values = {}
    if name and name.strip() and name.strip() != speaker.name:
        values["name"] = " ".join(name.split())[:300]
    if kind and kind != speaker.kind:
        if kind not in SpeakerKind.values:
            raise DecisionError(f"Unknown speaker kind {kind!r}.")
        values["kind"] = kind
    if values:
        changes.update(speaker, **values)
    known = {a.normalized: a for a in speaker.aliases.all()}
    for alias in add_aliases:
        key = normalise_name(alias)
        if key and key not in known:
            known[key] = changes.create(SpeakerAlias, speaker=speaker, alias=alias.strip()[:300], normalized=key)
    for alias in remove_aliases:
        obj = known.pop(normalise_name(alias), None)
        if obj is not None:
            changes.delete(obj)
    if not changes.rows:
        raise DecisionError("Nothing to change.")
    _record(actor=actor, action="edit_speaker", target=speaker, changes=changes, summary=speaker.name)
    return speaker


@transaction.atomic
def merge_speakers(*, source_id: int, target_id: int, actor) -> Speaker:
    """Merge two speaker records that are one person: claims, candidates, aliases and roles move."""
    if int(source_id) == int(target_id):
        raise DecisionError("A speaker cannot be merged into itself.")
    locked = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")}
    if len(locked) != 2:
        raise DecisionError("One of the speakers no longer exists.")
    source, target = locked[int(source_id)], locked[int(target_id)]
    if source.merged_into_id or target.merged_into_id:
        raise Conflict("One of these speakers was already merged (perhaps by another editor).")
    changes = ChangeSet()
    for claim in Claim.objects.select_for_update().filter(speaker=source):
        changes.update(claim, speaker=target)
    for candidate in Candidate.objects.select_for_update().filter(speaker=source):
        changes.update(candidate, speaker=target)
    target_aliases = set(target.aliases.values_list("normalized", flat=True))
    for alias in source.aliases.all():
        if alias.normalized in target_aliases:
            changes.delete(alias)
        else:
            changes.update(alias, speaker=target)
    target_roles = set(target.roles.values_list("normalized", flat=True))
    for role in source.roles.all():
        if role.normalized in target_roles:
            changes.delete(role)
        else:
            changes.update(role, speaker=target)
    changes.update(source, merged_into=target)
    _record(actor=actor, action="merge_speakers", target=target, changes=changes, summary=f"Merged {source.name} into {target.name}")
    return target


# --------------------------------------------------------------------------- undo


@transaction.atomic
def undo(*, event_id: int, actor) -> ReviewEvent:
    """Undo a decision if nothing it changed has changed since; otherwise refuse with the reason."""
    event = _lock(ReviewEvent, event_id)
    if event.undo_of_id:
        raise DecisionError("An undo cannot itself be undone; make the decision again instead.")
    if event.undone_at:
        raise Conflict("This decision was already undone (perhaps by another editor).")
    if not event.changes:
        raise DecisionError("This event changed nothing that could be undone.")
    _refuse_undo_into_old_text(event.changes)
    try:
        revert(event.changes, cascade_ok=_machine_made)
    except UndoRefused as exc:
        raise DecisionError(f"Cannot undo: {exc}. Undo the later decisions first, or decide again.") from None
    event.undone_at = timezone.now()
    event.save(update_fields=["undone_at"])
    claim = Claim.objects.filter(pk=event.claim_id).first() if event.claim_id else None
    return ReviewEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action="undo",
        target_type=event.target_type,
        target_id=event.target_id,
        claim=claim,
        undo_of=event,
        summary=f"Undid {event.action.replace('_', ' ')}",
        changes=[],
    )


def _refuse_undo_into_old_text(rows: list[dict]) -> None:
    """Refuse an undo that would put back offsets into a version of an article it no longer has."""
    texts: dict[int, set[str]] = {}
    candidate_ids = []
    for row in rows:
        before = row["before"] or {}
        if row["model"] == "claims.citation" and before.get("content_hash") and before.get("article_id"):
            texts.setdefault(before["article_id"], set()).add(before["content_hash"])
        elif row["model"] == "claims.candidate":
            candidate_ids.append(row["pk"])
    for article_id, digest in Candidate.objects.filter(pk__in=candidate_ids).values_list("article_id", "content_hash"):
        texts.setdefault(article_id, set()).add(digest)
    for article in Article.objects.filter(pk__in=texts).only("pk", "content_hash", "version"):
        if texts[article.pk] - {article.content_hash}:
            raise DecisionError(
                f"Cannot undo: article {article.pk} has a newer version (v{article.version}) since this decision; "
                "decide again on the current text."
            )


def _machine_made(obj) -> bool:
    """Rows that may disappear with a claim an undo removes: suggestions and index rows."""
    if isinstance(obj, Match):
        return obj.state == MatchState.SUGGESTED
    return isinstance(obj, ClaimShingle)


# --------------------------------------------------------------------------- re-anchoring


def reanchor_citations(*, article_id: int) -> dict[str, int]:
    """Find every citation of an article in its newest text; flag what cannot be found confidently.

    Exact text with its prefix and suffix first, then the exact text alone when it occurs once,
    then a fuzzy search (rapidfuzz) above ``FACTDESK_REANCHOR_MIN_SCORE``. Nothing is moved
    silently: a citation that cannot be placed keeps its old offsets and is flagged.
    """
    from rapidfuzz import fuzz

    counts = {"kept": 0, "reanchored": 0, "needs_review": 0}
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        text = article.text
        for citation in Citation.objects.select_for_update().filter(article=article).exclude(content_hash=article.content_hash):
            changes = ChangeSet()
            old_place = (citation.start, citation.end)
            position, score = _find_anchor(text, citation, fuzz)
            if position is None:
                changes.update(citation, anchor_state=AnchorState.NEEDS_REVIEW, anchor_score=score)
                counts["needs_review"] += 1
            else:
                start, end = position
                prefix, suffix = _context(text, start, end)
                changes.update(
                    citation, start=start, end=end, quote=text[start:end], prefix=prefix, suffix=suffix,
                    content_hash=article.content_hash, article_version=article.version,
                    anchor_state=AnchorState.ANCHORED if score >= 100 else AnchorState.REANCHORED, anchor_score=score,
                )
                counts["reanchored" if score < 100 or (start, end) != old_place else "kept"] += 1
            _record(actor=None, action="reanchor_citation", target=citation, changes=changes, claim=citation.claim,
                    summary=f"Article version {article.version}: {citation.get_anchor_state_display()}")
    return counts


def _find_anchor(text: str, citation: Citation, fuzz) -> tuple[tuple[int, int] | None, float]:
    quote = citation.quote
    with_context = citation.prefix + quote + citation.suffix
    at = text.find(with_context)
    if at >= 0:
        start = at + len(citation.prefix)
        return (start, start + len(quote)), 100.0
    first = text.find(quote)
    if first >= 0 and text.find(quote, first + 1) < 0:
        return (first, first + len(quote)), 100.0 if first == citation.start else 99.0
    alignment = fuzz.partial_ratio_alignment(quote, text, score_cutoff=settings.FACTDESK_REANCHOR_MIN_SCORE)
    if alignment is None:
        return None, 0.0
    start, end = alignment.dest_start, alignment.dest_end
    if not text[start:end].strip():
        return None, float(alignment.score)
    return (start, end), float(alignment.score)
