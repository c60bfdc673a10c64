"""What every importer returns: parsed articles, per-item failures, or a rejection of the whole input."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.importers.normalise import normalise_line, normalise_text
from articles.models import SourceFormat


class ImportRejected(Exception):
    """The whole input is refused (empty, binary, oversized, undecodable, unparseable).

    The message is shown to the person who imported it, so it says what is wrong in plain words.
    """


@dataclass(frozen=True)
class ParsedArticle:
    """One article as an importer read it. ``text`` is always normalised (offsets point into it).

    ``where`` names it within a file of many ("line 3", "item 2", "entry 4"); ``warning`` is what
    the editor should check about it (an encoding that was guessed with doubt), "" when nothing.
    """

    text: str
    title: str = ""
    byline: str = ""
    url: str = ""
    published_at: dt.datetime | None = None
    language: str = "en"
    outlet: str = ""
    outlet_domain: str = ""
    external_id: str = ""
    source_format: str = SourceFormat.TEXT
    where: str = ""
    warning: str = ""

    def __post_init__(self):
        # Normalising here too means no caller can store text that the importers would not have
        # produced; normalise_text is idempotent, so already-normalised text is unchanged.
        text = normalise_text(self.text or "")
        if not text:
            raise ValueError("an article needs some text")
        object.__setattr__(self, "text", text)


@dataclass(frozen=True)
class ParseFailure:
    """One item of a multi-article input that could not be read; the others still import."""

    where: str
    reason: str


def clean_field(value, limit: int = 1000) -> str:
    """A metadata value as a single tidy line (None and non-strings become "")."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return normalise_line(str(value))[:limit]


def to_datetime(value) -> dt.datetime | None:
    """A date, datetime or ISO 8601 string as an aware datetime (dates at midnight UTC).

    Raises ValueError with a readable message when the value is not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        raw = value.strip()
        try:
            result = parse_datetime(raw) or (_midnight(parse_date(raw)) if parse_date(raw) else None)
        except ValueError:
            result = None
        if result is None:
            raise ValueError(f"{raw[:40]!r} is not a date (expected ISO 8601, e.g. 2016-03-04 or 2016-03-04T10:00:00Z)")
    else:
        raise ValueError(f"{value!r} is not a date")
    if timezone.is_naive(result):
        result = result.replace(tzinfo=dt.timezone.utc)
    return result


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)
