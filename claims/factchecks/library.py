"""Storing fact-checks: the only writer of ``FactCheck`` rows.

``import_factcheck_bytes`` parses one input (``claims.factchecks.parsing``) and ``store_factchecks``
stores its records. Every record is all or nothing: new records go in batches that fall back to
one transaction per record when any of them is refused, and a changed record is updated in its
own transaction, so no input leaves a partial row. A record is known again by its key (the
publisher's id within its fact-checker, else its URL and claim, else its checker and claim):
the same values change nothing; a changed rating, headline or date makes a new version, the
old values kept in ``history``. Stored records that are new or changed are queued for linking.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.importers.base import ImportRejected, ParseFailure
from claims.factchecks.models import FactCheck
from claims.factchecks.parsing import ParsedFactCheck, parse_factchecks

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
BATCH_SIZE = 500
# What a publisher may change in a review; a change to any of these makes a new version.
VERSIONED_FIELDS = (
    "claim_reviewed", "headline", "rating", "rating_value", "best_rating", "worst_rating", "rating_score",
    "fact_checker", "fact_checker_url", "claimant", "url", "published", "language",
)
# A change to these changes what the matcher reads: the record is compared with the claims again.
MATCHED_FIELDS = ("claim_reviewed", "headline")


@dataclass(frozen=True)
class FactCheckOutcome:
    """What happened to one record (or to a whole input that was refused): shown per line by the command."""

    where: str
    status: str
    reason: str = ""
    factcheck_id: int | None = None


def record_key(record: ParsedFactCheck) -> str:
    """The identity that makes re-importing idempotent and an updated review a new version."""
    checker = " ".join(record.fact_checker.casefold().split())
    if record.external_id:
        parts = ("id", checker, record.external_id)
    elif record.url:
        parts = ("url", record.url, " ".join(record.claim_reviewed.casefold().split()))
    else:
        parts = ("claim", checker, " ".join(record.claim_reviewed.casefold().split()))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _values(record: ParsedFactCheck) -> dict:
    values = {name: getattr(record, name) for name in VERSIONED_FIELDS}
    values["external_id"] = record.external_id
    values["source_format"] = record.source_format
    return values


def _stored(factcheck: FactCheck) -> dict:
    return {name: getattr(factcheck, name) for name in VERSIONED_FIELDS}


def import_factcheck_bytes(
    data: bytes, *, name: str, content_type: str = "", url: str = "", max_bytes: int | None = None
) -> list[FactCheckOutcome]:
    """Parse one input and store its fact-checks; a refused input is one failed outcome saying why."""
    try:
        records = parse_factchecks(data, name=name, content_type=content_type, url=url, max_bytes=max_bytes)
    except ImportRejected as exc:
        return [FactCheckOutcome(name, FAILED, reason=str(exc))]
    return store_factchecks(records, source=name)


def store_factchecks(records: list[ParsedFactCheck | ParseFailure], *, source: str) -> list[FactCheckOutcome]:
    """Store parsed records (failures are reported as they are); returns one outcome per record, in order."""
    outcomes: list[FactCheckOutcome | None] = [None] * len(records)
    keyed: dict[str, int] = {}
    for position, record in enumerate(records):
        if isinstance(record, ParseFailure):
            outcomes[position] = FactCheckOutcome(record.where, FAILED, reason=record.reason)
            continue
        key = record_key(record)
        if key in keyed:
            first = records[keyed[key]]
            outcomes[position] = FactCheckOutcome(record.where, FAILED, reason=f"the same fact-check as {first.where}")
            continue
        keyed[key] = position
    existing = {}
    keys = list(keyed)
    for start in range(0, len(keys), BATCH_SIZE):
        existing.update(FactCheck.objects.in_bulk(keys[start:start + BATCH_SIZE], field_name="key"))
    new = []
    for key, position in keyed.items():
        record = records[position]
        current = existing.get(key)
        if current is None:
            new.append((position, key))
        elif _stored(current) == {name: value for name, value in _values(record).items() if name in VERSIONED_FIELDS}:
            outcomes[position] = FactCheckOutcome(record.where, UNCHANGED, factcheck_id=current.pk)
        else:
            outcomes[position] = _new_version(current.pk, record, source=source)
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start:start + BATCH_SIZE]
        for position, outcome in zip((p for p, _ in batch), _create(batch, records, source=source)):
            outcomes[position] = outcome
    return outcomes


def _create(batch: list[tuple[int, str]], records, *, source: str) -> list[FactCheckOutcome]:
    rows = [FactCheck(key=key, source=source[:500], **_values(records[position])) for position, key in batch]
    try:
        with transaction.atomic():
            created = FactCheck.objects.bulk_create(rows)
        return [FactCheckOutcome(records[position].where, CREATED, factcheck_id=row.pk)
                for (position, _), row in zip(batch, created)]
    except IntegrityError:
        pass  # one of them was stored meanwhile, or breaks a constraint: find out which, one by one
    outcomes = []
    for (position, key), row in zip(batch, rows):
        row.pk = None
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            outcomes.append(FactCheckOutcome(records[position].where, CREATED, factcheck_id=row.pk))
        except IntegrityError as exc:
            outcomes.append(FactCheckOutcome(records[position].where, FAILED, reason=f"not stored ({exc.__class__.__name__})"))
    return outcomes


@transaction.atomic
def _new_version(factcheck_id: int, record: ParsedFactCheck, *, source: str) -> FactCheckOutcome:
    """The publisher changed a review: keep the old values in ``history`` and store the new ones."""
    factcheck = FactCheck.objects.select_for_update().get(pk=factcheck_id)
    before = _stored(factcheck)
    values = _values(record)
    if before == {name: values[name] for name in VERSIONED_FIELDS}:
        return FactCheckOutcome(record.where, UNCHANGED, factcheck_id=factcheck.pk)
    previous = {name: (value.isoformat() if hasattr(value, "isoformat") else value) for name, value in before.items()}
    factcheck.history = [*factcheck.history, {"version": factcheck.version, "replaced_at": timezone.now().isoformat(),
                                               **previous}]
    factcheck.version += 1
    factcheck.source = source[:500]
    if any(before[name] != values[name] for name in MATCHED_FIELDS):
        factcheck.embedding = None
        factcheck.linked_at = None
    for name, value in values.items():
        setattr(factcheck, name, value)
    factcheck.save()
    changed = ", ".join(name.replace("_", " ") for name in VERSIONED_FIELDS if before[name] != values[name])
    return FactCheckOutcome(record.where, UPDATED, reason=f"version {factcheck.version}: {changed} changed",
                            factcheck_id=factcheck.pk)


def default_max_bytes() -> int:
    """The largest fact-check input read: a library file may hold many thousands of reviews."""
    from django.conf import settings

    return getattr(settings, "FACTDESK_FACTCHECK_MAX_BYTES", 200_000_000)


def fetch_and_import_factchecks(url: str) -> list[FactCheckOutcome]:
    """Fetch a fact-check page or feed with the SSRF-safe fetcher of ``articles.fetching``, then store it."""
    from django.conf import settings

    from articles.fetching import FetchRefused, fetch_url, redact_url

    try:
        resource = fetch_url(
            url,
            allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE,
            timeout=settings.FACTDESK_FETCH_TIMEOUT,
            max_bytes=settings.FACTDESK_FETCH_MAX_BYTES,
        )
    except FetchRefused as exc:
        return [FactCheckOutcome(redact_url(url), FAILED, reason=str(exc))]
    return import_factcheck_bytes(resource.body, name=resource.final_url, content_type=resource.content_type,
                                  url=resource.final_url, max_bytes=settings.FACTDESK_FETCH_MAX_BYTES)
