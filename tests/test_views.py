"""Review screens: who may see and do what, decisions through the services, escaping, query counts."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from django.urls import reverse

from articles.models import Article
from claims import services
from claims.models import (
    ArticleExtraction,
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimStatus,
    ExtractionStatus,
    Match,
    MatchRelation,
    MatchState,
    ReviewEvent,
    Speaker,
    SpeakerRole,
)
from claims.services.triage import refresh_all
from claims.views.article import segment_text
from tests.factories import (
    ArticleFactory,
    CandidateFactory,
    CitationFactory,
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboard caches its tallies by a change stamp; SQLite reuses ids after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

OTHER_TEXT = (
    "Jane Rivers, the finance minister, made a promise on Monday.\n"
    "\u201cWe will slash the deficit by half in five years,\u201d Rivers told reporters.\n"
    "Critics were unconvinced."
)
FETCH = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def claimed_candidate(article, speaker, fragment_start, fragment_end, **extra):
    """A pending candidate with its own proposed claim and citation, as matching leaves it."""
    start = article.text.index(fragment_start)
    end = article.text.index(fragment_end) + len(fragment_end)
    candidate = CandidateFactory(article=article, speaker=speaker, start=start, end=end, **extra)
    claim = ClaimFactory(speaker=speaker, text=candidate.text.strip("\u201c\u201d, "), first_article=article,
                         first_reported_at=article.published_at)
    CitationFactory(claim=claim, article=article, candidate=candidate, start=start, end=end)
    candidate.claim = claim
    candidate.save()
    return candidate, claim


@pytest.fixture
def desk():
    """Two outlets reporting one promise by one speaker, with a suggested cross-outlet match."""
    speaker = SpeakerFactory(name="Jane Rivers")
    SpeakerRole.objects.create(speaker=speaker, role="finance minister", normalized="finance minister")
    a = ArticleFactory(outlet=OutletFactory(name="Morning Ledger"), title="Rivers promises deficit cut")
    b = ArticleFactory(outlet=OutletFactory(name="Evening Post"), title="Minister sets four-year target", text=OTHER_TEXT)
    cand_a, claim_a = claimed_candidate(a, speaker, "\u201cWe will cut", "four years,\u201d")
    cand_b, claim_b = claimed_candidate(b, speaker, "\u201cWe will", "years,\u201d")
    match = Match.objects.create(candidate=cand_b, claim=claim_a, score=0.91, lexical=0.9, semantic=0.93,
                                 relation=MatchRelation.VARIANT)
    ArticleExtraction.objects.create(article=a, status=ExtractionStatus.DONE, candidate_count=1)
    ArticleExtraction.objects.create(article=b, status=ExtractionStatus.FAILED, error="spaCy ran out of memory")
    return SimpleNamespace(speaker=speaker, a=a, b=b, cand_a=cand_a, cand_b=cand_b, claim_a=claim_a, claim_b=claim_b,
                           match=match)


def screens(desk):
    return {
        "dashboard": reverse("claims:dashboard"),
        "queue": reverse("claims:queue"),
        "queue-candidates": reverse("claims:queue") + "?tab=candidates",
        "queue-matches": reverse("claims:queue") + "?tab=matches",
        "article": reverse("claims:article", args=[desk.a.pk]),
        "claim": reverse("claims:claim", args=[desk.claim_a.pk]),
        "speaker": reverse("claims:speaker", args=[desk.speaker.pk]),
        "search": reverse("claims:search") + "?q=deficit",
        "operations": reverse("claims:operations"),
    }


# --------------------------------------------------------------------------- roles


def test_anonymous_is_sent_to_sign_in_from_every_screen(client, desk):
    for name, url in screens(desk).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login") + "?next="), name


def test_outsider_without_a_desk_group_gets_403_everywhere(client, outsider, desk):
    client.force_login(outsider)
    for name, url in screens(desk).items():
        assert client.get(url).status_code == 403, name
    response = client.post(reverse("claims:candidate-confirm", args=[desk.cand_a.pk]))
    assert response.status_code == 403
    assert Candidate.objects.get(pk=desk.cand_a.pk).status == CandidateStatus.PENDING


def test_viewer_reads_every_screen_but_sees_no_decision_buttons(viewer_client, desk):
    for name, url in screens(desk).items():
        response = viewer_client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        for action in ("/confirm/", "/reject/", "/accept/", "/undo/", "/merge/", "/split/", 'action="/cite/"'):
            assert action not in html, (name, action)


@pytest.mark.parametrize(
    "url_name, target",
    [
        ("claims:candidate-confirm", "cand_a"),
        ("claims:candidate-reject", "cand_a"),
        ("claims:candidate-edit", "cand_a"),
        ("claims:match-accept", "match"),
        ("claims:match-reject", "match"),
        ("claims:claim-confirm", "claim_a"),
        ("claims:claim-reject", "claim_a"),
        ("claims:claim-edit", "claim_a"),
        ("claims:speaker-edit", "speaker"),
    ],
)
def test_viewer_posts_are_refused_and_change_nothing(viewer_client, desk, url_name, target):
    events_before = ReviewEvent.objects.count()
    response = viewer_client.post(reverse(url_name, args=[getattr(desk, target).pk]), {"text": "x", "name": "x"})
    assert response.status_code == 403
    assert ReviewEvent.objects.count() == events_before


def test_viewer_cannot_merge_cite_split_undo_or_bulk(viewer_client, desk):
    event = services.confirm_claim(claim_id=desk.claim_b.pk, actor=None) and ReviewEvent.objects.latest("id")
    posts = [
        (reverse("claims:claim-merge"), {"source": desk.claim_b.pk, "target": desk.claim_a.pk}),
        (reverse("claims:cite"), {"claim": desk.claim_a.pk, "article": desk.b.pk, "start": 0, "end": 10}),
        (reverse("claims:citation-split", args=[desk.claim_a.citations.get().pk]), {}),
        (reverse("claims:undo", args=[event.pk]), {}),
        (reverse("claims:bulk"), {"action": "confirm", "ids": [desk.cand_a.pk]}),
        (reverse("claims:speaker-merge"), {"source": desk.speaker.pk, "target": desk.speaker.pk}),
    ]
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    assert Claim.objects.get(pk=desk.claim_b.pk).status == ClaimStatus.CONFIRMED
    assert ReviewEvent.objects.count() == 1


def test_decisions_refuse_get(editor_client, desk):
    response = editor_client.get(reverse("claims:candidate-confirm", args=[desk.cand_a.pk]))
    assert response.status_code == 405


def test_missing_objects_are_404(editor_client):
    for url in (reverse("claims:article", args=[999999]), reverse("claims:claim", args=[999999]),
                reverse("claims:speaker", args=[999999])):
        assert editor_client.get(url).status_code == 404
    assert editor_client.post(reverse("claims:candidate-confirm", args=[999999])).status_code == 404
    assert editor_client.post(reverse("claims:undo", args=[999999])).status_code == 404


def test_editor_sees_decision_buttons(editor_client, desk):
    html = editor_client.get(screens(desk)["article"]).content.decode()
    assert reverse("claims:candidate-confirm", args=[desk.cand_a.pk]) in html
    assert 'action="/cite/"' in html
    html = editor_client.get(screens(desk)["queue-matches"]).content.decode()
    assert reverse("claims:match-accept", args=[desk.match.pk]) in html


# --------------------------------------------------------------------------- sign-in


def test_sign_in_page_renders_and_signs_in_to_a_safe_next(client, editor):
    response = client.get(reverse("login") + "?next=/queue/")
    assert response.status_code == 200
    assert b'name="next" value="/queue/"' in response.content
    response = client.post(reverse("login"), {"username": editor.username, "password": "desk-pass-123", "next": "/queue/"})
    assert response.status_code == 302 and response.url == "/queue/"


def test_sign_in_never_redirects_off_site(client, editor):
    response = client.post(reverse("login"), {"username": editor.username, "password": "desk-pass-123",
                                              "next": "https://evil.example/steal"})
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_decision_next_param_cannot_leave_the_site(editor_client, desk):
    response = editor_client.post(reverse("claims:candidate-confirm", args=[desk.cand_a.pk]),
                                  {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("claims:article", args=[desk.a.pk]))


# --------------------------------------------------------------------------- screens show what matters


def test_dashboard_shows_what_waits_by_outlet_kind_and_speaker_and_extraction_state(editor_client, desk):
    html = editor_client.get(reverse("claims:dashboard")).content.decode()
    assert "Morning Ledger" in html and "Evening Post" in html
    assert "Direct quote" in html
    assert "Jane Rivers" in html
    assert "spaCy ran out of memory" in html  # the failed extraction is visible
    assert re.search(r'stat-n">2</span><span class="stat-l">candidates to review', html)
    assert re.search(r'stat-n">1</span><span class="stat-l">suggested matches', html)


def test_operations_page_shows_failures_and_backlog(editor_client, desk):
    html = editor_client.get(reverse("claims:operations")).content.decode()
    assert "spaCy ran out of memory" in html
    assert "Candidates waiting for matching" in html


def test_queue_filters_by_outlet_kind_confidence_and_speaker(editor_client, desk):
    Candidate.objects.filter(pk=desk.cand_b.pk).update(confidence=0.4, kind="indirect")
    url = reverse("claims:queue")
    tab = {"tab": "candidates"}
    html = editor_client.get(url, {**tab, "outlet": desk.a.outlet_id}).content.decode()
    assert f"cand-row-{desk.cand_a.pk}" in html and f"cand-row-{desk.cand_b.pk}" not in html
    html = editor_client.get(url, {**tab, "kind": "indirect"}).content.decode()
    assert f"cand-row-{desk.cand_b.pk}" in html and f"cand-row-{desk.cand_a.pk}" not in html
    html = editor_client.get(url, {**tab, "min_confidence": "0.5"}).content.decode()
    assert f"cand-row-{desk.cand_a.pk}" in html and f"cand-row-{desk.cand_b.pk}" not in html
    html = editor_client.get(url, {**tab, "speaker_name": "nobody"}).content.decode()
    assert "Nothing to review" in html
    html = editor_client.get(url, {**tab, "sort": "confidence"}).content.decode()
    assert html.index(f"cand-row-{desk.cand_b.pk}") < html.index(f"cand-row-{desk.cand_a.pk}")
    # Nonsense filters are ignored, not an error.
    assert editor_client.get(url, {"min_confidence": "lots", "published_after": "yesterday", "page": "x"}).status_code == 200


def rows_on_screen(html, prefix):
    return {int(pk) for pk in re.findall(rf'id="{prefix}-(\d+)"', html)}


def test_queue_filters_are_the_apis(editor_client, desk):
    """The queue's filters are the API's FilterSets: each query lists the same rows on both."""
    Article.objects.filter(pk=desk.b.pk).update(published_at=datetime(2024, 3, 1, 12, tzinfo=timezone.utc))
    candidate_queries = [
        ({"outlet": desk.a.outlet_id}, {desk.cand_a.pk}),
        ({"speaker_name": "RIVERS"}, {desk.cand_a.pk, desk.cand_b.pk}),
        ({"published_before": "2024-03-02"}, {desk.cand_b.pk}),
        ({"published_after": "2024-03-02", "kind": desk.cand_a.kind}, {desk.cand_a.pk}),
        ({"min_confidence": "1"}, set()),
    ]
    for query, expected in candidate_queries:
        html = editor_client.get(reverse("claims:queue"), {**query, "tab": "candidates"}).content.decode()
        listed = editor_client.get("/api/v1/candidates/", {**query, "status": "pending"}).json()["results"]
        assert rows_on_screen(html, "cand-row") == {row["id"] for row in listed} == expected, query
    match_queries = [
        ({"outlet": desk.b.outlet_id, "relation": "variant"}, {desk.match.pk}),
        ({"outlet": desk.a.outlet_id}, set()),
        ({"speaker_name": "jane", "kind": desk.cand_b.kind}, {desk.match.pk}),
        ({"published_after": "2024-03-02"}, set()),
        ({"min_score": "0.95"}, set()),
    ]
    for query, expected in match_queries:
        html = editor_client.get(reverse("claims:queue"), {**query, "tab": "matches"}).content.decode()
        listed = editor_client.get("/api/v1/matches/", {**query, "state": "suggested"}).json()["results"]
        assert rows_on_screen(html, "match-row") == {row["id"] for row in listed} == expected, query


def test_queue_says_which_filters_it_could_not_read_and_applies_the_rest(editor_client, desk):
    html = editor_client.get(reverse("claims:queue"), {"tab": "candidates", "outlet": desk.a.outlet_id, "min_confidence": "lots",
                                                       "sort": "sideways", "outlet_x": "1"}).content.decode()
    assert "Some filters were not understood and were ignored." in html
    assert rows_on_screen(html, "cand-row") == {desk.cand_a.pk}
    # The empty fields a submitted filter form sends mean "any", not "not understood".
    html = editor_client.get(reverse("claims:queue"), {"tab": "candidates", "outlet": "", "kind": "", "min_confidence": "",
                                                       "published_after": "", "speaker_name": ""}).content.decode()
    assert "not understood" not in html and rows_on_screen(html, "cand-row") == {desk.cand_a.pk, desk.cand_b.pk}
    # The API's filter fields, in the screen's words.
    assert ">All kinds</option>" in html and ">All outlets</option>" in html and "---------" not in html
    html = editor_client.get(reverse("claims:queue"), {"tab": "matches"}).content.decode()
    assert ">All relations</option>" in html and "Min. score" in html and "---------" not in html


def test_queue_of_matches_shows_the_word_diff(editor_client, desk):
    html = editor_client.get(reverse("claims:queue"), {"tab": "matches"}).content.decode()
    assert f"match-row-{desk.match.pk}" in html
    assert '<del class="d-del">within four</del>' in html
    assert '<ins class="d-ins">in five</ins>' in html


def test_article_highlights_every_candidate_and_shows_the_selected_one(editor_client, desk):
    response = editor_client.get(reverse("claims:article", args=[desk.a.pk]), {"c": desk.cand_a.pk})
    html = response.content.decode()
    mark = re.search(r'<mark class="([^"]+)" data-start="(\d+)" data-cand="(\d+)"', html)
    assert mark and "k-direct" in mark.group(1) and "s-pending" in mark.group(1)
    assert int(mark.group(2)) == desk.cand_a.start and int(mark.group(3)) == desk.cand_a.pk
    panel = re.search(rf'<section class="panel cand-panel" id="cand-{desk.cand_a.pk}"[^>]*>', html).group(0)
    assert "hidden" not in panel
    assert "Rivers" in html and "said" in html and "0.90" in html  # speaker, cue, confidence


def test_article_text_is_rebuilt_exactly_from_segments(editor_client, desk):
    html = editor_client.get(reverse("claims:article", args=[desk.a.pk])).content.decode()
    body = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', html, re.S).group(1)
    import html as htmllib

    text = htmllib.unescape(re.sub(r"<[^>]+>", "", body))
    assert text == desk.a.text


def test_segments_handle_overlapping_and_nested_spans():
    text = "abcdefghij"
    outer = SimpleNamespace(pk=1, start=0, end=8, kind="direct", status="pending")
    inner = SimpleNamespace(pk=2, start=3, end=5, kind="indirect", status="confirmed")
    crossing = SimpleNamespace(pk=3, start=6, end=10, kind="mixed", status="pending")
    segments = segment_text(text, [outer, inner, crossing])
    assert "".join(s.text for s in segments) == text
    assert [(s.start, s.text) for s in segments] == [(0, "abc"), (3, "de"), (5, "f"), (6, "gh"), (8, "ij")]
    assert segments[1].primary is inner and "overlap" in segments[1].css
    assert [c.pk for c in segments[3].candidates] == [1, 3]
    # Offsets beyond the text (an older version) are clipped, never a crash.
    stale = SimpleNamespace(pk=4, start=8, end=50, kind="direct", status="pending")
    assert "".join(s.text for s in segment_text(text, [stale])) == text


def test_claim_page_shows_citations_side_by_side_with_diff_and_misquote_flag(editor_client, desk):
    services.accept_match(match_id=desk.match.pk, actor=None)
    html = editor_client.get(reverse("claims:claim", args=[desk.claim_a.pk])).content.decode()
    assert "Morning Ledger" in html and "Evening Post" in html
    assert html.count('<article class="card') == 2
    assert '<del class="d-del">within four</del>' in html and '<ins class="d-ins">in five</ins>' in html
    assert re.search(r"Possible misquote[^<]*four, five", html)  # a number changed: a content word differs
    assert "First reported" in html


def test_speaker_page_shows_aliases_roles_and_claims(editor_client, desk):
    html = editor_client.get(reverse("claims:speaker", args=[desk.speaker.pk])).content.decode()
    assert "finance minister" in html
    assert "We will cut the deficit" in html


def test_search_finds_claims_and_articles(editor_client, desk):
    html = editor_client.get(reverse("claims:search"), {"q": "deficit"}).content.decode()
    assert reverse("claims:claim", args=[desk.claim_a.pk]) in html
    assert reverse("claims:article", args=[desk.b.pk]) in html
    html = editor_client.get(reverse("claims:search"), {"q": "zzzunfindable"}).content.decode()
    assert "No claim matches" in html and "No article matches" in html


def test_claim_picker_partial_for_the_cite_form(editor_client, desk):
    response = editor_client.get(reverse("claims:search"), {"q": "deficit", "only": "claims"}, **FETCH)
    html = response.content.decode()
    assert f'data-pick-claim="{desk.claim_a.pk}"' in html
    assert "<html" not in html


# --------------------------------------------------------------------------- decisions


def test_confirm_from_the_article_page_redirects_back_with_a_message(editor_client, desk, editor):
    url = reverse("claims:candidate-confirm", args=[desk.cand_a.pk])
    response = editor_client.post(url, {"revision": desk.cand_a.revision}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("claims:article", args=[desk.a.pk]))
    assert "Confirmed" in response.content.decode()
    candidate = Candidate.objects.get(pk=desk.cand_a.pk)
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.reviewed_by == editor


def test_fetch_decision_returns_the_updated_row(editor_client, desk):
    response = editor_client.post(reverse("claims:candidate-reject", args=[desk.cand_a.pk]),
                                  {"revision": desk.cand_a.revision}, **FETCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="cand-row-{desk.cand_a.pk}"')
    assert "Rejected" in html and "<html" not in html


def test_stale_revision_shows_a_conflict_message_not_a_500(editor_client, desk):
    url = reverse("claims:candidate-confirm", args=[desk.cand_a.pk])
    response = editor_client.post(url, {"revision": desk.cand_a.revision + 3}, follow=True)
    assert response.status_code == 200
    assert "Another editor changed this" in response.content.decode()
    response = editor_client.post(url, {"revision": desk.cand_a.revision + 3}, **FETCH)
    assert response.status_code == 409
    assert "Another editor changed this" in response.content.decode()
    assert Candidate.objects.get(pk=desk.cand_a.pk).status == CandidateStatus.PENDING


def test_refused_decision_is_a_409_fragment_for_fetch(editor_client, desk):
    services.reject_match(match_id=desk.match.pk, actor=None)
    response = editor_client.post(reverse("claims:match-accept", args=[desk.match.pk]), **FETCH)
    assert response.status_code == 409
    assert "already rejected" in response.content.decode()


def test_accept_match_moves_the_citation_to_the_existing_claim(editor_client, desk):
    response = editor_client.post(reverse("claims:match-accept", args=[desk.match.pk]), **FETCH)
    assert response.status_code == 200 and "Accepted" in response.content.decode()
    assert Citation.objects.filter(claim=desk.claim_a).count() == 2
    assert Match.objects.get(pk=desk.match.pk).state == MatchState.ACCEPTED


def test_bulk_confirm_reports_counts_and_refusals(editor_client, desk):
    services.reject_candidate(candidate_id=desk.cand_b.pk, actor=None)
    response = editor_client.post(reverse("claims:bulk"),
                                  {"action": "confirm", "ids": [desk.cand_a.pk, desk.cand_b.pk]}, follow=True)
    html = response.content.decode()
    assert "Confirmed 1 candidate." in html and "1 refused" in html and "already rejected" in html
    assert Candidate.objects.get(pk=desk.cand_a.pk).status == CandidateStatus.CONFIRMED


def test_bulk_without_rows_or_with_garbage_is_a_clear_error(editor_client, desk):
    response = editor_client.post(reverse("claims:bulk"), {"action": "confirm"}, follow=True)
    assert "Tick at least one row" in response.content.decode()
    response = editor_client.post(reverse("claims:bulk"), {"action": "confirm", "ids": ["1; drop"]}, **FETCH)
    assert response.status_code == 400


def test_edit_candidate_span_and_speaker(editor_client, desk):
    cand = desk.cand_a
    start = desk.a.text.index("We will")
    response = editor_client.post(reverse("claims:candidate-edit", args=[cand.pk]),
                                  {"start": start, "end": cand.end - 2, "speaker_name": "J. Rivers",
                                   "revision": cand.revision}, follow=True)
    assert "Candidate updated" in response.content.decode()
    cand.refresh_from_db()
    assert cand.text == desk.a.text[start:cand.end] and cand.speaker.name == "J. Rivers"


def test_edit_with_an_impossible_span_is_refused_clearly(editor_client, desk):
    response = editor_client.post(reverse("claims:candidate-edit", args=[desk.cand_a.pk]),
                                  {"start": 5, "end": 99999}, follow=True)
    assert "outside the article" in response.content.decode()
    response = editor_client.post(reverse("claims:candidate-edit", args=[desk.cand_a.pk]),
                                  {"start": "ten", "end": 3}, follow=True)
    assert response.status_code == 200 and "Start" in response.content.decode()


def test_cite_a_selected_span_to_a_claim(editor_client, desk, editor):
    start = desk.b.text.index("Critics")
    response = editor_client.post(reverse("claims:cite"), {
        "claim": desk.claim_a.pk, "article": desk.b.pk, "start": start, "end": start + 24,
        "next": reverse("claims:article", args=[desk.b.pk]),
    }, follow=True)
    assert "Cited to claim" in response.content.decode()
    citation = Citation.objects.get(claim=desk.claim_a, article=desk.b)
    assert citation.quote == "Critics were unconvinced" and citation.created_by == editor


def test_cite_outside_the_text_is_refused(editor_client, desk):
    response = editor_client.post(reverse("claims:cite"), {
        "claim": desk.claim_a.pk, "article": desk.b.pk, "start": 10, "end": 100000}, follow=True)
    assert "outside the article" in response.content.decode()
    assert not Citation.objects.filter(claim=desk.claim_a, article=desk.b).exists()


def test_merge_then_undo_from_the_claim_page(editor_client, desk):
    response = editor_client.post(reverse("claims:claim-merge"),
                                  {"source": desk.claim_b.pk, "target": desk.claim_a.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("claims:claim", args=[desk.claim_a.pk])
    assert Claim.objects.get(pk=desk.claim_b.pk).status == ClaimStatus.MERGED
    html = response.content.decode()
    assert html.count('<article class="card') == 2
    event = ReviewEvent.objects.get(action="merge_claims")
    assert reverse("claims:undo", args=[event.pk]) in html
    response = editor_client.post(reverse("claims:undo", args=[event.pk]), follow=True)
    assert f"Undid: merge of claim {desk.claim_b.pk} into claim {desk.claim_a.pk}." in response.content.decode()
    assert Claim.objects.get(pk=desk.claim_b.pk).status == ClaimStatus.PROPOSED
    assert Citation.objects.filter(claim=desk.claim_a).count() == 1
    # Undoing twice is a clear conflict.
    response = editor_client.post(reverse("claims:undo", args=[event.pk]), **FETCH)
    assert response.status_code == 409 and "already undone" in response.content.decode()


def test_merge_search_on_the_claim_page(editor_client, desk):
    html = editor_client.get(reverse("claims:claim", args=[desk.claim_a.pk]), {"merge_q": "deficit"}).content.decode()
    assert f'name="source" value="{desk.claim_b.pk}"' in html


def test_merge_of_different_speakers_is_refused_unless_asked(editor_client, desk):
    other = SpeakerFactory(name="Tom Other")
    Claim.objects.filter(pk=desk.claim_b.pk).update(speaker=other)
    response = editor_client.post(reverse("claims:claim-merge"),
                                  {"source": desk.claim_b.pk, "target": desk.claim_a.pk}, follow=True)
    assert "different speakers" in response.content.decode()
    assert Claim.objects.get(pk=desk.claim_b.pk).status == ClaimStatus.PROPOSED


def test_split_a_citation_off(editor_client, desk):
    services.accept_match(match_id=desk.match.pk, actor=None)
    citation = Citation.objects.get(claim=desk.claim_a, article=desk.b)
    response = editor_client.post(reverse("claims:citation-split", args=[citation.pk]), follow=True)
    assert "Split off into claim" in response.content.decode()
    citation.refresh_from_db()
    assert citation.claim_id != desk.claim_a.pk


def test_confirm_reject_and_edit_a_claim(editor_client, desk):
    claim = desk.claim_a
    editor_client.post(reverse("claims:claim-confirm", args=[claim.pk]), {"revision": claim.revision})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CONFIRMED
    response = editor_client.post(reverse("claims:claim-edit", args=[claim.pk]), {
        "text": claim.text, "speaker_name": "Jane Rivers", "rating": "Misleading", "rating_explanation": "Half the story.",
        "revision": claim.revision}, follow=True)
    assert "Claim updated" in response.content.decode()
    claim.refresh_from_db()
    assert claim.rating == "Misleading"
    editor_client.post(reverse("claims:claim-reject", args=[claim.pk]), {"revision": claim.revision})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_edit_speaker_aliases_and_merge_speakers(editor_client, desk):
    url = reverse("claims:speaker-edit", args=[desk.speaker.pk])
    response = editor_client.post(url, {"name": "Jane Rivers", "kind": "person", "add_aliases": "J. Rivers; Minister Rivers"},
                                  follow=True)
    assert "Speaker updated" in response.content.decode()
    assert set(desk.speaker.aliases.values_list("alias", flat=True)) >= {"J. Rivers", "Minister Rivers"}
    duplicate = SpeakerFactory(name="Jane  Rivers MP")
    html = editor_client.get(reverse("claims:speaker", args=[desk.speaker.pk]), {"merge_q": "Rivers MP"}).content.decode()
    assert f'name="source" value="{duplicate.pk}"' in html
    editor_client.post(reverse("claims:speaker-merge"), {"source": duplicate.pk, "target": desk.speaker.pk})
    assert Speaker.objects.get(pk=duplicate.pk).merged_into_id == desk.speaker.pk


def test_posts_without_csrf_token_are_refused(desk, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("claims:candidate-confirm", args=[desk.cand_a.pk]))
    assert response.status_code == 403
    assert Candidate.objects.get(pk=desk.cand_a.pk).status == CandidateStatus.PENDING


# --------------------------------------------------------------------------- XSS


def test_script_and_html_in_article_and_quote_render_inert(editor_client):
    text = ("Intro <b>bold</b> line.\n"
            "\u201c<script>alert(1)</script> and <img src=x onerror=alert(2)> are fine,\u201d said Evil Person.\n")
    article = ArticleFactory(title="<script>alert('title')</script>", text=text)
    speaker = SpeakerFactory(name="<img src=x onerror=alert(3)>")
    candidate, claim = claimed_candidate(article, speaker, "\u201c<script>", "are fine,\u201d")
    pages = [
        reverse("claims:article", args=[article.pk]) + f"?c={candidate.pk}",
        reverse("claims:claim", args=[claim.pk]),
        reverse("claims:speaker", args=[speaker.pk]),
        reverse("claims:queue"),
        reverse("claims:dashboard"),
        reverse("claims:search") + "?q=alert",
    ]
    for url in pages:
        html = editor_client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<b>bold</b>" not in html, url
    html = editor_client.get(pages[0]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_pages_carry_a_csp_without_inline_script(editor_client, desk):
    response = editor_client.get(reverse("claims:article", args=[desk.a.pk]))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a static file
    assert " style=" not in html and " onclick=" not in html
    assert response["X-Frame-Options"] == "DENY"


# --------------------------------------------------------------------------- query counts


def _grow(desk, n):
    """Add ``n`` more articles, each with a claimed candidate and a suggested match."""
    for i in range(n):
        article = ArticleFactory(outlet=desk.b.outlet if i % 2 else desk.a.outlet, text=OTHER_TEXT)
        candidate, claim = claimed_candidate(article, desk.speaker, "\u201cWe will", "years,\u201d")
        Match.objects.create(candidate=candidate, claim=desk.claim_a, score=0.5 + i / 1000, relation=MatchRelation.PARAPHRASE)
        CitationFactory(claim=desk.claim_a, article=article, start=0, end=10)
        ReviewEvent.objects.create(action="cite_span", target_type="citation", target_id=i, claim=desk.claim_a, summary="x",
                                   changes=[{"model": "claims.citation", "pk": i, "before": None, "after": {}}])


@pytest.mark.parametrize("size", [0, 30])
def test_every_screen_stays_within_ten_queries_whatever_the_data_size(editor_client, desk, size,
                                                                        django_assert_max_num_queries):
    _grow(desk, size)
    for name, url in screens(desk).items():
        with django_assert_max_num_queries(10, info=name):
            assert editor_client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        editor_client.get(reverse("claims:claim", args=[desk.claim_a.pk]), {"merge_q": "deficit"})
    with django_assert_max_num_queries(10):
        editor_client.get(reverse("claims:speaker", args=[desk.speaker.pk]), {"merge_q": "Rivers"})


def test_the_desk_stylesheet_and_script_are_served_as_static_files():
    """base.html loads factdesk/desk.css and desk.js; without them the screens are unstyled and inert.

    They live in factdesk/static/, a project folder rather than an app, so settings must name it
    in STATICFILES_DIRS for runserver, whitenoise and collectstatic to find them.
    """
    from django.contrib.staticfiles import finders

    assert finders.find("factdesk/desk.css"), "factdesk/static is not in STATICFILES_DIRS"
    assert finders.find("factdesk/desk.js"), "factdesk/static is not in STATICFILES_DIRS"


def test_dashboard_counts_follow_decisions_despite_the_cache(editor_client, desk):
    url = reverse("claims:dashboard")
    assert re.search(r'stat-n">2</span><span class="stat-l">candidates to review', editor_client.get(url).content.decode())
    services.reject_candidate(candidate_id=desk.cand_a.pk, actor=None)
    assert re.search(r'stat-n">1</span><span class="stat-l">candidates to review', editor_client.get(url).content.decode())


def test_queue_pages_deep_and_caps_its_count(editor_client, desk, monkeypatch):
    from claims.views import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    monkeypatch.setattr(queue, "COUNT_CAP", 1)
    third, _ = claimed_candidate(desk.b, desk.speaker, "Critics", "unconvinced.", confidence=0.1)
    html = editor_client.get(reverse("claims:queue"), {"tab": "candidates", "page": 2, "sort": "-confidence"}).content.decode()
    assert html.count('data-row data-swap') == 1
    assert "more than 1" in html and "Page 2<" in html and 'rel="next"' in html
    # Past the counted rows the pages go on (page 202 of a 10,000-capped queue showed page 201).
    html = editor_client.get(reverse("claims:queue"), {"tab": "candidates", "page": 3, "sort": "-confidence"}).content.decode()
    assert rows_on_screen(html, "cand-row") == {third.pk}
    assert "Page 3<" in html and 'rel="next"' not in html and 'rel="prev"' in html


def test_claim_queue_puts_multi_outlet_claims_first_with_their_reasons(editor_client, desk):
    """One row per proposed claim: speaker, every outlet, what needs deciding, and why it is where it is."""
    lone = ClaimFactory(speaker=None, text="Somebody thinks the bridge will fall")
    CitationFactory(claim=lone, article=ArticleFactory(outlet=OutletFactory(name="Quiet Gazette")))
    CitationFactory(claim=desk.claim_a, article=desk.b, start=desk.cand_b.start, end=desk.cand_b.end)
    refresh_all()  # rows made by factories, around the services: scored as manage.py refresh_triage does
    html = editor_client.get(reverse("claims:queue")).content.decode()
    order = [int(pk) for pk in re.findall(r'id="claim-row-(\d+)"', html)]
    assert order[0] == desk.claim_a.pk and order[-1] == lone.pk
    first_row = html[html.index(f'id="claim-row-{desk.claim_a.pk}"'):html.index("</tr>", html.index(f'id="claim-row-{desk.claim_a.pk}"'))]
    assert "reported by 2 outlets" in first_row and "possible misquote" in first_row and "named public figure" in first_row
    assert "Morning Ledger" in first_row and "Evening Post" in first_row and "Jane Rivers" in first_row
    assert "unattributed" in html[html.index(f'id="claim-row-{lone.pk}"'):]
    assert 'data-queue-count="3">3</strong> proposed claims' in html
    assert 'href="/queue/?tab=candidates"' in html


def test_claim_row_decisions_answer_with_the_row_for_the_keyboard(editor_client, desk):
    url = reverse("claims:queue-claim-confirm", args=[desk.claim_a.pk])
    response = editor_client.post(url, {"revision": desk.claim_a.revision}, **FETCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="claim-row-{desk.claim_a.pk}"' in html and "Confirmed" in html and 'data-key="c"' not in html
    assert editor_client.post(url, {}, **FETCH).status_code == 409


def test_class_decision_from_the_queue_is_one_event_and_undone_in_one_step(editor_client, desk):
    loose = [claimed_candidate(desk.a, None, "The minister", "Monday.")[0],
             claimed_candidate(desk.a, None, "She added", "money.")[0]]
    queue_url = reverse("claims:queue") + f"?tab=candidates&outlet={desk.a.outlet_id}"
    html = editor_client.get(queue_url).content.decode()
    assert "Reject every unattributed candidate from this outlet" in html
    response = editor_client.post(reverse("claims:bulk-class"), {"action": "reject_unattributed",
                                                                 "outlet": desk.a.outlet_id, "next": queue_url})
    assert response.status_code == 302 and response.url == queue_url
    assert set(Candidate.objects.filter(pk__in=[c.pk for c in loose]).values_list("status", flat=True)) == {"rejected"}
    event = ReviewEvent.objects.get(action="reject_unattributed")
    html = editor_client.get(queue_url).content.decode()
    assert "Rejected 2 unattributed candidates in Morning Ledger" in html
    editor_client.post(reverse("claims:undo", args=[event.pk]), {"next": queue_url})
    assert set(Candidate.objects.filter(pk__in=[c.pk for c in loose]).values_list("status", flat=True)) == {"pending"}
    assert Candidate.objects.get(pk=desk.cand_a.pk).status == "pending"
    # Bad input is a message, never an error page.
    response = editor_client.post(reverse("claims:bulk-class"), {"action": "reject_unattributed"}, follow=True)
    assert response.status_code == 200 and "Choose one outlet" in response.content.decode()


def test_undo_messages_say_what_was_undone(editor_client, editor, desk):
    services.merge_claims(source_id=desk.claim_b.pk, target_id=desk.claim_a.pk, actor=editor)
    merge = ReviewEvent.objects.get(action="merge_claims")
    response = editor_client.post(reverse("claims:undo", args=[merge.pk]), follow=True)
    assert f"Undid: merge of claim {desk.claim_b.pk} into claim {desk.claim_a.pk}." in response.content.decode()
    services.reject_candidate(candidate_id=desk.cand_a.pk, actor=editor)
    rejection = ReviewEvent.objects.get(action="reject_candidate")
    response = editor_client.post(reverse("claims:undo", args=[rejection.pk]), **FETCH)
    assert f"Undid: rejection of candidate {desk.cand_a.pk}." in response.content.decode()


def test_classes_editors_almost_always_reject_are_hidden_with_a_link_to_show_them(editor_client, desk, settings):
    settings.FACTDESK_HIDE_MIN_DECISIONS = 3
    settings.FACTDESK_HIDE_ACCEPTANCE_BELOW = 0.2
    for _ in range(3):
        CandidateFactory(article=ArticleFactory(), kind="checkworthy", speaker=None, status="rejected")
    waiting = CandidateFactory(article=desk.a, kind="checkworthy", speaker=None, start=0, end=10)
    url = reverse("claims:queue")
    html = editor_client.get(url, {"tab": "candidates"}).content.decode()
    assert f"cand-row-{waiting.pk}" not in html and f"cand-row-{desk.cand_a.pk}" in html
    assert "unattributed check-worthy statement candidates (accepted 0 of 3)" in html and "show_all=1" in html
    html = editor_client.get(url, {"tab": "candidates", "show_all": "1"}).content.decode()
    assert f"cand-row-{waiting.pk}" in html and "data-hidden-classes" not in html
    settings.FACTDESK_HIDE_ACCEPTANCE_BELOW = 0
    assert f"cand-row-{waiting.pk}" in editor_client.get(url, {"tab": "candidates"}).content.decode()
