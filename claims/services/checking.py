"""The desk's own checks: take a claim up, assign it, work it to a published verdict, reopen it; notes.

Each move is one keyword-only function: a transaction, the check row locked, the move checked
by ``claims.checking.rules`` (refused with ``DecisionError`` saying why), and a ``ReviewEvent``
recorded on the claim, which ``undo`` restores. Publishing makes the verdict a fact-check by
the desk's own organisation (``FACTDESK_REVIEW_PUBLISHER``): a ``FactCheck`` in the library,
linked to the claim as confirmed, so exports carry it as a ClaimReview; undoing the publication
or reopening the check withdraws it. Who is told: the assignee and the people a note mentions,
in the "For me" inbox and by email (``claims.checking.notify``).
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims.changes import ChangeSet
from claims.checking import notify, rules
from claims.checking.models import CheckState, DeskCheck, Note, Notification, NotificationReason
from claims.factchecks.models import DESK_VERDICT_RELATION, FactCheck, FactCheckFormat, FactCheckLink, LinkState
from claims.models import Claim, ClaimStatus, WebhookEvent
from claims.services._common import DecisionError, _bump, _check_revision, _emit, _lock
from claims.services.audit import record
from factdesk import roles

MAX_NOTE_CHARS, MAX_VERDICT_CHARS = rules.MAX_NOTE_CHARS, rules.MAX_VERDICT_CHARS


def organisation_name() -> str:
    """The desk's own organisation, as it signs its ClaimReviews."""
    return getattr(settings, "FACTDESK_REVIEW_PUBLISHER", "FactDesk")


def is_desk_admin(user) -> bool:
    return bool(user and getattr(user, "pk", None) and (user.is_superuser or user.groups.filter(name=roles.ADMIN).exists()))


def _colleague(user_id) -> object:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not roles.can_review(user):
        raise DecisionError("A check can only be assigned to an active editor of the desk.")
    return user


def _claim_url(claim_id: int) -> str:
    return reverse("claims:claim", args=[claim_id])


def _tell(changes: ChangeSet, *, recipients, reason: str, claim: Claim, actor, note: Note | None = None, body: str = ""):
    """An inbox row per recipient (never the actor), and the email when one is configured."""
    mail = []
    for user in recipients:
        if getattr(actor, "pk", None) == user.pk:
            continue
        changes.create(Notification, recipient=user, reason=reason, claim=claim, note=note,
                       actor=actor if getattr(actor, "pk", None) else None)
        who = actor.get_username() if getattr(actor, "pk", None) else "FactDesk"
        subject = f"[FactDesk] {who} {NotificationReason(reason).label.lower()}: claim {claim.pk}"
        text = f"{claim.text}\n\n{body}\n\n{_claim_url(claim.pk)}".strip()
        mail.append((subject[:200], text, [user.email] if user.email else []))
    notify.email_on_commit(mail)


def _move(check: DeskCheck, move: str, *, actor) -> None:
    reason = rules.refusal(move, check.state)
    if reason is None:
        reason = rules.sign_off_refusal(move=move, actor_id=getattr(actor, "pk", None), drafted_by_id=check.drafted_by_id,
                                        actor_is_admin=is_desk_admin(actor))
    if reason:
        raise DecisionError(reason)


def _locked_check(check_id: int, expected_revision) -> DeskCheck:
    check = _lock(DeskCheck, check_id)
    _check_revision(check, expected_revision)
    return check


@transaction.atomic
def take_up_claim(*, claim_id: int, actor, assignee_id: int | None = None) -> DeskCheck:
    """Take a claim up for checking ("to check"), optionally assigned; one check per claim."""
    claim = _lock(Claim, claim_id)
    if claim.status in (ClaimStatus.MERGED, ClaimStatus.REJECTED):
        raise DecisionError(f"A {claim.get_status_display().lower()} claim cannot be taken up for checking.")
    if DeskCheck.objects.filter(claim=claim).exists():
        raise DecisionError("This claim is already taken up for checking.")
    assignee = _colleague(assignee_id) if assignee_id else None
    changes = ChangeSet()
    check = changes.create(DeskCheck, claim=claim, state=CheckState.TO_CHECK, assignee=assignee,
                           created_by=actor if getattr(actor, "pk", None) else None)
    if assignee is not None:
        _tell(changes, recipients=[assignee], reason=NotificationReason.ASSIGNED, claim=claim, actor=actor)
    record(actor=actor, action="take_up_claim", target=check, changes=changes, claim=claim,
           summary=f"Taken up for checking{f', assigned to {assignee.get_username()}' if assignee else ''}")
    return check


@transaction.atomic
def assign_check(*, check_id: int, actor, assignee_id: int, expected_revision: int | None = None) -> DeskCheck:
    """Give the check to an editor (they are told); a published check is locked."""
    check = _locked_check(check_id, expected_revision)
    if check.state == CheckState.PUBLISHED:
        raise DecisionError("The verdict is published and locked; reopen the check to reassign it.")
    assignee = _colleague(assignee_id)
    if check.assignee_id == assignee.pk:
        raise DecisionError(f"This check is already assigned to {assignee.get_username()}.")
    changes = ChangeSet()
    _bump(changes, check, assignee=assignee)
    _tell(changes, recipients=[assignee], reason=NotificationReason.ASSIGNED, claim=check.claim, actor=actor)
    record(actor=actor, action="assign_check", target=check, changes=changes, claim=check.claim,
           summary=f"Assigned to {assignee.get_username()}")
    return check


@transaction.atomic
def start_check(*, check_id: int, actor, expected_revision: int | None = None) -> DeskCheck:
    """To check → in progress; an unassigned check becomes the starter's."""
    check = _locked_check(check_id, expected_revision)
    _move(check, "start", actor=actor)
    changes = ChangeSet()
    values = {"state": rules.next_state("start")}
    if check.assignee_id is None and getattr(actor, "pk", None):
        values["assignee"] = actor
    _bump(changes, check, **values)
    record(actor=actor, action="start_check", target=check, changes=changes, claim=check.claim, summary="Check started")
    return check


@transaction.atomic
def draft_verdict(
    *, check_id: int, actor, verdict: str, explanation: str = "", expected_revision: int | None = None
) -> DeskCheck:
    """In progress → verdict drafted (or a drafted verdict revised); the drafter cannot approve it."""
    check = _locked_check(check_id, expected_revision)
    _move(check, "draft", actor=actor)
    verdict, explanation = (verdict or "").strip(), (explanation or "").strip()
    if not verdict:
        raise DecisionError("A verdict needs a rating (for example “False” or “Misleading”).")
    if len(verdict) > MAX_VERDICT_CHARS:
        raise DecisionError(f"A rating is at most {MAX_VERDICT_CHARS} characters; put the rest in the explanation.")
    changes = ChangeSet()
    _bump(changes, check, state=rules.next_state("draft"), verdict=verdict, explanation=explanation,
          drafted_by=actor if getattr(actor, "pk", None) else None)
    record(actor=actor, action="draft_verdict", target=check, changes=changes, claim=check.claim,
           summary=f"Verdict drafted: {verdict}")
    return check


@transaction.atomic
def approve_verdict(*, check_id: int, actor, expected_revision: int | None = None) -> DeskCheck:
    """Verdict drafted → approved, by an editor other than the drafter (or an admin)."""
    check = _locked_check(check_id, expected_revision)
    _move(check, "approve", actor=actor)
    changes = ChangeSet()
    _bump(changes, check, state=rules.next_state("approve"), approved_by=actor if getattr(actor, "pk", None) else None)
    record(actor=actor, action="approve_verdict", target=check, changes=changes, claim=check.claim,
           summary=f"Verdict approved: {check.verdict}")
    return check


@transaction.atomic
def publish_verdict(*, check_id: int, actor, expected_revision: int | None = None) -> DeskCheck:
    """Approved → published: the verdict becomes the desk's own fact-check (library, exports, webhooks)."""
    check = _locked_check(check_id, expected_revision)
    _move(check, "publish", actor=actor)
    claim = _lock(Claim, check.claim_id)
    if claim.status != ClaimStatus.CONFIRMED:
        raise DecisionError(
            f"Only a confirmed claim's verdict can be published; this claim is {claim.get_status_display().lower()}."
        )
    now = timezone.now()
    organisation = organisation_name()
    changes = ChangeSet()
    factcheck = changes.create(
        FactCheck,
        key=hashlib.sha256(f"desk\x1f{check.pk}\x1f{now.isoformat()}".encode()).hexdigest(),
        claim_reviewed=claim.text, headline=check.verdict if not check.explanation else check.explanation[:500],
        rating=check.verdict, fact_checker=organisation, claimant=claim.speaker.name if claim.speaker_id else "",
        published=timezone.localdate(now), source=f"desk check {check.pk}", source_format=FactCheckFormat.CLAIMREVIEW,
        external_id=f"desk-check-{check.pk}",
        linked_at=now,  # the desk's own review of this claim: not offered to the linker as a suggestion
    )
    changes.create(FactCheckLink, claim=claim, factcheck=factcheck, state=LinkState.CONFIRMED, relation=DESK_VERDICT_RELATION,
                   score=1.0, decided_by=actor if getattr(actor, "pk", None) else None, decided_at=now)
    _bump(changes, check, state=rules.next_state("publish"), factcheck=factcheck, published_at=now,
          published_by=actor if getattr(actor, "pk", None) else None)
    _emit(WebhookEvent.VERDICT, claim.pk, verdict={"state": "published", "rating": check.verdict, "by": organisation})
    record(actor=actor, action="publish_verdict", target=check, changes=changes, claim=claim,
           summary=f"Verdict published by {organisation}: {check.verdict}")
    return check


@transaction.atomic
def reopen_check(*, check_id: int, actor, expected_revision: int | None = None) -> DeskCheck:
    """Back to in progress; a published verdict is withdrawn from the library and the exports."""
    check = _locked_check(check_id, expected_revision)
    _move(check, "reopen", actor=actor)
    changes = ChangeSet()
    factcheck = FactCheck.objects.select_for_update().filter(pk=check.factcheck_id).first() if check.factcheck_id else None
    was_published = check.state == CheckState.PUBLISHED
    _bump(changes, check, state=rules.next_state("reopen"), factcheck=None, published_at=None, published_by=None,
          approved_by=None)
    if factcheck is not None:
        for link in FactCheckLink.objects.select_for_update().filter(factcheck=factcheck):
            changes.delete(link)
        changes.delete(factcheck)
    if was_published:
        _emit(WebhookEvent.VERDICT, check.claim_id,
              verdict={"state": "withdrawn", "rating": check.verdict, "by": organisation_name()})
    record(actor=actor, action="reopen_check", target=check, changes=changes, claim=check.claim,
           summary="Check reopened" + (": published verdict withdrawn" if was_published else ""))
    return check


def announce_undone_verdict(undone) -> None:
    """Called by ``undo`` once it restored a decision's rows: tell webhooks when that changed the published verdict.

    Undoing ``publish_verdict`` withdraws the verdict (``claim.verdict`` with ``"state":
    "withdrawn"``), as reopening does; undoing a ``reopen_check`` that withdrew one publishes it
    again (``"published"``). ``"undo": true`` tells the two apart from the moves themselves.
    """
    if undone.target_type != DeskCheck._meta.model_name or undone.action not in ("publish_verdict", "reopen_check"):
        return
    check = DeskCheck.objects.filter(pk=undone.target_id).first()
    if check is None:
        return
    if undone.action == "publish_verdict":
        state = "withdrawn"
    elif check.state == CheckState.PUBLISHED:
        state = "published"
    else:
        return  # the reopen withdrew nothing: nothing published changes
    _emit(WebhookEvent.VERDICT, check.claim_id,
          verdict={"state": state, "rating": check.verdict, "by": organisation_name(), "undo": True})


@transaction.atomic
def add_note(*, claim_id: int, actor, text: str) -> Note:
    """A plain-text note on a claim; @mentioned colleagues and the check's assignee are told."""
    claim = _lock(Claim, claim_id)
    text = (text or "").strip()
    if not text:
        raise DecisionError("A note needs some text.")
    if len(text) > MAX_NOTE_CHARS:
        raise DecisionError(f"A note is at most {MAX_NOTE_CHARS} characters ({len(text)} given).")
    names = notify.mentioned_usernames(text)
    users = {user.get_username(): user for user in get_user_model().objects.filter(username__in=names, is_active=True)}
    mentioned = [users[name] for name in names if name in users and roles.can_view(users[name])]
    changes = ChangeSet()
    note = changes.create(Note, claim=claim, author=actor if getattr(actor, "pk", None) else None, text=text,
                          mentions=[user.get_username() for user in mentioned])
    _tell(changes, recipients=mentioned, reason=NotificationReason.MENTIONED, claim=claim, actor=actor, note=note, body=text)
    assignee = DeskCheck.objects.filter(claim=claim).values_list("assignee", flat=True).first()
    if assignee and assignee not in {user.pk for user in mentioned}:
        _tell(changes, recipients=get_user_model().objects.filter(pk=assignee, is_active=True),
              reason=NotificationReason.NOTE_ON_YOUR_CHECK, claim=claim, actor=actor, note=note, body=text)
    record(actor=actor, action="add_note", target=note, changes=changes, claim=claim, summary=text[:200])
    return note
