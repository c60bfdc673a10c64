"""manage.py rank_claims: titles read as part of a claim, the run in retrieve's order."""
import json

import pytest
from django.core.management import CommandError, call_command

from claims.matching.retrieval import pool_term_scores


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_claim_found_only_by_its_title_is_ranked_first(tmp_path):
    claims = _jsonl(tmp_path / "claims.jsonl", [
        {"id": "plain", "text": "Officials said the figures were released on Monday."},
        {"id": "titled", "text": "The figures were released on Monday.",
         "title": "Did the mayor ban plastic straws in every restaurant?"},
        {"id": "other", "text": "The river flooded three villages after the storm."},
    ])
    queries = _jsonl(tmp_path / "queries.jsonl", [{"id": "q1", "text": "Mayor bans plastic straws in all restaurants"}])
    run = tmp_path / "run.tsv"
    call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(run), stdout=open(tmp_path / "out", "w"))
    rows = [line.split() for line in run.read_text().splitlines()]
    assert rows[0][2] == "titled"
    scores = [float(row[4]) for row in rows]
    assert scores == sorted(scores, reverse=True)  # a tool sorting by score agrees with the rank column


def test_a_title_that_is_not_a_string_is_refused_with_its_line(tmp_path):
    claims = _jsonl(tmp_path / "claims.jsonl", [{"id": "a", "text": "Fine."}, {"id": "b", "text": "Bad.", "title": 3}])
    queries = _jsonl(tmp_path / "queries.jsonl", [{"id": "q", "text": "Fine."}])
    with pytest.raises(CommandError, match="line 2.*title"):
        call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(tmp_path / "run.tsv"))


def test_a_word_every_pooled_claim_shares_weighs_less_than_a_rare_one():
    pool = [
        "Trump said the wall will be paid for by Mexico",
        "Trump said taxes will fall next year",
        "Trump said the border is secure",
    ]
    scores = pool_term_scores("Trump claims Mexico will pay for the wall", pool)
    assert scores[0] == 1.0 and scores[1] < 0.3 and scores[2] < 0.3
