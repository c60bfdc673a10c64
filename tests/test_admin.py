"""The Django admin: every changelist loads without N+1 queries; actions go through the services and say what they did."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from claims import services
from claims.models import (
    ArticleExtraction,
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimShingle,
    ClaimStatus,
    ExtractionStatus,
    Match,
    MatchRelation,
    MatchState,
    ReviewEvent,
    Speaker,
    SpeakerRole,
)
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def claimed_candidate(article, speaker):
    candidate = CandidateFactory(article=article, speaker=speaker)
    claim = ClaimFactory(speaker=speaker, text=candidate.text.strip("\u201c\u201d, "), first_article=article,
                         first_reported_at=article.published_at)
    CitationFactory(claim=claim, article=article, candidate=candidate, start=candidate.start, end=candidate.end)
    Candidate.objects.filter(pk=candidate.pk).update(claim=claim)
    candidate.refresh_from_db()
    return candidate, claim


def fill(n):
    """``n`` articles across three outlets, each with extraction state, a claimed candidate, a match and events."""
    outlets = [OutletFactory(name=f"Admin Outlet {i}") for i in range(3)]
    speakers = [SpeakerFactory() for _ in range(3)]
    rows = []
    for i in range(n):
        article = ArticleFactory(outlet=outlets[i % 3])
        speaker = speakers[i % 3]
        SpeakerRole.objects.get_or_create(speaker=speaker, normalized=f"role {i % 3}", defaults={"role": f"Role {i % 3}"})
        ArticleExtraction.objects.create(article=article, status=ExtractionStatus.DONE if i % 4 else ExtractionStatus.FAILED,
                                         candidate_count=1, error="" if i % 4 else "boom")
        candidate, claim = claimed_candidate(article, speaker)
        ClaimShingle.objects.create(claim=claim, value=1000 + i)
        rows.append((article, candidate, claim))
    for (_, candidate, _), (_, _, claim) in zip(rows, rows[1:]):
        Match.objects.create(candidate=candidate, claim=claim, score=0.8, relation=MatchRelation.PARAPHRASE)
    for _, _, claim in rows[: n // 2]:
        ReviewEvent.objects.create(action="edit_claim", target_type="claim", target_id=claim.pk, claim=claim, summary="x")
    return rows


def claims_admin_models():
    return [model for model in admin.site._registry if model._meta.app_label == "claims"] + [Article]


def changelist_queries(client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (model, response.status_code)
    return len(ctx.captured_queries)


def test_every_claims_model_is_registered():
    registered = set(admin.site._registry)
    for name in ("Speaker", "SpeakerAlias", "SpeakerRole", "ArticleExtraction", "Candidate", "Claim", "ClaimShingle",
                 "Citation", "Match", "ReviewEvent"):
        from django.apps import apps

        assert apps.get_model("claims", name) in registered, name


def test_article_admin_has_the_candidates_and_extraction_inlines(client, desk_admin):
    client.force_login(desk_admin)
    article, candidate, _ = fill(1)[0]
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Candidates" in html and candidate.text[:30].replace("\u201c", "") in html.replace("\u201c", "")
    assert "Article extraction" in html


def test_claim_admin_has_citation_and_audit_inlines(client, desk_admin):
    client.force_login(desk_admin)
    _, _, claim = fill(1)[0]
    html = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Citations" in html and "Audit events" in html


def test_changelists_load_with_the_same_number_of_queries_for_3_or_30_rows(client, desk_admin):
    client.force_login(desk_admin)
    fill(3)
    small = {model: changelist_queries(client, model) for model in claims_admin_models()}
    fill(27)
    for model in claims_admin_models():
        large = changelist_queries(client, model)
        assert large == small[model], f"{model.__name__}: {small[model]} queries for 3 rows, {large} for 30 (N+1)"
        assert large <= 16, f"{model.__name__}: {large} queries"


def _messages(response):
    return [m.message for m in response.context["messages"]]


def post_action(client, model, action, ids, app="claims"):
    url = reverse(f"admin:{app}_{model._meta.model_name}_changelist")
    response = client.post(url, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True)
    assert response.status_code == 200
    return " | ".join(_messages(response))


def test_confirm_and_reject_candidates_actions(client, desk_admin):
    client.force_login(desk_admin)
    rows = fill(3)
    ids = [c.pk for _, c, _ in rows]
    text = post_action(client, Candidate, "confirm", ids[:2])
    assert "Confirmed 2 candidate(s)." in text
    assert set(Candidate.objects.filter(pk__in=ids[:2]).values_list("status", flat=True)) == {CandidateStatus.CONFIRMED}
    assert ReviewEvent.objects.filter(action="confirm_candidate", actor=desk_admin).count() == 2
    text = post_action(client, Candidate, "reject", ids)
    assert "Rejected 1 candidate(s)." in text and "2 refused" in text and "already confirmed" in text
    assert Candidate.objects.get(pk=ids[2]).status == CandidateStatus.REJECTED


def test_confirm_reject_and_merge_claims_actions(client, desk_admin):
    client.force_login(desk_admin)
    speaker = SpeakerFactory()
    claims = []
    for outlet in ("One", "Two", "Three"):
        _, claim = claimed_candidate(ArticleFactory(outlet=OutletFactory(name=outlet)), speaker)
        claims.append(claim)
    text = post_action(client, Claim, "merge_into_oldest", [c.pk for c in claims])
    oldest = min(claims, key=lambda c: (c.created_at, c.pk))
    assert f"Merged 2 claim(s) into claim {oldest.pk}." in text
    assert Citation.objects.filter(claim=oldest).count() == 3
    assert Claim.objects.filter(status=ClaimStatus.MERGED, merged_into=oldest).count() == 2
    text = post_action(client, Claim, "confirm", [oldest.pk])
    assert "Confirmed 1 claim(s)." in text
    text = post_action(client, Claim, "confirm", [oldest.pk])
    assert "1 refused" in text and "Only a proposed claim" in text
    text = post_action(client, Claim, "reject", [oldest.pk])
    assert "Rejected 1 claim(s)." in text
    assert Claim.objects.get(pk=oldest.pk).status == ClaimStatus.REJECTED


def test_merge_needs_two_claims(client, desk_admin):
    client.force_login(desk_admin)
    _, _, claim = fill(1)[0]
    assert "Select at least two claims" in post_action(client, Claim, "merge_into_oldest", [claim.pk])


def test_accept_and_reject_matches_actions(client, desk_admin):
    client.force_login(desk_admin)
    fill(3)
    first, second = Match.objects.order_by("pk")
    text = post_action(client, Match, "accept", [first.pk])
    assert "Accepted 1 match(es)." in text
    first.refresh_from_db()
    assert first.state == MatchState.ACCEPTED and first.decided_by == desk_admin
    assert Citation.objects.filter(claim=first.claim, candidate=first.candidate).exists()
    text = post_action(client, Match, "reject", [first.pk, second.pk])
    assert "Rejected 1 match(es)." in text and "already accepted" in text
    assert Match.objects.get(pk=second.pk).state == MatchState.REJECTED


def test_rerun_extraction_actions_queue_the_articles(client, desk_admin):
    client.force_login(desk_admin)
    rows = fill(2)
    article_ids = [a.pk for a, _, _ in rows]
    text = post_action(client, Article, "rerun_extraction", article_ids, app="articles")
    assert "Queued 2 articles for extraction again" in text
    assert set(ArticleExtraction.objects.filter(article_id__in=article_ids).values_list("status", flat=True)) == {
        ExtractionStatus.QUEUED
    }
    text = post_action(client, ArticleExtraction, "rerun_extraction", article_ids[:1])
    assert "Queued 1 article for extraction again" in text


def test_undo_action_on_the_audit_log(client, desk_admin):
    client.force_login(desk_admin)
    _, candidate, _ = fill(1)[0]
    services.confirm_candidate(candidate_id=candidate.pk, actor=desk_admin)
    event = ReviewEvent.objects.get(action="confirm_candidate")
    text = post_action(client, ReviewEvent, "undo", [event.pk])
    assert "Undid 1 decision(s)." in text
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.PENDING


def test_merge_speakers_action(client, desk_admin):
    client.force_login(desk_admin)
    a, b = SpeakerFactory(name="Ann Example"), SpeakerFactory(name="A. Example")
    text = post_action(client, Speaker, "merge_into_oldest", [a.pk, b.pk])
    assert f"Merged 1 speaker(s) into speaker {a.pk}." in text
    assert Speaker.objects.get(pk=b.pk).merged_into_id == a.pk


def test_rating_edit_in_the_admin_is_an_audited_decision(client, desk_admin):
    client.force_login(desk_admin)
    _, _, claim = fill(1)[0]
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {"rating": "False", "rating_explanation": "The figures say otherwise.",
            "citations-TOTAL_FORMS": "1", "citations-INITIAL_FORMS": "1", "citations-MIN_NUM_FORMS": "0",
            "citations-MAX_NUM_FORMS": "1000", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000",
            "citations-0-id": str(claim.citations.get().pk), "citations-0-claim": str(claim.pk)}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.rating == "False"
    assert ReviewEvent.objects.filter(action="edit_claim", claim=claim, actor=desk_admin).exists()


def test_viewer_and_editor_cannot_open_the_admin(client, viewer, editor):
    for user in (viewer, editor):
        client.force_login(user)
        response = client.get(reverse("admin:claims_claim_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response.url


# --------------------------------------------------------------------------- one door: no raw delete, edits through services


def change_form_data(response):
    """What the browser would post back unchanged: the change form's fields and every inline's management data."""
    from django.forms import MultiWidget

    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            html_name = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{html_name}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[html_name] = "on"
            else:
                data[html_name] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = str(value)
        for form in formset.initial_forms:
            add(form)
    return data


def editorial_rows():
    """One of each editorial record, linked as the pipeline links them, with an audit event."""
    _, candidate, claim = fill(2)[0]
    services.confirm_candidate(candidate_id=candidate.pk, actor=None)
    return {
        Article: candidate.article,
        Candidate: candidate,
        Claim: claim,
        Citation: claim.citations.get(),
        Match: Match.objects.first(),
        ReviewEvent: ReviewEvent.objects.get(action="confirm_candidate"),
        Speaker: claim.speaker,
    }


def test_the_admin_offers_no_raw_delete_and_says_what_to_do_instead(client, desk_admin):
    client.force_login(desk_admin)
    rows = editorial_rows()
    counts = {model: model.objects.count() for model in rows}
    for model, obj in rows.items():
        opts = model._meta
        delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        for response in (client.get(delete_url), client.post(delete_url, {"post": "yes"})):
            assert response.status_code == 403, model
            said = response.content.decode()
            assert "cannot be deleted" in said and "instead" in said and f'href="{change_url}"' in said, (model, said)
        assert model.objects.filter(pk=obj.pk).exists(), model
        page = client.get(change_url).content.decode()
        assert delete_url not in page and "deletelink" not in page, model
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert "delete_selected" not in changelist.content.decode(), model
        client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                    {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"})
        assert model.objects.filter(pk=obj.pk).exists(), model
    assert {model: model.objects.count() for model in rows} == counts
    candidate = Candidate.objects.get(pk=rows[Candidate].pk)
    assert candidate.claim_id == rows[Claim].pk and candidate.claim.citations.exists()


def test_the_alias_inline_cannot_delete_an_alias_around_the_service(client, desk_admin):
    client.force_login(desk_admin)
    speaker = SpeakerFactory(name="Noor Haddad")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    data = change_form_data(client.get(url))
    data["aliases-0-DELETE"] = "on"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not speaker.aliases.exists()
    event = ReviewEvent.objects.get(action="edit_speaker", target_id=speaker.pk)
    assert event.actor == desk_admin
    services.undo(event_id=event.pk, actor=desk_admin)
    assert list(speaker.aliases.values_list("alias", flat=True)) == ["Noor Haddad"]


def test_aliases_added_in_the_speaker_admin_are_found_by_lookup_audited_and_undoable(client, desk_admin):
    client.force_login(desk_admin)
    speaker = SpeakerFactory(name="Margarethe Vestager-Holm")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    data = change_form_data(client.get(url))
    existing = int(data["aliases-TOTAL_FORMS"])
    for i, alias in enumerate(["Commissioner Vestager-Holm", "M. Vestager-Holm"], start=existing):
        data.update({f"aliases-{i}-alias": alias, f"aliases-{i}-id": "", f"aliases-{i}-speaker": str(speaker.pk)})
    data["aliases-TOTAL_FORMS"] = str(existing + 2)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200 and not response.context.get("errors"), _messages(response)
    assert speaker.aliases.count() == existing + 2 and not speaker.aliases.filter(normalized="").exists()
    assert services.speaker_by_name("commissioner vestager-holm") == speaker
    assert services.speaker_by_name("M. Vestager-Holm") == speaker
    event = ReviewEvent.objects.get(action="edit_speaker", target_id=speaker.pk)
    assert event.actor == desk_admin
    services.undo(event_id=event.pk, actor=desk_admin)
    assert speaker.aliases.count() == existing


def test_speaker_name_kind_and_role_edits_in_the_admin_are_audited_and_undoable(client, desk_admin):
    client.force_login(desk_admin)
    speaker = SpeakerFactory(name="Tomas Lindqvist")
    SpeakerRole.objects.create(speaker=speaker, role="Finance Minister", normalized="finance minister")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    data = change_form_data(client.get(url))
    data["name"] = "Tomas Lindqvist-Berg"
    data["roles-0-DELETE"] = "on"
    total = int(data["roles-TOTAL_FORMS"])
    data.update({f"roles-{total}-role": "Prime Minister", f"roles-{total}-id": "", f"roles-{total}-speaker": str(speaker.pk)})
    data["roles-TOTAL_FORMS"] = str(total + 1)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200 and not response.context.get("errors"), _messages(response)
    speaker.refresh_from_db()
    assert speaker.name == "Tomas Lindqvist-Berg"
    assert list(speaker.roles.values_list("role", "normalized")) == [("Prime Minister", "prime minister")]
    event = ReviewEvent.objects.get(action="edit_speaker", target_id=speaker.pk)
    assert event.actor == desk_admin
    services.undo(event_id=event.pk, actor=desk_admin)
    speaker.refresh_from_db()
    assert speaker.name == "Tomas Lindqvist"
    assert list(speaker.roles.values_list("role", flat=True)) == ["Finance Minister"]


def test_the_alias_and_role_admins_are_read_only_so_edits_go_through_the_speaker_page(client, desk_admin):
    from claims.models import SpeakerAlias

    client.force_login(desk_admin)
    speaker = SpeakerFactory(name="Ines Carvalho")
    alias = speaker.aliases.get()
    role = SpeakerRole.objects.create(speaker=speaker, role="Mayor", normalized="mayor")
    for model, obj, edit in ((SpeakerAlias, alias, {"alias": "Someone Else"}), (SpeakerRole, role, {"role": "Governor"})):
        opts = model._meta
        assert client.get(reverse(f"admin:claims_{opts.model_name}_add")).status_code == 403
        url = reverse(f"admin:claims_{opts.model_name}_change", args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200 and "edited on the speaker" in page.content.decode()
        assert client.post(url, {**edit, "speaker": str(speaker.pk)}).status_code == 403
    assert SpeakerAlias.objects.get(pk=alias.pk).alias == "Ines Carvalho"
    assert SpeakerRole.objects.get(pk=role.pk).role == "Mayor"


def test_article_metadata_edits_are_audited_undoable_and_move_first_reported(client, desk_admin):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(desk_admin)
    speaker = SpeakerFactory()
    now = timezone.now().replace(microsecond=0, second=0)
    earlier = ArticleFactory(published_at=now - timedelta(days=10))
    later = ArticleFactory(published_at=now - timedelta(days=2))
    _, claim = claimed_candidate(earlier, speaker)
    CitationFactory(claim=claim, article=later)
    assert claim.first_article == earlier

    url = reverse("admin:articles_article_change", args=[later.pk])
    data = change_form_data(client.get(url))
    moved = timezone.localtime(now - timedelta(days=30))
    data.update({"title": "Corrected headline", "byline": "A. Reporter",
                 "published_at_0": moved.date().isoformat(), "published_at_1": moved.time().isoformat()})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200 and not response.context.get("errors"), _messages(response)
    later.refresh_from_db()
    claim.refresh_from_db()
    assert (later.title, later.byline, later.published_at) == ("Corrected headline", "A. Reporter", moved)
    assert claim.first_article == later and claim.first_reported_at == moved
    event = ReviewEvent.objects.get(action="edit_article", target_id=later.pk)
    assert event.actor == desk_admin and "published" in event.summary

    services.undo(event_id=event.pk, actor=desk_admin)
    later.refresh_from_db()
    claim.refresh_from_db()
    assert later.title != "Corrected headline" and later.published_at == now - timedelta(days=2)
    assert claim.first_article == earlier and claim.first_reported_at == earlier.published_at


def test_respelling_an_alias_in_the_speaker_admin_keeps_it(client, desk_admin):
    client.force_login(desk_admin)
    speaker = SpeakerFactory(name="Noor Haddad")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    data = change_form_data(client.get(url))
    data["aliases-0-alias"] = "NOOR HADDAD"
    assert client.post(url, data, follow=True).status_code == 200
    assert list(speaker.aliases.values_list("alias", flat=True)) == ["NOOR HADDAD"]
    assert services.speaker_by_name("Noor Haddad") == speaker
