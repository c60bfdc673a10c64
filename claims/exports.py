"""Streaming exports of confirmed claims with all their citations: JSON, JSON Lines, CSV, ClaimReview JSON-LD.

Memory stays constant however many claims there are: claims are read with ``.iterator()`` (a
server-side cursor on PostgreSQL) as plain values, and citations are fetched once per chunk of
claims (one query per chunk, never one per claim). Each writer is a generator of text pieces,
so the same code feeds a ``StreamingHttpResponse`` and the ``export_claims`` command.

JSON-LD follows schema.org: each claim is a ``Claim`` (``author`` the speaker, ``appearance``
every article that reported it, ``firstAppearance`` the first report); a claim carrying a
fact-check rating is wrapped in a ``ClaimReview`` with a ``reviewRating``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from claims.models import Citation, Claim, ClaimStatus, SpeakerKind

CHUNK_SIZE = 2000

CONTENT_TYPES = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "jsonld": "application/ld+json",
}
FORMATS = tuple(CONTENT_TYPES)

CLAIM_FIELDS = (
    "id", "text", "kind", "status", "rating", "rating_explanation", "first_reported_at", "confirmed_at", "updated_at",
    "speaker_id", "speaker__name", "speaker__kind",
)
CITATION_FIELDS = (
    "claim_id", "id", "start", "end", "quote", "anchor_state", "article_version", "article_id", "article__title",
    "article__url", "article__published_at", "article__outlet__name", "article__outlet__domain",
)
CSV_COLUMNS = [
    "claim_id", "claim_text", "kind", "speaker_id", "speaker_name", "speaker_kind", "rating", "rating_explanation",
    "first_reported_at", "confirmed_at", "citation_id", "article_id", "article_title", "article_url", "outlet",
    "published_at", "start", "end", "quote", "anchor_state",
]

_encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def exportable_claims(queryset=None):
    """The claims exports cover: confirmed ones (filtered further by the caller), oldest first."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.filter(status=ClaimStatus.CONFIRMED).order_by("id")


def iter_records(queryset, *, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """Yield one plain dict per claim, with its citations, reading ``chunk_size`` claims at a time."""
    rows = queryset.values(*CLAIM_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in _batched(rows, chunk_size):
        citations: dict[int, list[dict]] = {}
        for cite in (
            Citation.objects.filter(claim_id__in=[row["id"] for row in chunk])
            .order_by("claim_id", "article__published_at", "id")
            .values(*CITATION_FIELDS)
        ):
            citations.setdefault(cite["claim_id"], []).append(cite)
        for row in chunk:
            yield _record(row, citations.get(row["id"], []))


def _record(row: dict, citations: list[dict]) -> dict:
    return {
        "id": row["id"],
        "text": row["text"],
        "kind": row["kind"],
        "status": row["status"],
        "speaker": (
            {"id": row["speaker_id"], "name": row["speaker__name"], "kind": row["speaker__kind"]} if row["speaker_id"] else None
        ),
        "rating": row["rating"],
        "rating_explanation": row["rating_explanation"],
        "first_reported_at": row["first_reported_at"],
        "confirmed_at": row["confirmed_at"],
        "updated_at": row["updated_at"],
        "citations": [
            {
                "id": c["id"],
                "article": {
                    "id": c["article_id"],
                    "title": c["article__title"],
                    "url": c["article__url"],
                    "outlet": c["article__outlet__name"],
                    "outlet_domain": c["article__outlet__domain"],
                    "published_at": c["article__published_at"],
                },
                "start": c["start"],
                "end": c["end"],
                "quote": c["quote"],
                "anchor_state": c["anchor_state"],
                "article_version": c["article_version"],
            }
            for c in citations
        ],
    }


# --------------------------------------------------------------------------- writers


def write_jsonl(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield _encoder.encode(record) + "\n"


def write_json(records: Iterable[dict]) -> Iterator[str]:
    """A JSON array, written piece by piece."""
    yield "["
    first = True
    for record in records:
        yield ("\n" if first else ",\n") + _encoder.encode(record)
        first = False
    yield "\n]\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A spreadsheet would run "=HYPERLINK(...)" from an article as a formula: keep it text.
        return "'" + value
    return str(value)


def write_csv(records: Iterable[dict]) -> Iterator[str]:
    """One row per citation (claim columns repeated); a claim without citations gets one row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        speaker = record["speaker"] or {}
        head = [
            record["id"], record["text"], record["kind"], speaker.get("id"), speaker.get("name"), speaker.get("kind"),
            record["rating"], record["rating_explanation"], record["first_reported_at"], record["confirmed_at"],
        ]
        for cite in record["citations"] or [None]:
            if cite is None:
                tail = [None] * 10
            else:
                article = cite["article"]
                tail = [
                    cite["id"], article["id"], article["title"], article["url"], article["outlet"], article["published_at"],
                    cite["start"], cite["end"], cite["quote"], cite["anchor_state"],
                ]
            writer.writerow([_csv_value(v) for v in head + tail])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --------------------------------------------------------------------------- JSON-LD


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _drop_empty(node: dict) -> dict:
    return {k: v for k, v in node.items() if v not in (None, "", [])}


def _speaker_node(speaker: dict | None) -> dict | None:
    if not speaker or speaker["kind"] == SpeakerKind.UNKNOWN:
        return None  # an unresolved speaker is not an author anyone could be held to
    kind = "Person" if speaker["kind"] == SpeakerKind.PERSON else "Organization"
    return {"@type": kind, "name": speaker["name"]}


def _article_node(cite: dict) -> dict:
    article = cite["article"]
    domain = article["outlet_domain"]
    publisher = _drop_empty(
        {"@type": "Organization", "name": article["outlet"], "url": f"https://{domain}/" if domain else None}
    )
    return _drop_empty(
        {
            "@type": "NewsArticle",
            "url": article["url"],
            "headline": article["title"],
            "datePublished": _date(article["published_at"]),
            "publisher": publisher,
        }
    )


def claim_node(record: dict) -> dict:
    """A schema.org ``Claim`` (or a ``ClaimReview`` of it when the claim has a rating), without ``@context``."""
    appearances, seen = [], set()
    for cite in record["citations"]:
        if cite["article"]["id"] not in seen:
            seen.add(cite["article"]["id"])
            appearances.append(_article_node(cite))
    claim = _drop_empty(
        {
            "@type": "Claim",
            "identifier": f"factdesk:claim:{record['id']}",
            "text": record["text"],
            "author": _speaker_node(record["speaker"]),
            "datePublished": _date(record["first_reported_at"]),
            "appearance": appearances,
            "firstAppearance": appearances[0] if appearances else None,
        }
    )
    if not record["rating"]:
        return claim
    return _drop_empty(
        {
            "@type": "ClaimReview",
            "claimReviewed": record["text"],
            "itemReviewed": claim,
            "author": {"@type": "Organization", "name": getattr(settings, "FACTDESK_REVIEW_PUBLISHER", "FactDesk")},
            "datePublished": _date(record["updated_at"]),
            "reviewRating": _drop_empty(
                {"@type": "Rating", "alternateName": record["rating"], "ratingExplanation": record["rating_explanation"]}
            ),
        }
    )


def write_jsonld(records: Iterable[dict]) -> Iterator[str]:
    """One JSON-LD document: ``@context`` schema.org and an ``@graph`` of claims and claim reviews."""
    yield '{"@context":"https://schema.org","@graph":['
    first = True
    for record in records:
        yield ("\n" if first else ",\n") + _encoder.encode(claim_node(record))
        first = False
    yield "\n]}\n"


WRITERS = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv, "jsonld": write_jsonld}


def stream(fmt: str, queryset=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The export of ``queryset`` (confirmed claims only) in format ``fmt``, as text pieces."""
    if fmt not in WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    return WRITERS[fmt](iter_records(exportable_claims(queryset), chunk_size=chunk_size))
