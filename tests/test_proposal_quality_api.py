"""``/api/v1/proposal-quality/``: the Operations page's proposal quality, in the API."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import services
from claims.models import Match, MatchRelation
from tests.factories import CandidateFactory, ClaimFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/proposal-quality/"


@pytest.fixture
def reader(viewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    return client


def test_the_api_gives_acceptance_by_kind_and_by_relation_and_score_band(reader, editor, django_assert_max_num_queries):
    for candidate in [CandidateFactory(kind="direct") for _ in range(3)][:2]:
        services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    services.reject_candidate(candidate_id=CandidateFactory(kind="direct").pk, actor=editor)
    claim = ClaimFactory()
    weak = [Match.objects.create(candidate=CandidateFactory(), claim=claim, score=0.55, relation=MatchRelation.PARAPHRASE)
            for _ in range(9)]
    services.accept_match(match_id=weak[0].pk, actor=editor)
    for match in weak[1:]:
        services.reject_match(match_id=match.pk, actor=editor)

    with django_assert_max_num_queries(6):
        response = reader.get(URL)

    assert response.status_code == 200
    body = response.json()
    direct = next(row for row in body["by_kind"] if row["label"] == "direct")
    assert (direct["accepted"], direct["rejected"], direct["decided"]) == (2, 1, 3)
    assert body["matches"] == [{"label": "paraphrase, below 0.60", "relation": "paraphrase", "band": "below 0.60",
                                "accepted": 1, "rejected": 8, "decided": 9, "acceptance": 0.11, "one_in": 9}]
    assert {"by_outlet", "by_version"} <= set(body)


def test_a_signed_out_caller_is_refused_and_an_unknown_parameter_named(reader):
    assert APIClient().get(URL).status_code in (401, 403)
    response = reader.get(URL, {"page": 2})
    assert response.status_code == 400 and "page" in response.json()
