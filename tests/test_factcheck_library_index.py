"""The library's in-memory retriever (``claims.factchecks.library_index.LibraryBackend``): the pool production
matching's ``MemoryBackend`` would give over every wording, one vector per fact-check, and above
``COARSE_MIN_RECORDS`` a k-means search that reads a fraction of the vectors. No database."""
import math

import numpy as np
import pytest

from claims.factchecks import library_index, linking
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
    monkeypatch.setattr(library_index, "COARSE_MIN_RECORDS", 1_000)
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
    monkeypatch.setattr(library_index, "COARSE_MIN_RECORDS", 1_000)
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


# --- updating the index in place ------------------------------------------------------------------

def found(index, rows, numbers, vectors):
    """What links_for gives for each record's claim (the wording alone), with the record's vector."""
    return [[(result.target_id, result.relation, round(result.score, 5))
             for result in index.links_for(Statement(id=-1, text=rows[number][1][1]), vectors[number])]
            for number in numbers]


@pytest.mark.parametrize("coarse_from", [10_000, 1_000], ids=["exact", "k-means"])
def test_records_added_in_place_are_linked_as_a_fresh_build_links_them(monkeypatch, coarse_from):
    monkeypatch.setattr(library_index, "COARSE_MIN_RECORDS", coarse_from)
    rows, vectors = library(1_600, np.random.default_rng(21))
    index = linking.LibraryIndex(rows[:1_500])
    index.update(rows[1_500:1_501])
    index.update(rows[1_501:])
    fresh = linking.LibraryIndex(rows)
    asked = [1_500, 1_550, 1_599, 3, 777, 1_499]
    assert found(index, rows, asked, vectors) == found(fresh, rows, asked, vectors)
    assert all(links and links[0][0] == number for links, number in zip(found(index, rows, asked, vectors), asked))
    assert index.record_count == 1_600


@pytest.mark.parametrize("coarse_from", [10_000, 1_000], ids=["exact", "k-means"])
def test_a_changed_record_is_found_by_its_new_wording_and_no_longer_by_its_old_one(monkeypatch, coarse_from):
    monkeypatch.setattr(library_index, "COARSE_MIN_RECORDS", coarse_from)
    rng = np.random.default_rng(22)
    rows, vectors = library(1_200, rng)
    index = linking.LibraryIndex(rows)
    old_claim = rows[42][1][1]
    new_claim = "The lighthouse tripled its ferry subsidy within a single winter."
    new_vector = clustered(1, rng)[0]
    index.update([(42, (f"Is it true? {new_claim}", new_claim), new_vector.tobytes())])
    changed = rows[:42] + [(42, (f"Is it true? {new_claim}", new_claim), new_vector.tobytes())] + rows[43:]
    fresh = linking.LibraryIndex(changed)
    for text, vector in ((old_claim, vectors[42]), (new_claim, new_vector)):
        ours = [(r.target_id, r.relation, round(r.score, 5)) for r in index.links_for(Statement(id=-1, text=text), vector)]
        theirs = [(r.target_id, r.relation, round(r.score, 5)) for r in fresh.links_for(Statement(id=-1, text=text), vector)]
        assert ours == theirs
    assert 42 not in [r.target_id for r in index.links_for(Statement(id=-1, text=old_claim), vectors[42])]
    assert [r.target_id for r in index.links_for(Statement(id=-1, text=new_claim), new_vector)][:1] == [42]
    pooled, _ = index.backend.pool(Statement(id=-1, text=old_claim), vector=vectors[42])
    assert old_claim not in [statement.text for statement in pooled]  # the old wording is retired, not just outscored
    assert index.record_count == 1_200


def test_a_reader_keeps_the_snapshot_it_began_with_while_an_update_is_applied():
    rows, vectors = library(300, np.random.default_rng(23))
    index = linking.LibraryIndex(rows[:200])
    before = index.backend
    index.update(rows[200:] + [(7, ("The pier was sold for one euro.",), vectors[7].tobytes())])
    query = Statement(id=-1, text=rows[250][1][1])
    assert 250 not in [statement.id for statement in before.pool(query, vector=vectors[250])[0]]
    assert 250 in [statement.id for statement in index.backend.pool(query, vector=vectors[250])[0]]
    old_seven = Statement(id=-1, text=rows[7][1][1])
    assert rows[7][1][1] in [statement.text for statement in before.pool(old_seven, vector=vectors[7])[0]]


def test_crossing_the_k_means_threshold_and_growing_by_half_re_cluster_and_links_stay_those_of_a_fresh_build(monkeypatch):
    monkeypatch.setattr(library_index, "COARSE_MIN_RECORDS", 1_000)
    rows, vectors = library(2_400, np.random.default_rng(24))
    index = linking.LibraryIndex(rows[:900])
    assert index.backend.coarse is None
    index.update(rows[900:1_100])                       # past the threshold: the k-means lists are built
    clustered_at = index.backend.coarse
    assert clustered_at is not None and index.backend.clustered_records == 1_100
    index.update(rows[1_100:1_600])                     # +45%: filed under the nearest lists, no re-clustering
    assert index.backend.coarse.centres is clustered_at.centres and index.backend.coarse.added == 500
    index.update(rows[1_600:1_700])                     # +55%: re-clustered
    assert index.backend.coarse.centres is not clustered_at.centres and index.backend.clustered_records == 1_700
    index.update(rows[1_700:])
    fresh = linking.LibraryIndex(rows)
    asked = [5, 950, 1_300, 1_650, 2_399]
    assert found(index, rows, asked, vectors) == found(fresh, rows, asked, vectors)
    found_nearest = sum(number in index.backend.nearest_records(vectors[number], 20).tolist() for number in asked)
    assert found_nearest == len(asked)


@pytest.mark.django_db
def test_a_new_fact_check_updates_the_process_index_in_place_instead_of_rebuilding_it():
    from claims.factchecks.models import FactCheck
    from claims.matching import EMBEDDING_MODEL

    rng = np.random.default_rng(25)
    rows, vectors = library(30, rng)

    def stored(number):
        return FactCheck.objects.create(key=f"k{number}", claim_reviewed=rows[number][1][1], source_format="jsonl",
                                        embedding=vectors[number].tobytes(), embedding_model=EMBEDDING_MODEL)

    first = [stored(number) for number in range(29)]
    linking._cache.clear()
    index = linking.library_index()
    built_vectors = index.backend.vectors
    added = stored(29)
    assert linking.library_index() is index and index.backend.vectors is built_vectors  # not rebuilt
    claim = Statement(id=-1, text=rows[29][1][1])
    assert [result.target_id for result in index.links_for(claim, vectors[29])][:1] == [added.pk]
    first[3].claim_reviewed = "The ferry company doubled the price of a season ticket overnight."
    first[3].save()
    assert linking.library_index() is index and index.record_count == 30
    assert first[3].pk not in [r.target_id for r in index.links_for(Statement(id=-1, text=rows[3][1][1]), vectors[3])]
    assert [r.target_id for r in index.links_for(Statement(id=-1, text=first[3].claim_reviewed), vectors[3])][:1] == [first[3].pk]
    FactCheck.objects.filter(pk=first[0].pk).delete()  # never done through the app: the index is built again
    assert linking.library_index() is not index and linking.library_index().record_count == 29
