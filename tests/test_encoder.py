"""The sentence encoder: the real all-MiniLM-L6-v2 weights, checked, batched, meaning-aware."""
import numpy as np
import pytest

from claims.matching import EMBEDDING_DIM, EMBEDDING_MODEL, embed
from claims.matching.encoder import EncoderUnavailable, _verified_bytes


def test_vectors_are_unit_length_384_float32_and_name_their_model():
    vectors = embed(["The economy grew by three percent last year.", "Taxes will not rise."])
    assert vectors.shape == (2, EMBEDDING_DIM) == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert "all-MiniLM-L6-v2" in EMBEDDING_MODEL and "0.1.0" in EMBEDDING_MODEL


def test_a_paraphrase_is_nearer_than_an_unrelated_statement_on_the_same_topic():
    claim, paraphrase, unrelated = embed([
        "A European voice needs to be at the table.",
        "Ukraine and Europe must be part of any negotiations.",
        "The European Central Bank left interest rates unchanged on Thursday.",
    ])
    assert float(claim @ paraphrase) > float(claim @ unrelated) + 0.1


def test_a_vector_does_not_depend_on_the_batch_it_was_computed_in():
    short = "Prices rose."
    alone = embed([short])[0]
    padded = embed([short, "A much longer sentence about something else entirely, " * 5])[0]
    assert np.allclose(alone, padded, atol=1e-5)


def test_empty_input_gives_an_empty_matrix_and_empty_text_a_vector():
    assert embed([]).shape == (0, 384)
    assert embed([""]).shape == (1, 384)


def test_model_files_that_are_not_the_checked_ones_are_refused(tmp_path):
    forged = tmp_path / "model.safetensors"
    forged.write_bytes(b"not the weights")
    with pytest.raises(EncoderUnavailable, match="sha256"):
        _verified_bytes(forged)


def test_the_quotation_marks_framing_a_statement_do_not_change_its_vector():
    # A candidate is cut from an article with its marks ("\u201c...,\u201d she said"); the claim an
    # editor edits is plain words. Verbatim is verbatim to the encoder too.
    quoted, plain = embed([
        "\u201cThe bridge across the river will open to traffic in the spring,\u201d",
        "The bridge across the river will open to traffic in the spring",
    ])
    assert float(quoted @ plain) > 0.999


def test_a_batch_of_long_texts_is_cut_by_its_token_count_and_gives_the_same_vectors(monkeypatch):
    # Attention holds texts x length² scores: long texts go through in smaller batches, so a
    # worker's memory stays bounded, and no vector changes for it.
    from claims.matching import encoder

    texts = [f"Statement number {i} says that the harbour bridge will close for repairs in the spring." * (1 + i % 3)
             for i in range(6)]
    whole = encoder.get_encoder().encode(texts)
    seen = []
    forward = encoder.SentenceEncoder._forward
    monkeypatch.setattr(encoder, "BATCH_TOKENS", 64)
    monkeypatch.setattr(encoder.SentenceEncoder, "_forward",
                        lambda self, ids, mask: seen.append(ids.shape) or forward(self, ids, mask))
    cut = encoder.get_encoder().encode(texts)
    # One text longer than the budget goes alone; several together stay within it.
    assert len(seen) > 1 and all(rows == 1 or rows * length <= 64 for rows, length in seen)
    assert np.allclose(whole, cut, atol=1e-5)
