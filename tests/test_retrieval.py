"""One retriever: the database backend (pgvector on PostgreSQL, exact search on SQLite) and the
in-memory backend that ``rank_claims`` uses return the same pools, and the semantic branch finds
a paraphrase that shares no phrase with the claim."""
import io
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from claims.matching import EMBEDDING_MODEL, POOL_NEAREST, MemoryBackend, Statement, embed, retrieve, shingles
from claims.matching.relations import DEFAULT_THRESHOLDS
from claims.models import Claim, ClaimShingle, ClaimStatus
from claims.selectors import DatabaseBackend, claim_statement, speaker_key
from tests.factories import ArticleFactory, CitationFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

TOPICS = [
    "The minimum wage will rise to fifteen dollars an hour by next year",
    "Our army will withdraw every soldier from the border region this month",
    "Inflation has fallen for the sixth month in a row according to new figures",
    "The city will plant a million trees along its avenues before the decade ends",
    "Schools will stay open through the summer to help pupils catch up",
    "The company lost two billion dollars in the last quarter alone",
    "Vaccines will be free for everyone over sixty from next week",
    "The coal plant will close in three years and its workers will be retrained",
    "Crime in the capital has doubled since the last election",
    "The new airport runway will not be built while I am in office",
    "Europe must have a seat at the table in any peace talks about Ukraine",
    "Hospitals are running out of beds as the flu season peaks",
]


def _store(texts, *, speakers, start):
    """Claims with their shingles and embeddings, one a day from ``start``, as matching stores them."""
    vectors = embed(texts)
    claims = []
    for day, (text, speaker, vector) in enumerate(zip(texts, speakers, vectors)):
        claim = Claim.objects.create(
            text=text, speaker=speaker, kind="direct", status=ClaimStatus.PROPOSED,
            first_reported_at=start + timedelta(days=day), embedding=vector.tobytes(), embedding_model=EMBEDDING_MODEL,
        )
        ClaimShingle.objects.bulk_create([ClaimShingle(claim=claim, value=v) for v in shingles(text)])
        claims.append(claim)
    return claims


@pytest.fixture
def stored():
    speakers = [SpeakerFactory(), SpeakerFactory(), None]
    start = datetime(2024, 3, 1, 12, tzinfo=dt_timezone.utc)
    texts = [f"{topic}, {tail}" for tail in ("the minister said", "officials insisted", "he told reporters")
             for topic in TOPICS]
    claims = _store(texts, speakers=[speakers[i % 3] for i in range(len(texts))], start=start)
    return claims, speakers, start


def _memory_backend(claims):
    rows = sorted(claims, key=lambda c: c.pk)
    statements = [claim_statement(c) for c in rows]
    vectors = np.stack([np.frombuffer(c.embedding, dtype=np.float32) for c in rows])
    return MemoryBackend(statements, vectors, window_days=settings.FACTDESK_MATCH_WINDOW_DAYS)


def test_database_and_memory_backends_pool_the_same_claims(stored):
    claims, speakers, start = stored
    memory = _memory_backend(claims)
    database = DatabaseBackend()
    queries = [
        Statement(id="q1", text="Inflation fell again for a sixth month, the new figures show",
                  speaker=speaker_key(speakers[0].pk), published=(start + timedelta(days=20)).date()),
        Statement(id="q2", text="No runway while I am in office", speaker="", published=None),
        Statement(id="q3", text="Flu is filling the hospitals", speaker=speaker_key(speakers[1].pk),
                  published=(start + timedelta(days=3)).date()),
    ]
    for query, vector in zip(queries, embed([q.text for q in queries])):
        in_memory, memory_vectors = memory.pool(query, vector=vector)
        in_database, database_vectors = database.pool(query, vector=vector)
        assert [s.id for s in in_memory] == [s.id for s in in_database], query.text
        assert np.allclose(memory_vectors, database_vectors, atol=1e-6)
        # and scoring them gives the same ranking, whichever backend served the pool
        kwargs = dict(vector=vector, window_days=30, thresholds=DEFAULT_THRESHOLDS, include_unrelated=True)
        assert [r.target_id for r in retrieve(query, backend=memory, **kwargs)] == [
            r.target_id for r in retrieve(query, backend=database, **kwargs)
        ]


def test_the_semantic_branch_pools_a_paraphrase_sharing_no_phrase_and_no_speaker(stored):
    claims, _, _ = stored
    target = next(c for c in claims if c.text.startswith("Europe must have a seat"))
    query = Statement(id="q", text="Ukraine and the EU need to be part of negotiations to end the war", speaker="")
    assert not set(shingles(query.text)) & set(shingles(target.text))
    vector = embed([query.text])[0]
    pooled, _ = DatabaseBackend().pool(query, vector=vector)
    assert target.pk in [s.id for s in pooled]
    assert len(pooled) <= POOL_NEAREST


def test_claims_cited_in_the_candidates_own_article_are_not_pooled(stored):
    claims, _, _ = stored
    article = ArticleFactory()
    cited = claims[0]
    CitationFactory(claim=cited, article=article)
    query = Statement(id="q", text=cited.text, speaker="")
    vector = embed([query.text])[0]
    assert cited.pk in [s.id for s in DatabaseBackend().pool(query, vector=vector)[0]]
    assert cited.pk not in [s.id for s in DatabaseBackend(exclude_article_id=article.pk).pool(query, vector=vector)[0]]


def test_rejected_claims_are_not_pooled_by_meaning(stored):
    claims, _, _ = stored
    gone = claims[1]
    Claim.objects.filter(pk=gone.pk).update(status=ClaimStatus.REJECTED)
    query = Statement(id="q", text=gone.text + " again", speaker="")
    pooled, _ = DatabaseBackend().pool(query, vector=embed([query.text])[0])
    assert gone.pk not in [s.id for s in pooled]


def test_embed_claims_computes_missing_and_other_models_vectors_once(stored):
    claims, _, _ = stored
    Claim.objects.filter(pk=claims[0].pk).update(embedding=None, embedding_model="")
    Claim.objects.filter(pk=claims[1].pk).update(embedding_model="wordllama 0.4.0")
    call_command("embed_claims", stdout=io.StringIO())
    for claim in Claim.objects.filter(pk__in=[claims[0].pk, claims[1].pk]):
        assert claim.embedding_model == EMBEDDING_MODEL
        assert np.allclose(np.frombuffer(claim.embedding, dtype=np.float32), embed([claim.text])[0], atol=1e-5)
    again = io.StringIO()
    call_command("embed_claims", stdout=again)
    assert "Embedded 0 claims" in again.getvalue()


def test_with_the_semantic_branch_off_a_paraphrase_sharing_no_phrase_is_not_retrieved(stored, settings):
    claims, _, _ = stored
    target = next(c for c in claims if c.text.startswith("Europe must have a seat"))
    query = Statement(id="q", text="Ukraine and the EU need to be part of negotiations to end the war", speaker="")
    vector = embed([query.text])[0]
    kwargs = dict(vector=vector, window_days=30, thresholds=DEFAULT_THRESHOLDS, include_unrelated=True)
    for backend in (DatabaseBackend(), _memory_backend(claims)):
        settings.FACTDESK_MATCH_SEMANTIC = True
        assert target.pk in [r.target_id for r in retrieve(query, backend=backend, **kwargs)]
        settings.FACTDESK_MATCH_SEMANTIC = False
        assert target.pk not in [r.target_id for r in retrieve(query, backend=backend, **kwargs)]
        assert target.pk not in [s.id for s in backend.pool(query, vector=vector, semantic=False)[0]]


def test_with_the_semantic_branch_off_a_reworded_repeat_is_still_matched(settings):
    from claims import services
    from claims.models import Candidate, Match

    settings.FACTDESK_MATCH_SEMANTIC = False
    speaker = SpeakerFactory(name="Jane Rivers")
    day = datetime(2024, 3, 1, 12, tzinfo=dt_timezone.utc)

    def quoted(remark, published_at):
        article = ArticleFactory(text=f"\u201c{remark},\u201d Jane Rivers said.", published_at=published_at)
        end = len(remark) + 3
        return Candidate.objects.create(
            article=article, content_hash=article.content_hash, kind="direct", start=0, end=end, text=article.text[:end],
            speaker=speaker, speaker_text="Jane Rivers", speaker_resolved=True, cue="said", confidence=0.9,
            extractor_version="test",
        ).pk

    remark = "We will cut the deficit by half within four years, whatever the opposition says about the plan"
    services.propose_matches(candidate_ids=[quoted(remark, day)])
    services.propose_matches(candidate_ids=[quoted(remark, day + timedelta(days=1))])
    reworded = quoted("We will cut the deficit in half within four years, whatever the opposition says",
                      day + timedelta(days=2))
    services.propose_matches(candidate_ids=[reworded])

    claim = Claim.objects.get(text__contains="cut the deficit by half")
    assert Claim.objects.count() == 1, "a repeat became a claim of its own"
    assert claim.citations.count() == 3
    assert Match.objects.filter(candidate_id=reworded, claim=claim).exists()


def test_an_articles_backend_pools_what_the_per_candidate_backend_pools(stored):
    # Matching reads an article's nearest claims in one statement (claims.nearest): the pools, and
    # so the matches, are the ones a statement per candidate gives, own-article claims left out.
    from claims.nearest import ArticleBackend

    claims, speakers, start = stored
    article = ArticleFactory()
    CitationFactory(claim=claims[4], article=article)
    texts = ["Inflation fell again for a sixth month, the new figures show", claims[4].text,
             "Ukraine and the EU need to be part of negotiations to end the war", "Flu is filling the hospitals"]
    queries = [Statement(id=100 + i, text=text, speaker=speaker_key(speakers[i % 2].pk) if i % 3 else "",
                         published=(start + timedelta(days=5 * i)).date()) for i, text in enumerate(texts)]
    vectors = dict(zip([q.id for q in queries], embed(texts)))
    per_article = ArticleBackend(exclude_article_id=article.pk, vectors=vectors)
    per_candidate = DatabaseBackend(exclude_article_id=article.pk)
    for query in queries:
        pooled, pooled_vectors = per_article.pool(query, vector=vectors[query.id])
        expected, expected_vectors = per_candidate.pool(query, vector=vectors[query.id])
        assert [s.id for s in pooled] == [s.id for s in expected], query.text
        assert np.allclose(pooled_vectors, expected_vectors)
        assert claims[4].pk not in [s.id for s in pooled]
