"""Who is told that articles have new text: the one seam between getting articles in and what follows.

``articles`` never imports ``claims``. Instead ``ClaimsConfig.ready()`` registers claim
extraction here, in code, so no setting or environment variable can re-route or drop it. An
import calls ``articles_changed(ids)`` inside its transaction; each listener is called with the
ids once that transaction commits.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

Listener = Callable[[list[int]], object]
_listeners: list[Listener] = []


def listen_to_changed_articles(listener: Listener) -> None:
    """Call ``listener(article_ids)`` after every import that creates or changes article text."""
    if listener not in _listeners:
        _listeners.append(listener)


def articles_changed(article_ids: Sequence[int]) -> None:
    """Tell the listeners, once the surrounding transaction commits, that these articles have new text."""
    ids = [article_id for article_id in article_ids if article_id]
    if not ids:
        return
    for listener in _listeners:
        transaction.on_commit(lambda listener=listener: listener(ids))


def stop_listening() -> None:
    """Imports from now on tell nobody (a benchmark script that runs the pipeline itself)."""
    _listeners.clear()
