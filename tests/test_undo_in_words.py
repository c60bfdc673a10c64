"""Undo from the desk in words: refusals say what changed since and link to it, histories say what
an edit changed, and speaker edits and merges are undone from the speaker page, not only the admin."""
import pytest

from claims import services
from claims.models import ClaimStatus, Speaker
from tests.factories import SpeakerFactory, claim_with_citation, last_event

pytestmark = pytest.mark.django_db


def test_a_refusal_says_in_words_what_changed_and_by_which_decision(editor):
    speaker = SpeakerFactory()
    claim, elsewhere = claim_with_citation(speaker), claim_with_citation(speaker)
    services.confirm_claim(claim_id=claim.pk, actor=editor)
    services.merge_claims(source_id=claim.pk, target_id=elsewhere.pk, actor=editor)

    with pytest.raises(services.DecisionError) as refusal:
        services.undo(event_id=last_event("confirm_claim").pk, actor=editor)

    message = str(refusal.value)
    assert f"claim {claim.pk} has changed since: its status is now merged" in message, message
    assert editor.username in message and "Undo that decision first" in message
    assert "revision" not in message and "(" + "status" not in message
    assert refusal.value.later == last_event("merge_claims")


def test_the_refusal_on_the_desk_links_to_the_later_decision(editor, editor_client):
    speaker = SpeakerFactory()
    claim, elsewhere = claim_with_citation(speaker), claim_with_citation(speaker)
    services.confirm_claim(claim_id=claim.pk, actor=editor)
    services.merge_claims(source_id=claim.pk, target_id=elsewhere.pk, actor=editor)
    merge = last_event("merge_claims")

    response = editor_client.post(f"/events/{last_event('confirm_claim').pk}/undo/",
                                  {"next": f"/claims/{elsewhere.pk}/"}, follow=True)

    page = response.content.decode()
    assert "its status is now merged" in page
    assert f'<a href="/claims/{merge.claim_id}/#event-{merge.pk}">See that decision</a>' in page
    assert f'id="event-{merge.pk}"' in page  # the link lands on the decision in the history


def test_the_claim_history_says_what_an_edit_changed(editor, editor_client):
    claim = claim_with_citation(SpeakerFactory(name="Jane Rivers"))
    services.edit_claim(claim_id=claim.pk, actor=editor, text="We will halve the deficit", speaker_name="John Stone")

    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()

    assert "wording “We will cut the deficit by half” → “We will halve the deficit”" in page
    assert "speaker Jane Rivers → John Stone" in page


def test_a_speaker_edit_is_undone_from_the_speaker_page(editor_client):
    speaker = SpeakerFactory(name="Jane Rivers")
    editor_client.post(f"/speakers/{speaker.pk}/edit/", {"name": "Jane Q. Rivers", "add_aliases": "J. Rivers"})
    event = last_event("edit_speaker")

    page = editor_client.get(f"/speakers/{speaker.pk}/").content.decode()
    assert "name “Jane Rivers” → “Jane Q. Rivers”" in page and "alias “J. Rivers” added" in page
    assert f'action="/events/{event.pk}/undo/"' in page

    response = editor_client.post(f"/events/{event.pk}/undo/", {"next": f"/speakers/{speaker.pk}/"}, follow=True)
    speaker.refresh_from_db()
    assert speaker.name == "Jane Rivers" and not speaker.aliases.filter(alias="J. Rivers").exists()
    assert "Undid: edit of speaker" in response.content.decode()


def test_a_speaker_merge_is_undone_from_the_speaker_page(editor_client):
    source, target = SpeakerFactory(name="J. Rivers"), SpeakerFactory(name="Jane Rivers")
    claim = claim_with_citation(source)
    editor_client.post("/speakers/merge/", {"source": source.pk, "target": target.pk})
    claim.refresh_from_db()
    assert claim.speaker == target
    event = last_event("merge_speakers")

    page = editor_client.get(f"/speakers/{target.pk}/").content.decode()
    assert f'action="/events/{event.pk}/undo/"' in page

    editor_client.post(f"/events/{event.pk}/undo/", {"next": f"/speakers/{target.pk}/"})
    claim.refresh_from_db()
    assert claim.speaker == source and Speaker.objects.get(pk=source.pk).merged_into is None
    assert claim.status == ClaimStatus.PROPOSED
