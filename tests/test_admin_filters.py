"""The admin's claim list at thousands of speakers: a name box instead of a list of every speaker; a favicon."""
from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from claims.models import Speaker
from tests.factories import ClaimFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_claim_list_filters_speakers_by_a_typed_name_not_a_list_of_all(admin_client):
    Speaker.objects.bulk_create([Speaker(name=f"Speaker Number {n}") for n in range(2000)])
    rivers = SpeakerFactory(name="Jane Rivers")
    wanted = ClaimFactory(speaker=rivers, text="We will cut the deficit")
    other = ClaimFactory(speaker=SpeakerFactory(name="Tom Hill"), text="Taxes will rise")
    html = admin_client.get("/admin/claims/claim/").content.decode()
    assert html.count("Speaker Number") == 0 and 'name="speaker_q"' in html
    assert "Jane Rivers (1)" in html  # the busiest speakers are quick links
    html = admin_client.get("/admin/claims/claim/", {"speaker_q": "rivers", "status": "proposed"}).content.decode()
    assert f"/admin/claims/claim/{wanted.pk}/change/" in html and f"/admin/claims/claim/{other.pk}/change/" not in html
    assert 'type="hidden" name="status" value="proposed"' in html


def test_admin_pages_have_a_favicon(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert 'rel="icon" href="/static/factdesk/favicon.svg"' in html
    assert finders.find("factdesk/favicon.svg")


def test_desk_pages_have_the_same_favicon(editor_client):
    html = editor_client.get("/").content.decode()
    assert 'rel="icon" href="/static/factdesk/favicon.svg"' in html
