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
