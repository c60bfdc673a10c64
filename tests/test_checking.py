"""The desk's own checks: the workflow's moves as services (audited, undoable, refused with a reason),
who may sign off, notes with @mentions and what they tell (inbox, email), publication into the
library, the JSON-LD export and webhooks, the claim page's panel, the "For me" page and the API."""
from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from claims import services
from claims.checking import inbox
from claims.checking.models import CheckState, DeskCheck, Note, Notification, NotificationReason
from claims.models import ClaimStatus, FactCheck, FactCheckLink, LinkState, ReviewEvent, Webhook, WebhookDelivery
from tests.conftest import _user
from tests.factories import CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    return _user(django_user_model, "sam-second", "editor", email="sam@desk.example")


@pytest.fixture
def claim():
    return CitationFactory(claim__status=ClaimStatus.CONFIRMED).claim


def approved_check(claim, *, drafter, approver) -> DeskCheck:
    check = services.take_up_claim(claim_id=claim.pk, actor=drafter, assignee_id=drafter.pk)
    services.start_check(check_id=check.pk, actor=drafter)
    services.draft_verdict(check_id=check.pk, actor=drafter, verdict="False", explanation="Halved over eight years, not four.")
    return services.approve_verdict(check_id=check.pk, actor=approver)


def jsonld_export(user) -> dict:
    client = APIClient()
    client.force_login(user)
    response = client.get("/api/v1/exports/claims.jsonld")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def desk_reviews(document, claim) -> list[dict]:
    reviews = []
    for node in document["@graph"]:
        item = node.get("itemReviewed", node)
        if item.get("@type") == "Claim" and item.get("text") == claim.text or node.get("claimReviewed") == claim.text:
            reviews += [review for review in item.get("review", []) if review["author"]["name"] == "FactDesk"]
    return reviews


# --- the workflow -------------------------------------------------------------------------------

def test_a_claim_goes_from_to_check_to_published_and_every_move_is_in_its_history(claim, editor, second_editor):
    check = approved_check(claim, drafter=editor, approver=second_editor)
    assert check.state == CheckState.APPROVED and check.approved_by == second_editor
    services.publish_verdict(check_id=check.pk, actor=second_editor)
    check.refresh_from_db()
    assert check.state == CheckState.PUBLISHED and check.published_by == second_editor
    actions = list(ReviewEvent.objects.filter(claim=claim).order_by("id").values_list("action", flat=True))
    assert actions == ["take_up_claim", "start_check", "draft_verdict", "approve_verdict", "publish_verdict"]


def test_illegal_moves_are_refused_with_the_reason_and_change_nothing(claim, editor, second_editor):
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    with pytest.raises(services.DecisionError, match="only a drafted verdict can be approved"):
        services.approve_verdict(check_id=check.pk, actor=second_editor)
    with pytest.raises(services.DecisionError, match="start it first"):
        services.draft_verdict(check_id=check.pk, actor=editor, verdict="False")
    with pytest.raises(services.DecisionError, match="already taken up"):
        services.take_up_claim(claim_id=claim.pk, actor=editor)
    check.refresh_from_db()
    assert check.state == CheckState.TO_CHECK and ReviewEvent.objects.filter(claim=claim).count() == 1


def test_the_drafter_cannot_approve_or_publish_their_own_verdict_but_an_admin_may(claim, editor, desk_admin):
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    services.start_check(check_id=check.pk, actor=editor)
    assert DeskCheck.objects.get(pk=check.pk).assignee == editor  # the starter takes an unassigned check
    services.draft_verdict(check_id=check.pk, actor=editor, verdict="Misleading")
    with pytest.raises(services.DecisionError, match="another editor"):
        services.approve_verdict(check_id=check.pk, actor=editor)
    services.draft_verdict(check_id=check.pk, actor=desk_admin, verdict="False")  # the admin revises: now the drafter
    services.approve_verdict(check_id=check.pk, actor=desk_admin)
    services.publish_verdict(check_id=check.pk, actor=desk_admin)
    assert DeskCheck.objects.get(pk=check.pk).state == CheckState.PUBLISHED


def test_an_empty_or_overlong_verdict_and_a_non_editor_assignee_are_refused(claim, editor, viewer):
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    services.start_check(check_id=check.pk, actor=editor)
    with pytest.raises(services.DecisionError, match="needs a rating"):
        services.draft_verdict(check_id=check.pk, actor=editor, verdict="   ")
    with pytest.raises(services.DecisionError, match="at most 100"):
        services.draft_verdict(check_id=check.pk, actor=editor, verdict="x" * 101)
    with pytest.raises(services.DecisionError, match="active editor"):
        services.assign_check(check_id=check.pk, actor=editor, assignee_id=viewer.pk)


def test_a_stale_revision_is_a_conflict(claim, editor):
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    services.start_check(check_id=check.pk, actor=editor)
    with pytest.raises(services.Conflict):
        services.draft_verdict(check_id=check.pk, actor=editor, verdict="False", expected_revision=1)


def test_publishing_makes_a_desk_fact_check_in_the_library_and_the_jsonld_export(claim, editor, second_editor, settings):
    settings.FACTDESK_REVIEW_PUBLISHER = "FactDesk"
    check = approved_check(claim, drafter=editor, approver=second_editor)
    assert desk_reviews(jsonld_export(editor), claim) == []
    services.publish_verdict(check_id=check.pk, actor=second_editor)
    factcheck = FactCheck.objects.get(fact_checker="FactDesk")
    assert factcheck.rating == "False" and factcheck.claim_reviewed == claim.text
    assert FactCheckLink.objects.get(claim=claim, factcheck=factcheck).state == LinkState.CONFIRMED
    [review] = desk_reviews(jsonld_export(editor), claim)
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "False"


def test_a_published_verdict_is_locked_until_reopened_and_reopening_withdraws_it(claim, editor, second_editor):
    check = approved_check(claim, drafter=editor, approver=second_editor)
    services.publish_verdict(check_id=check.pk, actor=second_editor)
    with pytest.raises(services.DecisionError, match="published and locked"):
        services.draft_verdict(check_id=check.pk, actor=editor, verdict="True")
    with pytest.raises(services.DecisionError, match="published and locked"):
        services.assign_check(check_id=check.pk, actor=editor, assignee_id=second_editor.pk)
    services.reopen_check(check_id=check.pk, actor=editor)
    check.refresh_from_db()
    assert check.state == CheckState.IN_PROGRESS and check.factcheck is None
    assert not FactCheck.objects.exists() and not FactCheckLink.objects.exists()
    assert desk_reviews(jsonld_export(editor), claim) == []


def test_undoing_a_publication_withdraws_it_and_undoing_the_reopen_publishes_it_again(claim, editor, second_editor):
    check = approved_check(claim, drafter=editor, approver=second_editor)
    services.publish_verdict(check_id=check.pk, actor=second_editor)
    published = ReviewEvent.objects.get(action="publish_verdict")
    services.undo(event_id=published.pk, actor=editor)
    check.refresh_from_db()
    assert check.state == CheckState.APPROVED and not FactCheck.objects.exists()
    assert desk_reviews(jsonld_export(editor), claim) == []

    services.publish_verdict(check_id=check.pk, actor=second_editor)
    services.reopen_check(check_id=check.pk, actor=editor)
    services.undo(event_id=ReviewEvent.objects.get(action="reopen_check").pk, actor=editor)
    check.refresh_from_db()
    assert check.state == CheckState.PUBLISHED and check.factcheck.rating == "False"
    assert len(desk_reviews(jsonld_export(editor), claim)) == 1


def test_a_proposed_claims_verdict_cannot_be_published(editor, second_editor):
    claim = ClaimFactory(status=ClaimStatus.PROPOSED)
    check = approved_check(claim, drafter=editor, approver=second_editor)
    with pytest.raises(services.DecisionError, match="Only a confirmed claim"):
        services.publish_verdict(check_id=check.pk, actor=second_editor)


def test_publishing_and_withdrawing_are_announced_to_webhooks(claim, editor, second_editor, django_capture_on_commit_callbacks):
    Webhook.objects.create(name="CMS", url="https://cms.example.org/hook", secret="s", on_confirmed=False, on_cited=False,
                           on_merged=False)
    check = approved_check(claim, drafter=editor, approver=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_verdict(check_id=check.pk, actor=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_check(check_id=check.pk, actor=editor)
    payloads = [d.payload for d in WebhookDelivery.objects.order_by("id")]
    assert [(p["event"], p["verdict"]["state"], p["verdict"]["rating"]) for p in payloads] == [
        ("claim.verdict", "published", "False"), ("claim.verdict", "withdrawn", "False")]
    assert payloads[0]["claim"]["id"] == claim.pk


def test_undoing_a_publication_or_the_reopen_that_withdrew_it_is_announced_to_webhooks(
    claim, editor, second_editor, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="CMS", url="https://cms.example.org/hook", secret="s", on_confirmed=False, on_cited=False,
                           on_merged=False)
    check = approved_check(claim, drafter=editor, approver=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_verdict(check_id=check.pk, actor=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.undo(event_id=ReviewEvent.objects.get(action="publish_verdict").pk, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_verdict(check_id=check.pk, actor=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_check(check_id=check.pk, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.undo(event_id=ReviewEvent.objects.get(action="reopen_check").pk, actor=editor)
    verdicts = [d.payload["verdict"] for d in WebhookDelivery.objects.order_by("id")]
    assert [(v["state"], v["rating"], v.get("undo", False)) for v in verdicts] == [
        ("published", "False", False), ("withdrawn", "False", True),
        ("published", "False", False), ("withdrawn", "False", False), ("published", "False", True)]
    assert {d.payload["claim"]["id"] for d in WebhookDelivery.objects.all()} == {claim.pk}


def test_undoing_a_reopen_that_withdrew_nothing_announces_nothing(claim, editor, second_editor,
                                                                  django_capture_on_commit_callbacks):
    Webhook.objects.create(name="CMS", url="https://cms.example.org/hook", secret="s", on_confirmed=False, on_cited=False,
                           on_merged=False)
    check = approved_check(claim, drafter=editor, approver=second_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_check(check_id=check.pk, actor=editor)
        services.undo(event_id=ReviewEvent.objects.get(action="reopen_check").pk, actor=editor)
    assert not WebhookDelivery.objects.exists()


def test_the_desks_own_verdict_is_not_offered_as_not_this_claim_and_cannot_be_rejected(
    client, claim, editor, second_editor
):
    other = FactCheck.objects.create(key="harbour-1", claim_reviewed=claim.text, fact_checker="Harbour Fact Check",
                                     rating="False", source_format="plain")
    suggested = FactCheckLink.objects.create(claim=claim, factcheck=other, score=0.9, relation="verbatim")
    check = approved_check(claim, drafter=editor, approver=second_editor)
    services.publish_verdict(check_id=check.pk, actor=second_editor)
    desk_link = FactCheckLink.objects.get(claim=claim, factcheck__fact_checker="FactDesk")
    client.force_login(editor)
    page = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert page.count("Not this claim") == 1  # the other fact-checker's suggestion keeps it
    assert reverse("claims:factcheck-link-reject", args=[suggested.pk]) in page
    assert reverse("claims:factcheck-link-reject", args=[desk_link.pk]) not in page
    response = client.post(reverse("claims:factcheck-link-reject", args=[desk_link.pk]), follow=True)
    assert "reopen the check to withdraw it" in response.content.decode()
    api = APIClient()
    api.force_login(editor)
    refused = api.post(f"/api/v1/factcheck-links/{desk_link.pk}/reject/")
    assert refused.status_code == 400 and "reopen the check" in refused.content.decode()
    desk_link.refresh_from_db()
    assert desk_link.state == LinkState.CONFIRMED and len(desk_reviews(jsonld_export(editor), claim)) == 1


# --- notes and what they tell ---------------------------------------------------------------------

def test_a_note_tells_the_people_it_mentions_and_the_assignee_in_the_inbox_and_by_email(
    claim, editor, second_editor, desk_admin, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    desk_admin.email = "ada@desk.example"
    desk_admin.save()
    services.take_up_claim(claim_id=claim.pk, actor=editor, assignee_id=desk_admin.pk)
    with django_capture_on_commit_callbacks(execute=True):
        note = services.add_note(claim_id=claim.pk, actor=editor,
                                 text="@sam-second can you find the 2019 budget? Mail me at eddie@desk.example. @nobody")
    assert note.mentions == ["sam-second"]
    reasons = dict(Notification.objects.filter(note=note).values_list("recipient__username", "reason"))
    assert reasons == {"sam-second": NotificationReason.MENTIONED, "ada-admin": NotificationReason.NOTE_ON_YOUR_CHECK}
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@desk.example", "sam@desk.example"]
    assert "2019 budget" in mail.outbox[0].body
    assert inbox.unread_count(second_editor) == 1
    inbox.mark_all_read(second_editor)
    assert inbox.unread_count(second_editor) == 0


def test_no_email_goes_out_without_a_configured_backend(claim, editor, second_editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(claim_id=claim.pk, actor=editor, text="@sam-second look")
    assert mail.outbox == [] and Notification.objects.filter(recipient=second_editor).count() == 1


def test_undoing_a_note_removes_it_and_what_it_told_even_after_it_was_read(claim, editor, second_editor):
    note = services.add_note(claim_id=claim.pk, actor=editor, text="Ask @sam-second")
    inbox.mark_all_read(second_editor)
    services.undo(event_id=ReviewEvent.objects.get(action="add_note").pk, actor=editor)
    assert not Note.objects.filter(pk=note.pk).exists() and not Notification.objects.exists()


def test_an_empty_or_huge_note_is_refused(claim, editor):
    with pytest.raises(services.DecisionError, match="needs some text"):
        services.add_note(claim_id=claim.pk, actor=editor, text="  \n ")
    with pytest.raises(services.DecisionError, match="at most 5000"):
        services.add_note(claim_id=claim.pk, actor=editor, text="x" * 5001)


# --- screens -----------------------------------------------------------------------------------------

def test_the_claim_page_panel_escapes_notes_and_offers_only_the_open_moves(client, claim, editor, viewer):
    services.add_note(claim_id=claim.pk, actor=editor, text="<script>alert(1)</script> checked")
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    client.force_login(editor)
    page = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; checked" in page and "<script>alert(1)" not in page
    assert "Start checking" in page and "Publish verdict" not in page
    client.force_login(viewer)
    page = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "To check" in page and "Start checking" not in page
    assert client.post(reverse("claims:check-start", args=[check.pk])).status_code == 403


def test_a_refused_move_on_the_screen_says_why(client, claim, editor):
    check = services.take_up_claim(claim_id=claim.pk, actor=editor)
    client.force_login(editor)
    response = client.post(reverse("claims:check-approve", args=[check.pk]), follow=True)
    assert "only a drafted verdict can be approved" in response.content.decode()
    response = client.post(reverse("claims:check-draft", args=[check.pk]), {"verdict": ""},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400


def test_the_for_me_page_lists_my_checks_and_mentions_with_unread_state(client, claim, editor, second_editor):
    services.take_up_claim(claim_id=claim.pk, actor=editor, assignee_id=second_editor.pk)
    services.add_note(claim_id=claim.pk, actor=editor, text="@sam-second the source is in the 2019 budget")
    client.force_login(second_editor)
    page = client.get(reverse("claims:for-me")).content.decode()
    assert f"Claim {claim.pk}" in page and "2 unread" in page and "the source is in the 2019 budget" in page
    client.post(reverse("claims:for-me-read"))
    assert "0 unread" in client.get(reverse("claims:for-me")).content.decode()
    client.force_login(editor)
    assert "No open checks are assigned to you" in client.get(reverse("claims:for-me")).content.decode()


# --- API -------------------------------------------------------------------------------------------------

def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def test_the_api_works_a_check_through_with_per_role_permissions(claim, editor, second_editor, viewer):
    response = api(viewer).post("/api/v1/desk-checks/", {"claim": claim.pk}, format="json")
    assert response.status_code == 403
    assert api(None).get("/api/v1/desk-checks/").status_code in (401, 403)
    response = api(editor).post("/api/v1/desk-checks/", {"claim": claim.pk, "assignee": "eddie-editor"}, format="json")
    assert response.status_code == 201, response.content
    check_id = response.json()["id"]
    assert response.json()["moves"] == ["start"]
    assert api(editor).post(f"/api/v1/desk-checks/{check_id}/start/", {}, format="json").status_code == 200
    response = api(editor).post(f"/api/v1/desk-checks/{check_id}/draft/", {"verdict": "False"}, format="json")
    assert response.json()["state"] == "drafted"
    refused = api(editor).post(f"/api/v1/desk-checks/{check_id}/approve/", {}, format="json")
    assert refused.status_code == 400 and "another editor" in refused.json()["detail"]
    assert api(second_editor).post(f"/api/v1/desk-checks/{check_id}/approve/", {}, format="json").status_code == 200
    assert api(viewer).post(f"/api/v1/desk-checks/{check_id}/publish/", {}, format="json").status_code == 403
    published = api(second_editor).post(f"/api/v1/desk-checks/{check_id}/publish/", {}, format="json").json()
    assert published["state"] == "published" and published["factcheck"]
    note = api(editor).post("/api/v1/notes/", {"claim": claim.pk, "text": "Done, @sam-second"}, format="json")
    assert note.status_code == 201 and note.json()["mentions"] == ["sam-second"]

    detail = api(viewer).get(f"/api/v1/claims/{claim.pk}/").json()
    assert detail["desk_check"]["check"]["state"] == "published" and detail["desk_check"]["check"]["verdict"] == "False"
    assert [n["text"] for n in detail["desk_check"]["notes"]] == ["Done, @sam-second"]
    assert "desk_check" not in api(viewer).get("/api/v1/claims/").json()["results"][0]
    assert api(viewer).get("/api/v1/desk-checks/", {"state": "published"}).json()["results"][0]["id"] == check_id


def test_the_api_answers_bad_input_with_a_clear_400(claim, editor):
    assert api(editor).post("/api/v1/desk-checks/", {"claim": "x"}, format="json").status_code == 400
    response = api(editor).post("/api/v1/desk-checks/", {"claim": claim.pk, "assignee": "nobody"}, format="json")
    assert response.status_code == 400 and "nobody" in json.dumps(response.json())
    response = api(editor).post("/api/v1/desk-checks/", {"claim": 999999}, format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["detail"]
    assert api(editor).post("/api/v1/notes/", {"claim": claim.pk, "text": ""}, format="json").status_code == 400


def test_a_viewer_who_was_mentioned_can_mark_their_inbox_read_but_not_decide(client, claim, editor, viewer):
    services.add_note(claim_id=claim.pk, actor=editor, text="FYI @vera-viewer")
    client.force_login(viewer)
    assert "1 unread" in client.get(reverse("claims:for-me")).content.decode()
    assert client.post(reverse("claims:for-me-read")).status_code == 302
    assert inbox.unread_count(viewer) == 0
    assert client.post(reverse("claims:note-add", args=[claim.pk]), {"text": "me too"}).status_code == 403
