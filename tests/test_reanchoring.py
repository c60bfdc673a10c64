"""Citations follow an article across versions, or are flagged; never moved silently."""
import pytest

from articles import services as article_services
from articles.importers import parse_text
from articles.models import Article, ArticleVersion
from claims import services
from claims.models import AnchorState, Citation
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

V1 = (
    "Opening paragraph about the budget.\n"
    "\u201cWe will cut the deficit by half within four years,\u201d Rivers said.\n"
    "Closing paragraph."
)


def import_version(text):
    return article_services.import_articles([parse_text(text, name="budget.txt", outlet="Desk Times")], source="budget.txt")[0]


def cite(article, fragment):
    claim = ClaimFactory()
    start = article.text.index(fragment)
    return services.cite_span(claim_id=claim.pk, article_id=article.pk, start=start, end=start + len(fragment), actor=None)


def test_reimporting_changed_text_makes_a_new_version_and_keeps_the_old():
    first = import_version(V1)
    second = import_version(V1.replace("Opening", "An updated opening"))
    assert first.status == "created" and second.status == "new_version" and first.article_id == second.article_id
    article = Article.objects.get(pk=first.article_id)
    assert article.version == 2
    assert list(ArticleVersion.objects.filter(article=article).values_list("number", flat=True)) == [1, 2]
    assert ArticleVersion.objects.get(article=article, number=1).text == V1
    assert import_version(V1.replace("Opening", "An updated opening")).status == "unchanged"


def test_citation_is_reanchored_when_text_moves():
    outcome = import_version(V1)
    article = Article.objects.get(pk=outcome.article_id)
    citation = cite(article, "We will cut the deficit by half")
    import_version("A new first paragraph was added.\n" + V1)
    counts = services.reanchor_citations(article_id=article.pk)
    citation.refresh_from_db()
    article.refresh_from_db()
    assert counts["reanchored"] == 1
    assert article.text[citation.start:citation.end] == "We will cut the deficit by half"
    assert citation.article_version == 2 and citation.content_hash == article.content_hash


def test_citation_survives_a_small_edit_by_fuzzy_search():
    outcome = import_version(V1)
    article = Article.objects.get(pk=outcome.article_id)
    citation = cite(article, "We will cut the deficit by half within four years")
    import_version(V1.replace("within four years", "within 4 years").replace("Opening", "Changed opening"))
    services.reanchor_citations(article_id=article.pk)
    citation.refresh_from_db()
    article.refresh_from_db()
    assert citation.anchor_state == AnchorState.REANCHORED
    assert "deficit by half" in article.text[citation.start:citation.end]


def test_citation_whose_text_is_gone_is_flagged_not_moved():
    outcome = import_version(V1)
    article = Article.objects.get(pk=outcome.article_id)
    citation = cite(article, "We will cut the deficit by half")
    old = (citation.start, citation.end)
    import_version("Opening paragraph about the budget.\nThe minister declined to comment.\nClosing paragraph.")
    services.reanchor_citations(article_id=article.pk)
    citation.refresh_from_db()
    assert citation.anchor_state == AnchorState.NEEDS_REVIEW
    assert (citation.start, citation.end) == old
    assert Citation.objects.needing_review().count() == 1
