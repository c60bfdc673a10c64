"""``rank``: one statement scored against a retrieved pool, typed and ordered, best first."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from claims.matching.diffs import misquote_words, word_diff
from claims.matching.embeddings import embed
from claims.matching.relations import (
    DEFAULT_THRESHOLDS,
    RELATION_NONE,
    RELATION_OTHER_SPEAKER,
    RELATION_PARAPHRASE,
    RELATION_VARIANT,
    RELATION_VERBATIM,
    Thresholds,
    _features,
    _lexical,
    _relation,
    _wording_relation,
    adopts_speaker,
    near_verbatim,
)
from claims.matching.words import _analyse

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Statement:
    """One statement to match: ``speaker`` is an opaque key ("" = unknown)."""

    id: object
    text: str
    speaker: str = ""
    published: date | None = None


@dataclass(frozen=True)
class MatchResult:
    target_id: object
    relation: str
    score: float
    lexical: float
    semantic: float
    evidence: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def auto_mergeable(self) -> bool:
        """Verbatim or variant by a speaker known to be the same (or a long repeat by an unresolved
        speaker, who is then taken to be the claim's): policy may cite it at once."""
        return (
            self.relation in (RELATION_VERBATIM, RELATION_VARIANT)
            and (self.evidence.get("speaker_agrees") is True or bool(self.evidence.get("adopts_speaker")))
            and not self.evidence.get("polarity_differs")  # a dropped "not" is for an editor to see
            and not self.evidence.get("numbers_differ")  # ... and so is a changed number or date
        )


def _days_apart(a: date | None, b: date | None) -> int | None:
    if a is None or b is None:
        return None
    return abs((a - b).days)


def rank(
    query: Statement,
    pool: list[Statement],
    *,
    pool_vecs: np.ndarray | None = None,
    query_vec: np.ndarray | None = None,
    window_days: int | None = WINDOW_DAYS,
    thresholds: Thresholds | None = None,
    include_unrelated: bool = False,
) -> list[MatchResult]:
    """Score ``query`` against ``pool`` and return the related ones, best first (at most ``max_results``).

    ``pool_vecs`` / ``query_vec`` are ``embed`` vectors when the caller has them stored; they are
    computed otherwise. Pairs more than ``window_days`` apart (both dates known) are skipped;
    ``window_days=None`` disables the window; a near-verbatim quote by the same speaker is matched
    whatever the distance (outlets re-quote old lines). ``include_unrelated`` also returns the pairs typed
    ``RELATION_NONE`` (after all typed ones, with a lighter evidence): a ranking tool's tail.
    """
    th = thresholds or DEFAULT_THRESHOLDS
    if not pool:
        return []
    if query_vec is None:
        query_vec = embed([query.text])[0]
    if pool_vecs is None:
        pool_vecs = embed([p.text for p in pool])
    semantic = np.clip(np.asarray(pool_vecs, dtype=np.float32) @ np.asarray(query_vec, dtype=np.float32), 0.0, 1.0)
    # How many of the same speaker's (or of other speakers') pool items are nearer in meaning than
    # each: a link on meaning alone needs to be among the nearest of its kind.
    nearer = np.zeros(len(pool), dtype=np.int64)
    seen = {True: 0, False: 0}
    for k in np.argsort(-semantic, kind="stable"):
        if query.speaker and pool[k].speaker:
            same = pool[k].speaker == query.speaker
            nearer[k] = seen[same]
            seen[same] += 1
    qa = _analyse(query.text)
    qset = set(qa.stems)
    results: list[MatchResult] = []
    unrelated: list[MatchResult] = []
    for i, item in enumerate(pool):
        days = _days_apart(query.published, item.published)
        outside = window_days is not None and days is not None and days > window_days
        if outside and not (query.speaker and query.speaker == item.speaker):
            continue
        sem = float(semantic[i])
        if sem < th.semantic_floor and item.text != query.text:
            # Unrelated in meaning: on PolNeAR the few "wording" pairs this low were quoted names
            # and slogans. Skipping the word analysis here is most of rank's speed.
            if include_unrelated:
                unrelated.append(MatchResult(item.id, RELATION_NONE, round(0.5 * sem, 4), 0.0, round(sem, 4),
                                             {"speaker_agrees": None, "days_apart": days}))
            continue
        pa = _analyse(item.text)
        if sem < th.prefilter_min_semantic and len(qset.intersection(pa.stems)) < 2 and not include_unrelated:
            continue  # neither close in meaning nor sharing words: not worth the alignment
        speaker_agrees = None if not query.speaker or not item.speaker else query.speaker == item.speaker
        f = _features(qa, pa)
        relation = _relation(f, sem, speaker_agrees, th)
        if (relation in (RELATION_PARAPHRASE, RELATION_OTHER_SPEAKER) and speaker_agrees is not None
                and nearer[i] >= th.meaning_nearest and _wording_relation(f, th) is None):
            # A known speaker's statement close in meaning to many stored claims (the speaker's
            # lines on e-mails, delegates, the convention) is on their topic: only the nearest few
            # are suggested. Shared wording is evidence of its own and is not capped.
            relation = RELATION_NONE
        if outside and not near_verbatim(f):
            continue  # the window bounds every looser relation
        adopted = speaker_agrees is None and not query.speaker and bool(item.speaker) and adopts_speaker(f)
        lexical = _lexical(f)
        score = 1.0 if f.verbatim else round(0.5 * lexical + 0.5 * sem, 4)
        if relation == RELATION_NONE:
            if include_unrelated:
                unrelated.append(MatchResult(item.id, RELATION_NONE, score, round(lexical, 4), round(sem, 4),
                                             {"speaker_agrees": speaker_agrees, "days_apart": days}))
            continue
        results.append(
            MatchResult(
                target_id=item.id,
                relation=relation,
                score=score,
                lexical=round(lexical, 4),
                semantic=round(sem, 4),
                evidence={
                    "shared_words": list(f.shared[:30]),
                    "diff": word_diff(item.text, query.text),
                    "misquote_words": misquote_words(item.text, query.text) if relation != RELATION_OTHER_SPEAKER else [],
                    "speaker_agrees": speaker_agrees,
                    "days_apart": days,
                    "ordered_overlap": round(f.ratio, 4),
                    "containment": round(f.containment, 4),
                    "longest_shared_run": f.run,
                    "quoted_fragment": f.fragment or None,
                    "polarity_differs": f.polarity_differs,
                    "numbers_differ": f.numbers_differ,
                    "adopts_speaker": adopted,
                },
            )
        )
    # The same speaker's matches first (what policy acts on), then related ones; best score first.
    results.sort(key=lambda r: (r.relation == RELATION_OTHER_SPEAKER, -r.score, str(r.target_id)))
    unrelated.sort(key=lambda r: (-r.score, str(r.target_id)))
    return (results + unrelated)[: th.max_results]
