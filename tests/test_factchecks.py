"""The fact-check library: storing reviews idempotently with versions, the import command, and
links between claims and fact-checks (suggested, confirmed, rejected, undone)."""
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims import services
from claims.factchecks import library, linking
from claims.models import ClaimStatus, FactCheck, FactCheckLink, LinkState, ReviewEvent
from tests.factories import ClaimFactory

FIXTURES = Path(__file__).parent / "fixtures" / "factchecks"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- storing ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_importing_pages_and_a_feed_stores_every_review_and_reimporting_changes_nothing():
    names = ["jsonld_page.html", "microdata_page.html", "two_reviews_page.html", "datafeed.json"]
    outcomes = [o for name in names for o in library.import_factcheck_bytes(read(name), name=name)]
    assert [o.status for o in outcomes].count(library.CREATED) == 6
    assert [o.status for o in outcomes].count(library.FAILED) == 1  # the feed item without claimReviewed
    assert FactCheck.objects.count() == 6
    again = [o for name in names for o in library.import_factcheck_bytes(read(name), name=name)]
    assert [o.status for o in again].count(library.UNCHANGED) == 6
    assert FactCheck.objects.count() == 6
    bridge = FactCheck.objects.get(claim_reviewed__startswith="The new bridge")
    assert (bridge.rating, bridge.rating_score, bridge.source_format) == ("Half true", 0.5, "html")


@pytest.mark.django_db
def test_a_publisher_changing_its_rating_makes_a_new_version_and_keeps_the_old_one():
    library.import_factcheck_bytes(read("jsonld_page.html"), name="page.html")
    updated = read("jsonld_page.html").replace(b'"alternateName": "False"', b'"alternateName": "Mostly false"')
    [outcome] = library.import_factcheck_bytes(updated, name="page.html")
    assert outcome.status == library.UPDATED and "rating changed" in outcome.reason
    factcheck = FactCheck.objects.get()
    assert (factcheck.rating, factcheck.version) == ("Mostly false", 2)
    assert factcheck.history[0]["rating"] == "False" and factcheck.history[0]["version"] == 1


@pytest.mark.django_db
def test_a_bad_record_stores_nothing_of_itself_and_the_others_still_import():
    data = b'{"id": "1", "text": "Good one."}\n{"id": "2", "text": "Bad date.", "published": "3000-01-01"}\n' \
           b'{"id": "3", "text": "Another good one."}\n'
    outcomes = library.import_factcheck_bytes(data, name="lib.jsonl")
    assert [o.status for o in outcomes] == [library.CREATED, library.FAILED, library.CREATED]
    assert sorted(FactCheck.objects.values_list("external_id", flat=True)) == ["1", "3"]


@pytest.mark.django_db
def test_the_command_imports_files_and_says_which_records_failed(tmp_path, capsys):
    feed = tmp_path / "feed.json"
    feed.write_bytes(read("datafeed.json"))
    with pytest.raises(CommandError, match="1 record"):
        call_command("import_factchecks", str(feed), str(FIXTURES / "two_reviews_page.html"), "--no-link")
    out, err = capsys.readouterr()
    assert "created: 4" in out
    assert "feed.json, review 3: claimReviewed is missing" in err
    call_command("import_factchecks", str(FIXTURES / "two_reviews_page.html"), "--no-link")
    assert "unchanged: 2" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_a_url_that_points_inside_the_network(capsys):
    with pytest.raises(CommandError):
        call_command("import_factchecks", "http://127.0.0.1:9/review.html", "--no-link")
    assert "FAILED http://127.0.0.1:9/review.html" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_checkthat_library_imports_whole_and_reimports_unchanged(shared_dir, capsys):
    path = shared_dir / "eval" / "checkthat2020-t2" / "claims.jsonl"
    call_command("import_factchecks", str(path), "--no-link")
    assert "created: 10375" in capsys.readouterr().out
    call_command("import_factchecks", str(path), "--no-link")
    assert "created: 0, new version: 0, unchanged: 10375, failed: 0" in capsys.readouterr().out
    assert FactCheck.objects.count() == 10375


# --- linking ------------------------------------------------------------------------------------

def desk_claim(text: str, **values):
    """A claim as matching stores one: with its sentence vector and its shingles indexed."""
    from claims.matching import EMBEDDING_MODEL, embed
    from claims.services._common import _index_wordings

    claim = ClaimFactory(text=text, embedding=embed([text])[0].tobytes(), embedding_model=EMBEDDING_MODEL, **values)
    _index_wordings(claim, [text])
    return claim


def _library_with_budget_check():
    library.import_factcheck_bytes(read("jsonld_page.html"), name="page.html")
    library.import_factcheck_bytes(read("microdata_page.html"), name="page2.html")


@pytest.mark.django_db
def test_a_new_claim_that_repeats_a_checked_claim_gets_a_suggested_link_with_evidence():
    _library_with_budget_check()
    claim = desk_claim(text="The governor cut the state's school budget in half last year", status=ClaimStatus.CONFIRMED)
    unrelated = desk_claim(text="The stadium will open in the spring with ten thousand seats")
    assert linking.link_claims(claim_ids=[claim.pk, unrelated.pk]) == 1
    link = FactCheckLink.objects.get()
    assert link.claim == claim and link.state == LinkState.SUGGESTED
    assert link.factcheck.rating == "False" and link.score >= 0.6 and link.evidence["shared_words"]
    event = ReviewEvent.objects.get(action="suggest_factcheck_links")
    assert event.claim == claim and event.actor is None


@pytest.mark.django_db
def test_a_new_fact_check_is_linked_to_the_claims_already_on_the_desk():
    claim = desk_claim(text="Unemployment fell to its lowest level in fifty years this autumn", status=ClaimStatus.CONFIRMED)
    [outcome] = library.import_factcheck_bytes(read("microdata_page.html"), name="page.html")
    assert linking.link_factchecks(factcheck_ids=[outcome.factcheck_id]) == 1
    assert FactCheckLink.objects.get().claim == claim
    assert FactCheck.objects.get().linked_at is not None


@pytest.mark.django_db
def test_confirming_rejecting_and_undoing_a_link_and_a_rejected_link_is_never_proposed_again(editor):
    _library_with_budget_check()
    claim = desk_claim(text="The governor cut the state's school budget in half last year")
    linking.link_claims(claim_ids=[claim.pk])
    link = FactCheckLink.objects.get()
    linking.confirm_factcheck_link(link_id=link.pk, actor=editor)
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED and link.decided_by == editor
    with pytest.raises(services.DecisionError, match="already confirmed"):
        linking.confirm_factcheck_link(link_id=link.pk, actor=editor)
    services.undo(event_id=ReviewEvent.objects.get(action="confirm_factcheck_link").pk, actor=editor)
    link.refresh_from_db()
    assert link.state == LinkState.SUGGESTED
    linking.reject_factcheck_link(link_id=link.pk, actor=editor)
    assert linking.link_claims(claim_ids=[claim.pk]) == 0
    assert linking.link_factchecks(factcheck_ids=list(FactCheck.objects.values_list("pk", flat=True))) == 0
    assert FactCheckLink.objects.get().state == LinkState.REJECTED


# --- API, claim page, export -----------------------------------------------------------------

@pytest.fixture
def linked_claim():
    """A confirmed claim the desk found, with the school-budget fact-check linked (suggested)."""
    _library_with_budget_check()
    library.import_factcheck_bytes(read("two_reviews_page.html"), name="page3.html")
    claim = desk_claim(text="The governor cut the state's school budget in half last year", status=ClaimStatus.CONFIRMED)
    linking.link_claims(claim_ids=[claim.pk])
    return claim


@pytest.fixture
def api_reader(viewer):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    return client


@pytest.mark.django_db
def test_the_api_lists_fact_checks_filtered_by_checker_rating_date_and_words(api_reader, linked_claim):
    def ids(query):
        response = api_reader.get("/api/v1/factchecks/" + query)
        assert response.status_code == 200, response.content
        return sorted(" ".join(row["claim_reviewed"].split()[:2]) for row in response.json()["results"])

    assert len(ids("")) == 4
    assert len(ids("?fact_checker=harbour%20fact%20check")) == 3
    assert ids("?rating=Mostly%20true") == ["Unemployment fell"]
    assert ids("?published_after=2024-05-01") == ["Crime in", "The new"]
    assert ids("?q=bridge%20budget") == ["The new"]
    assert api_reader.get("/api/v1/factchecks/?published_after=soon").status_code == 400
    one = FactCheck.objects.get(rating="Mostly true")
    detail = api_reader.get(f"/api/v1/factchecks/{one.pk}/").json()
    assert (detail["fact_checker"], detail["rating_score"], detail["version"]) == ("Riverside Truth Desk", 0.75, 1)


@pytest.mark.django_db
def test_the_fact_check_lists_and_details_read_a_fixed_number_of_queries(api_reader, linked_claim,
                                                                         django_assert_max_num_queries):
    link = FactCheckLink.objects.get()
    for url in ("/api/v1/factchecks/", f"/api/v1/factchecks/{link.factcheck_id}/", "/api/v1/factcheck-links/",
                f"/api/v1/factcheck-links/{link.pk}/"):
        with django_assert_max_num_queries(4):
            assert api_reader.get(url).status_code == 200


@pytest.mark.django_db
def test_a_claims_detail_lists_its_fact_check_links_with_state_url_and_rating(api_reader, linked_claim, editor):
    [link] = api_reader.get(f"/api/v1/claims/{linked_claim.pk}/").json()["factcheck_links"]
    assert link["state"] == "suggested" and link["score"] >= 0.6
    assert link["factcheck"]["url"] == "https://factcheck.example.org/2024/03/school-budget-cut-in-half"
    assert link["factcheck"]["rating"] == "False"
    assert api_reader.post(f"/api/v1/factcheck-links/{link['id']}/confirm/").status_code == 403  # a viewer
    linking.confirm_factcheck_link(link_id=link["id"], actor=editor)
    [link] = api_reader.get(f"/api/v1/claims/{linked_claim.pk}/").json()["factcheck_links"]
    assert link["state"] == "confirmed"
    linking.reject_factcheck_link(link_id=link["id"], actor=editor)
    assert api_reader.get(f"/api/v1/claims/{linked_claim.pk}/").json()["factcheck_links"] == []


@pytest.mark.django_db
def test_the_json_ld_export_carries_every_confirmed_claim_review(api_reader, linked_claim, editor):
    export = api_reader.get("/api/v1/exports/claims.jsonld")
    body = json.loads(b"".join(export.streaming_content))
    [node] = body["@graph"]
    assert "review" not in node  # a suggestion is not yet the desk's word
    linking.confirm_factcheck_link(link_id=FactCheckLink.objects.get().pk, actor=editor)
    body = json.loads(b"".join(api_reader.get("/api/v1/exports/claims.jsonld").streaming_content))
    [review] = body["@graph"][0]["review"]
    assert review["@type"] == "ClaimReview"
    assert review["author"] == {"@type": "Organization", "name": "Harbour Fact Check", "url": "https://factcheck.example.org/"}
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["url"] == "https://factcheck.example.org/2024/03/school-budget-cut-in-half"


@pytest.mark.django_db
def test_the_claim_page_shows_previously_fact_checked_and_an_editor_confirms_from_it(client, editor, viewer, linked_claim):
    client.force_login(viewer)
    page = client.get(f"/claims/{linked_claim.pk}/").content.decode()
    assert "Previously fact-checked" in page and "Harbour Fact Check" in page and "Not this claim" not in page
    link = FactCheckLink.objects.get()
    assert client.post(f"/factcheck-links/{link.pk}/confirm/").status_code == 403
    client.force_login(editor)
    page = client.get(f"/claims/{linked_claim.pk}/").content.decode()
    assert "Not this claim" in page and 'href="https://factcheck.example.org/2024/03/school-budget-cut-in-half"' in page
    response = client.post(f"/factcheck-links/{link.pk}/confirm/")
    assert response.status_code == 302 and response["Location"].endswith(f"/claims/{linked_claim.pk}/#factchecks")
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED
    response = client.post(f"/factcheck-links/{link.pk}/confirm/", follow=True)
    assert "already confirmed" in response.content.decode()
    client.post(f"/factcheck-links/{link.pk}/reject/")
    assert "Previously fact-checked" not in client.get(f"/claims/{linked_claim.pk}/").content.decode()


@pytest.mark.django_db
def test_undoing_a_split_takes_the_new_claims_suggested_fact_check_links_with_it(editor):
    from tests.factories import ArticleFactory, CitationFactory

    claim = desk_claim(text="We will cut the deficit by half within four years")
    CitationFactory(claim=claim)
    second = CitationFactory(claim=claim, article=ArticleFactory())
    new_claim = services.split_citation(citation_id=second.pk, actor=editor)
    page = read("jsonld_page.html").replace(b"The governor cut the state's school budget in half last year.",
                                            b"We will cut the deficit by half within four years.")
    [outcome] = library.import_factcheck_bytes(page, name="page.html")
    assert linking.link_factchecks(factcheck_ids=[outcome.factcheck_id]) == 2  # both claims say it
    services.undo(event_id=ReviewEvent.objects.get(action="split_citation").pk, actor=editor)
    assert not FactCheckLink.objects.filter(claim_id=new_claim.pk).exists()
    assert FactCheckLink.objects.get().claim == claim


@pytest.mark.django_db
def test_the_admin_lists_fact_checks_and_decides_links_through_the_services(client, desk_admin, linked_claim):
    from django.urls import reverse

    client.force_login(desk_admin)
    page = client.get(reverse("admin:claims_factcheck_changelist")).content.decode()
    assert "Harbour Fact Check" in page and "Riverside Truth Desk" in page
    link = FactCheckLink.objects.get()
    response = client.post(reverse("admin:claims_factchecklink_changelist"),
                           {"action": "reject", "_selected_action": [link.pk]}, follow=True)
    assert "Rejected 1 link(s)." in response.content.decode()
    assert ReviewEvent.objects.filter(action="reject_factcheck_link", actor=desk_admin).exists()
    assert client.post(reverse("admin:claims_factchecklink_delete", args=[link.pk])).status_code == 403


@pytest.mark.django_db
def test_a_fact_check_embedded_after_the_library_was_loaded_is_found_by_meaning_next_time(monkeypatch):
    _library_with_budget_check()
    linking.library_index()  # loaded and cached while both records have their vectors
    FactCheck.objects.update(embedding=None, embedding_model="")
    linking._cache.clear()
    monkeypatch.setattr(linking, "EMBED_ON_LOOKUP", 0)
    linking.library_index()  # cached without vectors: found by words only
    linking.embed_factchecks()  # what the queued linking tasks do
    claim = desk_claim(text="The governor cut the state school budget in half last year")
    assert linking.link_claims(claim_ids=[claim.pk]) == 1


@pytest.mark.django_db
def test_the_speaker_page_lists_their_checked_claims_with_ratings(client, viewer, editor, linked_claim):
    client.force_login(viewer)
    url = f"/speakers/{linked_claim.speaker_id}/"
    assert "Checked claims" not in client.get(url).content.decode()  # only a suggestion so far
    linking.confirm_factcheck_link(link_id=FactCheckLink.objects.get().pk, actor=editor)
    page = client.get(url).content.decode()
    assert "Checked claims" in page and "Harbour Fact Check, 14 Mar 2024" in page and ">False<" in page


@pytest.mark.django_db
def test_links_filtered_by_an_id_that_matches_nothing_are_an_empty_list_and_a_bad_id_is_named(api_reader, linked_claim):
    link = FactCheckLink.objects.get()
    found = api_reader.get("/api/v1/factcheck-links/", {"claim": linked_claim.pk, "factcheck": link.factcheck_id})
    assert [row["id"] for row in found.json()["results"]] == [link.pk]
    nothing = api_reader.get("/api/v1/factcheck-links/", {"claim": 0, "factcheck": 0})
    assert nothing.status_code == 200 and nothing.json()["results"] == []
    bad = api_reader.get("/api/v1/factcheck-links/", {"claim": "1.5"})
    assert bad.status_code == 400 and "claim" in bad.json()


# --- ratings that disagree ----------------------------------------------------------------------

@pytest.mark.parametrize("text, score, leaning", [
    ("False", None, "false"), ("Pants on Fire!", None, "false"), ("Mostly false", None, "false"),
    ("Not true", None, "false"), ("Incorrect", None, "false"), ("True", None, "true"), ("Mostly True", None, "true"),
    ("Correct", None, "true"), ("Half true", None, None), ("Mixture", None, None), ("Unproven", None, None),
    ("", None, None), ("Four Pinocchios", 0.0, "false"), ("Geppetto checkmark", 1.0, "true"), ("Two", 0.5, None),
])
def test_a_rating_leans_true_or_false_by_its_scale_else_its_words(text, score, leaning):
    from claims.factchecks.ratings import leaning_of

    assert leaning_of(text=text, score=score) == leaning


def _confirmed_link(claim, *, key, rating, checker, rating_score=None):
    factcheck = FactCheck.objects.create(key=key, claim_reviewed=claim.text, rating=rating, fact_checker=checker,
                                         rating_score=rating_score, source_format="plain")
    return FactCheckLink.objects.create(claim=claim, factcheck=factcheck, state=LinkState.CONFIRMED, score=0.9)


@pytest.mark.django_db
def test_the_claim_page_warns_when_the_claims_ratings_disagree(client, viewer):
    claim = ClaimFactory(status=ClaimStatus.CONFIRMED, rating="Mostly true")
    client.force_login(viewer)
    _confirmed_link(claim, key="one", rating="Mostly true", checker="Harbour Fact Check")
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Previously fact-checked" in page and "Ratings disagree" not in page
    rejected = _confirmed_link(claim, key="two", rating="Pants on Fire", checker="Other Checker")
    rejected.state = LinkState.REJECTED  # not this claim: its rating says nothing about it
    rejected.save()
    assert "Ratings disagree" not in client.get(f"/claims/{claim.pk}/").content.decode()
    _confirmed_link(claim, key="three", rating="Four Pinocchios", checker="Ledger Fact Checker", rating_score=0.0)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Ratings disagree" in page
    warning = page[page.index("Ratings disagree"):][:600]
    assert "Ledger Fact Checker" in warning and "Four Pinocchios" in warning
    assert "this desk" in warning and "Harbour Fact Check" in warning
