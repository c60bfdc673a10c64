"""The queue's editorial-value score: its policy on a table of cases, the signals read in SQL, and the value stored on each claim."""
from __future__ import annotations

import pytest

from claims import triage
from claims.models import Claim, Match, MatchRelation, SpeakerRole
from claims.services.triage import refresh_all
from claims.triage import Signals
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory


def signals(**changed):
    plain = dict(outlet_count=1, possible_misquote=False, attributed=True, public_figure=False, checkworthiness=0.0,
                 cognition=False)
    return Signals(**{**plain, **changed})


@pytest.mark.parametrize("higher, lower", [
    (signals(outlet_count=3), signals(outlet_count=1, public_figure=True, checkworthiness=1.0)),
    (signals(outlet_count=2), signals(outlet_count=1)),
    (signals(possible_misquote=True), signals(public_figure=True, checkworthiness=0.9)),
    (signals(public_figure=True), signals()),
    (signals(checkworthiness=0.9), signals(checkworthiness=0.1)),
    (signals(), signals(attributed=False, checkworthiness=1.0)),
    (signals(), signals(cognition=True)),
    (signals(cognition=True, attributed=True), signals(attributed=False, cognition=True)),
])
def test_the_score_puts_what_deserves_an_editor_first(higher, lower):
    assert triage.score(higher) > triage.score(lower)


def test_further_outlets_count_up_to_a_cap():
    assert triage.score(signals(outlet_count=50)) == triage.score(signals(outlet_count=1 + triage.MAX_FURTHER_OUTLETS))


def test_reasons_say_in_words_why_a_row_is_where_it_is():
    said = triage.reasons(signals(outlet_count=3, possible_misquote=True, public_figure=True, checkworthiness=0.8))
    assert said == ["reported by 3 outlets", "possible misquote: reported in other words", "named public figure",
                    "check-worthy (0.80)"]
    assert triage.reasons(signals(attributed=False, cognition=True)) == ["unattributed", "a state of mind (cognition verb)"]
    assert triage.reasons(signals()) == ["single report"]


@pytest.mark.django_db
def test_the_stored_score_is_the_documented_score_for_every_claim():
    minister = SpeakerFactory(name="Jane Rivers")
    SpeakerRole.objects.create(speaker=minister, role="finance minister", normalized="finance minister")
    nobody_known = SpeakerFactory(name="Sam Someone")
    widely = ClaimFactory(speaker=minister)
    for name in ("Ledger", "Post", "Herald"):
        CitationFactory(claim=widely, article=ArticleFactory(outlet=OutletFactory(name=name)))
    unattributed = ClaimFactory(speaker=None)
    thinker = ClaimFactory(speaker=nobody_known)
    CandidateFactory(claim=thinker, speaker=nobody_known, cue="Thinks", checkworthiness=0.7)
    misquoted = ClaimFactory(speaker=nobody_known)
    reported = CandidateFactory(speaker=nobody_known, checkworthiness=0.4)
    Match.objects.create(candidate=reported, claim=misquoted, score=0.8, relation=MatchRelation.VARIANT)

    refresh_all()  # rows made by factories, around the services: scored as the backfill does
    rows = list(triage.annotate_signals(Claim.objects.all()).order_by("-triage_value", "pk"))

    for row in rows:
        assert row.triage_value == pytest.approx(triage.score(triage.signals_of(row)))
        assert row.triage_reasons == triage.reasons(triage.signals_of(row))
    assert [row.pk for row in rows] == [widely.pk, misquoted.pk, thinker.pk, unattributed.pk]
    by_pk = {row.pk: triage.signals_of(row) for row in rows}
    assert by_pk[widely.pk].outlet_count == 3 and by_pk[widely.pk].public_figure
    assert by_pk[thinker.pk].cognition and by_pk[thinker.pk].checkworthiness == pytest.approx(0.7)
    assert by_pk[misquoted.pk].possible_misquote


@pytest.mark.django_db
def test_a_paraphrase_of_reported_speech_is_no_misquote_but_a_paraphrased_quote_is():
    speaker = SpeakerFactory(name="Boris Pistorius")
    reported = ClaimFactory(speaker=speaker, kind="indirect")
    quoted = ClaimFactory(speaker=speaker, kind="direct")
    Match.objects.create(candidate=CandidateFactory(kind="indirect", speaker=speaker), claim=reported, score=0.5,
                         relation=MatchRelation.PARAPHRASE)
    Match.objects.create(candidate=CandidateFactory(kind="direct", speaker=speaker), claim=quoted, score=0.5,
                         relation=MatchRelation.PARAPHRASE)
    flags = dict(triage.annotate_signals(Claim.objects.all()).values_list("pk", "possible_misquote"))
    assert flags == {reported.pk: False, quoted.pk: True}


def test_a_claim_fact_checked_before_goes_above_a_misquote_and_says_so():
    checked = signals(previously_fact_checked=True)
    assert triage.score(checked) > triage.score(signals(possible_misquote=True))
    assert triage.reasons(checked) == ["previously fact-checked"]


@pytest.mark.django_db
def test_the_score_counts_suggested_and_confirmed_fact_check_links_but_not_rejected_ones():
    from claims.factchecks.models import FactCheck, FactCheckFormat, FactCheckLink, LinkState

    speaker = SpeakerFactory(name="Jane Rivers")
    claims = {state: ClaimFactory(speaker=speaker) for state in (LinkState.SUGGESTED, LinkState.CONFIRMED, LinkState.REJECTED)}
    unchecked = ClaimFactory(speaker=speaker)
    for number, (state, claim) in enumerate(claims.items()):
        factcheck = FactCheck.objects.create(key=f"check-{number}", claim_reviewed=claim.text, rating="False",
                                             source_format=FactCheckFormat.PLAIN)
        FactCheckLink.objects.create(claim=claim, factcheck=factcheck, state=state, score=0.9)

    refresh_all()
    rows = list(triage.annotate_signals(Claim.objects.all()).order_by("-triage_value", "pk"))

    for row in rows:
        assert row.triage_value == pytest.approx(triage.score(triage.signals_of(row)))
    flagged = {row.pk for row in rows if triage.signals_of(row).previously_fact_checked}
    assert flagged == {claims[LinkState.SUGGESTED].pk, claims[LinkState.CONFIRMED].pk}
    assert [row.pk for row in rows][:2] == [claims[LinkState.SUGGESTED].pk, claims[LinkState.CONFIRMED].pk]
    assert {row.pk for row in rows[2:]} == {claims[LinkState.REJECTED].pk, unchecked.pk}


@pytest.mark.django_db
def test_the_claims_tab_puts_fact_checked_claims_on_top_and_can_show_only_them(client, editor):
    from django.urls import reverse

    from claims.factchecks.models import FactCheck, FactCheckFormat, FactCheckLink, LinkState

    widely = ClaimFactory(text="The bridge toll doubled in two years")
    for name in ("Ledger", "Post"):
        CitationFactory(claim=widely, article=ArticleFactory(outlet=OutletFactory(name=name)))
    checked = ClaimFactory(text="The river carries twice the water it did in 1990")
    factcheck = FactCheck.objects.create(key="river", claim_reviewed=checked.text, rating="False",
                                         source_format=FactCheckFormat.PLAIN)
    FactCheckLink.objects.create(claim=checked, factcheck=factcheck, state=LinkState.SUGGESTED, score=0.9)
    refresh_all()
    client.force_login(editor)

    def row(claim):
        return f'href="{reverse("claims:claim", args=[claim.pk])}"'

    page = client.get(reverse("claims:queue")).content.decode()
    assert page.index(row(checked)) < page.index(row(widely))
    assert "previously fact-checked" in page
    only_checked = client.get(reverse("claims:queue"), {"fact_checked": "true"}).content.decode()
    assert row(checked) in only_checked and row(widely) not in only_checked
    not_checked = client.get(reverse("claims:queue"), {"fact_checked": "false"}).content.decode()
    assert row(widely) in not_checked and row(checked) not in not_checked
