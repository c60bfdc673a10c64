"""claims.matching without a database: the sample articles' gold pairs, relation typing, shingles, diffs."""
import json
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pytest

from claims import matching
from claims.matching import (
    RELATION_OTHER_SPEAKER,
    RELATION_PARAPHRASE,
    RELATION_VARIANT,
    RELATION_VERBATIM,
    SAME_CLAIM_RELATIONS,
    Statement,
    embed,
    misquote_words,
    rank,
    shingles,
    word_diff,
)

DAY = date(2025, 2, 13)


# --------------------------------------------------------------------------- the sample articles


def speaker_keys(refs):
    """Speaker keys as the product links them: a person by name; a group by the places it lists
    (two descriptions naming mostly the same countries are one group, as link_speaker decides)."""

    def members(ref):
        words = {w.strip(",.;:()") for w in ref.split()}
        return {w.casefold() for w in words if w[:1].isupper() and len(w) > 2}

    keys, groups = {}, []
    for ref in refs:
        if "," not in ref:
            keys[ref] = "person:" + ref.casefold()
            continue
        mine = members(ref)
        for key, theirs in groups:
            if len(mine & theirs) / len(mine | theirs) >= 0.6:
                keys[ref] = key
                break
        else:
            keys[ref] = f"group:{len(groups)}"
            groups.append((keys[ref], mine))
    return keys


@pytest.fixture
def gold(shared_dir):
    quotes = [json.loads(x) for x in (shared_dir / "gold" / "sample_quotes.jsonl").read_text().splitlines() if x]
    pairs = [json.loads(x) for x in (shared_dir / "gold" / "sample_matches.jsonl").read_text().splitlines() if x]
    keys = speaker_keys({q["speaker_ref"] for q in quotes})
    statements = {
        q["qid"]: Statement(id=q["qid"], text=q["quote_text"], speaker=keys[q["speaker_ref"]], published=DAY) for q in quotes
    }
    docs = sorted({q["doc_id"] for q in quotes})
    by_doc = {d: [statements[q["qid"]] for q in quotes if q["doc_id"] == d] for d in docs}
    return by_doc, pairs


def relations_between(first, second):
    """{(first id, second id): relation}, each statement of ``second`` ranked against all of ``first``
    (the order the pipeline works in: a later article's candidates against earlier claims)."""
    found = {}
    for query in second:
        for result in rank(query, first):
            found[(result.target_id, query.id)] = result.relation
    return found


def test_sample_gold_pairs_are_found_and_typed(gold):
    by_doc, pairs = gold
    first, second = by_doc.values()
    found = relations_between(first, second)
    reverse = relations_between(second, first)

    same_claim = [(p["a"], p["b"]) for p in pairs if p["relation"] == "same_claim"]
    for a, b in same_claim:
        assert found.get((a, b)) in SAME_CLAIM_RELATIONS, (a, b, found.get((a, b)))
        assert reverse.get((b, a)) in SAME_CLAIM_RELATIONS, (b, a, reverse.get((b, a)))

    # "Related" = the same content from a different speaker: never the same claim. Two of the
    # three share words ("part of / involved in any negotiations") and are typed as related;
    # the third ("a European voice needs to be at the table") shares one word and scores 0.37,
    # inside the range of unrelated pairs (bench/matching_thresholds.py), so it may go unmatched.
    related = [(p["a"], p["b"]) if p["a"] in {s.id for s in first} else (p["b"], p["a"]) for p in pairs if p["relation"] == "related"]
    typed = [found.get(pair) for pair in related]
    assert all(t in (None, RELATION_OTHER_SPEAKER) for t in typed), typed
    assert typed.count(RELATION_OTHER_SPEAKER) >= 2, typed

    gold_same = {frozenset(p) for p in same_claim}
    wrong = [pair for pair, rel in found.items() if rel in SAME_CLAIM_RELATIONS and frozenset(pair) not in gold_same]
    wrong += [pair for pair, rel in reverse.items() if rel in SAME_CLAIM_RELATIONS and frozenset(pair) not in gold_same]
    assert wrong == []


def test_the_sample_no_betrayal_quote_is_a_variant_that_may_be_cited_at_once(gold):
    by_doc, _ = gold
    first, second = by_doc.values()
    query = next(s for s in second if s.id.endswith("-no-betrayal"))
    best = rank(query, first)[0]
    assert best.target_id.endswith("-no-betrayal")
    assert best.relation == RELATION_VARIANT and best.auto_mergeable
    assert "interested" in best.evidence["misquote_words"]
    assert best.evidence["speaker_agrees"] is True and best.evidence["days_apart"] == 0


# --------------------------------------------------------------------------- relation typing


def st(id, text, speaker="person:a", published=DAY):
    return Statement(id=id, text=text, speaker=speaker, published=published)


def only(results):
    assert len(results) == 1, results
    return results[0]


def test_verbatim_ignores_case_punctuation_and_abbreviations():
    query = st("q", "“The U.S. will never abandon its allies in Europe,”")
    pool = [st(1, "the United States will never abandon its allies in Europe"), st(2, "Farm subsidies will be cut in half.")]
    result = only(rank(query, pool))
    assert result.target_id == 1 and result.relation == RELATION_VERBATIM
    assert result.score == 1.0 and result.auto_mergeable
    assert result.evidence["misquote_words"] == []


def test_same_words_with_edits_are_a_variant():
    query = st("q", "There is a recognition that the whole world and the US is invested in peace, in a negotiated peace.")
    pool = [st(1, "There is a recognition that the whole world and the United States is invested and interested in peace")]
    result = only(rank(query, pool))
    assert result.relation == RELATION_VARIANT and result.auto_mergeable
    assert result.evidence["misquote_words"] == ["interested"]
    assert ("delete", "and interested") in result.evidence["diff"]


def test_a_quoted_fragment_repeated_in_a_full_quote_is_a_variant_not_verbatim():
    query = st("q", "such moves were “certainly not a surrender” to Moscow")
    pool = [st(1, "“That is your word, not mine. Certainly not a surrender.”")]
    result = only(rank(query, pool))
    assert result.relation == RELATION_VARIANT
    assert result.evidence["quoted_fragment"] == "certain not surrend"


def test_same_meaning_in_other_words_is_a_paraphrase_suggested_not_merged():
    query = st("q", "Europe must take part in any negotiations on ending the war")
    pool = [st(1, "European countries have to be at the table for the talks that end the war"),
            st(2, "The harvest was the best in a decade, farmers reported")]
    result = only(rank(query, pool))
    assert result.target_id == 1 and result.relation == RELATION_PARAPHRASE
    assert not result.auto_mergeable


def test_unrelated_statements_by_the_same_speaker_are_not_matched():
    query = st("q", "The new hospital wing will open in the spring with two hundred beds")
    pool = [st(1, "Our army will not retreat from the eastern border"), st(2, "Inflation fell to its lowest level in years")]
    assert rank(query, pool) == []


def test_same_words_by_another_speaker_are_related_never_mergeable():
    query = st("q", "Ukraine and Europe must be part of any negotiations", speaker="person:a")
    pool = [st(1, "Ukraine and Europe must be part of any negotiations", speaker="person:b")]
    result = only(rank(query, pool))
    assert result.relation == RELATION_OTHER_SPEAKER and not result.auto_mergeable
    assert result.evidence["speaker_agrees"] is False


def test_an_unknown_speaker_keeps_the_wording_relation_but_is_never_merged_automatically():
    query = st("q", "Ukraine and Europe must be part of any negotiations", speaker="")
    pool = [st(1, "Ukraine and Europe must be part of any negotiations", speaker="person:b")]
    result = only(rank(query, pool))
    assert result.relation == RELATION_VERBATIM
    assert result.evidence["speaker_agrees"] is None and not result.auto_mergeable


def test_without_a_known_speaker_only_a_close_paraphrase_is_suggested():
    query = st("q", "Europe must take part in any negotiations on ending the war", speaker="")
    loose = st(1, "European countries have to be at the table for the talks that end the war")
    result = rank(query, [loose])
    assert result == [] or result[0].relation != RELATION_PARAPHRASE
    close = st(2, "Europe must take part in all the negotiations to end the war")
    assert only(rank(query, [close])).relation in (RELATION_VARIANT, RELATION_PARAPHRASE)


def test_two_speakers_on_one_person_are_not_related_by_the_name_alone():
    query = st("q", "Hillary Clinton is a better candidate because of it", speaker="person:a")
    pool = [st(1, "When I look at somebody like Hillary Clinton", speaker="person:b")]
    assert rank(query, pool) == []


def test_statements_further_apart_than_the_window_are_only_matched_as_the_same_speakers_quote():
    query = st("q", "We will build the bridge by next summer", published=DAY)
    old = st(1, "We will build the bridge by next summer", published=DAY - timedelta(days=45))
    by_another = st(3, "We will build the bridge by next summer", speaker="person:b", published=DAY - timedelta(days=45))
    assert rank(query, [by_another], window_days=30) == []
    assert only(rank(query, [by_another], window_days=60)).relation == RELATION_OTHER_SPEAKER
    # Outlets re-quote old lines: the same speaker's words join their claim however far apart.
    assert only(rank(query, [old], window_days=30)).relation == RELATION_VERBATIM
    undated = st(2, "We will build the bridge by next summer", published=None)
    assert only(rank(query, [undated], window_days=30)).relation == RELATION_VERBATIM


def test_a_negated_statement_is_not_a_paraphrase_of_its_opposite():
    query = st("q", "the governor is qualified to lead the state")
    pool = [st(1, "the governor is not qualified to lead the state")]
    assert all(not r.auto_mergeable for r in rank(query, pool))
    assert all(r.relation != RELATION_PARAPHRASE for r in rank(query, pool))


def test_dropping_not_from_a_quote_is_shown_as_a_misquote_and_never_merged_automatically():
    query = st("q", "“We will raise taxes on families earning less than a million dollars,” he said")
    pool = [st(1, "We will not raise taxes on families earning less than a million dollars")]
    result = only(rank(query, pool))
    assert result.relation == RELATION_VARIANT and not result.auto_mergeable
    assert result.evidence["misquote_words"] == ["not"]


def test_stored_vectors_give_the_same_ranking_as_computed_ones():
    query = st("q", "There is no betrayal; the US is invested in peace.")
    pool = [st(1, "There is no betrayal there. The United States is invested in peace"), st(2, "Crops failed in the north")]
    computed = rank(query, pool)
    stored = rank(query, pool, pool_vecs=embed([p.text for p in pool]), query_vec=embed([query.text])[0])
    assert [(r.target_id, r.relation, r.score) for r in computed] == [(r.target_id, r.relation, r.score) for r in stored]


def test_same_speaker_matches_rank_before_related_ones():
    query = st("q", "Ukraine and Europe must be part of any negotiations")
    pool = [st(i, "Ukraine and Europe must be part of any negotiations", speaker=f"person:{i}") for i in range(2, 30)]
    pool.append(st(1, "Ukraine and Europe must be part of all negotiations"))
    results = rank(query, pool)
    assert results[0].target_id == 1 and results[0].relation in SAME_CLAIM_RELATIONS
    assert len(results) == matching.MAX_RESULTS


# --------------------------------------------------------------------------- embeddings and shingles


def test_embeddings_are_unit_length_384_dim_float32():
    vectors = embed(["The US is invested in peace.", "", "Crops failed"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, 384)


def test_shingles_fold_abbreviations_case_and_punctuation():
    assert shingles("The U.S. is invested in peace.") == shingles("the United States is invested in peace")
    assert shingles("The UK and the EU agreed") == shingles("the United Kingdom and the European Union agreed")
    assert shingles("Nato must act") == shingles("NATO must act")
    # The pronoun "us" is not the country.
    assert shingles("they told us to leave now") != shingles("they told US to leave now")
    assert shingles("Ukraine must be at the table") != shingles("Ukraine must not be at the table")


def test_shingles_share_keys_between_variant_wordings_and_fit_a_bigint():
    a = shingles("the whole world and the United States is invested and interested in peace")
    b = shingles("the whole world and the US is invested in peace, in a negotiated peace")
    assert len(a & b) >= 4
    assert all(0 <= v < 2**63 for v in a | b)


def test_shingles_are_stable_across_processes():
    text = "The U.S. is invested in peace, in a negotiated peace."
    code = f"from claims.matching import shingles; print(sorted(shingles({text!r})))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=str(matching.__file__).rsplit("/claims/", 1)[0])
    assert json.loads(other.stdout) == sorted(shingles(text))


# --------------------------------------------------------------------------- word_diff and misquote_words


def test_word_diff_keeps_the_words_as_written():
    ops = word_diff("There is no betrayal there.", "There is no betrayal; there is a recognition")
    assert ops == [("equal", "There is no betrayal there"), ("insert", "is a recognition")]
    # Equal runs read as the second text was written: a report saying "the United States" shows that.
    assert word_diff("the US is invested", "the United States is invested") == [("equal", "the United States is invested")]
    assert word_diff("", "new words") == [("insert", "new words")]


@pytest.mark.parametrize(
    "a, b",
    [
        ("The US is invested in peace.", "the United States is invested in peace"),
        ("“Europe must be part of it,” he said.", "Europe must be part of it"),
        ("The UK will stay", "The United Kingdom will stay!"),
        ("We are ready", "we're ready"),
    ],
)
def test_no_misquote_for_punctuation_case_stopwords_or_abbreviations(a, b):
    assert misquote_words(a, b) == []


@pytest.mark.parametrize(
    "a, b, words",
    [
        ("We will not raise taxes", "We will raise taxes", ["not"]),
        ("Unemployment fell to 4.1 percent", "Unemployment fell to 4.7 percent", ["4.1", "4.7"]),
        ("the world is invested and interested in peace", "the world is invested in peace", ["interested"]),
        ("Europe must be part of any talks", "Europe should be part of any talks", ["must", "should"]),
    ],
)
def test_misquote_when_content_words_differ(a, b, words):
    assert misquote_words(a, b) == words


def test_a_shorter_excerpt_of_the_same_quote_is_not_a_misquote_unless_a_negation_goes():
    full = "That is your language. We will defend every inch of our territory, as we always have."
    assert misquote_words(full, "we will defend every inch of our territory") == []
    assert misquote_words("Never again will we retreat", "again will we retreat") == ["Never"]


# --------------------------------------------------------------------------- manage.py rank_claims


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rank_claims_writes_a_trec_run_with_the_matching_claim_first(tmp_path):
    from django.core.management import call_command

    filler = [{"id": f"f{i}", "text": f"The council approved budget line {i} for road repairs in district {i}"} for i in range(40)]
    claims = write_jsonl(tmp_path / "claims.jsonl", filler + [
        {"id": "c-peace", "text": "There is no betrayal there. The United States is invested and interested in peace",
         "speaker": "Pete Hegseth"},
        {"id": "c-other", "text": "The US is invested in peace, in a negotiated peace", "speaker": "Someone Else"},
        {"id": "c-farm", "text": "Farm subsidies will be cut in half next year", "speaker": "Pete Hegseth"},
    ])
    queries = write_jsonl(tmp_path / "queries.jsonl", [
        {"id": "q1", "text": "There is no betrayal; the US is invested in peace, in a negotiated peace.", "speaker": "pete  hegseth"},
        {"id": "q2", "text": "Road repairs in district 7 get budget line 7 from the council"},
    ])
    run = tmp_path / "run.tsv"
    call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(run))
    rows = [line.split(" ") for line in run.read_text().splitlines()]
    assert all(len(r) == 6 and r[1] == "Q0" and r[5] == "factdesk" for r in rows)
    by_query = {}
    for qid, _, cid, rank_number, score, _ in rows:
        by_query.setdefault(qid, []).append((cid, int(rank_number), float(score)))
    assert set(by_query) == {"q1", "q2"}
    for ranked in by_query.values():
        assert [r for _, r, _ in ranked] == list(range(1, len(ranked) + 1)) and len(ranked) <= 20
        assert [s for _, _, s in ranked] == sorted((s for _, _, s in ranked), reverse=True)
    q1 = [cid for cid, _, _ in by_query["q1"]]
    # Same speaker first (speaker names compare case- and space-folded), the other speaker's words next.
    assert q1[:2] == ["c-peace", "c-other"]
    assert by_query["q2"][0][0] == "f7"


def test_rank_claims_refuses_bad_input_with_the_line(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    claims = tmp_path / "claims.jsonl"
    claims.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": \n', encoding="utf-8")
    queries = write_jsonl(tmp_path / "queries.jsonl", [{"id": "q", "text": "fine"}])
    with pytest.raises(CommandError, match="line 2"):
        call_command("rank_claims", claims=str(claims), queries=str(queries), output=str(tmp_path / "run.tsv"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("rank_claims", claims=str(tmp_path / "missing.jsonl"), queries=str(queries), output=str(tmp_path / "r"))


def test_the_names_the_benchmarks_and_services_use_stay_importable_from_claims_matching():
    """claims.matching is a package of modules by job; what callers import from it keeps working."""
    import ast
    from pathlib import Path

    root = Path(matching.__file__).parents[2]
    used = set()
    for path in [*root.glob("bench/*.py"), *root.glob("claims/**/*.py"), *root.glob("tests/*.py")]:
        if "claims/matching/" in path.as_posix():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_names = set()  # what this file calls the module ("from claims import matching as m")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "claims.matching":
                used |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module == "claims":
                module_names |= {alias.asname or alias.name for alias in node.names if alias.name == "matching"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_names:
                used.add(node.attr)
    used -= {"__file__"}
    assert {"rank", "shingles", "embed", "_analyse", "_relation"} <= used  # the scan found the callers
    assert sorted(name for name in used if not hasattr(matching, name)) == []
