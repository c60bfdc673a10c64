"""Articles without a publication date: the Import screen asks for one, and matching never drops them.

An undated upload used to be dated by its import time, so a statement first reported months ago
fell outside the match window and an identical quote became a new claim.
"""
import datetime as dt
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Article
from claims import services
from claims.models import Candidate, Claim
from tests.factories import ArticleFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

REMARK = "We will cut the deficit by half within four years, whatever the opposition says about the plan"


def quoted(remark, *, speaker, published_at):
    """A one-quote article and its pending candidate; ``speaker=None``: a quote the extractor could not attribute."""
    said_by = speaker.name if speaker else "a spokesman"
    article = ArticleFactory(outlet=OutletFactory(), text=f"\u201c{remark},\u201d {said_by} said.", published_at=published_at)
    end = len(remark) + 3
    return Candidate.objects.create(
        article=article, content_hash=article.content_hash, kind="direct", start=0, end=end,
        text=article.text[:end], speaker=speaker, speaker_text=said_by, speaker_resolved=speaker is not None,
        cue="said", confidence=0.9, extractor_version="test",
    ).pk


def test_an_undated_quote_is_matched_by_content_to_a_claim_reported_months_ago(settings):
    settings.FACTDESK_MATCH_WINDOW_DAYS = 30
    speaker = SpeakerFactory(name="Jane Rivers")
    services.propose_matches(candidate_ids=[quoted(REMARK, speaker=speaker, published_at=timezone.now() - timedelta(days=200))])
    first = Claim.objects.get()

    undated = quoted(REMARK, speaker=None, published_at=None)
    services.propose_matches(candidate_ids=[undated])

    assert Claim.objects.count() == 1, "the undated report became a claim of its own"
    assert Candidate.objects.get(pk=undated).claim == first
    assert first.citations.count() == 2


def test_a_dated_article_still_keeps_to_the_window(settings):
    settings.FACTDESK_MATCH_WINDOW_DAYS = 30
    speaker = SpeakerFactory(name="Jane Rivers")
    services.propose_matches(candidate_ids=[quoted(REMARK, speaker=speaker, published_at=timezone.now() - timedelta(days=200))])
    services.propose_matches(candidate_ids=[quoted(REMARK, speaker=None, published_at=timezone.now())])
    assert Claim.objects.count() == 2


def test_the_import_screen_takes_a_publication_date_for_undated_files(editor_client):
    page = editor_client.get("/import/").content.decode()
    assert 'name="published"' in page and 'type="date"' in page

    text = b"Mayor promises a bridge\n\nThe mayor said the bridge would open in spring."
    response = editor_client.post(
        "/import/", {"files": [SimpleUploadedFile("bridge.txt", text)], "published": "2025-03-04"}
    )
    assert response.status_code == 200
    assert Article.objects.get().published_at.date() == dt.date(2025, 3, 4)


def test_a_date_in_the_file_wins_over_the_screens_date(editor_client):
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<item><title>Bridge</title><link>https://wire.example/bridge</link><pubDate>Tue, 04 Feb 2025 10:00:00 +0000</pubDate>
<description>The mayor said the bridge would open in spring, and the council agreed with the plan.</description></item>
</channel></rss>"""
    editor_client.post("/import/", {"files": [SimpleUploadedFile("feed.xml", feed)], "published": "2025-03-04"})
    assert Article.objects.get().published_at.date() == dt.date(2025, 2, 4)


def test_a_malformed_date_is_refused_with_a_message(editor_client):
    response = editor_client.post(
        "/import/", {"files": [SimpleUploadedFile("bridge.txt", b"Mayor\n\nThe mayor spoke.")], "published": "next tuesday"}
    )
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()
    assert not Article.objects.exists()


def _first_reported_everywhere(client, claim):
    """The claim's first report as the claim page, the API and the JSON export give it."""
    from django.utils.dateparse import parse_datetime

    page = client.get(f"/claims/{claim.pk}/").content.decode()
    shown = page.split("<dt>First reported</dt>", 1)[1].split("</dd>", 1)[0]
    api = client.get(f"/api/v1/claims/{claim.pk}/").json()["first_reported_at"]
    export = next(r for r in json.loads(b"".join(client.get("/api/v1/exports/claims.json").streaming_content))
                  if r["id"] == claim.pk)["first_reported_at"]
    return shown, api and parse_datetime(api), export and parse_datetime(export)


def test_a_dated_report_is_the_first_report_even_when_an_undated_one_was_imported_earlier(editor_client, editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    undated = quoted(REMARK, speaker=speaker, published_at=None)
    services.propose_matches(candidate_ids=[undated])
    claim = Claim.objects.get()
    assert claim.first_reported_at is None, "an undated article's import time is no publication date"

    published = timezone.now().replace(microsecond=0)  # after the undated article's import
    dated = quoted(REMARK, speaker=speaker, published_at=published)
    services.propose_matches(candidate_ids=[dated])
    claim.refresh_from_db()
    dated_article = Candidate.objects.get(pk=dated).article
    assert Candidate.objects.get(pk=dated).claim == claim
    assert (claim.first_article, claim.first_reported_at) == (dated_article, published)

    services.confirm_claim(claim_id=claim.pk, actor=editor)
    shown, api, export = _first_reported_everywhere(editor_client, claim)
    assert dated_article.outlet.name in shown and "date unknown" not in shown
    assert api == export == published

    # Recomputed after a change (here the dated article's date is corrected), the dated report stays first.
    services.edit_article(article_id=dated_article.pk, actor=editor, published_at=published + timedelta(days=1))
    claim.refresh_from_db()
    assert (claim.first_article, claim.first_reported_at) == (dated_article, published + timedelta(days=1))


def test_a_claim_reported_only_by_undated_articles_is_first_reported_on_an_unknown_date(editor_client, editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    services.propose_matches(candidate_ids=[quoted(REMARK, speaker=speaker, published_at=None)])
    claim = Claim.objects.get()
    services.confirm_claim(claim_id=claim.pk, actor=editor)
    shown, api, export = _first_reported_everywhere(editor_client, claim)
    assert claim.first_article.outlet.name in shown and "date unknown" in shown
    assert api is None and export is None
    assert "date unknown" in editor_client.get(f"/speakers/{speaker.pk}/").content.decode()


def test_migration_0013_dates_claims_that_carried_an_undated_articles_import_time():
    import importlib

    from django.apps import apps

    from tests.factories import CitationFactory

    migration = importlib.import_module("claims.migrations.0013_first_report_never_an_import_time")
    undated = ArticleFactory(published_at=None)
    dated = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    both = CitationFactory(article=undated).claim
    CitationFactory(claim=both, article=dated)
    alone = CitationFactory(article=undated).claim
    Claim.objects.filter(pk__in=[both.pk, alone.pk]).update(first_article=undated, first_reported_at=undated.imported_at)

    migration.date_first_reports(apps, None)

    both.refresh_from_db()
    alone.refresh_from_db()
    assert (both.first_article, both.first_reported_at) == (dated, dated.published_at)
    assert (alone.first_article, alone.first_reported_at) == (undated, None)


def test_claims_first_reported_on_an_unknown_date_come_last_in_the_queues_date_orders(editor_client):
    from tests.factories import CitationFactory

    older = CitationFactory(claim__status="proposed", article__published_at=timezone.now() - timedelta(days=3)).claim
    newer = CitationFactory(claim__status="proposed", article__published_at=timezone.now() - timedelta(days=1)).claim
    unknown = CitationFactory(claim__status="proposed", article__published_at=None).claim
    Claim.objects.filter(pk=older.pk).update(first_reported_at=timezone.now() - timedelta(days=3))
    Claim.objects.filter(pk=newer.pk).update(first_reported_at=timezone.now() - timedelta(days=1))
    Claim.objects.filter(pk=unknown.pk).update(first_reported_at=None)

    def order(sort):
        page = editor_client.get("/queue/", {"sort": sort}).content.decode()
        return sorted((older, newer, unknown), key=lambda claim: page.index(f'id="claim-row-{claim.pk}"'))

    assert order("-reported") == [newer, older, unknown]
    assert order("reported") == [older, newer, unknown]


def test_the_claim_page_and_the_export_list_an_undated_report_after_the_dated_ones(editor_client, editor):
    from tests.factories import CitationFactory

    dated = CitationFactory(article__published_at=timezone.now(), article__title="Dated report")
    claim = dated.claim
    CitationFactory(claim=claim, article__published_at=None, article__title="Undated report")
    services.confirm_claim(claim_id=claim.pk, actor=editor)

    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert page.index("Dated report") < page.index("Undated report")
    export = json.loads(b"".join(editor_client.get("/api/v1/exports/claims.json").streaming_content))
    assert [c["article"]["title"] for c in export[0]["citations"]] == ["Dated report", "Undated report"]
