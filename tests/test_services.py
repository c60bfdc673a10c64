"""Editorial decisions in claims.services: each transition, its audit row, and its undo."""
import pytest

from claims import services
from claims.models import (
    CandidateStatus,
    Citation,
    Claim,
    ClaimStatus,
    Match,
    MatchState,
    ReviewEvent,
    SpeakerAlias,
)
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def claimed_candidate(**kwargs):
    """A pending candidate with its own proposed claim and citation, as matching leaves it."""
    candidate = CandidateFactory(**kwargs)
    claim = ClaimFactory(speaker=candidate.speaker, text=candidate.text.strip("\u201c\u201d,"))
    CitationFactory(claim=claim, article=candidate.article, candidate=candidate, start=candidate.start, end=candidate.end)
    candidate.claim = claim
    candidate.save()
    return candidate, claim


def test_confirm_candidate_confirms_its_claim_and_is_audited(editor):
    candidate, claim = claimed_candidate()
    services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    candidate.refresh_from_db()
    claim.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.reviewed_by == editor
    assert claim.status == ClaimStatus.CONFIRMED and claim.confirmed_by == editor
    event = ReviewEvent.objects.get(action="confirm_candidate")
    assert event.actor == editor and event.claim == claim and event.changes


def test_confirm_candidate_without_claim_creates_one_with_a_citation(editor):
    candidate = CandidateFactory()
    services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    candidate.refresh_from_db()
    assert candidate.claim.status == ClaimStatus.CONFIRMED
    citation = candidate.claim.citations.get()
    assert citation.quote == candidate.article.text[citation.start:citation.end] == candidate.text


def test_confirming_twice_is_refused_with_a_reason(editor):
    candidate, _ = claimed_candidate()
    services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    with pytest.raises(services.DecisionError, match="already confirmed"):
        services.confirm_candidate(candidate_id=candidate.pk, actor=editor)


def test_stale_revision_is_a_conflict(editor):
    candidate, _ = claimed_candidate()
    with pytest.raises(services.Conflict, match="Another editor"):
        services.confirm_candidate(candidate_id=candidate.pk, actor=editor, expected_revision=candidate.revision + 1)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


def test_reject_candidate_removes_its_citation_and_rejects_an_empty_claim(editor):
    candidate, claim = claimed_candidate()
    services.reject_candidate(candidate_id=candidate.pk, actor=editor)
    claim.refresh_from_db()
    assert not Citation.objects.filter(candidate=candidate).exists()
    assert claim.status == ClaimStatus.REJECTED


def test_undo_reject_candidate_restores_citation_and_claim(editor):
    candidate, claim = claimed_candidate()
    citation_id = claim.citations.get().pk
    services.reject_candidate(candidate_id=candidate.pk, actor=editor)
    event = ReviewEvent.objects.get(action="reject_candidate")
    services.undo(event_id=event.pk, actor=editor)
    candidate.refresh_from_db()
    claim.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and claim.status == ClaimStatus.PROPOSED
    assert Citation.objects.filter(pk=citation_id, claim=claim).exists()
    event.refresh_from_db()
    assert event.undone_at is not None
    assert ReviewEvent.objects.get(action="undo").undo_of == event


def test_edit_candidate_span_moves_its_citation(editor):
    candidate, claim = claimed_candidate()
    text = candidate.article.text
    start = text.index("We will")
    end = text.index(" within")
    services.edit_candidate(candidate_id=candidate.pk, actor=editor, start=start, end=end, speaker_name="Jane Rivers")
    candidate.refresh_from_db()
    citation = claim.citations.get()
    assert candidate.text == "We will cut the deficit by half" == citation.quote
    assert candidate.speaker.name == "Jane Rivers"


def test_edit_candidate_rejects_offsets_outside_the_text(editor):
    candidate, _ = claimed_candidate()
    with pytest.raises(services.DecisionError, match="outside the article"):
        services.edit_candidate(candidate_id=candidate.pk, actor=editor, start=5, end=10_000)


def make_claim_with_citation(speaker, text="Same words", article=None):
    claim = ClaimFactory(speaker=speaker, text=text)
    CitationFactory(claim=claim, article=article or ArticleFactory())
    return claim


def test_merge_moves_citations_and_remembers_the_target(editor):
    speaker = SpeakerFactory()
    source, target = make_claim_with_citation(speaker), make_claim_with_citation(speaker)
    services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)
    source.refresh_from_db()
    assert source.status == ClaimStatus.MERGED and source.merged_into == target
    assert target.citations.count() == 2 and source.citations.count() == 0


def test_merge_refuses_different_speakers(editor):
    source = make_claim_with_citation(SpeakerFactory())
    target = make_claim_with_citation(SpeakerFactory())
    with pytest.raises(services.DecisionError, match="different speakers"):
        services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)


def test_merge_then_undo_restores_both_claims(editor):
    speaker = SpeakerFactory()
    source, target = make_claim_with_citation(speaker), make_claim_with_citation(speaker)
    source_citation = source.citations.get()
    services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)
    services.undo(event_id=ReviewEvent.objects.get(action="merge_claims").pk, actor=editor)
    source.refresh_from_db()
    source_citation.refresh_from_db()
    assert source.status == ClaimStatus.PROPOSED and source.merged_into is None
    assert source_citation.claim == source and target.citations.count() == 1


def test_second_merge_of_a_merged_claim_is_a_conflict(editor):
    speaker = SpeakerFactory()
    a, b, c = (make_claim_with_citation(speaker) for _ in range(3))
    services.merge_claims(source_id=a.pk, target_id=b.pk, actor=editor)
    with pytest.raises(services.Conflict, match="already merged"):
        services.merge_claims(source_id=a.pk, target_id=c.pk, actor=editor)


def test_undo_is_refused_when_its_rows_changed_since(editor):
    speaker = SpeakerFactory()
    source, target = make_claim_with_citation(speaker), make_claim_with_citation(speaker)
    services.merge_claims(source_id=source.pk, target_id=target.pk, actor=editor)
    merge = ReviewEvent.objects.get(action="merge_claims")
    services.reject_claim(claim_id=target.pk, actor=editor)
    with pytest.raises(services.DecisionError, match="Cannot undo"):
        services.undo(event_id=merge.pk, actor=editor)
    target.refresh_from_db()
    assert target.status == ClaimStatus.REJECTED and target.citations.count() == 2


def test_split_citation_into_a_new_claim_and_undo(editor):
    speaker = SpeakerFactory()
    claim = make_claim_with_citation(speaker)
    second = CitationFactory(claim=claim, article=ArticleFactory())
    new_claim = services.split_citation(citation_id=second.pk, actor=editor)
    second.refresh_from_db()
    assert second.claim == new_claim and claim.citations.count() == 1
    services.undo(event_id=ReviewEvent.objects.get(action="split_citation").pk, actor=editor)
    second.refresh_from_db()
    assert second.claim == claim and not Claim.objects.filter(pk=new_claim.pk).exists()


def test_split_refuses_the_only_citation(editor):
    claim = make_claim_with_citation(SpeakerFactory())
    with pytest.raises(services.DecisionError, match="only citation"):
        services.split_citation(citation_id=claim.citations.get().pk, actor=editor)


def test_cite_span_records_exact_text_and_context(editor):
    claim = make_claim_with_citation(SpeakerFactory())
    article = ArticleFactory()
    start = article.text.index("schools")
    citation = services.cite_span(claim_id=claim.pk, article_id=article.pk, start=start, end=start + 7, actor=editor)
    assert citation.quote == "schools"
    assert article.text[: start].endswith(citation.prefix) and citation.content_hash == article.content_hash
    with pytest.raises(services.DecisionError, match="already cited"):
        services.cite_span(claim_id=claim.pk, article_id=article.pk, start=start, end=start + 7, actor=editor)


def test_accept_match_moves_the_candidate_citation_to_the_matched_claim(editor):
    candidate, own_claim = claimed_candidate()
    target = make_claim_with_citation(candidate.speaker)
    match = Match.objects.create(candidate=candidate, claim=target, score=0.8, relation="paraphrase")
    services.accept_match(match_id=match.pk, actor=editor)
    own_claim.refresh_from_db()
    candidate.refresh_from_db()
    assert candidate.claim == target and target.citations.count() == 2
    assert own_claim.status == ClaimStatus.MERGED and own_claim.merged_into == target
    services.undo(event_id=ReviewEvent.objects.get(action="accept_match").pk, actor=editor)
    own_claim.refresh_from_db()
    assert own_claim.status == ClaimStatus.PROPOSED and own_claim.citations.count() == 1


def test_other_speaker_match_cannot_be_accepted(editor):
    candidate, _ = claimed_candidate()
    other = make_claim_with_citation(SpeakerFactory())
    match = Match.objects.create(candidate=candidate, claim=other, score=0.9, relation="other_speaker")
    with pytest.raises(services.DecisionError, match="different speakers"):
        services.accept_match(match_id=match.pk, actor=editor)


def test_reject_match_is_remembered(editor):
    candidate, _ = claimed_candidate()
    other = make_claim_with_citation(candidate.speaker)
    match = Match.objects.create(candidate=candidate, claim=other, score=0.7, relation="paraphrase")
    services.reject_match(match_id=match.pk, actor=editor)
    match.refresh_from_db()
    assert match.state == MatchState.REJECTED
    with pytest.raises(services.DecisionError, match="already rejected"):
        services.reject_match(match_id=match.pk, actor=editor)


def test_merge_speakers_moves_claims_and_aliases(editor):
    a, b = SpeakerFactory(name="Pete Hegseth"), SpeakerFactory(name="Peter Hegseth")
    claim = make_claim_with_citation(b)
    services.merge_speakers(source_id=b.pk, target_id=a.pk, actor=editor)
    claim.refresh_from_db()
    b.refresh_from_db()
    assert claim.speaker == a and b.merged_into == a
    assert set(SpeakerAlias.objects.filter(speaker=a).values_list("alias", flat=True)) == {"Pete Hegseth", "Peter Hegseth"}
    services.undo(event_id=ReviewEvent.objects.get(action="merge_speakers").pk, actor=editor)
    claim.refresh_from_db()
    assert claim.speaker == b


def test_edit_speaker_aliases(editor):
    speaker = SpeakerFactory(name="Boris Pistorius")
    services.edit_speaker(speaker_id=speaker.pk, actor=editor, add_aliases=["Pistorius"])
    assert speaker.aliases.filter(alias="Pistorius").exists()


def test_an_undo_cannot_be_undone_and_undo_twice_is_a_conflict(editor):
    candidate, _ = claimed_candidate()
    services.confirm_candidate(candidate_id=candidate.pk, actor=editor)
    event = ReviewEvent.objects.get(action="confirm_candidate")
    undo_event = services.undo(event_id=event.pk, actor=editor)
    with pytest.raises(services.Conflict):
        services.undo(event_id=event.pk, actor=editor)
    with pytest.raises(services.DecisionError, match="cannot itself be undone"):
        services.undo(event_id=undo_event.pk, actor=editor)


def test_edit_speaker_roles_are_matched_by_their_normalized_form_and_undoable(editor):
    speaker = SpeakerFactory(name="Ana Brnabic")
    services.edit_speaker(speaker_id=speaker.pk, actor=editor, add_roles=["Prime  Minister", "prime minister"])
    assert list(speaker.roles.values_list("role", "normalized")) == [("Prime Minister", "prime minister")]
    services.edit_speaker(speaker_id=speaker.pk, actor=editor, remove_roles=["PRIME MINISTER"])
    assert not speaker.roles.exists()
    services.undo(event_id=ReviewEvent.objects.filter(action="edit_speaker").first().pk, actor=editor)
    assert list(speaker.roles.values_list("role", flat=True)) == ["Prime Minister"]


def test_edit_article_refuses_what_it_cannot_store_with_a_reason(editor):
    article = ArticleFactory()
    with pytest.raises(services.DecisionError, match="Nothing to change"):
        services.edit_article(article_id=article.pk, actor=editor, title=article.title)
    with pytest.raises(services.DecisionError, match="language is a code"):
        services.edit_article(article_id=article.pk, actor=editor, language="")
    with pytest.raises(services.DecisionError, match="date and time"):
        services.edit_article(article_id=article.pk, actor=editor, published_at="yesterday")
    with pytest.raises(services.DecisionError, match="does not exist"):
        services.edit_article(article_id=article.pk + 1000, actor=editor, title="x")
    assert not ReviewEvent.objects.exists()


def test_clearing_an_articles_date_makes_first_reported_unknown_not_its_import_time(editor):
    candidate, claim = claimed_candidate()
    article = candidate.article
    services.edit_article(article_id=article.pk, actor=editor, published_at=None)
    claim.refresh_from_db()
    article.refresh_from_db()
    assert article.published_at is None and claim.first_article == article
    assert claim.first_reported_at is None
