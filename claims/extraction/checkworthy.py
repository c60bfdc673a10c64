"""Check-worthiness: a transparent 0..1 score for "does this sentence state a verifiable fact?".

A sum of named features (quantities, comparisons, events with dates, causal and policy claims,
named actors) minus hedges, questions and opinion talk. No learned weights: an editor can read
``explain(sentence)`` and see why a sentence was proposed.
"""
from __future__ import annotations

import re

FEATURES: list[tuple[str, float, re.Pattern]] = [
    ("quantity", 0.35, re.compile(
        r"(\d[\d,.]*\s*(%|percent|per cent|million|billion|trillion|thousand|bn|m\b)|[$€£¥]\s?\d|\b\d{2,}[\d,.]*\b|"
        r"\b(dozens|hundreds|thousands|millions|billions|half|a third|a quarter)\b)", re.I)),
    ("count", 0.15, re.compile(r"\b(three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty)\s+[a-z]+s\b", re.I)),
    ("comparison", 0.2, re.compile(
        r"\b(more|less|fewer|higher|lower|larger|smaller|biggest|largest|highest|lowest|most|least|"
        r"increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|doubled|tripled|halved|record|surge[sd]?|"
        r"drop(ped)?|declined?|grew|grown|than|compared|first|only|never)\b", re.I)),
    ("date", 0.1, re.compile(
        r"\b(19|20)\d{2}\b|\b(january|february|march|april|may|june|july|august|september|october|november|"
        r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|last (year|month|week))\b", re.I)),
    ("causal", 0.15, re.compile(r"\b(because|due to|caused|led to|lead to|result(ed)? in|as a result|leads to|owing to|thanks to)\b", re.I)),
    ("policy", 0.15, re.compile(
        r"\b(law|bill|tax(es)?|budget|spending|vote[ds]?|elected|signed|troops|deal|ban(ned)?|sanctions?|"
        r"tariffs?|funding|fund(s|ed)?|regulation|treaty|agreement|membership|ceasefire|invasion|"
        r"deploy(ed)?|approved|passed|announced|policy|unemployment|inflation|gdp|deficit|debt|wages?)\b", re.I)),
    ("event", 0.15, re.compile(
        r"\b((was|were|has been|have been|had been|is|are)\s+(\w+ed|held|made|killed|arrested|built|won|lost)|"
        r"(announc|agree|sign|launch|kill|visit|impos|approv|reject|vot|pass|elect|appoint|resign|arrest|invad|"
        r"attack|deploy|releas|su|rul|surpris|negotiat|meet|met|won|lost|withdr[ae]w)(e|ed|es|ing|s|n)?)\b", re.I)),
]
HEDGES = re.compile(r"\b(might|may|could|perhaps|possibly|wary|fear[s]?|hope[sd]?|uncertain|seems?|appears?|likely|unlikely|would)\b", re.I)
OPINION = re.compile(r"\b(i|we|you|my|our|your)\b|\?\s*$", re.I)
PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


def explain(sentence: str) -> dict[str, float]:
    parts: dict[str, float] = {}
    for name, weight, pattern in FEATURES:
        if pattern.search(sentence):
            parts[name] = weight
    if len(PROPER.findall(sentence)) >= 2:
        parts["named actors"] = 0.1
    if HEDGES.search(sentence):
        parts["hedged"] = -0.2
    if OPINION.search(sentence):
        parts["first/second person or question"] = -0.25
    words = len(sentence.split())
    if words < 8:
        parts["too short"] = -0.3
    elif words > 70:
        parts["too long"] = -0.1
    return parts


def score(sentence: str) -> float:
    """0..1; 0.6 and up usually states something a desk could check."""
    if not sentence or not sentence.strip():
        return 0.0
    total = 0.15 + sum(explain(sentence).values())
    return round(max(0.0, min(1.0, total)), 3)


def score_span(span: str) -> float:
    """The same score for an attributed statement's text (carried on every candidate)."""
    return score(span)
