"""Text on the screens: titles cut at a word with an ellipsis, quote marks not doubled, date-only dates without 00:00."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimStatus
from claims.templatetags.desk_text import cut_words, unquoted, when
from tests.factories import ArticleFactory, ClaimFactory


@pytest.mark.parametrize("text, limit, expected", [
    ("Short title", 90, "Short title"),
    ("Hegseth says there is no betrayal in the Pentagon's review of the leaks", 40, "Hegseth says there is no betrayal in…"),
    ("A title, with a comma right at the cut point here", 18, "A title, with a…"),
    ("Supercalifragilisticexpialidocious-and-more", 20, "Supercalifragilisti…"),
])
def test_titles_are_cut_at_a_word_with_an_ellipsis(text, limit, expected):
    cut = cut_words(text, limit)
    assert cut == expected and len(cut) <= limit


def test_quote_marks_around_a_text_are_dropped_once():
    assert unquoted("\u201cWe will cut the deficit,\u201d") == "We will cut the deficit,"
    assert unquoted('"Plain"') == "Plain"
    assert unquoted("He said \u201cno\u201d today") == "He said \u201cno\u201d today"


def test_a_date_only_time_prints_without_midnight():
    midnight = timezone.make_aware(datetime(2025, 3, 3, 0, 0))
    assert when(midnight) == "3 March 2025"
    assert when(timezone.make_aware(datetime(2025, 3, 3, 14, 5))) == "3 March 2025, 14:05"
    assert when(date(2025, 3, 3)) == "3 March 2025" and when(None) == ""


@pytest.mark.django_db
def test_claim_page_shows_a_date_only_report_and_the_merged_banner_without_doubled_quotes(editor_client):
    article = ArticleFactory(published_at=timezone.make_aware(datetime(2025, 3, 3, 0, 0)),
                             title="Minister Jane Rivers promises to cut the deficit by half within four years, "
                                   "in a speech to the chamber on Monday")
    target = ClaimFactory(text="\u201cWe will cut the deficit by half,\u201d", first_article=article,
                          first_reported_at=article.published_at)
    source = ClaimFactory(status=ClaimStatus.MERGED, merged_into=target)
    html = editor_client.get(reverse("claims:claim", args=[target.pk])).content.decode()
    assert "3 March 2025" in html and "00:00" not in html
    html = editor_client.get(reverse("claims:claim", args=[source.pk])).content.decode()
    assert "\u201c\u201c" not in html and "\u201cWe will cut the deficit by half,\u201d" in html
    html = editor_client.get(reverse("claims:dashboard")).content.decode()
    assert cut_words(article.title, 90) + "</a>" in html and "speech t…" not in html
