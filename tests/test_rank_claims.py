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


def test_a_tweet_is_matched_by_its_hashtags_words_not_by_its_links_and_handle(tmp_path):
    claims = _jsonl(tmp_path / "claims.jsonl", [
        {"id": "solar", "text": "The council voted to put solar panels on every school roof."},
        {"id": "links", "text": "A pic on Twitter from the local paper's website is fake, https and all."},
        {"id": "other", "text": "The river flooded three villages after the storm."},
    ])
    queries = _jsonl(tmp_path / "queries.jsonl", [{
        "id": "q1",
        "text": "Finally! #CouncilVotesSolar for all #SchoolRoofspic.twitter.com/Xy12AbCd https://t.co/Qw3rTy "
                "\u2014 Local Paper (@localpaper) May 1, 2020",
    }])
    run = tmp_path / "run.tsv"
    call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(run), stdout=open(tmp_path / "out", "w"))
    assert [line.split()[2] for line in run.read_text().splitlines()][0] == "solar"


def test_markup_is_dropped_and_hashtags_read_as_words():
    from claims.matching.statements import plain_text, statement_text

    assert plain_text("So true #DraftOurDaughters #Vote2020https://t.co/x1 @JaneDoe_NYC") == "So true Draft Our Daughters Vote 2020 Jane Doe NYC"
    assert statement_text("It was released.", "Was it released?") == "Was it released?. It was released."


@pytest.mark.parametrize("headline", [
    "Did the council cut the school budget in half?",   # a question: still joined by a full stop
    "No, the council did not cut the budget",
    "Fact check: #SchoolBudget cut https://t.co/x1",    # markup dropped alike
    "The council cut the school budget in half.",       # a headline repeating the claim is left out
    "",
])
def test_a_fact_check_is_matched_in_production_on_the_text_rank_claims_scores_it_with(tmp_path, headline):
    from claims.factchecks.models import FactCheck
    from claims.management.commands.rank_claims import read_statements

    claim = "The council cut the school budget in half."
    library = _jsonl(tmp_path / "claims.jsonl", [{"id": "fc1", "text": claim, "title": headline}])
    [offline] = read_statements(str(library), "claims")
    factcheck = FactCheck(claim_reviewed=claim, headline=headline)
    assert factcheck.statement_text == offline.text
    assert factcheck.wordings[0] == offline.text
    assert factcheck.wordings[-1] == claim  # and the claim reviewed alone, for a framing headline
    if not headline or headline == claim:
        assert factcheck.wordings == (claim,)
