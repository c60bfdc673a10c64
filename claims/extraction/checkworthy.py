"""Check-worthiness: the calibrated probability that a sentence states a fact worth checking.

A linear model over TF-IDF word (1–2) and character (2–5, inside words) n-grams, trained by
``bench/train_checkworthy.py`` on public debate sentences and stored as plain JSON in
``data/checkworthy-v1.json`` (vocabulary, idf, coefficients, intercept, calibration, threshold,
version). Scoring needs only numpy and the standard library; the term analysers below are the
ones the training script hands to scikit-learn, so training and production read a sentence the
same way. ``explain(sentence)`` names the words that pushed the score up or down.
"""
from __future__ import annotations

import functools
import json
import math
import re
import threading
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("data") / "checkworthy-v1.json"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
WORD_RE = re.compile(r"\w+|[$%€£]")
DIGIT_RE = re.compile(r"\d")
SPACES_RE = re.compile(r"\s+")
CACHE_WORDS = 200_000  # distinct words whose n-gram ids a scorer keeps (a few tens of MB at most)
ID_BYTES = array("q").itemsize  # a feature id as packed in the scorer's word cache
PUNCTUATION = ".,;:!?\"'()[]{}“”‘’—–-…"


def normalise(text: str) -> str:
    """Lower case, every digit as 0: "1,200" and "3,400" are the same kind of evidence."""
    return DIGIT_RE.sub("0", (text or "").lower())


def word_terms(text: str) -> list[str]:
    """Word unigrams and bigrams of the normalised text (the training vectoriser's analyser)."""
    return _word_ngrams(WORD_RE.findall(normalise(text)))


def _word_ngrams(tokens: list[str]) -> list[str]:
    terms = list(tokens)
    for size in range(2, WORD_NGRAMS[1] + 1):
        terms.extend(" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1))
    return terms


def char_terms(text: str) -> list[str]:
    """Character n-grams inside each space-padded word of the normalised text."""
    terms: list[str] = []
    for word in SPACES_RE.split(normalise(text)):
        if word:
            terms.extend(_word_char_terms(word))
    return terms


def _char_ngrams(word: str) -> list[str]:
    padded = f" {word} "
    low, high = CHAR_NGRAMS
    return [padded[i:i + size] for size in range(low, high + 1) for i in range(len(padded) - size + 1)]


@functools.lru_cache(maxsize=100_000)
def _word_char_terms(word: str) -> tuple[str, ...]:
    # Words repeat (Zipf): caching their n-grams is most of the analyser's speed.
    return tuple(_char_ngrams(word))


@dataclass(frozen=True)
class Feature:
    """One word or phrase of the sentence and how much it moved the score (log-odds)."""

    term: str
    contribution: float

    @property
    def signed(self) -> str:
        return f"{self.contribution:+.2f}"


class Scorer:
    """The model of one JSON artifact: ``probability(text)``, ``decision(text)``, ``explain(text)``."""

    def __init__(self, artifact: dict):
        self.version = str(artifact["version"])
        self.threshold = float(artifact["threshold"])
        self.intercept = float(artifact["intercept"])
        self.terms: dict[str, list[str]] = {}
        self.blocks: dict[str, tuple] = {}  # name -> (analyser, {term: position}, idf, coefficients)
        for name, analyser in (("word", word_terms), ("char", char_terms)):
            block = artifact[name]
            terms = self.terms[name] = list(block["terms"])
            self.blocks[name] = (
                analyser, {term: i for i, term in enumerate(terms)},
                np.asarray(block["idf"], dtype=np.float64), np.asarray(block["coefficients"], dtype=np.float64),
            )
        self._char_cache: dict[str, list[int]] = {}
        calibration = artifact["calibration"]
        self.platt_slope = float(calibration["slope"])
        self.platt_offset = float(calibration["offset"])

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Scorer":
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def _weights(self, analyser, index, idf, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, L2-normalised sublinear tf-idf values) of one block."""
        counts: dict[int, int] = {}
        for term in analyser(text):
            position = index.get(term)
            if position is not None:
                counts[position] = counts.get(position, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        positions = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[positions]
        return positions, values / np.linalg.norm(values)

    def decision(self, text: str) -> float:
        """The uncalibrated log-odds of the linear model (sublinear tf-idf, L2 per block, as trained)."""
        return float(self.decisions([text])[0])

    def decisions(self, texts: list[str]) -> np.ndarray:
        """``decision`` of many texts at once: one numpy pass per block for the whole list
        (the per-sentence numpy calls, not the arithmetic, were most of a sentence's cost)."""
        word_ids: list[int] = []
        char_ids: list[bytes] = []
        word_lengths, char_lengths = [], []
        for text in texts:
            normal = normalise(text)
            found = self._word_ids(normal)
            word_ids.extend(found)
            word_lengths.append(len(found))
            packed = self._char_ids(normal)
            char_ids.append(packed)
            char_lengths.append(len(packed) // ID_BYTES)
        totals = np.full(len(texts), self.intercept)
        for name, ids, lengths in (("word", np.array(word_ids, dtype=np.int64), word_lengths),
                                   ("char", np.frombuffer(b"".join(char_ids), dtype=np.int64), char_lengths)):
            if len(ids):
                totals += self._block_decisions(name, ids, lengths)
        return totals

    def _block_decisions(self, name: str, ids: np.ndarray, lengths: list[int]) -> np.ndarray:
        """One block's share of each text's log-odds, from the texts' feature ids laid end to end
        (``lengths[n]`` of them for text n)."""
        _analyser, index, idf, coefficients = self.blocks[name]
        size, count = len(index), len(lengths)
        # (text, feature) pairs, sorted and counted: each text's term frequencies
        keys = np.sort(np.repeat(np.arange(count, dtype=np.int64), lengths) * size + ids, kind="stable")
        firsts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        counts = np.diff(np.append(firsts, len(keys)))
        owners, positions = np.divmod(keys[firsts], size)
        weights = (1.0 + np.log(counts)) * idf[positions]
        dot = np.bincount(owners, weights=weights * coefficients[positions], minlength=count)
        norm = np.sqrt(np.bincount(owners, weights=weights * weights, minlength=count))
        return np.divide(dot, norm, out=np.zeros(count), where=norm > 0)

    def _word_ids(self, normal: str) -> list[int]:
        """Vocabulary positions of the word n-grams of a normalised text (``word_terms``)."""
        index = self.blocks["word"][1]
        return [position for position in map(index.get, _word_ngrams(WORD_RE.findall(normal))) if position is not None]

    def _char_ids(self, normal: str) -> bytes:
        """Vocabulary positions of the character n-grams of a normalised text (``char_terms``),
        packed as int64s. A word's are looked up once and cached, packed: words repeat, and
        joining bytes is far cheaper than building numpy arrays from Python ints."""
        cache = self._char_cache
        packed = []
        for word in normal.split():
            found = cache.get(word)
            if found is None:
                if len(cache) >= CACHE_WORDS:
                    cache.clear()
                index = self.blocks["char"][1]
                found = cache[word] = array("q", [position for position in map(index.get, _char_ngrams(word)) if position is not None]).tobytes()
            packed.append(found)
        return b"".join(packed)

    def calibrate(self, decision: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.platt_slope * decision + self.platt_offset)))

    def probability(self, text: str) -> float:
        """0..1: the share of such sentences that annotators called check-worthy. Blank text is 0."""
        return self.probabilities([text])[0]

    def probabilities(self, texts: list[str]) -> list[float]:
        """``probability`` of each text, scored together (the same figures as one at a time)."""
        scored = [number for number, text in enumerate(texts) if text and not text.isspace()]
        out = [0.0] * len(texts)
        for number, decision in zip(scored, self.decisions([texts[number] for number in scored]).tolist()):
            out[number] = self.calibrate(decision)
        return out

    def explain(self, text: str, *, limit: int = 5) -> list[Feature]:
        """The words and phrases that moved the score most, strongest first.

        A word's contribution is its own unigram weight plus the weights of the character
        n-grams inside it; a two-word phrase is reported on its own.
        """
        if not text or not text.strip():
            return []
        per_occurrence: dict[tuple[str, str], float] = {}
        totals: dict[str, float] = {}
        for name, (analyser, index, idf, coefficients) in self.blocks.items():
            positions, values = self._weights(analyser, index, idf, text)
            counts = Counter(analyser(text))
            terms = self.terms[name]
            for position, contribution in zip(positions.tolist(), (values * coefficients[positions]).tolist()):
                term = terms[position]
                if name == "word" and " " in term:
                    totals[term] = contribution
                else:
                    per_occurrence[(name, term)] = contribution / counts[term]
        for chunk in SPACES_RE.split(text.strip()):
            label = chunk.strip(PUNCTUATION) or chunk
            value = sum(per_occurrence.get(("word", token), 0.0) for token in WORD_RE.findall(normalise(chunk)))
            value += sum(per_occurrence.get(("char", term), 0.0) for term in char_terms(chunk))
            totals[label] = totals.get(label, 0.0) + value
        ranked = sorted(totals.items(), key=lambda item: -abs(item[1]))
        return [Feature(term=term, contribution=round(value, 3)) for term, value in ranked[:limit] if abs(value) >= 0.005]


_SCORER: Scorer | None = None
_SCORER_LOCK = threading.Lock()


def get_scorer() -> Scorer:
    """The production model, loaded once per process from the committed artifact."""
    global _SCORER
    if _SCORER is None:
        with _SCORER_LOCK:
            if _SCORER is None:
                _SCORER = Scorer.load()
    return _SCORER


def score(sentence: str) -> float:
    """Calibrated 0..1 check-worthiness of one sentence (3 decimals)."""
    return score_many([sentence])[0]


def score_many(sentences: list[str]) -> list[float]:
    """``score`` of each sentence, scored in one pass (an article's sentences and spans)."""
    return [round(probability, 3) for probability in get_scorer().probabilities(sentences)]


def explain(sentence: str, *, limit: int = 5) -> list[Feature]:
    """The production model's strongest features for ``sentence`` (cached: pages are viewed again)."""
    return list(_explain_cached(sentence, limit))


@functools.lru_cache(maxsize=4096)
def _explain_cached(sentence: str, limit: int) -> tuple[Feature, ...]:
    return tuple(get_scorer().explain(sentence, limit=limit))


def default_threshold() -> float:
    return get_scorer().threshold
