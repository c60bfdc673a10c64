"""Relations that mean what they say: names are not shared wording, other numbers make another
statement, an outlet's repeats of itself are no evidence, a quote joins its claim however old,
and a statement with no speaker takes the speaker of the claim it repeats at length.

Invented sentences, several wordings each; the pure tests need no database, the policy tests
go through ``services.propose_matches`` as the worker does.
"""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from claims import services
from claims.matching import (
    RELATION_OTHER_SPEAKER,
    RELATION_PARAPHRASE,
    RELATION_VARIANT,
    RELATION_VERBATIM,
    SAME_CLAIM_RELATIONS,
    DEFAULT_THRESHOLDS,
    Statement,
    _analyse,
    _features,
    _wording_relation,
    rank,
)
from claims.models import Candidate, Match, MatchState, ReviewEvent
from tests.factories import ArticleFactory, OutletFactory, SpeakerFactory

DAY = date(2016, 5, 3)


def st(id, text, speaker="person:a", published=DAY):
    return Statement(id=id, text=text, speaker=speaker, published=published)


def relation(a, b, *, speakers=("person:a", "person:a"), days=0):
    results = rank(st("new", b, speakers[1], DAY + timedelta(days=days)), [st("old", a, speakers[0])])
    return results[0] if results else None


# --------------------------------------------------------------------------- names and titles


@pytest.mark.parametrize(
    "a, b",
    [
        ("Republican presidential nominee Donald Trump will lose Ohio by a wide margin",
         "Republican presidential nominee Donald Trump has no plan at all for veterans"),
        ("The president of the United States should never insult our closest allies",
         "The president of the United States signed the trade bill on a quiet afternoon"),
        ("Former secretary of state Hillary Clinton deleted thousands of emails from her server",
         "Former secretary of state Hillary Clinton will visit three factories in Michigan"),
        ("Senate Majority Leader Mitch McConnell blocked the vote on the nominee",
         "Senate Majority Leader Mitch McConnell praised the farmers of Kentucky"),
    ],
)
def test_sharing_only_a_name_and_its_title_is_not_shared_wording(a, b):
    assert _wording_relation(_features(_analyse(a), _analyse(b)), DEFAULT_THRESHOLDS) is None
    # Between two speakers it is no "same words" link either.
    assert relation(a, b, speakers=("person:a", "person:b")) is None


def test_a_title_before_a_name_is_part_of_the_name_and_the_rest_is_content():
    analysis = _analyse("Republican presidential nominee Donald Trump promised to build a wall on the border")
    named = [word for word, naming in zip(analysis.content_display, analysis.naming) if naming]
    assert named == ["Republican", "presidential", "nominee", "Donald", "Trump"]
    assert "wall" not in named and "border" not in named


def test_shared_words_beyond_the_names_still_make_a_variant_and_an_other_speaker_link():
    a = "Republican presidential nominee Donald Trump said the trade deal will destroy manufacturing jobs in Ohio"
    b = "Donald Trump says the trade deal would destroy manufacturing jobs in Ohio"
    assert relation(a, b).relation in (RELATION_VARIANT, RELATION_VERBATIM)
    assert relation(a, b, speakers=("person:a", "person:b")).relation == RELATION_OTHER_SPEAKER


# --------------------------------------------------------------------------- numbers, dates, negation


@pytest.mark.parametrize(
    "a, b",
    [
        ("Clinton has at least 882 delegates after the primaries", "Clinton has at least 503 delegates after the primaries"),
        ("The vote on the spending bill is scheduled for Tuesday", "The vote on the spending bill is scheduled for Thursday"),
        ("Unemployment in the state fell to 5.2% in March", "Unemployment in the state fell to 4.9% in March"),
        ("We lost two million manufacturing jobs in 2012", "We lost two million manufacturing jobs in 2008"),
    ],
)
def test_other_numbers_or_dates_make_another_statement(a, b):
    # Unknown speakers (wire live-blog lines): nothing at all.
    assert relation(a, b, speakers=("", "")) is None
    # Other speakers: not "the same words" either.
    assert relation(a, b, speakers=("person:a", "person:b")) is None
    # The same speaker: at most a possible misquote, flagged, never cited automatically.
    same = relation(a, b)
    assert same is None or (same.relation == RELATION_VARIANT and same.evidence["numbers_differ"] and not same.auto_mergeable)


@pytest.mark.parametrize(
    "a, b",
    [
        ("The new trade agreement is good for American workers", "The new trade agreement is not good for American workers"),
        ("Our party will raise taxes on the middle class", "Our party will never raise taxes on the middle class"),
    ],
)
def test_a_negated_statement_is_never_a_paraphrase_or_merged(a, b):
    result = relation(a, b)
    assert result is None or (result.relation != RELATION_PARAPHRASE and not result.auto_mergeable)


@pytest.mark.parametrize(
    "a, b",
    [
        ("In March the jobless rate in this state dropped to its lowest level in years",
         "Unemployment across the state fell to 4 percent in March, the lowest in a decade"),
        ("The senator will fight on all the way to the July convention",
         "Winning most of the state's 475 delegates carries the senator's campaign into the convention in July"),
    ],
)
def test_in_other_words_with_other_numbers_is_not_a_paraphrase(a, b):
    # Close in meaning (0.67-0.73), both giving numbers or dates, one a number the other lacks.
    assert relation(a, b) is None
    # Without the number the same two say one thing in other words.
    without = relation(a, b.replace("to 4 percent ", "").replace("most of the state's 475 delegates", "most delegates"))
    assert without is None or without.relation == RELATION_PARAPHRASE


def test_an_excerpt_that_leaves_out_a_number_is_still_the_same_quote():
    a = "We have created 15 million jobs and the economy is growing faster than anyone expected"
    b = "the economy is growing faster than anyone expected"
    result = relation(a, b)
    assert result.relation in SAME_CLAIM_RELATIONS and not result.evidence["numbers_differ"]


# --------------------------------------------------------------------------- meaning alone


GOVERNOR = "The governor's budget will raise taxes on working families across the state"
ON_TAXES = [  # other words for it, nearest first (all-MiniLM-L6-v2: 0.90 down to 0.76)
    "Working families will pay higher taxes because of the governor's spending plan",
    "The governor wants hardworking families in this state to pay more tax",
    "This budget from the governor hikes the tax bill of every working family",
    "Under the governor's budget, taxes go up for ordinary working households",
    "Families who work for a living will see their taxes climb under this governor",
    "The governor's plan means a tax increase for middle-class working parents",
]


@pytest.mark.parametrize("speaker, typed", [("person:a", RELATION_PARAPHRASE), ("person:b", RELATION_OTHER_SPEAKER)])
def test_on_meaning_alone_only_the_nearest_stored_claims_are_suggested(speaker, typed):
    pool = [st(k, text) for k, text in enumerate(ON_TAXES)]
    results = rank(st("new", GOVERNOR, speaker), pool)
    # A statement close in meaning to many of a speaker's lines is on their topic: an editor sees
    # the nearest three, not six.
    assert sorted(r.target_id for r in results if r.relation == typed) == [0, 1, 2]
    # Each of them alone is typed.
    assert all(rank(st("new", GOVERNOR, speaker), [item])[0].relation == typed for item in pool)


def test_shared_wording_is_suggested_however_many_claims_are_near():
    quote = "Nobody in this country should work full time and still live in poverty"
    pool = [st(k, text) for k, text in enumerate(ON_TAXES)] + [st("quote", quote)]
    edited = "Nobody in this whole country should have to work full time and still live in poverty, she said again"
    results = rank(st("new", edited, "person:a"), pool)
    assert results[0].target_id == "quote" and results[0].relation in (RELATION_VERBATIM, RELATION_VARIANT)


# --------------------------------------------------------------------------- the date window


def test_a_verbatim_quote_joins_its_claim_however_old():
    quote = "Nobody in this country should work full time and still live in poverty"
    result = relation(quote, quote, days=400)
    assert result.relation == RELATION_VERBATIM and result.auto_mergeable and result.evidence["days_apart"] == 400
    edited = "Nobody in this country should have to work full time and still live in poverty"
    assert relation(quote, edited, days=400).auto_mergeable


def test_the_window_still_bounds_looser_relations():
    a = "Nobody in this country should work full time and still live in poverty"
    paraphrase = "A person with a full-time job in America ought not to be poor"
    assert relation(a, paraphrase, days=400) is None
    assert relation(a, a, speakers=("person:a", "person:b"), days=400) is None


# --------------------------------------------------------------------------- no resolved speaker


def test_a_long_repeat_with_no_speaker_takes_the_claims_speaker():
    quote = "We are going to renegotiate every trade deal that has cost this country its factories"
    result = relation(quote, quote.replace("every", "each"), speakers=("person:a", ""))
    assert result.relation in (RELATION_VERBATIM, RELATION_VARIANT)
    assert result.evidence["adopts_speaker"] and result.auto_mergeable


@pytest.mark.parametrize("quote", ["We will win this state", "This is a great night for us"])
def test_a_short_line_with_no_speaker_is_matched_but_not_attributed(quote):
    result = relation(quote, quote, speakers=("person:a", ""))
    assert result.relation == RELATION_VERBATIM and not result.evidence["adopts_speaker"] and not result.auto_mergeable


# --------------------------------------------------------------------------- policy (services)


def _candidate(article, text, speaker):
    start = article.text.index(text)
    return Candidate.objects.create(
        article=article, content_hash=article.content_hash, kind="direct", start=start, end=start + len(text),
        text=text, speaker=speaker, speaker_text=speaker.name if speaker else "", speaker_resolved=bool(speaker),
        cue="said", confidence=0.9, extractor_version="test",
    ).pk


def _article(outlet, text, days_ago):
    return ArticleFactory(outlet=outlet, text=text, published_at=timezone.now() - timedelta(days=days_ago))


@pytest.mark.django_db
def test_an_outlets_repeats_of_itself_are_not_suggested_but_another_outlets_are():
    wire, other = OutletFactory(), OutletFactory()
    first = "With most precincts counted, the senator holds a narrow lead in the western counties tonight"
    reworded = "With most precincts counted the senator is holding a narrow lead across western counties"
    mayor, governor = SpeakerFactory(name="Ann Lee"), SpeakerFactory(name="Bo Park")
    article = _article(wire, first, 2)
    services.propose_matches(candidate_ids=[_candidate(article, first, mayor)])
    # The same outlet, another speaker, the same words: no suggestion.
    again = _article(wire, reworded, 1)
    own = _candidate(again, reworded, governor)
    services.propose_matches(candidate_ids=[own])
    assert not Match.objects.filter(candidate_id=own).exists()
    # Another outlet, the same words by that other speaker: shown as related.
    elsewhere = _article(other, reworded, 0)
    theirs = _candidate(elsewhere, reworded, governor)
    services.propose_matches(candidate_ids=[theirs])
    assert Match.objects.filter(candidate_id=theirs, relation=RELATION_OTHER_SPEAKER, state=MatchState.SUGGESTED).exists()


@pytest.mark.django_db
def test_a_candidate_with_no_speaker_joins_the_claim_it_repeats_and_takes_its_speaker(editor):
    speaker = SpeakerFactory(name="Carla Diaz")
    quote = "Every family in this state deserves a doctor within half an hour of their home"
    old = _article(OutletFactory(), f"\u201c{quote},\u201d Diaz said.", 3)
    services.propose_matches(candidate_ids=[_candidate(old, quote, speaker)])
    new = _article(OutletFactory(), f"Asked about it, the campaign repeated: \u201c{quote}.\u201d", 0)
    anonymous = _candidate(new, quote, None)
    services.propose_matches(candidate_ids=[anonymous])
    candidate = Candidate.objects.get(pk=anonymous)
    assert candidate.speaker_id == speaker.pk
    assert candidate.claim.speaker_id == speaker.pk and candidate.claim.citations.count() == 2
    # Undone like any machine decision: the speaker goes back to unknown.
    match = Match.objects.get(candidate=candidate, automatic=True)
    event = ReviewEvent.objects.get(action="auto_accept_match", target_id=match.pk)
    services.undo(event_id=event.pk, actor=editor)
    candidate.refresh_from_db()
    assert candidate.speaker_id is None


def test_with_no_speaker_a_shared_stock_phrase_is_a_topic_not_a_quote():
    a = "Millions of families lost their homes in the worst economic crisis since the great depression"
    b = "Banks were bailed out with public money during the worst economic crisis since the great depression"
    assert relation(a, b, speakers=("", "")) is None
    assert relation(a, b, speakers=("person:a", "")) is None
