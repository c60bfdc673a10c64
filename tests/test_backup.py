"""export_all / import_all round-trip the whole desk."""
import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleVersion
from claims import services
from claims.models import Citation, Claim, ReviewEvent, Speaker
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SpeakerFactory


def desk_state():
    return {
        "articles": sorted(Article.objects.values_list("pk", "text", "content_hash", "version")),
        "versions": sorted(ArticleVersion.objects.values_list("article_id", "number", "content_hash")),
        "claims": sorted(Claim.objects.values_list("pk", "text", "status", "speaker_id", "merged_into_id")),
        "citations": sorted(Citation.objects.values_list("pk", "claim_id", "article_id", "start", "end", "quote")),
        "speakers": sorted(Speaker.objects.values_list("pk", "name")),
        "events": sorted(ReviewEvent.objects.values_list("pk", "action", "actor__username", "undone_at")),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
    }


@pytest.mark.django_db(transaction=True)
def test_export_all_then_import_all_restores_everything(tmp_path, editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    a, b = ClaimFactory(speaker=speaker), ClaimFactory(speaker=speaker)
    CitationFactory(claim=a, article=ArticleFactory())
    CitationFactory(claim=b, article=ArticleFactory())
    services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor)
    services.confirm_claim(claim_id=b.pk, actor=editor)
    before = desk_state()
    backup = tmp_path / "desk.json.gz"
    call_command("export_all", str(backup))
    call_command("flush", "--noinput", verbosity=0)
    assert Article.objects.count() == 0
    call_command("import_all", str(backup))
    assert desk_state() == before


def _as_backed_up(value):
    # The JSON backup keeps timestamps to the millisecond (Django's JSON encoder), not the microsecond.
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def every_row():
    """Every row of every desk table, users, roles and tokens included, field by field.

    Permission rows are recreated by the migrations with their own ids; groups refer to them
    by natural key, so what must survive is each group's set of permission codenames.
    """
    from django.apps import apps

    rows = {
        model._meta.label: sorted(repr(tuple(map(_as_backed_up, row))) for row in model._default_manager.values_list())
        for model in apps.get_models()
        if model._meta.app_label in ("articles", "claims", "auth", "authtoken") and model._meta.label != "auth.Permission"
    }
    rows["group permissions"] = sorted(Group.objects.values_list("name", "permissions__codename"), key=repr)
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_restored_desk_is_identical_row_for_row_and_keeps_working(tmp_path, editor, desk_admin):
    from rest_framework.authtoken.models import Token

    from articles.models import Feed
    from claims.models import ArticleExtraction, Match, SpeakerRole
    from tests.factories import CandidateFactory

    speaker = SpeakerFactory(name="Jane Rivers")
    SpeakerRole.objects.create(speaker=speaker, role="Finance Minister", normalized="finance minister")
    candidate = CandidateFactory(speaker=speaker)
    services.confirm_candidate(candidate_id=candidate.pk, actor=editor)  # a claim with a citation, embedding and shingles
    candidate.refresh_from_db()
    other = ClaimFactory(speaker=speaker)
    CitationFactory(claim=other, article=ArticleFactory(outlet=candidate.article.outlet))
    Match.objects.create(candidate=CandidateFactory(speaker=speaker), claim=other, score=0.7, relation="paraphrase",
                         evidence={"shared": ["deficit"]})
    services.merge_claims(source_id=other.pk, target_id=candidate.claim_id, actor=editor)
    ArticleExtraction.objects.create(article=candidate.article, status="done", extractor_version="test",
                                     content_hash=candidate.article.content_hash, candidate_count=1)
    Feed.objects.create(url="https://news.example/feed.xml", outlet=candidate.article.outlet)
    Token.objects.create(user=editor)
    before = every_row()
    backup = tmp_path / "desk.json.gz"
    call_command("export_all", str(backup))
    call_command("flush", "--noinput", verbosity=0)
    call_command("import_all", str(backup))
    after = every_row()
    differing = {label: (rows, after[label]) for label, rows in before.items() if after[label] != rows}
    assert not differing, "\n".join(f"{label}:\n  before {b[:2]}\n  after  {a[:2]}" for label, (b, a) in differing.items())
    # The audit log still works after a restore: the merge can be undone, and new rows get fresh ids.
    merge = ReviewEvent.objects.get(action="merge_claims")
    services.undo(event_id=merge.pk, actor=desk_admin)
    other.refresh_from_db()
    assert other.status == "proposed" and other.citations.count() == 1
    assert ReviewEvent.objects.filter(undo_of=merge, actor=desk_admin).exists()


@pytest.mark.django_db
def test_import_all_refuses_a_database_that_is_not_empty(tmp_path):
    ArticleFactory()
    with pytest.raises(CommandError, match="already holds"):
        call_command("import_all", str(tmp_path / "missing.json"))
