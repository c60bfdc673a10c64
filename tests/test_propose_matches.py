"""Matching new candidates against stored claims: policy, audit rows and their undo, bulk writes.

``services.propose_matches`` is what the worker runs after extraction. These tests build
articles with hand-placed candidates (the extractor is tested elsewhere) and check what an
editor sees afterwards: which candidates were cited to an existing claim, which got their own
claim, which pairs wait for review, and that each machine decision is audited and undoable.
"""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import services
from claims.models import Candidate, Citation, Claim, ClaimStatus, Match, MatchState, ReviewEvent
from tests.factories import ArticleFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

REMARKS = [
    "We will cut the deficit by half within four years, whatever the opposition says about the plan",
    "Our hospitals will hire ten thousand nurses before the next winter begins in the northern regions",
    "The bridge across the river will open to traffic in the spring after three years of delays",
    "Farmers will receive compensation for every hectare flooded during the storms of last autumn",
    "The new tax on sugary drinks will fund free school meals for every child in the country",
    "Police stations closed in the last decade will reopen in twenty market towns by the summer",
    "Rail fares will be frozen for two years while the network is brought back into public hands",
    "A national grid of heat pumps will replace gas boilers in half a million council homes",
]


def article_with(remarks, *, speaker, outlet=None, days_ago=0):
    """An article quoting ``speaker`` once per remark, with one pending candidate per quote."""
    lines = [f"\u201c{remark},\u201d {speaker.name} said." for remark in remarks]
    article = ArticleFactory(
        outlet=outlet or OutletFactory(), text="\n".join(lines), published_at=timezone.now() - timedelta(days=days_ago)
    )
    ids = []
    for remark in remarks:
        start = article.text.index("\u201c" + remark)
        end = start + len(remark) + 3  # the opening mark, the comma and the closing mark
        ids.append(
            Candidate.objects.create(
                article=article, content_hash=article.content_hash, kind="direct", start=start, end=end,
                text=article.text[start:end], speaker=speaker, speaker_text=speaker.name, speaker_resolved=True,
                cue="said", confidence=0.9, extractor_version="test",
            ).pk
        )
    return article, ids


def reworded(remark):
    """Another outlet's wording of the same remark: same words, a few edits."""
    return remark.replace("will", "is going to", 1).replace(" the ", " our ", 1)


def test_new_statements_become_proposed_claims_each_with_its_own_undoable_event(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    article, ids = article_with(REMARKS[:3], speaker=speaker)
    assert services.propose_matches(candidate_ids=ids) == 0
    candidates = list(Candidate.objects.filter(pk__in=ids).select_related("claim"))
    assert all(c.claim and c.claim.status == ClaimStatus.PROPOSED and c.matched_at for c in candidates)
    assert len({c.claim_id for c in candidates}) == 3
    for c in candidates:
        citation = Citation.objects.get(claim=c.claim)
        assert (citation.article_id, citation.start, citation.end, citation.quote) == (article.pk, c.start, c.end, c.text)
        assert citation.content_hash == article.content_hash and citation.prefix == article.text[max(0, c.start - 32):c.start]
        assert c.claim.embedding is not None and c.claim.shingles.exists()
    events = ReviewEvent.objects.filter(action="propose_claim")
    assert sorted(e.target_id for e in events) == sorted(ids) and all(e.actor is None for e in events)

    first = candidates[0]
    services.undo(event_id=events.get(target_id=first.pk).pk, actor=editor)
    first.refresh_from_db()
    assert first.claim is None and not Claim.objects.filter(pk=candidates[0].claim_id).exists()
    assert Claim.objects.count() == 2  # the other two decisions stand


def test_another_outlets_wording_is_cited_to_the_existing_claim_and_the_citation_can_be_undone(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, first_ids = article_with(REMARKS[:2], speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=first_ids)
    claims_before = set(Claim.objects.values_list("pk", flat=True))

    second, ids = article_with([reworded(r) for r in REMARKS[:2]], speaker=speaker)
    assert services.propose_matches(candidate_ids=ids) >= 2
    assert set(Claim.objects.values_list("pk", flat=True)) == claims_before  # no new claim
    for claim in Claim.objects.all():
        assert sorted(claim.citations.values_list("article__outlet", flat=True).distinct()).__len__() == 2
    accepted = Match.objects.filter(candidate_id__in=ids, state=MatchState.ACCEPTED, automatic=True)
    assert accepted.count() == 2 and {m.relation for m in accepted} <= {"verbatim", "variant"}
    assert all(m.evidence["diff"] and m.evidence["speaker_agrees"] is True for m in accepted)

    match = accepted.first()
    event = ReviewEvent.objects.get(action="auto_accept_match", target_id=match.pk)
    assert event.claim_id == match.claim_id and "cited automatically" in event.summary
    services.undo(event_id=event.pk, actor=editor)
    candidate = Candidate.objects.get(pk=match.candidate_id)
    assert candidate.claim is None and not Match.objects.filter(pk=match.pk).exists()
    assert not Citation.objects.filter(claim=match.claim_id, article=second).exists()
    assert Citation.objects.filter(claim=match.claim_id).count() == 1


def test_an_earlier_report_becomes_the_claims_first_report():
    speaker = SpeakerFactory(name="Jane Rivers")
    late, late_ids = article_with(REMARKS[:1], speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=late_ids)
    early, ids = article_with([reworded(REMARKS[0])], speaker=speaker, days_ago=3)  # back-filled
    services.propose_matches(candidate_ids=ids)
    claim = Claim.objects.get()
    assert claim.first_article == early and claim.first_reported_at == early.published_at
    assert ReviewEvent.objects.get(action="auto_accept_match").changes[2]["after"]["first_article_id"] == early.pk


def test_a_pair_an_editor_rejected_is_not_proposed_again(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, first_ids = article_with(REMARKS[:1], speaker=speaker, days_ago=2)
    services.propose_matches(candidate_ids=first_ids)
    target = Claim.objects.get()
    _, ids = article_with([reworded(REMARKS[0])], speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=ids)
    match = Match.objects.get(candidate_id=ids[0])
    services.undo(event_id=ReviewEvent.objects.get(action="auto_accept_match").pk, actor=editor)
    # The editor gets the pair back as a suggestion and rejects it ...
    suggested = Match.objects.create(candidate_id=ids[0], claim=target, score=match.score, relation=match.relation)
    services.reject_match(match_id=suggested.pk, actor=editor)
    # ... and the same wording in a third outlet is never matched to that claim again.
    _, again = article_with([reworded(REMARKS[0])], speaker=speaker)
    services.propose_matches(candidate_ids=again)
    assert not Match.objects.filter(candidate_id=again[0], claim=target).exists()
    assert Candidate.objects.get(pk=again[0]).claim != target


def test_a_claim_merged_away_meanwhile_is_not_cited(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, first_ids = article_with(REMARKS[:1], speaker=speaker, days_ago=2)
    services.propose_matches(candidate_ids=first_ids)
    claim = Claim.objects.get()
    services.reject_claim(claim_id=claim.pk, actor=editor)
    _, ids = article_with([reworded(REMARKS[0])], speaker=speaker)
    services.propose_matches(candidate_ids=ids)
    candidate = Candidate.objects.get(pk=ids[0])
    assert candidate.claim != claim and candidate.claim.status == ClaimStatus.PROPOSED


def test_matching_an_article_writes_in_bulk_however_many_candidates_it_has():
    speaker = SpeakerFactory(name="Jane Rivers")
    _, stored = article_with(REMARKS, speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=stored)

    def writes_for(remarks):
        _, ids = article_with(remarks, speaker=speaker)
        with CaptureQueriesContext(connection) as queries:
            services.propose_matches(candidate_ids=ids)
        assert Candidate.objects.filter(pk__in=ids, matched_at__isnull=False, claim__isnull=False).count() == len(ids)
        return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]

    # Each time a mix: reworded remarks (cited to their claims) and one new statement (a new claim).
    two = writes_for([reworded(r) for r in REMARKS[:2]] + ["Museums in every city will stay open late on Fridays"])
    eight = writes_for([reworded(r) for r in REMARKS] + ["Lighthouse keepers are to be trained as coastguards"])
    assert len(eight) == len(two), (len(two), len(eight))


def test_a_group_is_found_by_the_places_it_names_however_many_groups_exist():
    from claims.extraction.pipeline import Extracted
    from claims.models import Speaker, SpeakerKind

    Speaker.objects.bulk_create(
        [Speaker(name=f"officials of Region{i}, Province{i} and District{i}", kind=SpeakerKind.GROUP) for i in range(600)]
    )
    first = services.link_speaker(
        Extracted(kind="indirect", start=0, end=5, speaker="the foreign ministers of Germany, France, Poland and Britain",
                  speaker_kind="group"),
        seen_on=None,
    )
    again = services.link_speaker(
        Extracted(kind="indirect", start=0, end=5, speaker="ministers from France, Germany, Britain and Poland",
                  speaker_kind="group"),
        seen_on=None,
    )
    other = services.link_speaker(
        Extracted(kind="indirect", start=0, end=5, speaker="leaders of Spain, Italy and Portugal", speaker_kind="group"),
        seen_on=None,
    )
    assert first.pk == again.pk != other.pk
    assert Speaker.objects.filter(kind=SpeakerKind.GROUP).count() == 602


def unattributed_report(text):
    """An article repeating ``text`` with no speaker the extractor could name: found by its words only."""
    article = ArticleFactory(outlet=OutletFactory(), text=f"\u201c{text},\u201d a source said.")
    start, end = 0, len(text) + 3
    return Candidate.objects.create(
        article=article, content_hash=article.content_hash, kind="direct", start=start, end=end,
        text=article.text[start:end], speaker=None, speaker_text="a source", confidence=0.6, extractor_version="test",
    )


def test_a_claim_split_off_by_an_editor_is_found_by_its_wording(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, ids = article_with(REMARKS[:1], speaker=speaker, days_ago=2)
    services.propose_matches(candidate_ids=ids)
    _, second = article_with([reworded(REMARKS[0])], speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=second)  # cited to the first claim automatically
    citation = Citation.objects.get(candidate_id=second[0])
    split_off = services.split_citation(citation_id=citation.pk, actor=editor)
    report = unattributed_report(reworded(REMARKS[0]))
    services.propose_matches(candidate_ids=[report.pk])
    assert Match.objects.get(candidate=report, claim=split_off).relation == "verbatim"


def test_an_edited_claim_is_found_by_its_new_wording(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, ids = article_with(REMARKS[:1], speaker=speaker, days_ago=2)
    services.propose_matches(candidate_ids=ids)
    claim = Candidate.objects.get(pk=ids[0]).claim
    services.edit_claim(claim_id=claim.pk, actor=editor, text=REMARKS[2])
    report = unattributed_report(REMARKS[2])
    services.propose_matches(candidate_ids=[report.pk])
    match = Match.objects.get(candidate=report)
    assert (match.claim_id, match.relation) == (claim.pk, "verbatim") and match.semantic > 0.99


@pytest.mark.parametrize("mention", ["they", "They", "officials", "some economists", "Both presidential candidates"])
def test_a_group_that_names_nobody_is_not_made_a_speaker(mention):
    # Each article's "officials" are other people: no shared speaker (the speaker list would
    # fill with one "they" per article); the candidate keeps the words and is flagged unresolved.
    from claims.extraction.pipeline import Extracted
    from claims.models import Speaker

    found = services.link_speaker(Extracted(kind="indirect", start=0, end=5, speaker=mention, speaker_kind="group"),
                                  seen_on=None)
    assert found is None and not Speaker.objects.exists()
