"""export_all / import_all round-trip the whole desk."""
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


@pytest.mark.django_db
def test_import_all_refuses_a_database_that_is_not_empty(tmp_path):
    ArticleFactory()
    with pytest.raises(CommandError, match="already holds"):
        call_command("import_all", str(tmp_path / "missing.json"))
