"""The library's in-memory retriever (``claims.factchecks.linking.LibraryBackend``): the pool production
matching's ``MemoryBackend`` would give over every wording, one vector per fact-check, and above
``COARSE_MIN_RECORDS`` a k-means search that reads a fraction of the vectors. No database."""
import math

import numpy as np
import pytest

from claims.factchecks import linking
from claims.matching import EMBEDDING_DIM, POOL_BY_SHINGLES, POOL_NEAREST, MemoryBackend, Statement

SUBJECTS = ["council", "governor", "hospital", "river", "airport", "school", "factory", "harbour", "museum", "railway"]
VERBS = ["closed", "funded", "doubled", "halved", "sold", "rebuilt", "moved", "banned", "opened", "merged"]


def unit(matrix):
    return (matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)).astype(np.float32)


CENTRES = unit(np.random.default_rng(0).normal(size=(12, EMBEDDING_DIM)))  # topics: sentence vectors gather by subject


def clustered(count, rng, spread=0.8):
    """Unit vectors near the topics' centres (cosine ~0.6 within a topic, ~0 across)."""
    noise = spread * rng.normal(size=(count, EMBEDDING_DIM)) / math.sqrt(EMBEDDING_DIM)
    return unit(CENTRES[rng.integers(len(CENTRES), size=count)] + noise)


def library(count, rng):
    """(id, wordings, vector) rows: a headline and its claim, and the claim alone, as FactCheck.wordings gives."""
    vectors = clustered(count, rng)
    rows = []
    for number in range(count):
        subject, verb = SUBJECTS[number % 10], VERBS[(number // 10) % 10]
        claim = f"The {subject} {verb} its budget for year {1990 + number % 37} by {number} percent."
        rows.append((number, (f"Did the {subject} really do it? {claim}", claim), vectors[number].tobytes()))
    return rows, vectors


def test_each_record_is_pooled_once_by_its_wording_closest_in_words_with_its_own_vector():
    rng = np.random.default_rng(3)
    rows, vectors = library(600, rng)
    backend = linking.LibraryIndex(rows).backend
    headline_and_claim, claim = rows[123][1]
    for text, expected in ((claim, claim), (headline_and_claim, headline_and_claim)):
        pooled, pooled_vectors = backend.pool(Statement(id=-1, text=text), vector=clustered(1, rng)[0])
        ids = [statement.id for statement in pooled]
        assert len(ids) == len(set(ids)) <= POOL_BY_SHINGLES // 2 + POOL_NEAREST // 2
        assert [statement.text for statement in pooled if statement.id == 123] == [expected]
        for statement, pooled_vector in zip(pooled, pooled_vectors):
            assert np.array_equal(pooled_vector, vectors[statement.id])  # each wording carries its record's vector


def test_the_records_pooled_by_words_are_those_a_pool_over_every_wording_finds():
    rng = np.random.default_rng(4)
    rows, vectors = library(600, rng)
    index = linking.LibraryIndex(rows)
    every_wording = MemoryBackend(index.statements, np.repeat(vectors, 2, axis=0), window_days=None)
    for text in ("The museum rebuilt its budget for year 2001", "Did the harbour really do it?"):
        query = Statement(id=-1, text=text)
        ours, _ = index.backend.pool(query, vector=vectors[0], semantic=False)
        theirs, _ = every_wording.pool(query, vector=vectors[0], semantic=False)
        theirs_records = {statement.id for statement in theirs}
        shared = len({statement.id for statement in ours} & theirs_records)
        assert shared >= 0.9 * min(len(theirs_records), POOL_BY_SHINGLES // 2)


def test_above_the_threshold_the_nearest_records_are_found_reading_a_fraction_of_the_vectors(monkeypatch):
    monkeypatch.setattr(linking, "COARSE_MIN_RECORDS", 1_000)
    rng = np.random.default_rng(5)
    rows, vectors = library(3_000, rng)
    backend = linking.LibraryIndex(rows).backend
    coarse = backend.coarse
    assert coarse is not None and coarse.probes < len(coarse.centres) / 5
    found = wanted = 0
    for vector in clustered(40, rng):
        exact = set(np.argsort(-(vectors @ vector))[:20].tolist())
        found += len(exact & set(backend.nearest_records(vector, 40).tolist()))
        wanted += len(exact)
    assert found / wanted >= 0.9


def test_a_claim_sharing_no_words_is_still_pooled_with_the_fact_check_nearest_in_meaning(monkeypatch):
    monkeypatch.setattr(linking, "COARSE_MIN_RECORDS", 1_000)
    rng = np.random.default_rng(11)
    rows, vectors = library(2_000, rng)
    index = linking.LibraryIndex(rows)
    query = Statement(id=-1, text="Officials confirmed an unprecedented decision yesterday")
    pooled, _ = index.backend.pool(query, vector=vectors[1234])
    assert [statement.text for statement in pooled if statement.id == 1234] == [rows[1234][1][1]]  # the claim alone


@pytest.mark.parametrize("count", [0, 1])
def test_a_tiny_or_empty_library_is_searched_exactly(count):
    rows, _ = library(count, np.random.default_rng(1))
    index = linking.LibraryIndex(rows)
    assert index.backend.coarse is None
    pooled, _ = index.backend.pool(Statement(id=-1, text="The council closed its budget"), vector=clustered(1, np.random.default_rng(2))[0])
    assert len(pooled) == count
