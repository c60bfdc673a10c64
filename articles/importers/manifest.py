"""JSON manifests: a list of text files with their metadata (``../shared/samples/manifest.json``).

``{"articles": [{"file": "articles/x.txt", "outlet": ..., "published": ..., "title": ...,
"url": ...}, ...]}`` (a bare list works too); ``file`` is relative to the manifest. A manifest
that cannot be read is rejected whole; a listed file that is missing fails alone at import.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from articles.importers.base import ImportRejected, clean_field, to_datetime
from articles.importers.text import http_url


@dataclass(frozen=True)
class ManifestEntry:
    path: Path
    outlet: str = ""
    title: str = ""
    url: str = ""
    published_at: dt.datetime | None = None
    external_id: str = ""


def read_manifest(path: Path) -> list[ManifestEntry]:
    path = Path(path)
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise ImportRejected(f"the manifest cannot be read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportRejected(f"the manifest is not valid JSON ({exc})") from None
    items = data.get("articles") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ImportRejected('the manifest needs a non-empty "articles" list')
    entries = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("file"), str) or not item["file"].strip():
            raise ImportRejected(f'manifest entry {index} has no "file"')
        try:
            published = to_datetime(item.get("published") or item.get("published_at"))
            url = http_url(item.get("url"))
        except ValueError as exc:
            raise ImportRejected(f"manifest entry {index}: {exc}") from None
        file_path = (path.parent / item["file"]).resolve()
        entries.append(
            ManifestEntry(
                path=file_path,
                outlet=clean_field(item.get("outlet"), 200),
                title=clean_field(item.get("title")),
                url=url,
                published_at=published,
                external_id=clean_field(item.get("doc_id") or item.get("external_id"), 300) or file_path.stem,
            )
        )
    return entries
