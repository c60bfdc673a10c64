"""Whether a rating says true or false, and whether the ratings a claim was given disagree.

A rating leans by its normalised score when the publisher gave one (0.7 and above: true; 0.3
and below: false), else by its words. Mixed verdicts ("half true", "mixture", "unproven",
"missing context") lean neither way, so they never make a disagreement; nor does a rating the
words do not tell. The claim page warns when one of the claim's ratings leans true and another
false: the editor's own, the desk check's verdict, and those of the confirmed fact-checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TRUE, FALSE = "true", "false"
TRUE_FROM, FALSE_UP_TO = 0.7, 0.3

_NEITHER = re.compile(
    r"\b(half|mixed|mixture|partly|partially|unproven|unverified|unsupported|undetermined|satire|opinion"
    r"|missing context|needs context|lacks context|in dispute|disputed|outdated)\b"
)
_FALSE = re.compile(
    r"\b(false|fake|hoax|incorrect|inaccurate|wrong|untrue|misleading|fabricated|baseless|bogus|debunked"
    r"|pants on fire|not (true|correct|accurate|right)|no evidence)\b"
)
_TRUE = re.compile(r"\b(true|correct|accurate|right|verified)\b")


def leaning_of(*, text: str, score: float | None) -> str | None:
    """``"true"``, ``"false"`` or None (mixed, or not told) for one rating."""
    if score is not None:
        if score >= TRUE_FROM:
            return TRUE
        if score <= FALSE_UP_TO:
            return FALSE
        return None
    words = " ".join(text.lower().split())
    if not words or _NEITHER.search(words):
        return None
    if _FALSE.search(words):
        return FALSE
    if _TRUE.search(words):
        return TRUE
    return None


@dataclass(frozen=True)
class Rating:
    """One rating a claim was given: who gave it and what it says."""

    given_by: str
    text: str
    leaning: str | None


@dataclass(frozen=True)
class Disagreement:
    """The claim's ratings that lean true, and those that lean false."""

    leaning_true: list[Rating]
    leaning_false: list[Rating]


def claim_ratings(*, claim, confirmed_links) -> list[Rating]:
    """The editor's rating, the desk check's verdict and each confirmed fact-check's rating of ``claim``."""
    ratings = []
    if claim.rating:
        ratings.append(Rating("this desk (editor rating)", claim.rating, leaning_of(text=claim.rating, score=None)))
    desk_check = _desk_check(claim)
    if desk_check is not None and desk_check.verdict:
        ratings.append(Rating("this desk's check", desk_check.verdict, leaning_of(text=desk_check.verdict, score=None)))
    for link in confirmed_links:
        factcheck = link.factcheck
        if factcheck.rating or factcheck.rating_score is not None:
            ratings.append(Rating(factcheck.fact_checker or "a fact-checker", factcheck.rating or f"{factcheck.rating_score:.2f}",
                                  leaning_of(text=factcheck.rating, score=factcheck.rating_score)))
    return ratings


def disagreement(ratings: list[Rating]) -> Disagreement | None:
    """The disagreement among ``ratings``, or None when none leans true while another leans false."""
    leaning_true = [rating for rating in ratings if rating.leaning == TRUE]
    leaning_false = [rating for rating in ratings if rating.leaning == FALSE]
    return Disagreement(leaning_true, leaning_false) if leaning_true and leaning_false else None


def _desk_check(claim):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return claim.desk_check
    except ObjectDoesNotExist:
        return None
