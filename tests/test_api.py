"""The REST API under /api/v1/: every endpoint per role and per token, actions through the
services, filters, cursor pagination, ETags, and query counts that stay flat as rows grow."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from articles.models import Article
from claims.models import ArticleExtraction, Candidate, CandidateStatus, Citation, Claim, ClaimStatus, ExtractionStatus, Match, MatchState, ReviewEvent
from tests.factories import CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "viewer", "editor", "admin", "viewer_token", "editor_token"]
READERS = {"viewer", "editor", "admin", "viewer_token", "editor_token"}
REVIEWERS = {"editor", "admin", "editor_token"}


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    # Throttle counters live in the cache; each test starts with none spent.
    cache.clear()
    # Four role users per test: a fast hasher keeps the suite quick (passwords are not under test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_role(viewer, editor, desk_admin, outsider):
    """An API client acting as one role: signed in by session, by token, or not at all."""

    def make(role: str) -> APIClient:
        client = APIClient()
        users = {"outsider": outsider, "viewer": viewer, "editor": editor, "admin": desk_admin}
        if role in users:
            client.force_login(users[role])
        elif role.endswith("_token"):
            user = {"viewer_token": viewer, "editor_token": editor}[role]
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return make


def expected_read(role):
    return {"anonymous": 401, "outsider": 403}.get(role, 200)


def expected_action(role, ok=200):
    if role == "anonymous":
        return 401
    return ok if role in REVIEWERS else 403


def confirmed_claim(**kwargs):
    citation = CitationFactory(claim__status=ClaimStatus.CONFIRMED, **kwargs)
    return citation.claim


def claim_with_candidate(status=ClaimStatus.PROPOSED):
    """A claim the extractor proposed: one candidate, cited to the claim."""
    candidate = CandidateFactory()
    claim = ClaimFactory(speaker=candidate.speaker, status=status, first_article=candidate.article)
    Citation.objects.create(
        claim=claim, article=candidate.article, candidate=candidate, start=candidate.start, end=candidate.end,
        quote=candidate.text, content_hash=candidate.content_hash,
    )
    Candidate.objects.filter(pk=candidate.pk).update(claim=claim)
    candidate.refresh_from_db()
    return claim, candidate


@pytest.fixture
def world():
    """One of everything the API lists."""
    claim, candidate = claim_with_candidate()
    other, other_candidate = claim_with_candidate()
    match = Match.objects.create(candidate=other_candidate, claim=claim, score=0.8, relation="paraphrase",
                                 evidence={"shared": ["deficit", "half"]})
    return {
        "outlets": candidate.article.outlet_id,
        "articles": candidate.article_id,
        "speakers": claim.speaker_id,
        "candidates": candidate.pk,
        "claims": claim.pk,
        "citations": claim.citations.first().pk,
        "matches": match.pk,
    }


ENDPOINTS = ["outlets", "articles", "speakers", "candidates", "claims", "citations", "matches"]


# --------------------------------------------------------------------------- reading, per role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_and_details_need_a_desk_role(as_role, world, endpoint, role):
    client = as_role(role)
    listing = client.get(f"/api/v1/{endpoint}/")
    detail = client.get(f"/api/v1/{endpoint}/{world[endpoint]}/")
    assert listing.status_code == expected_read(role)
    assert detail.status_code == expected_read(role)
    if role in READERS:
        assert world[endpoint] in [row["id"] for row in listing.json()["results"]]
        assert detail.json()["id"] == world[endpoint]
    elif role == "anonymous":
        assert listing["WWW-Authenticate"] == "Token"


def test_unknown_object_is_404(as_role, world):
    response = as_role("viewer").get("/api/v1/claims/999999/")
    assert response.status_code == 404


def test_a_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/claims/").status_code == 401


def test_claim_detail_nests_speaker_and_citations(as_role, world):
    body = as_role("viewer").get(f"/api/v1/claims/{world['claims']}/").json()
    claim = Claim.objects.get(pk=world["claims"])
    assert body["speaker"] == {"id": claim.speaker_id, "name": claim.speaker.name, "kind": "person"}
    [citation] = body["citations"]
    assert citation["quote"].startswith("\u201cWe will cut")
    assert citation["article"]["outlet"]["name"] == claim.citations.get().article.outlet.name


def test_article_list_leaves_text_out_and_detail_has_text_and_versions(as_role, world):
    client = as_role("viewer")
    listed = client.get("/api/v1/articles/").json()["results"][0]
    assert "text" not in listed
    detail = client.get(f"/api/v1/articles/{listed['id']}/").json()
    assert detail["text"] == Article.objects.get(pk=listed["id"]).text
    assert [v["number"] for v in detail["versions"]] == [1]


def test_match_shows_its_evidence(as_role, world):
    body = as_role("viewer").get(f"/api/v1/matches/{world['matches']}/").json()
    assert body["evidence"] == {"shared": ["deficit", "half"]}
    assert body["relation"] == "paraphrase" and body["state"] == "suggested"


# --------------------------------------------------------------------------- actions, per role


ACTIONS = [
    ("claims", "confirm"),
    ("claims", "reject"),
    ("candidates", "confirm"),
    ("candidates", "reject"),
    ("matches", "accept"),
    ("matches", "reject"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint,verb", ACTIONS)
def test_only_reviewers_can_act(as_role, world, endpoint, verb, role):
    response = as_role(role).post(f"/api/v1/{endpoint}/{world[endpoint]}/{verb}/", {}, format="json")
    assert response.status_code == expected_action(role)
    events = ReviewEvent.objects.exclude(actor=None).count()
    assert events == (1 if role in REVIEWERS else 0)


def test_confirm_claim_changes_state_through_the_service(as_role, world, editor):
    claim = Claim.objects.get(pk=world["claims"])
    response = as_role("editor").post(f"/api/v1/claims/{claim.pk}/confirm/", {"expected_revision": claim.revision}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CONFIRMED and claim.confirmed_by == editor
    assert ReviewEvent.objects.get(action="confirm_claim").actor == editor
    # The claim's pending candidate was confirmed with it.
    assert claim.candidates.get().status == CandidateStatus.CONFIRMED


def test_confirming_twice_is_a_400_with_the_reason(as_role, world):
    client = as_role("editor")
    client.post(f"/api/v1/claims/{world['claims']}/confirm/", {}, format="json")
    again = client.post(f"/api/v1/claims/{world['claims']}/confirm/", {}, format="json")
    assert again.status_code == 400
    assert "Only a proposed claim can be confirmed" in again.json()["detail"]


def test_a_stale_revision_is_a_409(as_role, world):
    claim = Claim.objects.get(pk=world["claims"])
    response = as_role("editor").post(
        f"/api/v1/claims/{claim.pk}/reject/", {"expected_revision": claim.revision + 5}, format="json"
    )
    assert response.status_code == 409
    assert "Another editor changed" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PROPOSED


def test_an_invalid_body_is_a_400(as_role, world):
    response = as_role("editor").post(f"/api/v1/claims/{world['claims']}/confirm/", {"expected_revision": "x"}, format="json")
    assert response.status_code == 400
    assert "expected_revision" in response.json()


def test_acting_on_a_missing_object_is_404(as_role, world):
    assert as_role("editor").post("/api/v1/claims/999999/confirm/", {}, format="json").status_code == 404


def test_merge_moves_citations_and_answers_with_the_target(as_role):
    speaker = SpeakerFactory()
    source = CitationFactory(claim__speaker=speaker).claim
    target = CitationFactory(claim__speaker=speaker, article__text="Other text: \u201cWe will cut the deficit by half within four years,\u201d she said.").claim
    response = as_role("editor").post(f"/api/v1/claims/{source.pk}/merge/", {"target": target.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == target.pk
    assert len(response.json()["citations"]) == 2
    source.refresh_from_db()
    assert source.status == ClaimStatus.MERGED and source.merged_into_id == target.pk


def test_merge_errors(as_role):
    claim = CitationFactory().claim
    other = CitationFactory(claim__speaker=claim.speaker).claim
    client = as_role("editor")
    assert client.post(f"/api/v1/claims/{claim.pk}/merge/", {}, format="json").status_code == 400
    itself = client.post(f"/api/v1/claims/{claim.pk}/merge/", {"target": claim.pk}, format="json")
    assert itself.status_code == 400 and "into itself" in itself.json()["detail"]
    assert client.post(f"/api/v1/claims/{claim.pk}/merge/", {"target": 999999}, format="json").status_code == 400
    assert client.post(f"/api/v1/claims/{claim.pk}/merge/", {"target": other.pk}, format="json").status_code == 200
    # Merging the already-merged claim again loses the race: 409.
    third = CitationFactory(claim__speaker=claim.speaker).claim
    late = client.post(f"/api/v1/claims/{claim.pk}/merge/", {"target": third.pk}, format="json")
    assert late.status_code == 409
    assert "already merged" in late.json()["detail"]


def test_accepting_a_match_moves_the_citation(as_role, world):
    match = Match.objects.get(pk=world["matches"])
    client = as_role("editor_token")
    response = client.post(f"/api/v1/matches/{match.pk}/accept/", format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    assert Citation.objects.get(candidate=match.candidate).claim_id == match.claim_id
    again = client.post(f"/api/v1/matches/{match.pk}/reject/", format="json")
    assert again.status_code == 400 and "already accepted" in again.json()["detail"]


def test_rejecting_a_match(as_role, world):
    response = as_role("editor").post(f"/api/v1/matches/{world['matches']}/reject/")
    assert response.status_code == 200
    assert Match.objects.get(pk=world["matches"]).state == MatchState.REJECTED


def test_confirming_and_rejecting_candidates(as_role, world):
    client = as_role("editor")
    confirmed = client.post(f"/api/v1/candidates/{world['candidates']}/confirm/", {}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert Claim.objects.get(pk=world["claims"]).status == ClaimStatus.CONFIRMED
    rejected = client.post(f"/api/v1/candidates/{world['candidates']}/reject/", {}, format="json")
    assert rejected.status_code == 400 and "already confirmed" in rejected.json()["detail"]
    other = Match.objects.get(pk=world["matches"]).candidate
    stale = client.post(f"/api/v1/candidates/{other.pk}/reject/", {"expected_revision": other.revision + 1}, format="json")
    assert stale.status_code == 409
    done = client.post(f"/api/v1/candidates/{other.pk}/reject/", {"expected_revision": other.revision}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"


def test_reads_cannot_be_written(as_role, world):
    client = as_role("editor")
    assert client.put(f"/api/v1/claims/{world['claims']}/", {"text": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/claims/{world['claims']}/").status_code == 405
    assert client.post("/api/v1/claims/", {"text": "x"}, format="json").status_code == 405


# --------------------------------------------------------------------------- importing articles


ARTICLE_BODY = {
    "text": "The mayor, Tom Hale, spoke on Friday.\n\u201cThe bridge will reopen in May,\u201d Hale said.",
    "title": "Bridge to reopen",
    "url": "https://city.example/bridge",
    "outlet": "City Example",
    "published_at": "2024-05-03T08:00:00Z",
}


@pytest.mark.parametrize("role", ROLES)
def test_importing_an_article_needs_the_import_permission(as_role, role):
    response = as_role(role).post("/api/v1/articles/", ARTICLE_BODY, format="json")
    assert response.status_code == expected_action(role, ok=201)
    assert Article.objects.count() == (1 if role in REVIEWERS else 0)


def test_importing_text_uses_the_import_service(as_role, editor, django_capture_on_commit_callbacks):
    client = as_role("editor")
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/articles/", ARTICLE_BODY, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "created"
    article = Article.objects.get(pk=body["article"]["id"])
    assert article.outlet.name == "City Example" and article.imported_by == editor
    assert body["article"]["text"] == article.text
    # Extraction is queued once the import commits, as after any import.
    assert ArticleExtraction.objects.get(article=article).status == ExtractionStatus.QUEUED
    same = client.post("/api/v1/articles/", ARTICLE_BODY, format="json")
    assert same.status_code == 200 and same.json()["status"] == "unchanged"
    changed = client.post("/api/v1/articles/", {**ARTICLE_BODY, "text": ARTICLE_BODY["text"] + " Work starts Monday."}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "new_version"
    assert changed.json()["article"]["version"] == 2


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "non_field_errors"),
        ({"text": "   "}, "non_field_errors"),
        ({"text": "Some text.", "source_url": "https://93.184.216.34/x"}, "non_field_errors"),
        ({"text": "Some text.", "published_at": "last tuesday"}, "published_at"),
        ({"source_url": "not a url"}, "source_url"),
    ],
)
def test_bad_import_bodies_are_400(as_role, body, field):
    response = as_role("editor").post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Article.objects.count() == 0


def test_a_source_url_is_queued_for_the_worker(as_role, settings, django_capture_on_commit_callbacks):
    from factdesk.celery import app

    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True  # only tests may name loopback; a public name needs DNS

    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue="fetch", durable=True, auto_delete=False)
        conn.default_channel.queue_purge("fetch")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role("editor").post("/api/v1/articles/", {"source_url": "http://127.0.0.1:9/bridge"}, format="json")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    with app.connection_for_write() as conn:
        waiting = conn.default_channel.queue_declare(queue="fetch", durable=True, auto_delete=False).message_count
        conn.default_channel.queue_purge("fetch")
    assert waiting == 1
    assert Article.objects.count() == 0


# --------------------------------------------------------------------------- filters and pagination


def test_claim_filters(as_role):
    speaker = SpeakerFactory(name="Ana Lopez")
    outlet = OutletFactory(name="Daily Example")
    early = CitationFactory(
        claim__speaker=speaker, claim__status=ClaimStatus.CONFIRMED, claim__kind="indirect",
        claim__text="Taxes will fall next year", claim__first_reported_at="2024-01-10T00:00:00Z",
        article__outlet=outlet, article__published_at="2024-01-10T00:00:00Z",
    ).claim
    late = CitationFactory(claim__first_reported_at="2024-06-01T00:00:00Z", article__published_at="2024-06-01T00:00:00Z").claim
    client = as_role("viewer")

    def ids(**params):
        response = client.get("/api/v1/claims/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {early.pk, late.pk}
    assert ids(status="confirmed") == {early.pk}
    assert ids(kind="indirect") == {early.pk}
    assert ids(speaker=speaker.pk) == {early.pk}
    assert ids(outlet=outlet.pk) == {early.pk}
    assert ids(q="taxes fall") == {early.pk}
    assert ids(q="lopez") == {early.pk}
    assert ids(first_reported_after="2024-03-01T00:00:00Z") == {late.pk}
    assert ids(first_reported_before="2024-03-01T00:00:00Z") == {early.pk}
    assert ids(published_after="2024-03-01T00:00:00Z") == {late.pk}
    assert ids(published_before="2024-03-01T00:00:00Z") == {early.pk}
    bad = client.get("/api/v1/claims/", {"first_reported_after": "soon"})
    assert bad.status_code == 400 and "first_reported_after" in bad.json()
    assert client.get("/api/v1/claims/", {"status": "maybe"}).status_code == 400


def test_other_filters(as_role, world):
    client = as_role("viewer")
    candidate = Candidate.objects.get(pk=world["candidates"])
    rows = client.get("/api/v1/candidates/", {"status": "pending", "article": candidate.article_id}).json()["results"]
    assert [r["id"] for r in rows] == [candidate.pk]
    assert client.get("/api/v1/matches/", {"state": "rejected"}).json()["results"] == []
    assert len(client.get("/api/v1/matches/", {"state": "suggested"}).json()["results"]) == 1
    speaker = Claim.objects.get(pk=world["claims"]).speaker
    found = client.get("/api/v1/speakers/", {"q": speaker.name.split()[-1]}).json()["results"]
    assert [s["id"] for s in found] == [speaker.pk]
    cites = client.get("/api/v1/citations/", {"claim": world["claims"]}).json()["results"]
    assert [c["claim"] for c in cites] == [world["claims"]]


def test_cursor_pagination_walks_every_row_once(as_role):
    claims = [ClaimFactory() for _ in range(7)]
    client = as_role("viewer")
    seen, url, pages = [], "/api/v1/claims/?page_size=3", 0
    while url:
        body = client.get(url).json()
        assert "count" not in body  # no COUNT(*) over big tables
        seen.extend(row["id"] for row in body["results"])
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == sorted((c.pk for c in claims), reverse=True)


def test_ordering_parameter(as_role):
    claims = [ClaimFactory() for _ in range(3)]
    body = as_role("viewer").get("/api/v1/claims/", {"ordering": "id"}).json()
    assert [row["id"] for row in body["results"]] == [c.pk for c in claims]


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_details_answer_304_to_a_matching_etag(as_role, world, endpoint):
    client = as_role("viewer")
    first = client.get(f"/api/v1/{endpoint}/{world[endpoint]}/")
    etag = first["ETag"]
    assert etag.startswith('"')
    cached = client.get(f"/api/v1/{endpoint}/{world[endpoint]}/", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert cached.content == b""
    other = client.get(f"/api/v1/{endpoint}/{world[endpoint]}/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_the_etag_changes_when_the_claim_does(as_role, world):
    client = as_role("editor")
    etag = client.get(f"/api/v1/claims/{world['claims']}/")["ETag"]
    client.post(f"/api/v1/claims/{world['claims']}/confirm/", {}, format="json")
    after = client.get(f"/api/v1/claims/{world['claims']}/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag and after.json()["status"] == "confirmed"


# --------------------------------------------------------------------------- query counts


def _grow(endpoint: str, n: int) -> None:
    for _ in range(n):
        claim, candidate = claim_with_candidate()
        other = CitationFactory(claim=claim)  # a second citation, in another outlet
        claim.speaker.roles.create(role="Minister", normalized="minister")
        Match.objects.create(candidate=candidate, claim=other.claim, score=0.5, relation="paraphrase")


# Pinned: session, user, permissions (2), the page, and one per prefetched relation.
LIST_QUERIES = {"outlets": 5, "articles": 5, "speakers": 7, "candidates": 5, "claims": 6, "citations": 5, "matches": 5}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_is_pinned_and_flat(as_role, endpoint, django_assert_max_num_queries):
    client = as_role("viewer")
    _grow(endpoint, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/v1/{endpoint}/").status_code == 200
    _grow(endpoint, 30)
    cache.clear()
    with django_assert_max_num_queries(LIST_QUERIES[endpoint]):
        response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200 and len(response.json()["results"]) > 3
    with CaptureQueriesContext(connection) as large:
        client.get(f"/api/v1/{endpoint}/")
    assert len(large) == len(small)


# A claim's detail also reads its fact-check links (one query).
DETAIL_QUERIES = {"outlets": 5, "articles": 6, "speakers": 7, "candidates": 5, "claims": 9,  # claims: + desk check, notes
                  "citations": 5, "matches": 5}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_detail_query_count_is_pinned(as_role, world, endpoint, django_assert_max_num_queries):
    client = as_role("viewer")
    with django_assert_max_num_queries(DETAIL_QUERIES[endpoint]):
        assert client.get(f"/api/v1/{endpoint}/{world[endpoint]}/").status_code == 200


# --------------------------------------------------------------------------- tokens and throttling


def test_api_token_command_makes_read_only_and_editor_tokens(capsys, world):
    call_command("api_token", "cms-reader", role="viewer")
    reader_key = capsys.readouterr().out.strip()
    call_command("api_token", "cms-editor", role="editor")
    editor_key = capsys.readouterr().out.strip()
    reader, writer = APIClient(), APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Token {reader_key}")
    writer.credentials(HTTP_AUTHORIZATION=f"Token {editor_key}")
    assert reader.get("/api/v1/claims/").status_code == 200
    assert reader.post(f"/api/v1/claims/{world['claims']}/confirm/", {}, format="json").status_code == 403
    assert writer.post(f"/api/v1/claims/{world['claims']}/confirm/", {}, format="json").status_code == 200
    call_command("api_token", "cms-reader", rotate=True)
    assert reader.get("/api/v1/claims/").status_code == 401
    call_command("api_token", "cms-editor", revoke=True)
    assert writer.get("/api/v1/claims/").status_code == 401


def test_api_token_command_errors():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="give --role"):
        call_command("api_token", "nobody-yet")
    with pytest.raises(CommandError, match="has no token"):
        call_command("api_token", "nobody-yet", revoke=True)


def test_token_users_are_throttled(as_role, world, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    client = as_role("viewer_token")
    codes = [client.get("/api/v1/outlets/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --------------------------------------------------------------------------- bad input is a clear 4xx, never a 500


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/v1/claims/?page_size=0", "page_size"),
        ("/api/v1/claims/?page_size=lots", "page_size"),
        ("/api/v1/claims/?speaker=0.5", "speaker"),
        ("/api/v1/claims/?speaker=9223372036854775808", "speaker"),
        ("/api/v1/claims/?first_reported_after=0001-01-01T00:00:00%2B00:01", "first_reported_after"),
        ("/api/v1/claims/?published_before=", "published_before"),
        ("/api/v1/claims/?rated=maybe", "rated"),
        ("/api/v1/claims/?q=a%00b", "q"),
        ("/api/v1/matches/?min_score=2", "min_score"),
        ("/api/v1/exports/claims.jsonl?outlet=-1", "outlet"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(as_role, url, field):
    response = as_role("viewer").get(url)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_api_urls_are_json_404s(as_role):
    client = as_role("editor")
    for url in ["/api/v1/claims/0.5/", "/api/v1/claims/99999999999999999999/", "/api/v1/nothing-here/"]:
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.post("/api/v1/claims/0.5/confirm/", {}, format="json").status_code == 404


def test_far_offsets_are_stored_in_utc(as_role):
    body = {**ARTICLE_BODY, "published_at": "2024-05-03T08:00:00+18:30"}
    response = as_role("editor").post("/api/v1/articles/", body, format="json")
    assert response.status_code == 201
    assert Article.objects.get().published_at.isoformat() == "2024-05-02T13:30:00+00:00"


# --------------------------------------------------------------------------- hostile input: a 4xx with the reason


DEEP_JSON = "[" * 1000 + "]" * 1000
JSON_BODY_POSTS = ["claims/{claims}/confirm/", "claims/{claims}/reject/", "claims/{claims}/merge/",
                   "candidates/{candidates}/confirm/", "candidates/{candidates}/reject/", "articles/"]


@pytest.mark.parametrize("path", JSON_BODY_POSTS)
@pytest.mark.parametrize("body", [DEEP_JSON, '{"a":' * 1000 + "1" + "}" * 1000])
def test_deeply_nested_json_is_a_400_with_the_reason(as_role, world, path, body):
    response = as_role("editor").post(f"/api/v1/{path.format(**world)}", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    assert Claim.objects.get(pk=world["claims"]).status == ClaimStatus.PROPOSED


def _cursor(position: str) -> str:
    import base64
    from urllib.parse import urlencode

    return base64.b64encode(urlencode({"p": position}).encode()).decode()


@pytest.mark.parametrize(
    "endpoint,ordering,position",
    [
        *[(endpoint, "", position) for endpoint in ENDPOINTS for position in ["abc", "1.5", "99999999999999999999999"]],
        ("claims", "created_at", "2024-13-45T00:00:00Z"),
        ("claims", "-updated_at", "yesterday"),
        ("claims", "created_at", "2024-05-03 08:00:00"),  # no offset: not a position the API gives out
        ("claims", "created_at", "0001-01-01 00:00:00+01:00"),  # before year 1 in UTC
        ("articles", "imported_at", "abc"),
        ("matches", "score", "nan"),
        ("matches", "-score", "1e999"),
        ("candidates", "confidence", "inf"),
        ("speakers", "name", "a\x00b"),
        ("outlets", "-name", "\x00"),
    ],
)
def test_a_cursor_with_a_bad_position_is_a_404_with_the_reason(as_role, world, endpoint, ordering, position):
    params = {"cursor": _cursor(position), **({"ordering": ordering} if ordering else {})}
    response = as_role("viewer").get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 404, response.content
    assert "cursor" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_forged_cursor_never_breaks_a_list(as_role, world, endpoint):
    """Any position, with any ordering the list offers: a page or a 404, never a server error."""
    client = as_role("viewer")
    offered = client.get(f"/api/v1/{endpoint}/", {"ordering": "nonsense"}).json()["ordering"][0]
    orderings = offered.split("; use ")[1].split(", each with")[0].split(", ")
    for ordering in orderings:
        for position in ["abc", "-1", "1e999", "nan", "2024-05-03 08:00:00+00:00", "\x00", "\u00e9t\u00e9", ""]:
            response = client.get(f"/api/v1/{endpoint}/", {"cursor": _cursor(position), "ordering": f"-{ordering}"})
            assert response.status_code in (200, 404), (ordering, position, response.content)


def test_the_cursor_from_the_issue_is_a_404_on_every_list(as_role, world):
    for endpoint in ["claims", "articles", "candidates", "matches"]:
        response = as_role("viewer").get(f"/api/v1/{endpoint}/?cursor=cD1hYmM=")
        assert response.status_code == 404
        assert "cursor" in response.json()["detail"]


def test_cursors_keep_working_for_every_ordering(as_role):
    claims = [ClaimFactory() for _ in range(5)]
    client = as_role("viewer")
    for ordering in ["id", "-id", "created_at", "-updated_at"]:
        seen, url = [], f"/api/v1/claims/?page_size=2&ordering={ordering}"
        while url:
            body = client.get(url).json()
            seen.extend(row["id"] for row in body["results"])
            url = body["next"]
        assert sorted(seen) == sorted(c.pk for c in claims), ordering


@pytest.mark.parametrize(
    "url,parameter",
    [
        ("/api/v1/claims/?ordering=password", "ordering"),
        ("/api/v1/claims/?ordering=speaker__name", "ordering"),
        ("/api/v1/claims/?ordering=id,nonsense", "ordering"),
        ("/api/v1/articles/?ordering=text", "ordering"),
        ("/api/v1/claims/?page=2", "page"),
        ("/api/v1/claims/?limit=10", "limit"),
        ("/api/v1/matches/?offset=10", "offset"),
        ("/api/v1/outlets/?per_page=5", "per_page"),
        ("/api/v1/claims/?statuss=confirmed", "statuss"),
        ("/api/v1/exports/claims.json?page=2", "page"),
    ],
)
def test_unknown_ordering_and_parameters_are_400_naming_them(as_role, world, url, parameter):
    response = as_role("viewer").get(url)
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_known_parameters_still_work_together(as_role, world):
    rejected = ClaimFactory(status=ClaimStatus.REJECTED)
    response = as_role("viewer").get(
        "/api/v1/claims/", {"status": "proposed", "ordering": "created_at,-id", "page_size": 5, "format": "json"}
    )
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids[0] == world["claims"] and len(ids) == 2 and rejected.pk not in ids


def test_a_body_over_the_limit_is_a_json_413(as_role, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**ARTICLE_BODY, "text": "Words. " * 5_000}
    response = as_role("editor").post("/api/v1/articles/", body, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "10" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_the_article_size_limit_counts_bytes_like_every_importer(as_role, settings):
    settings.FACTDESK_MAX_ARTICLE_BYTES = 5_000
    client = as_role("editor")
    too_big = client.post("/api/v1/articles/", {**ARTICLE_BODY, "text": "Été " * 1_000}, format="json")  # 4,000 characters, 6,000 bytes
    assert too_big.status_code == 400
    assert "5,000 bytes" in too_big.json()["text"][0]
    fits = client.post("/api/v1/articles/", {**ARTICLE_BODY, "text": "Été " * 800}, format="json")
    assert fits.status_code == 201


def test_a_multipart_body_over_the_limit_to_the_api_is_json_too(as_role, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = as_role("editor").post("/api/v1/articles/", {"text": "Words. " * 2_000, "title": "t" * 2_000})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "form data is larger" in response.json()["detail"]
    assert Article.objects.count() == 0
