"""What every review screen shares: access checks, safe redirects, and the one way a POST decides.

Viewers read (GET), editors decide (POST). Every POST calls one function of ``claims.services``
through ``decide()``, then redirects back, or — for a fetch request from desk.js
(``X-Requested-With: XMLHttpRequest``) — returns the updated fragment, or an error fragment
with status 409 when the service refuses (400 when the form is not valid).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from claims import services
from claims.forms import DecisionForm
from factdesk import roles


def signed_in_with(view, *, allowed, refusal: str, method):
    """``view`` for signed-in users whom ``allowed(user)`` lets in: others go to sign-in, or get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not allowed(request.user):
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    return method(wrapped)


def desk_screen(view):
    """GET screens: anonymous users go to sign-in, users in no desk group get 403."""
    return signed_in_with(view, allowed=roles.can_view, refusal="You are not in a desk group; ask an admin for access.",
                          method=require_GET)


def desk_decision(view):
    """POST decisions: only editors and admins (``claims.review_claims``)."""
    return signed_in_with(view, allowed=roles.can_review, refusal="Only editors can make review decisions.",
                          method=require_POST)


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """Where to go after a decision: the posted ``next`` if it stays on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def refused(request, message: str, *, back: str, status: int = 409):
    """A decision the service (or the form) refused: an error fragment for fetch, else a message."""
    if is_fetch(request):
        return render(request, "claims/_error.html", {"message": message}, status=status)
    messages.error(request, message)
    return redirect(back)


def refusal_text(exc: Exception):
    """A refusal's words, with a link to the later decision it names (an undo refused because of it)."""
    later = getattr(exc, "later", None)
    if later is None:
        return str(exc)
    if later.claim_id:
        where = reverse("claims:claim", args=[later.claim_id])
    elif later.target_type == "speaker":
        where = reverse("claims:speaker", args=[later.target_id])
    else:
        return str(exc)
    return format_html('{} <a href="{}#event-{}">See that decision</a>.', str(exc), where, later.pk)


def form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ')}: "
        parts.append(label + " ".join(errors))
    return "; ".join(parts) or "The form is not valid."


def posted_revision(request) -> int | None:
    """The row revision the editor saw, for optimistic locking; absent or unreadable means 'any'."""
    form = DecisionForm(request.POST)
    return form.cleaned_data.get("revision") if form.is_valid() else None


def decide(request, decision, *, back: str, message, form=None, fragment: str | None = None, fragment_context=None,
           back_if_refused: str | None = None):
    """Answer a decision POST: validate ``form`` (if any), call ``decision()`` (one service call), reply.

    ``message`` is the success text, or a function of what the service returned.
    ``fragment_context()`` builds the changed row for a fetch request, after the change.
    A refusal (``services.DecisionError``) or an invalid form changes nothing and says why, back
    at ``back_if_refused`` when that differs from where a success goes.
    """
    if form is not None and not form.is_valid():
        return refused(request, form_errors(form), back=back_if_refused or back, status=400)
    try:
        result = decision()
    except services.DecisionError as exc:
        return refused(request, refusal_text(exc), back=back_if_refused or back)
    text = message(result) if callable(message) else message
    if is_fetch(request):
        if fragment:
            return render(request, fragment, {**fragment_context(), "flash": text, "can_review": True})
        return render(request, "claims/_flash.html", {"message": text})
    messages.success(request, text)
    return redirect(back)


def decision_view(service, *, id_argument: str, back, message: str, with_revision: bool = True,
                  form_class=None, form_arguments=None, fragment: str | None = None, fragment_context=None):
    """A POST view for one decision on one row (confirm, reject, accept, edit …), answered by ``decide()``.

    It calls ``service(<id_argument>=pk, actor=user, ...)``: with ``form_class``, the rest of the
    arguments are ``form_arguments(cleaned_data)`` of the valid form; without, the
    ``expected_revision`` the editor saw when ``with_revision``. ``back(request, pk)`` says where
    to go (and 404s for a missing row); ``fragment_context(pk)`` builds the changed row's
    fragment for a fetch request.
    """

    @desk_decision
    def view(request, pk):
        form = form_class(request.POST) if form_class else None

        def call_service():
            arguments = {id_argument: pk, "actor": request.user}
            if form is not None:
                arguments.update(form_arguments(form.cleaned_data))
            elif with_revision:
                arguments["expected_revision"] = posted_revision(request)
            return service(**arguments)

        return decide(request, call_service, form=form, back=back(request, pk), message=message,
                      fragment=fragment, fragment_context=fragment_context and (lambda: fragment_context(pk)))

    view.__name__ = view.__qualname__ = service.__name__
    return view


def url_patterns(*names) -> dict[str, str]:
    """Each named URL with ``{}`` where the id goes, reversed once per request.

    A queue page links and posts to five URLs per row; formatting an id into a pattern costs
    a fraction of a ``reverse()`` call, which was a third of the page's server time.
    """
    marker = "987654321"
    return {name.split(":")[1]: reverse(name, args=[int(marker)]).replace(marker, "{}") for name in names}


# A queue page prints fifty rows: their numbers and texts are formatted here, as the filters
# ``floatformat`` and ``truncatechars`` would, without each filter's per-call set-up.

def fixed_point(value: float, places: int) -> str:
    """``value|floatformat:places`` for a float: half up on its shortest repr, no grouping, no "-0"."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(rounded + 0)  # + 0 makes -0.0 0.0


def truncated(text: str, length: int) -> str:
    """``text|truncatechars:length``; a text that fits needs no pass over its characters."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def diff_words(canonical: str, reported: str, *, quoted: bool = True):
    """Word-level diff (``equal`` / ``delete`` / ``insert``) and the words that really differ.

    A possible misquote is flagged only for quoted words (``quoted``: a direct or mixed quote;
    reported speech is the reporter's own wording), and only for words one text has and the
    other lacks: the same words in another order, or a word found in both ("not" moved), are
    not a misquote.
    """
    from claims.matching import misquote_words, word_diff

    diff = word_diff(canonical, reported)
    if not quoted:
        return diff, []
    in_canonical, in_reported = _words_of(canonical), _words_of(reported)
    differ = [word for word in misquote_words(canonical, reported)
              if not (_words_of(word) <= in_canonical and _words_of(word) <= in_reported)]
    return diff, differ


def _words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


QUOTED_KINDS = ("direct", "mixed")

# What an undo message calls each decision: "Undid: rejection of candidate 12".
DECISION_NOUNS = {
    "confirm_candidate": "confirmation of candidate {id}",
    "reject_candidate": "rejection of candidate {id}",
    "edit_candidate": "edit of candidate {id}",
    "confirm_claim": "confirmation of claim {id}",
    "reject_claim": "rejection of claim {id}",
    "edit_claim": "edit of claim {id} ({summary})",
    "accept_match": "acceptance of match {id} ({summary})",
    "reject_match": "rejection of match {id}",
    "split_citation": "split of citation {id}",
    "cite_span": "citation {id}",
    "edit_speaker": "edit of speaker {id}",
    "merge_speakers": "speaker merge ({summary})",
    "edit_article": "edit of article {id} ({summary})",
}


_QUIET_FIELDS = {"revision", "updated_at", "reviewed_at", "reviewed_by_id", "decided_at", "confirmed_at", "matched_at",
                 "speaker_resolved", "embedding_model", "normalized"}
_QUOTED_FIELDS = {"text": "wording", "name": "name", "rating": "rating", "alias": "alias", "role": "role"}


def _short(value) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= 60 else text[:59].rsplit(" ", 1)[0] + "…"


def what_an_edit_changed(event, speaker_names: dict[int, str]) -> str:
    """An edit's recorded rows in words: 'wording “a” → “b”; speaker A → B; alias “X” added'."""
    parts = []
    target_model = f"claims.{event.target_type}"
    for row in event.changes or []:
        before, after = row.get("before"), row.get("after")
        if row.get("model") != target_model or row.get("pk") != event.target_id:
            if before is None and after:  # an alias or role added
                added = after.get("alias") or after.get("role")
                if added:
                    parts.append(f"{'alias' if 'alias' in after else 'role'} “{_short(added)}” added")
            elif after is None and before:
                removed = before.get("alias") or before.get("role")
                if removed:
                    parts.append(f"{'alias' if 'alias' in before else 'role'} “{_short(removed)}” removed")
            continue
        if not before or not after:
            continue
        changed = [name for name in after if name not in _QUIET_FIELDS and before.get(name) != after.get(name)]
        for name in changed:
            if name in _QUOTED_FIELDS:
                parts.append(f"{_QUOTED_FIELDS[name]} “{_short(before.get(name))}” → “{_short(after.get(name))}”")
            elif name == "speaker_id":
                old, new = (speaker_names.get(before.get(name), "no speaker"), speaker_names.get(after.get(name), "no speaker"))
                parts.append(f"speaker {old} → {new}")
            elif name in ("start", "end"):
                if "span moved" not in parts:
                    parts.append("span moved")
            elif name == "rating_explanation":
                parts.append("rating explanation rewritten")
            else:
                parts.append(f"{name.removesuffix('_id').replace('_', ' ')} {_short(before.get(name))} → {_short(after.get(name))}")
    return "; ".join(parts)


def label_history(events: list) -> None:
    """Give each event of a history its ``label`` and, for an edit, ``what_changed`` (one query for speaker names)."""
    from claims.models import Speaker

    edits = [e for e in events if e.action.startswith("edit_")]
    speaker_ids = {
        row[side].get("speaker_id")
        for e in edits for row in e.changes or [] for side in ("before", "after") if row.get(side)
    } - {None}
    names = dict(Speaker.objects.filter(pk__in=speaker_ids).values_list("pk", "name")) if speaker_ids else {}
    for event in events:
        event.label = event.action.replace("_", " ")
        event.what_changed = what_an_edit_changed(event, names) if event in edits else ""


def describe_decision(event) -> str:
    """A recorded decision in words, for the messages that name it ("merge of claim 10 into claim 12")."""
    summary = (event.summary or "").strip().rstrip(".")
    if event.action == "merge_claims" and summary.startswith("Merged "):
        return "merge of " + summary.removeprefix("Merged ")
    if event.action in ("reject_unattributed", "accept_verbatim") and summary:
        return "“" + summary[:1].lower() + summary[1:] + "”"
    pattern = DECISION_NOUNS.get(event.action)
    if pattern:
        text = pattern.format(id=event.target_id, summary=summary[:80])
        return text.replace(" ()", "")
    return f"{event.action.replace('_', ' ')} of {event.target_type} {event.target_id}"
