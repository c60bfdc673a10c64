"""Telling colleagues: the @mentions in a note, and email when the desk has configured an email backend.

A mention is ``@username`` (Django's username characters) not preceded by a word character,
so an email address in a note mentions nobody. Email goes out after the decision commits,
and only when the deployment sets ``EMAIL_BACKEND``: a desk without mail still has the
"For me" page, and a failing mail server never undoes a note.
"""
from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

logger = logging.getLogger(__name__)

MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames ``text`` mentions, in order, once each (a trailing full stop is punctuation)."""
    seen: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name not in seen:
            seen.append(name)
    return seen


def email_configured() -> bool:
    return settings.is_overridden("EMAIL_BACKEND")


def email_on_commit(messages: list[tuple[str, str, list[str]]]) -> None:
    """Send ``(subject, body, [address])`` messages once the transaction commits, if email is configured."""
    messages = [(subject, body, to) for subject, body, to in messages if to and all(to)]
    if not messages or not email_configured():
        return
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)

    def send():
        try:
            send_mass_mail([(subject, body, sender, to) for subject, body, to in messages], fail_silently=False)
        except Exception:  # noqa: BLE001 — mail is a courtesy; the decision stands and the inbox has it
            logger.warning("Could not send %d desk notification email(s)", len(messages), exc_info=True)

    transaction.on_commit(send)
