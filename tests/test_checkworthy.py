"""The check-worthiness model: what it ranks high, its calibration, its explanations, and the
commands that score with it and feed it a desk's decisions."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.extraction import checkworthy, extract

from .conftest import SHARED
from .factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory

CHECKWORTHY_DATA = SHARED / "eval" / "checkworthy"
ROOT = Path(__file__).resolve().parents[1]

# Invented sentences, one per kind: the first two a desk checks, the others it does not.
STATISTIC = "Unemployment fell to 4.1 percent last year, the lowest rate since 2001."
COMPARISON = "The state now spends twice as much on prisons as it spends on its universities."
OPINION = "I think this is a wonderful country and I love the people here."
QUESTION = "What are we going to do about it?"
PROMISE = "We will never give up and we will keep fighting for you."
GREETING = "Thank you all so much for coming tonight, it is great to be here."


def test_statistics_and_comparisons_rank_above_opinions_questions_promises_and_greetings():
    scores = {sentence: checkworthy.score(sentence) for sentence in (STATISTIC, COMPARISON, OPINION, QUESTION, PROMISE, GREETING)}
    threshold = checkworthy.default_threshold()
    worth_checking = min(scores[STATISTIC], scores[COMPARISON])
    assert worth_checking > max(scores[OPINION], scores[QUESTION], scores[PROMISE], scores[GREETING]), scores
    assert scores[STATISTIC] >= threshold and scores[COMPARISON] >= threshold, scores
    for sentence in (OPINION, QUESTION, PROMISE, GREETING):
        assert scores[sentence] < threshold, (sentence, scores[sentence])


def test_the_sentences_the_old_patterns_zeroed_are_recognised():
    # "our" and a short sentence each took the old hand-weighted score to 0.
    assert checkworthy.score("Two-thirds of our jobs come from small businesses.") >= checkworthy.default_threshold()
    assert checkworthy.score("Two-thirds of our jobs come from small businesses.") > checkworthy.score("Thank you, good night.")


def test_blank_text_scores_zero_and_every_score_is_a_probability():
    assert checkworthy.score("") == 0.0
    assert checkworthy.score("   \n") == 0.0
    for text in ("?", "0", "$", "١٢٣", "x" * 10_000, "Über 50 % der Stimmen."):
        assert 0.0 <= checkworthy.score(text) <= 1.0


def test_sentences_scored_together_score_as_each_alone_by_the_tf_idf_formula():
    # An article's sentences are scored in one pass: no sentence's words may count in another's.
    scorer = checkworthy.get_scorer()
    texts = [STATISTIC, "", GREETING, "the the the the jobs jobs", "   ", STATISTIC + " " + STATISTIC, COMPARISON, "0"]
    together = scorer.probabilities(texts)
    for text, probability in zip(texts, together):
        if not text.strip():
            assert probability == 0.0
            continue
        decision = scorer.intercept
        for analyser, index, idf, coefficients in scorer.blocks.values():
            positions, values = scorer._weights(analyser, index, idf, text)
            decision += float(values @ coefficients[positions])
        assert probability == pytest.approx(scorer.calibrate(decision), abs=1e-12), text
        assert probability == scorer.probability(text)
    assert checkworthy.score_many(texts) == [checkworthy.score(text) for text in texts]


def test_calibration_is_monotone_in_the_model_score():
    scorer = checkworthy.get_scorer()
    probabilities = [scorer.calibrate(decision / 4) for decision in range(-40, 41)]
    assert all(low < high for low, high in zip(probabilities, probabilities[1:]))
    assert probabilities[0] < 0.05 and probabilities[-1] > 0.95


def test_the_artifact_reports_a_reliability_table_that_rises_with_the_probability():
    document = json.loads(checkworthy.MODEL_PATH.read_text(encoding="utf-8"))
    bins = document["metrics"]["claimbuster_cv"]["reliability"]
    assert len(bins) >= 8
    shares = [row["share_checkworthy"] for row in bins]
    assert shares == sorted(shares)
    for row in bins:  # "0.8" means about 8 in 10
        assert abs(row["mean_probability"] - row["share_checkworthy"]) < 0.1, row
    assert document["version"] == checkworthy.get_scorer().version
    assert 0 < document["threshold"] < 1


def test_the_default_threshold_setting_is_the_models(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "FACTDESK_CHECKWORTHY_THRESHOLD"}
    environment.update(FACTDESK_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="factdesk.settings")
    read = "from django.conf import settings; print(settings.FACTDESK_CHECKWORTHY_THRESHOLD)"
    result = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == checkworthy.default_threshold()


def test_explanation_names_the_words_that_raised_and_lowered_the_score():
    features = checkworthy.explain(STATISTIC)
    assert 1 <= len(features) <= 5
    terms = [feature.term.lower() for feature in features]
    assert any(term in terms for term in ("percent", "4.1", "unemployment", "since", "lowest")), features
    assert features[0].contribution > 0
    assert [abs(f.contribution) for f in features] == sorted((abs(f.contribution) for f in features), reverse=True)
    greeting = checkworthy.explain(GREETING)
    assert any(feature.contribution < 0 for feature in greeting), greeting
    assert checkworthy.explain("") == []


def test_reported_and_direct_speech_get_the_model_score_of_their_statement():
    text = (
        "The minister, Jane Rivers, spoke on Monday.\n"
        "Rivers said that unemployment had doubled since 2019 in the northern regions.\n"
        "\u201cThank you all so much for coming tonight,\u201d Rivers said."
    )
    statements = {text[x.start:x.end]: x for x in extract(text) if x.kind in {"direct", "mixed", "indirect"}}
    reported = next(x for span, x in statements.items() if "unemployment" in span)
    greeting = next(x for span, x in statements.items() if "Thank you" in span)
    assert reported.checkworthiness == checkworthy.score(text[reported.start:reported.end])
    assert reported.checkworthiness >= checkworthy.default_threshold()
    assert greeting.checkworthiness < reported.checkworthiness


# --------------------------------------------------------------------------- manage.py score_checkworthy


def test_score_command_writes_one_line_per_input_with_the_production_score(tmp_path, settings):
    settings.FACTDESK_CHECKWORTHY_THRESHOLD = checkworthy.default_threshold()
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        json.dumps({"doc_id": "a", "text": STATISTIC}) + "\n\n"
        + json.dumps({"doc_id": 7, "text": GREETING}) + "\n"
        + json.dumps({"doc_id": "c", "text": ""}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.jsonl"
    call_command("score_checkworthy", "--input", str(docs), "--output", str(out), verbosity=0)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [set(row) for row in rows] == [{"doc_id", "score", "checkworthy"}] * 3
    assert [row["doc_id"] for row in rows] == ["a", 7, "c"]
    assert rows[0] == {"doc_id": "a", "score": checkworthy.score(STATISTIC), "checkworthy": True}
    assert rows[1]["checkworthy"] is False and rows[1]["score"] == checkworthy.score(GREETING)
    assert rows[2] == {"doc_id": "c", "score": 0.0, "checkworthy": False}


def test_score_command_applies_the_given_threshold(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"doc_id": "a", "text": GREETING}) + "\n", encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    call_command("score_checkworthy", "--input", str(docs), "--output", str(out), "--threshold", "0", verbosity=0)
    assert json.loads(out.read_text(encoding="utf-8"))["checkworthy"] is True


@pytest.mark.parametrize("content, message", [
    ('{"doc_id": "a", "text": "ok"}\nnot json\n', "docs.jsonl:2: not JSON"),
    ('{"text": "no id"}\n', "docs.jsonl:1: each line needs a doc_id and a text string"),
    ('{"doc_id": "a", "text": 5}\n', "docs.jsonl:1: each line needs a doc_id and a text string"),
    ('["a", "b"]\n', "docs.jsonl:1: each line needs a doc_id and a text string"),
])
def test_score_command_refuses_bad_input_with_the_line_and_writes_nothing(tmp_path, content, message):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(content, encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    with pytest.raises(CommandError, match=message):
        call_command("score_checkworthy", "--input", str(docs), "--output", str(out), verbosity=0)
    assert not out.exists()


def test_score_command_refuses_a_missing_file_and_a_threshold_outside_0_1(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("score_checkworthy", "--input", str(tmp_path / "none.jsonl"), "--output", str(tmp_path / "o"), verbosity=0)
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("score_checkworthy", "--input", "x", "--output", "y", "--threshold", "1.5", verbosity=0)


# --------------------------------------------------------------------------- explanations on the pages


CHECKWORTHY_TEXT = "Officials met on Monday.\nUnemployment fell to 4.1 percent last year, the lowest rate since 2001.\n"


@pytest.mark.django_db
def test_article_page_explains_a_candidates_check_worthiness(editor_client):
    article = ArticleFactory(text=CHECKWORTHY_TEXT)
    start = CHECKWORTHY_TEXT.index("Unemployment")
    candidate = CandidateFactory(article=article, kind="checkworthy", start=start, end=len(CHECKWORTHY_TEXT) - 1,
                                 speaker=None, speaker_text="", cue="", checkworthiness=checkworthy.score(STATISTIC))
    page = editor_client.get(f"/articles/{article.pk}/?c={candidate.pk}").content.decode()
    assert "Check-worthiness" in page
    strongest = checkworthy.explain(candidate.text)[0]
    assert f"data-checkworthy-term=\"{strongest.term}\"" in page
    assert f"{strongest.contribution:+.2f}" in page


@pytest.mark.django_db
def test_claim_page_explains_the_claims_check_worthiness(editor_client):
    claim = ClaimFactory(text=STATISTIC)
    CitationFactory(claim=claim)
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Check-worthiness" in page
    assert f"{checkworthy.score(STATISTIC):.2f}" in page
    for feature in checkworthy.explain(STATISTIC)[:3]:
        assert f"data-checkworthy-term=\"{feature.term}\"" in page


# --------------------------------------------------------------------------- the desk's decisions as training data


@pytest.mark.django_db
def test_export_writes_confirmed_and_rejected_checkworthy_candidates_as_training_data(tmp_path):
    article = ArticleFactory(text=CHECKWORTHY_TEXT)
    start = CHECKWORTHY_TEXT.index("Unemployment")
    confirmed = CandidateFactory(article=article, kind="checkworthy", start=start, end=start + 20, status="confirmed")
    rejected = CandidateFactory(article=article, kind="checkworthy", start=0, end=24, status="rejected")
    CandidateFactory(article=article, kind="checkworthy", start=start, end=start + 30)  # pending: no decision yet
    CandidateFactory(article=article, kind="direct", start=0, end=10, status="rejected")  # not a check-worthiness call
    out = tmp_path / "decisions.jsonl"
    call_command("export_checkworthy_training", "--output", str(out), verbosity=0)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [
        {"id": f"factdesk-candidate-{confirmed.pk}", "text": confirmed.text, "label": 1},
        {"id": f"factdesk-candidate-{rejected.pk}", "text": rejected.text, "label": 0},
    ]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_checkworthy_training", "--output", str(out), "--since", "yesterday", verbosity=0)


# --------------------------------------------------------------------------- runtime scorer = the trained model


def test_runtime_scorer_gives_the_scores_of_the_sklearn_model_it_was_exported_from():
    pytest.importorskip("sklearn", reason="scikit-learn is a dev requirement (training only)")
    if not (CHECKWORTHY_DATA / "claimbuster_train.jsonl").exists():
        pytest.skip("needs ../shared/eval/checkworthy")
    from bench import train_checkworthy as training

    rows = training.read_jsonl(CHECKWORTHY_DATA / "claimbuster_train.jsonl")
    train, held_out = rows[:3000], [row["text"] for row in rows[3000:3400]]
    fitted = training.fit([r["text"] for r in train], [r["label"] for r in train])
    document = training.artifact(fitted, slope=1.3, offset=-0.2, threshold=0.5, metrics={}, data=[])
    scorer = checkworthy.Scorer(json.loads(json.dumps(document)))
    texts = held_out + [STATISTIC, GREETING, "", "0", "£"]
    for text, decision in zip(texts, training.decisions(fitted, texts)):
        assert scorer.decision(text) == pytest.approx(decision, abs=1e-4), text
        calibrated = 1 / (1 + math.exp(-(1.3 * decision - 0.2))) if text.strip() else 0.0  # blank text is 0 by contract
        assert scorer.probability(text) == pytest.approx(calibrated, abs=1e-4)


def test_training_reads_the_exported_decisions_and_refuses_lines_without_a_label(tmp_path):
    from bench import train_checkworthy as training

    good = tmp_path / "decisions.jsonl"
    good.write_text(json.dumps({"id": "factdesk-candidate-1", "text": "Taxes rose 5 %.", "label": 1}) + "\n", encoding="utf-8")
    assert training.read_jsonl(good) == [{"id": "factdesk-candidate-1", "text": "Taxes rose 5 %.", "label": 1}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "no label"}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="bad.jsonl:1"):
        training.read_jsonl(bad)


@pytest.mark.django_db
def test_unattributed_sentences_become_candidates_only_from_the_candidate_minimum(settings):
    """A middling unattributed sentence is scored but not queued; a likely one is; attributed speech always is."""
    from articles.models import Article, Outlet
    from claims.models import Candidate
    from claims.services.processing import extract_and_store

    likely = "Unemployment in the state doubled from 4 percent in 2019 to 8 percent last year."
    middling = "The crowd cheered as the candidate took the stage in Ohio."
    text = f"{likely} {middling}\nThe mayor, Jane Rivers, spoke on Monday.\n\u201cWe will not raise taxes,\u201d Rivers said."
    assert checkworthy.score(likely) >= 0.8 > checkworthy.score(middling) >= checkworthy.default_threshold()
    article = Article.objects.create(outlet=Outlet.objects.create(name="The Test Gazette"), title="t", text=text)

    settings.FACTDESK_CHECKWORTHY_CANDIDATE_MIN = 0.8
    extract_and_store([article.pk], force=True)
    quoted = {text[c.start:c.end] for c in Candidate.objects.filter(article=article)}
    assert likely in quoted and middling not in quoted
    assert any("We will not raise taxes" in span for span in quoted)

    settings.FACTDESK_CHECKWORTHY_CANDIDATE_MIN = 0.0
    extract_and_store([article.pk], force=True)
    assert middling in {text[c.start:c.end] for c in Candidate.objects.filter(article=article)}


# --------------------------------------------------------------------------- the encoder comparison the training script prints


def test_training_threshold_is_the_cut_with_the_best_f1_on_the_scores_it_is_given():
    import numpy as np

    from bench import checkworthy_variants as variants

    scores = np.array([-3.0, -2.5, -2.0, -1.0, -0.5, 0.2, 0.4, 1.5, 2.0, 3.0])
    labels = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    cut = variants.f1_cut(scores, labels)
    assert list(scores >= cut) == list(labels == 1)


def test_encoder_comparison_scores_every_sentence_out_of_fold_with_thresholds_from_the_training_folds():
    pytest.importorskip("sklearn", reason="scikit-learn is a dev requirement (training only)")
    if not (CHECKWORTHY_DATA / "claimbuster_train.jsonl").exists():
        pytest.skip("needs ../shared/eval/checkworthy")
    from bench import checkworthy_variants as variants
    from bench import train_checkworthy as training
    from claims.matching.encoder import get_encoder

    rows = training.read_jsonl(CHECKWORTHY_DATA / "claimbuster_train.jsonl")[::20]  # the file is sorted by label
    vectors = get_encoder().encode([row["text"] for row in rows])
    results = variants.encoder_comparison(rows, vectors)
    for name in ("n-grams", "MiniLM head", "stacked"):
        assert 0.6 < results[name]["roc_auc"] <= 1.0, results
        assert 0.0 < results[name]["nested"]["f1"] <= 1.0, results
    # Both models carry weight in the stack: each adds something the other lacks.
    assert results["stacker"]["ngram_weight"] > 0 and results["stacker"]["encoder_weight"] > 0, results


# --------------------------------------------------------------------------- the encoder's layers and fine-tuning, compared


def test_finetune_comparison_without_pytorch_stops_with_a_message_saying_what_it_needs(monkeypatch):
    from bench import checkworthy_encoder

    monkeypatch.setitem(sys.modules, "torch", None)  # as on every FactDesk install: torch is never a requirement
    rows = [{"text": "Taxes rose 5 % last year.", "label": 1}, {"text": "Good evening.", "label": 0}]
    with pytest.raises(SystemExit, match="needs PyTorch"):
        checkworthy_encoder.compare_finetune(rows, fit=None, decisions=None, prf=None, folds=5, seed=0, inner_seed=1,
                                             layers=2, epochs=1, rate=5e-5, limit_folds=1)


def test_layer_comparison_reads_every_layer_and_its_last_is_matchings_vector():
    import numpy as np

    from bench import checkworthy_encoder
    from claims.matching.encoder import get_encoder

    texts = ["Unemployment doubled from 4 percent in 2019 to 8 percent last year.", "Thank you all for coming tonight."]
    means = checkworthy_encoder.layer_means(texts)
    assert means.shape == (7, 2, 384)
    last = means[6] / np.linalg.norm(means[6], axis=1, keepdims=True)
    assert np.allclose(last, get_encoder().encode(texts), atol=1e-5)
    # Each layer changes the sentence's state: the inner layers are not copies of the last.
    assert all(not np.allclose(means[k], means[6], atol=1e-3) for k in range(6))
