"""Streaming exports of confirmed claims with all their citations: JSON, JSON Lines, CSV, ClaimReview JSON-LD.

Memory stays constant however many claims there are: claims are read with ``.iterator()`` (a
server-side cursor on PostgreSQL) as plain values, and citations are fetched once per chunk of
claims (one query per chunk, never one per claim). Each writer is a generator of text pieces,
so the same code feeds a ``StreamingHttpResponse`` and the ``export_claims`` command.

Speed (bench/export_bench.py): rows are read as tuples with timestamps as text (parsed in C),
and the JSON writers fill a fixed template with the json module's own string escaper; the
output is byte for byte what the generic encoders write (tests/test_exports.py checks it).

JSON-LD follows schema.org: each claim is a ``Claim`` (``author`` the speaker, ``appearance``
every citation: its article with the quoted words and their offsets, ``firstAppearance`` the
first report); a claim carrying a fact-check rating is wrapped in a ``ClaimReview`` with a
``reviewRating``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from json.encoder import encode_basestring

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast

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
DATETIME_FIELDS = {"first_reported_at", "confirmed_at", "updated_at", "article__published_at"}


def _as_text(fields: tuple[str, ...]) -> list:
    """``fields`` for ``values_list``, with each datetime column read as the database's text for it.

    Why: turning a timestamp into a ``datetime`` is the costliest step of reading an export row
    (psycopg's pure-Python text loader under Django's time-zone loader on PostgreSQL, a regex
    parser on SQLite), several times per claim; ``datetime.fromisoformat`` (C) reads the same
    text — "2024-03-01 08:00:00.12345+00" on PostgreSQL, "2024-03-01 08:00:00.123450" on
    SQLite — many times faster. See ``_db_datetime``. (PostgreSQL's text is ISO 8601 under its
    default ``DateStyle`` ISO, which psycopg's own loader needs too.)
    """
    return [Cast(name, TextField()) if name in DATETIME_FIELDS else name for name in fields]


def _db_datetime(text: str | None) -> datetime | None:
    """The aware datetime Django would have read for a timestamp column given as text.

    PostgreSQL writes the offset of the session's time zone (UTC, which Django sets when
    ``USE_TZ``); SQLite stores naive UTC, which Django makes aware in UTC.
    """
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


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
    """Yield one plain dict per claim, with its citations, reading ``chunk_size`` claims at a time.

    Rows come as tuples (``values_list``: no model instances, no per-row dicts to look up) and
    each record is built in one dict display; this loop runs once per exported claim, so it is
    the export's hot path (see bench/export_bench.py).
    """
    rows = queryset.values_list(*_as_text(CLAIM_FIELDS)).iterator(chunk_size=chunk_size)
    for chunk in _batched(rows, chunk_size):
        ids = [row[0] for row in chunk]
        citations: dict[int, list[dict]] = {pk: [] for pk in ids}
        low, high = min(ids), max(ids)
        if 2 * len(ids) >= high - low + 1:
            # Most ids in the span are this chunk's (the usual case for an unfiltered export):
            # a range is far cheaper to bind, send and plan than thousands of parameters, and
            # the few citations of claims in the span that are not exported are skipped below.
            in_chunk = Q(claim_id__gte=low, claim_id__lte=high)
        else:
            in_chunk = Q(claim_id__in=ids)
        for (
            claim_id, cite_id, start, end, quote, anchor_state, article_version,
            article_id, title, url, published_at, outlet, domain,
        ) in (
            Citation.objects.filter(in_chunk)
            .order_by("claim_id", F("article__published_at").asc(nulls_last=True), "id")  # undated last, as on PostgreSQL
            .values_list(*_as_text(CITATION_FIELDS))
        ):
            cites = citations.get(claim_id)
            if cites is None:
                continue
            cites.append({
                "id": cite_id,
                "article": {
                    "id": article_id, "title": title, "url": url, "outlet": outlet, "outlet_domain": domain,
                    "published_at": _db_datetime(published_at),
                },
                "start": start,
                "end": end,
                "quote": quote,
                "anchor_state": anchor_state,
                "article_version": article_version,
            })
        for (
            pk, text, kind, status, rating, rating_explanation, first_reported_at, confirmed_at, updated_at,
            speaker_id, speaker_name, speaker_kind,
        ) in chunk:
            yield {
                "id": pk,
                "text": text,
                "kind": kind,
                "status": status,
                "speaker": {"id": speaker_id, "name": speaker_name, "kind": speaker_kind} if speaker_id else None,
                "rating": rating,
                "rating_explanation": rating_explanation,
                "first_reported_at": _db_datetime(first_reported_at),
                "confirmed_at": _db_datetime(confirmed_at),
                "updated_at": _db_datetime(updated_at),
                # pop, not get: a chunk's citations are let go claim by claim as they are written.
                "citations": citations[pk],
            }


# --------------------------------------------------------------------------- writers


_json_string = encode_basestring  # the json module's own (C) string escaper, as ensure_ascii=False uses


def _json_date(value: datetime | None) -> str:
    """A datetime as JSON exactly as ``DjangoJSONEncoder`` writes it (milliseconds, ``Z`` for UTC)."""
    if value is None:
        return "null"
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return '"' + text + '"'


def _json_citation(cite: dict) -> str:
    article = cite["article"]
    return (
        f'{{"id":{cite["id"]:d},"article":{{"id":{article["id"]:d},"title":{_json_string(article["title"])},'
        f'"url":{_json_string(article["url"])},"outlet":{_json_string(article["outlet"])},'
        f'"outlet_domain":{_json_string(article["outlet_domain"])},"published_at":{_json_date(article["published_at"])}}},'
        f'"start":{cite["start"]:d},"end":{cite["end"]:d},"quote":{_json_string(cite["quote"])},'
        f'"anchor_state":{_json_string(cite["anchor_state"])},"article_version":{cite["article_version"]:d}}}'
    )


def record_json(record: dict) -> str:
    """One record (as ``iter_records`` makes it) as compact JSON, the same text ``_encoder.encode`` gives.

    Why not just ``_encoder.encode``: the generic encoder walks every dict and calls back into
    Python for each datetime; a record's shape is fixed, so writing it from a template with the
    json module's C string escaper costs about half as much, and the JSON writers run once per
    exported claim. tests/test_exports.py checks the two give identical text; ``:d`` makes a
    non-integer id fail loudly instead of writing invalid JSON.
    """
    speaker = record["speaker"]
    speaker_json = (
        "null" if speaker is None
        else f'{{"id":{speaker["id"]:d},"name":{_json_string(speaker["name"])},"kind":{_json_string(speaker["kind"])}}}'
    )
    return (
        f'{{"id":{record["id"]:d},"text":{_json_string(record["text"])},"kind":{_json_string(record["kind"])},'
        f'"status":{_json_string(record["status"])},"speaker":{speaker_json},"rating":{_json_string(record["rating"])},'
        f'"rating_explanation":{_json_string(record["rating_explanation"])},'
        f'"first_reported_at":{_json_date(record["first_reported_at"])},"confirmed_at":{_json_date(record["confirmed_at"])},'
        f'"updated_at":{_json_date(record["updated_at"])},'
        f'"citations":[{",".join([_json_citation(cite) for cite in record["citations"]])}]}}'
    )


def _line_safe(text: str) -> str:
    """Escape U+2028 / U+2029: valid in JSON strings, but line breaks to ``str.splitlines`` and to
    JavaScript before ES2019, so a reader splitting JSON Lines on them would cut a record in two."""
    if "\u2028" in text or "\u2029" in text:
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def write_jsonl(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield _line_safe(record_json(record)) + "\n"


def write_json(records: Iterable[dict]) -> Iterator[str]:
    """A JSON array, written piece by piece."""
    yield "["
    first = True
    for record in records:
        yield ("\n" if first else ",\n") + _line_safe(record_json(record))
        first = False
    yield "\n]\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str | None) -> str | None:
    # A spreadsheet would run "=HYPERLINK(...)" from an article as a formula: keep it text.
    # (None is left as is: the csv module writes it as an empty cell.)
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _date_cell(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def write_csv(records: Iterable[dict]) -> Iterator[str]:
    """One row per citation (claim columns repeated); a claim without citations gets one row.

    Cells are built per column type rather than through one generic converter per cell: numbers
    go to the csv module as they are (it writes ``str()`` of them, and nothing for None), only text
    columns are guarded against formulas, and a claim's columns are converted once, not once per
    citation.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writerow = writer.writerow
    writerow(CSV_COLUMNS)
    no_citation = [None] * 10
    for record in records:
        speaker = record["speaker"]
        head = [
            record["id"], _text_cell(record["text"]), _text_cell(record["kind"]),
            *((speaker["id"], _text_cell(speaker["name"]), _text_cell(speaker["kind"])) if speaker else (None, None, None)),
            _text_cell(record["rating"]), _text_cell(record["rating_explanation"]),
            _date_cell(record["first_reported_at"]), _date_cell(record["confirmed_at"]),
        ]
        citations = record["citations"]
        if not citations:
            writerow(head + no_citation)
        for cite in citations:
            article = cite["article"]
            writerow(head + [
                cite["id"], article["id"], _text_cell(article["title"]), _text_cell(article["url"]),
                _text_cell(article["outlet"]), _date_cell(article["published_at"]),
                cite["start"], cite["end"], _text_cell(cite["quote"]), _text_cell(cite["anchor_state"]),
            ])
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


def _appearance_node(cite: dict) -> dict:
    """One citation as an appearance: its article, and as the article's part the quoted words.

    The ``Quotation`` carries the citation's id, its words and its character offsets into the
    article's text (a ``PropertyValue`` from ``minValue`` to ``maxValue``, and an RFC 5147
    ``#char=`` fragment on the article's URL), so two appearances in one article differ.
    """
    node = _article_node(cite)
    url = cite["article"]["url"]
    node["hasPart"] = _drop_empty({
        "@type": "Quotation",
        "identifier": [
            f"factdesk:citation:{cite['id']}",
            {"@type": "PropertyValue", "propertyID": "characterOffsets", "unitText": "characters",
             "minValue": cite["start"], "maxValue": cite["end"]},
        ],
        "text": cite["quote"],
        "url": f"{url}#char={cite['start']},{cite['end']}" if url else None,
    })
    return node


def claim_node(record: dict, *, reviews: list[dict] = ()) -> dict:
    """A schema.org ``Claim`` (or a ``ClaimReview`` of it when the claim has a rating), without ``@context``.

    ``reviews``: the fact-checkers' ClaimReviews linked to the claim, carried as its ``review``.
    Every citation is an ``appearance`` of its own (two in one article are two appearances).
    """
    appearances = [_appearance_node(cite) for cite in record["citations"]]
    claim = _drop_empty(
        {
            "@type": "Claim",
            "identifier": f"factdesk:claim:{record['id']}",
            "text": record["text"],
            "author": _speaker_node(record["speaker"]),
            "datePublished": _date(record["first_reported_at"]),
            "appearance": appearances,
            "firstAppearance": appearances[0] if appearances else None,
            "review": list(reviews),
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
    from claims.factchecks.exports import linked_claim_reviews

    first = True
    for batch in _batched(records, CHUNK_SIZE):
        reviews = linked_claim_reviews([record["id"] for record in batch])
        for record in batch:
            yield ("\n" if first else ",\n") + _encoder.encode(claim_node(record, reviews=reviews.get(record["id"], [])))
            first = False
    yield "\n]}\n"


WRITERS = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv, "jsonld": write_jsonld}


def stream(fmt: str, queryset=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The export of ``queryset`` (confirmed claims only) in format ``fmt``, as text pieces."""
    if fmt not in WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    return WRITERS[fmt](iter_records(exportable_claims(queryset), chunk_size=chunk_size))
