"""The Operations page: rate and estimated time to an empty backlog, in articles."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ArticleExtraction, ExtractionStatus
from claims.ops import backlog_estimate
from tests.factories import ArticleFactory


def test_the_estimate_is_articles_waiting_over_articles_a_minute():
    assert backlog_estimate(waiting=300, extracted_recently=100) == {
        "per_minute": 10.0, "waiting": 300, "minutes_left": 30, "window_minutes": 10}
    assert backlog_estimate(waiting=0, extracted_recently=0)["minutes_left"] == 0
    assert backlog_estimate(waiting=5, extracted_recently=0)["minutes_left"] is None
    assert backlog_estimate(waiting=1, extracted_recently=500)["minutes_left"] == 1


@pytest.mark.django_db
def test_operations_page_shows_rate_and_estimate_and_refreshes_itself(editor_client):
    now = timezone.now()
    for _ in range(20):
        ArticleExtraction.objects.create(article=ArticleFactory(), status=ExtractionStatus.DONE,
                                         finished_at=now - timedelta(minutes=3))
    for _ in range(40):
        ArticleExtraction.objects.create(article=ArticleFactory(), status=ExtractionStatus.QUEUED)
    html = editor_client.get(reverse("claims:operations")).content.decode()
    assert "<strong data-rate>2.0</strong> articles a minute" in html
    assert "<strong data-waiting>40</strong> articles waiting" in html
    assert "about 20 minutes to an empty backlog" in html
    assert 'data-refresh="15"' in html


@pytest.mark.django_db
def test_operations_page_measures_how_editors_decided_the_desks_proposals(editor_client, editor):
    from claims import services
    from claims.models import Match, MatchRelation
    from claims.ops import proposal_quality
    from tests.factories import CandidateFactory, ClaimFactory

    kept = [CandidateFactory(kind="direct") for _ in range(3)]
    noise = [CandidateFactory(kind="checkworthy", speaker=None) for _ in range(4)]
    for candidate in kept[:2] + noise[:1]:
        services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    for candidate in kept[2:] + noise[1:]:
        services.reject_candidate(candidate_id=candidate.pk, actor=editor)
    claim = ClaimFactory()
    weak = [Match.objects.create(candidate=CandidateFactory(), claim=claim, score=0.55, relation=MatchRelation.PARAPHRASE)
            for _ in range(9)]
    services.accept_match(match_id=weak[0].pk, actor=editor)
    for match in weak[1:]:
        services.reject_match(match_id=match.pk, actor=editor)

    quality = proposal_quality()
    by_kind = {row["label"]: row for row in quality["by_kind"]}
    assert (by_kind["direct"]["accepted"], by_kind["direct"]["rejected"]) == (2, 1)
    assert by_kind["checkworthy"]["acceptance"] == 0.25
    assert quality["matches"] == [{"label": "paraphrase, below 0.60", "relation": "paraphrase", "band": "below 0.60",
                                   "accepted": 1, "rejected": 8, "decided": 9, "acceptance": 0.11, "one_in": 9}]
    html = editor_client.get(reverse("claims:operations")).content.decode()
    assert "How good are the desk&#x27;s proposals?" in html or "How good are the desk's proposals?" in html
    assert "paraphrase, below 0.60" in html and "1 in 9" in html
