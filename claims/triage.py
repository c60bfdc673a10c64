"""Editorial value: which proposed claims deserve a person's time first, and why.

The desk's default queue is one row per proposed claim, ordered by ``score``: the sum of the
weighted signals below. The weights are the whole policy, and this is their only spelling:
``annotate_signals`` reads each signal in SQL for a set of claims, ``score`` and ``reasons``
turn them into the value and the words, and ``claims.services.triage`` stores both on the claim
(``Claim.triage_value``, ``Claim.triage_reasons``) whenever a decision changes a claim's signals,
so the queue orders by an indexed column instead of computing every claim's signals per request.

==========================  ======  ==========================================================
signal                      weight  why
==========================  ======  ==========================================================
each further outlet         +3      a claim several outlets report travels; at most 4 counted
previously fact-checked     +5      a suggested or confirmed fact-check link: a rating exists,
                                    the desk can answer fast (or see it contradicted)
possible misquote           +4      a suggested wording variant, or a paraphrase of a quote
named public figure         +2      the speaker is a resolved person with a known role
named speaker               +1      resolved, but no role known
check-worthiness            +0..2   the best check-worthiness of its candidates, times 2
unattributed                -6      nobody is named: little to check, and to cite
cognition verb              -4      "thinks", "hopes", "fears": a state of mind, not a statement
==========================  ======  ==========================================================
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from claims.extraction.lexicon import COGNITION, FORM_TO_LEMMA
from claims.models import (
    Candidate,
    CandidateStatus,
    Citation,
    FactCheckLink,
    Match,
    MatchRelation,
    MatchState,
    SpeakerKind,
    SpeakerRole,
)

PER_FURTHER_OUTLET = 3.0
MAX_FURTHER_OUTLETS = 4
POSSIBLE_MISQUOTE = 4.0
PREVIOUSLY_FACT_CHECKED = 5.0
NAMED_PUBLIC_FIGURE = 2.0
NAMED_SPEAKER = 1.0
CHECKWORTHINESS = 2.0
UNATTRIBUTED = -6.0
COGNITION_VERB = -4.0

# Every inflected form of a cognition verb, as a cue is stored ("thinks", "believed").
COGNITION_CUES = sorted({*COGNITION, *(form for form, lemma in FORM_TO_LEMMA.items() if lemma in COGNITION)})
QUOTED_KINDS = ("direct", "mixed")


@dataclass(frozen=True)
class Signals:
    """What the score reads about one proposed claim."""

    outlet_count: int
    possible_misquote: bool
    attributed: bool
    public_figure: bool
    checkworthiness: float
    cognition: bool
    previously_fact_checked: bool = False


def score(signals: Signals) -> float:
    """The claim's editorial value: higher is reviewed first (weights in the module docstring)."""
    value = PER_FURTHER_OUTLET * min(max(signals.outlet_count - 1, 0), MAX_FURTHER_OUTLETS)
    if signals.possible_misquote:
        value += POSSIBLE_MISQUOTE
    if signals.previously_fact_checked:
        value += PREVIOUSLY_FACT_CHECKED
    if not signals.attributed:
        value += UNATTRIBUTED
    elif signals.public_figure:
        value += NAMED_PUBLIC_FIGURE
    else:
        value += NAMED_SPEAKER
    value += CHECKWORTHINESS * signals.checkworthiness
    if signals.cognition:
        value += COGNITION_VERB
    return round(value, 6)


POSSIBLE_MISQUOTE_REASON = "possible misquote: reported in other words"


def reasons(signals: Signals) -> list[str]:
    """The signals that placed the claim, in words, strongest first (shown on the queue row)."""
    said = []
    if signals.outlet_count > 1:
        said.append(f"reported by {signals.outlet_count} outlets")
    if signals.previously_fact_checked:
        said.append("previously fact-checked")
    if signals.possible_misquote:
        said.append(POSSIBLE_MISQUOTE_REASON)
    if not signals.attributed:
        said.append("unattributed")
    elif signals.public_figure:
        said.append("named public figure")
    if signals.checkworthiness >= 0.5:
        said.append(f"check-worthy ({signals.checkworthiness:.2f})")
    if signals.cognition:
        said.append("a state of mind (cognition verb)")
    return said or ["single report"]


def annotate_signals(claims):
    """``claims`` (a Claim queryset) with each signal ``score`` reads, for ``signals_of``.

    Correlated subqueries, not joins: a claim stays one row however many citations it has.
    """
    citations = Citation.objects.filter(claim=OuterRef("pk"))
    outlet_count = Subquery(
        citations.order_by().values("claim").annotate(n=Count("article__outlet", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    # Another wording of the same words is a possible misquote; a paraphrase only when quoted
    # (a reporter's own paraphrase of reported speech misquotes nobody).
    wording_match = Match.objects.filter(
        Q(relation=MatchRelation.VARIANT) | Q(relation=MatchRelation.PARAPHRASE, candidate__kind__in=QUOTED_KINDS),
        state=MatchState.SUGGESTED,
    )
    misquote = Exists(wording_match.filter(claim=OuterRef("pk"))) | Exists(wording_match.filter(candidate__claim=OuterRef("pk")))
    candidates = Candidate.objects.filter(claim=OuterRef("pk")).exclude(status=CandidateStatus.REJECTED)
    best_checkworthiness = Subquery(
        candidates.order_by().values("claim").annotate(best=Max("checkworthiness")).values("best")[:1],
        output_field=FloatField(),
    )
    cognition = Exists(candidates.annotate(cue_lower=Lower("cue")).filter(cue_lower__in=COGNITION_CUES))
    public_figure = Exists(SpeakerRole.objects.filter(speaker=OuterRef("speaker_id")))
    fact_checked = Exists(FactCheckLink.objects.shown().filter(claim=OuterRef("pk")))
    return claims.annotate(
        outlet_count=Coalesce(outlet_count, 0),
        possible_misquote=Case(When(misquote, then=Value(True)), default=Value(False), output_field=BooleanField()),
        public_figure=Case(
            When(Q(speaker__kind=SpeakerKind.PERSON) & public_figure, then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        ),
        best_checkworthiness=Coalesce(best_checkworthiness, 0.0),
        cognition=Case(When(cognition, then=Value(True)), default=Value(False), output_field=BooleanField()),
        previously_fact_checked=Case(When(fact_checked, then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


def signals_of(claim) -> Signals:
    """The signals of a claim annotated by ``annotate_signals``."""
    return Signals(
        outlet_count=claim.outlet_count,
        possible_misquote=bool(claim.possible_misquote),
        attributed=claim.speaker_id is not None,
        public_figure=bool(claim.public_figure),
        checkworthiness=float(claim.best_checkworthiness or 0.0),
        cognition=bool(claim.cognition),
        previously_fact_checked=bool(claim.previously_fact_checked),
    )


# Proposal classes editors almost always reject are left out of the queue by default (a link
# shows them). A class is a kind of candidate, attributed or not; it is hidden once editors have
# decided at least FACTDESK_HIDE_MIN_DECISIONS of it and accepted fewer than
# FACTDESK_HIDE_ACCEPTANCE_BELOW of those (0 turns hiding off).
HIDE_ACCEPTANCE_BELOW = 0.05
HIDE_MIN_DECISIONS = 50
HIDDEN_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ProposalClass:
    kind: str
    attributed: bool
    accepted: int
    decided: int

    @property
    def label(self) -> str:
        from claims.models import ClaimKind

        kind = ClaimKind(self.kind).label.lower()
        return f"{'attributed' if self.attributed else 'unattributed'} {kind} candidates"

    def lookups(self) -> Q:
        return Q(kind=self.kind, speaker__isnull=not self.attributed)


def hidden_classes() -> list[ProposalClass]:
    """The candidate classes editors almost always reject (cached for a few minutes: one grouped query)."""
    from django.conf import settings
    from django.core.cache import cache

    below = float(getattr(settings, "FACTDESK_HIDE_ACCEPTANCE_BELOW", HIDE_ACCEPTANCE_BELOW))
    minimum = int(getattr(settings, "FACTDESK_HIDE_MIN_DECISIONS", HIDE_MIN_DECISIONS))
    if below <= 0:
        return []
    key = f"factdesk.hidden_classes.{below}.{minimum}"
    found = cache.get(key)
    if found is None:
        rows = (
            Candidate.objects.reviewed().values("kind").annotate(
                attributed=Case(When(speaker__isnull=True, then=Value(False)), default=Value(True),
                                output_field=BooleanField()),
            ).values("kind", "attributed").annotate(
                accepted=Count("pk", filter=Q(status=CandidateStatus.CONFIRMED)), decided=Count("pk"),
            ).order_by()
        )
        found = [
            ProposalClass(kind=row["kind"], attributed=row["attributed"], accepted=row["accepted"], decided=row["decided"])
            for row in rows if row["decided"] >= minimum and row["accepted"] / row["decided"] < below
        ]
        cache.set(key, found, HIDDEN_CACHE_SECONDS)
    return found
