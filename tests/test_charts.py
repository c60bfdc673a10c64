"""The charts' numbers (claims/charts.py) on a small desk, and the pages that show them.

Counts per day and outlet are checked against rows made here; the SVG is checked for what the
CSP would refuse (inline script or style) and for the series names it draws; each page shows
its chart with a table of the same numbers, or says why there is none.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from claims import charts
from claims.models import Citation, Claim, ClaimStatus
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 10)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def article(outlet, day: date | None, *, imported: date | None = None):
    made = ArticleFactory(outlet=outlet, published_at=at(day) if day else None)
    if imported:
        Article.objects.filter(pk=made.pk).update(imported_at=at(imported, 9))
        made.refresh_from_db()
    return made


def claim_from(first_article, *, speaker=None, status=ClaimStatus.PROPOSED, **extra):
    claim = ClaimFactory(speaker=speaker or SpeakerFactory(), status=status, first_article=first_article,
                         first_reported_at=first_article.published_at, **extra)
    CitationFactory(claim=claim, article=first_article)
    return claim


def column(chart, name):
    return dict(zip(chart.periods, dict(chart.series)[name]))


@pytest.fixture
def outlets():
    return OutletFactory(name="Morning Ledger"), OutletFactory(name="Evening Post")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the dashboard caches its tallies and charts by a stamp other tests can share
    yield
    cache.clear()


# --------------------------------------------------------------------------- the desk


def test_desk_counts_articles_and_new_claims_per_day_and_outlet(outlets):
    ledger, post = outlets
    first = [article(ledger, DAY), article(ledger, DAY), article(post, DAY)]
    article(ledger, DAY + timedelta(days=1))
    later = article(post, DAY + timedelta(days=2))
    claim_from(first[0])
    claim_from(first[2])
    claim_from(later)
    claim_from(later, status=ClaimStatus.REJECTED)  # rejected: not a claim on the desk
    article(ledger, DAY - timedelta(days=45))  # older than the month charted

    articles, claims = charts.desk_activity()

    assert articles.periods[-1] == DAY + timedelta(days=2) and len(articles.periods) == charts.DESK_DAYS
    assert articles.names == ["Morning Ledger", "Evening Post"]
    assert column(articles, "Morning Ledger")[DAY] == 2
    assert column(articles, "Evening Post")[DAY] == 1
    assert column(articles, "Evening Post")[DAY + timedelta(days=1)] == 0  # a quiet day is a zero, not a gap
    assert column(articles, "Evening Post")[DAY + timedelta(days=2)] == 1
    assert articles.total == 5
    assert claims.names == ["Morning Ledger", "Evening Post"]
    assert (column(claims, "Morning Ledger")[DAY], column(claims, "Evening Post")[DAY]) == (1, 1)
    assert column(claims, "Evening Post")[DAY + timedelta(days=2)] == 1
    assert claims.total == 3
    # The table lists the days with something in them, with a count per outlet.
    assert [(row["label"], row["counts"], row["total"]) for row in articles.rows] == [
        ("10 Mar 2025", [2, 1], 3), ("11 Mar 2025", [1, 0], 1), ("12 Mar 2025", [0, 1], 1)]


def test_the_desk_charts_the_thirty_days_up_to_the_newest_article(outlets):
    ledger, post = outlets
    article(post, DAY)
    article(ledger, DAY - timedelta(days=charts.DESK_DAYS - 1))  # the first day charted
    article(ledger, DAY - timedelta(days=charts.DESK_DAYS))  # a day too old
    claim_from(article(post, DAY - timedelta(days=charts.DESK_DAYS)))

    articles, claims = charts.desk_activity()

    assert articles.periods[0] == DAY - timedelta(days=charts.DESK_DAYS - 1) and articles.periods[-1] == DAY
    assert [(row["label"], row["total"]) for row in articles.rows] == [("9 Feb 2025", 1), ("10 Mar 2025", 1)]
    assert not claims.series  # its one claim was first reported before the month


def test_undated_articles_are_left_out_with_a_note(outlets):
    ledger, post = outlets
    article(ledger, DAY)
    undated = article(post, None, imported=DAY)
    claim_from(undated)  # first reported on an unknown date
    article(post, None)

    articles, claims = charts.desk_activity()

    assert articles.names == ["Morning Ledger"] and articles.total == 1
    assert articles.notes == ["2 articles without a publication date are left out."]
    assert not claims.series and claims.empty == "No claim was first reported since 9 Feb 2025."


def test_outlets_past_the_sixth_are_summed_as_other_outlets():
    for n in range(8):
        for _ in range(8 - n):
            article(OutletFactory(name=f"Outlet {n}"), DAY)

    articles, _ = charts.desk_activity()

    assert articles.names == ["Outlet 0", "Outlet 1", "Outlet 2", "Outlet 3", "Outlet 4", charts.OTHER_OUTLETS]
    assert column(articles, charts.OTHER_OUTLETS)[DAY] == 3 + 2 + 1
    assert articles.total == sum(range(1, 9))


def test_an_empty_desk_has_no_chart_and_says_why(outlets):
    article(outlets[0], None)
    articles, claims = charts.desk_activity()
    assert not articles.series and not claims.series
    assert articles.empty == "No article with a publication date yet, so there is nothing to chart."
    assert articles.notes == ["1 article without a publication date is left out."]


# --------------------------------------------------------------------------- a claim, a speaker


def test_a_claims_spread_counts_its_citations_per_day_by_outlet_and_marks_the_first_report(outlets):
    ledger, post = outlets
    claim = claim_from(article(post, DAY))
    CitationFactory(claim=claim, article=article(ledger, DAY + timedelta(days=3)))
    CitationFactory(claim=claim, article=article(post, DAY + timedelta(days=3)))
    citations = list(Citation.objects.filter(claim=claim).select_related("article__outlet"))

    chart = charts.claim_spread(citations)

    assert chart.names == ["Evening Post", "Morning Ledger"]
    assert [(row["label"], row["counts"], row["mark"]) for row in chart.rows] == [
        ("10 Mar 2025", [1, 0], "first report, Evening Post"), ("13 Mar 2025", [1, 1], "")]
    one = charts.claim_spread(citations[:1])
    assert not one.series and one.empty == "Only one article reports this claim so far: there is no spread to draw."


def test_a_claims_undated_citations_are_left_out_of_its_spread(outlets):
    ledger, post = outlets
    claim = claim_from(article(post, DAY))
    CitationFactory(claim=claim, article=article(ledger, DAY + timedelta(days=1)))
    CitationFactory(claim=claim, article=article(ledger, None))
    citations = list(Citation.objects.filter(claim=claim).select_related("article__outlet"))

    chart = charts.claim_spread(citations)

    assert chart.total == 2 and chart.notes == ["1 citation in an article without a publication date is left out."]
    too_few = charts.claim_spread([c for c in citations if c.article.outlet == ledger])
    assert not too_few.series and too_few.empty.startswith("Only 1 of its 2 reports carries a publication date")


def test_a_speakers_claims_per_day_leave_rejected_and_merged_ones_out(outlets):
    ledger, post = outlets
    speaker = SpeakerFactory(name="Jane Rivers")
    confirmed = claim_from(article(ledger, DAY), speaker=speaker, status=ClaimStatus.CONFIRMED)
    claim_from(article(post, DAY), speaker=speaker)
    claim_from(article(post, DAY + timedelta(days=5)), speaker=speaker)
    claim_from(article(post, DAY + timedelta(days=5)), speaker=speaker, status=ClaimStatus.REJECTED)
    claim_from(article(post, DAY + timedelta(days=5)), speaker=speaker, status=ClaimStatus.MERGED,
               merged_into=confirmed)
    claim_from(article(post, DAY))  # someone else's
    claim_from(article(post, None), speaker=speaker)  # first reported on an unknown date

    chart = charts.speaker_claims(speaker)

    assert chart.names == ["Confirmed", "Proposed"]
    assert [(row["label"], row["counts"]) for row in chart.rows] == [("10 Mar 2025", [1, 1]), ("15 Mar 2025", [0, 1])]
    assert not chart.monthly
    assert chart.notes == ["1 claim first reported by undated articles only is left out."]
    # Counted from the claims the page already holds, the chart is the same.
    loaded = charts.speaker_claims(speaker, claims=list(Claim.objects.visible().filter(speaker=speaker)))
    assert (loaded.names, loaded.rows, loaded.notes) == (chart.names, chart.rows, chart.notes)


def test_a_long_span_is_drawn_a_bar_per_month(outlets):
    ledger, _ = outlets
    speaker = SpeakerFactory()
    for day in (date(2025, 1, 5), date(2025, 1, 20), date(2025, 6, 2)):
        claim_from(article(ledger, day), speaker=speaker)

    chart = charts.speaker_claims(speaker)

    assert chart.monthly and chart.periods == [date(2025, month, 1) for month in range(1, 7)]
    assert [(row["label"], row["total"]) for row in chart.rows] == [("January 2025", 2), ("June 2025", 1)]
    assert chart.title == "Claims per month of first report"


# --------------------------------------------------------------------------- the picture


def test_the_svg_draws_every_series_without_inline_script_or_style():
    chart = charts.Chart(title="Articles per day", periods=[DAY, DAY + timedelta(days=1)],
                         series=[("<b>Ledger</b>", [2, 0]), ("Post & Co", [1, 3])])
    svg = chart.svg

    assert svg.startswith("<svg") and 'class="pygal-chart"' in svg
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg and " id=" not in svg
    assert "&lt;b&gt;Ledger&lt;/b&gt;" in svg and "<b>" not in svg and "Post &amp; Co" in svg
    assert "<title>Articles per day</title>" in svg
    assert len(re.findall(r'class="rect reactive', svg)) == 4  # a bar per day and series
    assert charts.Chart(title="Articles per day", periods=chart.periods, series=chart.series).svg == svg  # cached


# --------------------------------------------------------------------------- the pages


def chart_table(html: str, name: str) -> list[list[str]]:
    figure = re.search(rf'<figure class="chart" data-chart="{name}">(.*?)</figure>', html, re.S)
    assert figure, f"no {name} chart"
    assert "<svg" in figure.group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", figure.group(1).split("<tbody>")[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_three_pages_show_their_charts_with_the_numbers(editor_client, outlets):
    ledger, post = outlets
    speaker = SpeakerFactory(name="Jane Rivers")
    claim = claim_from(article(ledger, DAY), speaker=speaker)
    CitationFactory(claim=claim, article=article(post, DAY + timedelta(days=1)))
    article(ledger, DAY)

    html = editor_client.get(reverse("claims:dashboard")).content.decode()
    assert chart_table(html, "desk-activity") == [["10 Mar 2025", "2", "0", "2"], ["11 Mar 2025", "0", "1", "1"]]
    html = editor_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert chart_table(html, "claim-spread") == [["10 Mar 2025 (first report, Morning Ledger)", "1", "0", "1"],
                                                 ["11 Mar 2025", "0", "1", "1"]]
    assert ">Morning Ledger</text>" in html and ">Evening Post</text>" in html  # the legend
    html = editor_client.get(reverse("claims:speaker", args=[speaker.pk])).content.decode()
    assert chart_table(html, "speaker-claims") == [["10 Mar 2025", "1", "1"]]  # proposed only: no confirmed series


def test_without_data_the_pages_say_why_there_is_no_chart(editor_client, outlets):
    ledger, _ = outlets
    html = editor_client.get(reverse("claims:dashboard")).content.decode()
    assert "data-chart=" not in html and "No article with a publication date yet, so there is nothing to chart" in html
    speaker = SpeakerFactory()
    claim = claim_from(article(ledger, DAY), speaker=speaker, status=ClaimStatus.REJECTED)
    html = editor_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "data-chart=" not in html and "Only one article reports this claim so far" in html
    html = editor_client.get(reverse("claims:speaker", args=[speaker.pk])).content.decode()
    assert "data-chart=" not in html and "No confirmed or proposed claim with a dated first report" in html
