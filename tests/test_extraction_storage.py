"""Extraction results as the desk stores them: a statement its speaker denied, declined, did not
make, only believed or only intends is stored marked as such, never as what they asserted, and
the review queue's filter can leave those out."""
import pytest

from claims import services
from claims.extraction import EXTRACTOR_VERSION, extract
from claims.models import Candidate, CandidateStance
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Defence Secretary Ruth Adler spoke in Brussels on Thursday.\n"
    "Adler rejected suggestions that Washington had abandoned its allies.\n"
    "She said the alliance would grow stronger next year.\n"
    "Adler declined to comment on the budget.\n"
    "She did not claim that the talks had failed.\n"
    "Adler hoped that the ministers would agree by May.\n"
    "Adler plans to visit Kyiv in the spring."
)


def stored_stances():
    article = ArticleFactory(text=TEXT)
    services.store_extraction(article_id=article.pk, content_hash=article.content_hash, extracted=extract(TEXT),
                              extractor_version=EXTRACTOR_VERSION)
    return article, dict(Candidate.objects.filter(article=article).exclude(kind="checkworthy").values_list("text", "stance"))


def test_each_statement_is_stored_with_whether_its_speaker_asserted_it():
    _article, stances = stored_stances()
    assert stances == {
        "suggestions that Washington had abandoned its allies": CandidateStance.DENIED,
        "the alliance would grow stronger next year": CandidateStance.ASSERTED,
        "to comment on the budget": CandidateStance.DECLINED,
        "the talks had failed": CandidateStance.UNASSERTED,
        "the ministers would agree by May": CandidateStance.BELIEF,
        "to visit Kyiv in the spring": CandidateStance.INTENTION,
    }


def test_the_queue_filter_can_show_only_what_speakers_asserted(editor_client):
    article, _stances = stored_stances()
    asserted = editor_client.get("/api/v1/candidates/", {"article": article.pk, "stance": "asserted"}).json()["results"]
    assert [row["text"] for row in asserted if row["kind"] != "checkworthy"] == ["the alliance would grow stronger next year"]
    denied_or_declined = editor_client.get(
        "/api/v1/candidates/", {"article": article.pk, "stance": ["denied", "declined"]}
    ).json()["results"]
    assert {row["text"] for row in denied_or_declined} == {
        "suggestions that Washington had abandoned its allies", "to comment on the budget",
    }
    refused = editor_client.get("/api/v1/candidates/", {"stance": "maybe"})
    assert refused.status_code == 400 and "stance" in refused.json()
