"""Search: a claim found by its number first, and by any word it contains, including short common ones."""
from __future__ import annotations

import pytest

from claims import search as desk_search
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_claim_is_found_by_its_number_first_even_among_claims_that_contain_the_digits():
    wanted = ClaimFactory(text="The bridge will be finished next spring")
    for n in range(12):
        ClaimFactory(text=f"We will hire {wanted.pk} teachers in district {n}")
    for query in (str(wanted.pk), f"#{wanted.pk}"):
        found = list(desk_search.search_claims(query, limit=10))
        assert found[0].pk == wanted.pk, query
    assert desk_search.search_claims(str(wanted.pk), limit=10, exclude_ids=[wanted.pk])[0].pk != wanted.pk


def test_a_claim_is_found_by_a_word_it_contains_even_a_common_one():
    wanted = ClaimFactory(text="There is no betrayal in this department")
    ClaimFactory(text="Taxes will rise")
    assert [c.pk for c in desk_search.search_claims("betrayal")] == [wanted.pk]
    assert [c.pk for c in desk_search.search_claims("there is no")] == [wanted.pk]


def test_search_screen_lists_speakers_links_them_and_pages_past_thirty(editor_client):
    from django.urls import reverse

    from tests.factories import SpeakerFactory

    rivers = SpeakerFactory(name="Jane Rivers")
    claims = [ClaimFactory(speaker=rivers, text=f"Deficit promise number {n}") for n in range(35)]
    html = editor_client.get(reverse("claims:search"), {"q": "deficit"}).content.decode()
    speaker_url = reverse("claims:speaker", args=[rivers.pk])
    html_rivers = editor_client.get(reverse("claims:search"), {"q": "Rivers"}).content.decode()
    assert "Speakers" in html_rivers and f'href="{speaker_url}">Jane Rivers</a>' in html_rivers
    assert f'href="{speaker_url}">Jane Rivers</a> ·' in html  # the speaker of each claim is a link
    assert "30+" in html and 'rel="next"' in html
    html = editor_client.get(reverse("claims:search"), {"q": "deficit", "page": 2}).content.decode()
    assert html.count('class="quote-link"') == 5 and 'rel="next"' not in html and 'rel="prev"' in html
    assert f"Deficit promise number {claims[0].text.split()[-1]}<" in html  # the oldest come last
    assert editor_client.get(reverse("claims:search"), {"q": "deficit", "page": "x"}).status_code == 200
