"""The editorial value stored on each claim stays the value its signals give, whatever decision changed them.

The queue orders by ``Claim.triage_value``; a decision that changes a claim's signals (another
outlet cites it, a wording match is decided, a candidate rejected, a role learned, a fact-check
linked, an undo) must leave the stored value and reasons equal to a fresh computation, or the
queue would show a claim where it no longer belongs.
"""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims import services, triage
from claims.factchecks.linking import reject_factcheck_link
from claims.factchecks.models import FactCheck, FactCheckFormat, FactCheckLink, LinkState
from claims.models import Candidate, Claim, Match, MatchRelation, ReviewEvent
from claims.services import bulk as bulk_services
from claims.services.triage import refresh_all
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory
from tests.test_propose_matches import REMARKS, article_with, reworded

pytestmark = pytest.mark.django_db


def assert_stored_is_fresh():
    """Every claim's stored value and reasons are what its signals give now."""
    for claim in triage.annotate_signals(Claim.objects.all()):
        signals = triage.signals_of(claim)
        assert (claim.pk, claim.triage_value, claim.triage_reasons) == (
            claim.pk, triage.score(signals), triage.reasons(signals))


def stored(claim) -> float:
    return Claim.objects.values_list("triage_value", flat=True).get(pk=claim.pk)


def reported(claim, outlet_name, **candidate):
    """A pending candidate from another outlet, cited to ``claim``'s speaker's own new claim."""
    candidate = CandidateFactory(article=ArticleFactory(outlet=OutletFactory(name=outlet_name)), speaker=claim.speaker,
                                 **candidate)
    own = ClaimFactory(speaker=claim.speaker, text=candidate.text)
    CitationFactory(claim=own, article=candidate.article, candidate=candidate, start=candidate.start, end=candidate.end)
    Candidate.objects.filter(pk=candidate.pk).update(claim=own)
    candidate.refresh_from_db()
    return candidate


@pytest.fixture
def desk():
    """A claim cited in one outlet, and another outlet's wording of it suggested as a variant."""
    speaker = SpeakerFactory(name="Jane Rivers")
    claim = ClaimFactory(speaker=speaker)
    CitationFactory(claim=claim, article=ArticleFactory(outlet=OutletFactory(name="Morning Ledger")))
    candidate = reported(claim, "Evening Post", checkworthiness=0.9)
    match = Match.objects.create(candidate=candidate, claim=claim, score=0.8, relation=MatchRelation.VARIANT)
    refresh_all()  # factories write around the services: scored as the backfill does
    return {"claim": claim, "candidate": candidate, "match": match}


def test_the_backfill_scores_rows_written_around_the_services(desk):
    claim = desk["claim"]
    assert stored(claim) == triage.score(triage.Signals(outlet_count=1, possible_misquote=True, attributed=True,
                                                        public_figure=False, checkworthiness=0.0, cognition=False))
    Claim.objects.update(triage_value=0.0, triage_reasons=[])
    call_command("refresh_triage", stdout=open("/dev/null", "w"))
    assert_stored_is_fresh()
    assert stored(claim) > 0


def test_accepting_a_match_counts_the_new_outlet_and_drops_the_misquote(desk, editor):
    claim, before = desk["claim"], stored(desk["claim"])
    services.accept_match(match_id=desk["match"].pk, actor=editor)
    assert_stored_is_fresh()
    assert stored(claim) != before
    assert "reported by 2 outlets" in Claim.objects.get(pk=claim.pk).triage_reasons


def test_rejecting_a_match_drops_the_misquote_on_both_claims(desk, editor):
    claim, own = desk["claim"], desk["candidate"].claim
    before = stored(claim), stored(own)
    services.reject_match(match_id=desk["match"].pk, actor=editor)
    assert_stored_is_fresh()
    assert (stored(claim), stored(own)) == (before[0] - triage.POSSIBLE_MISQUOTE, before[1] - triage.POSSIBLE_MISQUOTE)


def test_rejecting_a_candidate_no_longer_counts_its_check_worthiness(desk, editor):
    own, before = desk["candidate"].claim, stored(desk["candidate"].claim)
    services.reject_candidate(candidate_id=desk["candidate"].pk, actor=editor)
    assert_stored_is_fresh()
    assert stored(own) < before


def test_merge_split_cite_and_their_undo_keep_the_stored_value(desk, editor):
    claim, own = desk["claim"], desk["candidate"].claim
    single = stored(claim)

    services.merge_claims(source_id=own.pk, target_id=claim.pk, actor=editor)
    assert_stored_is_fresh()
    merged = stored(claim)
    assert merged > single  # two outlets now

    split_off = Claim.objects.get(pk=claim.pk).citations.get(article__outlet__name="Evening Post")
    new_claim = services.split_citation(citation_id=split_off.pk, actor=editor)
    assert_stored_is_fresh()
    assert stored(claim) < merged and stored(new_claim) != 0.0

    services.cite_span(claim_id=claim.pk, article_id=ArticleFactory(outlet=OutletFactory(name="Noon Wire")).pk,
                       start=0, end=20, actor=editor)
    assert_stored_is_fresh()
    cited = stored(claim)
    assert cited > stored(new_claim) - triage.POSSIBLE_MISQUOTE

    for action in ("cite_span", "split_citation", "merge_claims"):
        services.undo(event_id=ReviewEvent.objects.filter(action=action).latest("pk").pk, actor=editor)
        assert_stored_is_fresh()
    assert stored(claim) == single


def test_a_class_decision_and_its_undo_rescore_every_claim_they_touch(editor):
    wire = OutletFactory(name="Noisy Wire")
    claims = []
    for _ in range(3):
        candidate = CandidateFactory(article=ArticleFactory(outlet=wire), speaker=None, speaker_text="", checkworthiness=0.8)
        claim = ClaimFactory(speaker=None, text=candidate.text)
        CitationFactory(claim=claim, article=candidate.article, candidate=candidate)
        Candidate.objects.filter(pk=candidate.pk).update(claim=claim)
        claims.append(claim)
    refresh_all()
    before = [stored(claim) for claim in claims]
    event = bulk_services.reject_unattributed_candidates(actor=editor, outlet_id=wire.pk)
    assert_stored_is_fresh()
    assert all(stored(claim) < value for claim, value in zip(claims, before))
    services.undo(event_id=event.pk, actor=editor)
    assert_stored_is_fresh()
    assert [stored(claim) for claim in claims] == before


def test_matching_another_outlets_wording_rescores_the_claim_it_cites(editor):
    speaker = SpeakerFactory(name="Jane Rivers")
    _, first_ids = article_with(REMARKS[:2], speaker=speaker, days_ago=1)
    services.propose_matches(candidate_ids=first_ids)
    assert_stored_is_fresh()
    claim = Candidate.objects.get(pk=first_ids[0]).claim
    alone = stored(claim)

    _, ids = article_with([reworded(remark) for remark in REMARKS[:2]], speaker=speaker)
    services.propose_matches(candidate_ids=ids)
    assert_stored_is_fresh()
    assert stored(claim) > alone

    event = ReviewEvent.objects.filter(action="auto_accept_match", claim=claim).latest("pk")
    services.undo(event_id=event.pk, actor=editor)
    assert_stored_is_fresh()
    assert stored(claim) == alone


def test_a_role_learned_makes_every_claim_of_the_speaker_a_public_figures(desk, editor):
    claim, own = desk["claim"], desk["candidate"].claim
    before = stored(claim), stored(own)
    services.edit_speaker(speaker_id=claim.speaker_id, actor=editor, add_roles=["finance minister"])
    assert_stored_is_fresh()
    gain = triage.NAMED_PUBLIC_FIGURE - triage.NAMED_SPEAKER
    assert (stored(claim), stored(own)) == pytest.approx((before[0] + gain, before[1] + gain))
    assert "named public figure" in Claim.objects.get(pk=claim.pk).triage_reasons


def test_rejecting_a_fact_check_link_takes_its_weight_away(desk, editor):
    claim = desk["claim"]
    factcheck = FactCheck.objects.create(key="deficit", claim_reviewed=claim.text, rating="False",
                                         source_format=FactCheckFormat.PLAIN)
    link = FactCheckLink.objects.create(claim=claim, factcheck=factcheck, state=LinkState.SUGGESTED, score=0.9)
    refresh_all()
    checked = stored(claim)
    reject_factcheck_link(link_id=link.pk, actor=editor)
    assert_stored_is_fresh()
    assert stored(claim) == checked - triage.PREVIOUSLY_FACT_CHECKED


def test_the_queue_reorders_after_a_decision_changes_a_claims_value(desk, editor, client):
    claim, own = desk["claim"], desk["candidate"].claim
    client.force_login(editor)

    def order():
        page = client.get(reverse("claims:queue")).content.decode()
        return sorted((claim.pk, own.pk), key=lambda pk: page.index(f'id="claim-row-{pk}"'))

    assert order() == [own.pk, claim.pk]  # the check-worthy report first
    services.cite_span(claim_id=claim.pk, article_id=ArticleFactory(outlet=OutletFactory(name="Noon Wire")).pk,
                       start=0, end=20, actor=editor)
    assert order() == [claim.pk, own.pk]  # a second outlet outweighs it
    page = client.get(reverse("claims:queue")).content.decode()
    assert "reported by 2 outlets" in page
