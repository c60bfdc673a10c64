"""What the extractor hands out: ``Extracted`` candidates, and the working records the stages
pass between them (an ``Attribution`` with its ``SpeakerRef``) before they become candidates."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StatementKind(StrEnum):
    """How a statement is reported (the values are ``claims.models.ClaimKind``'s)."""

    DIRECT = "direct"
    MIXED = "mixed"
    INDIRECT = "indirect"
    CHECKWORTHY = "checkworthy"


class SourceKind(StrEnum):
    """What a speaker mention names. ``THING`` (falsy) is a subject that is no source at all
    ("the decision announced …"): it may utter a whole quote but never reports a clause alone."""

    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"
    THING = ""


class Stance(StrEnum):
    """How the speaker stands to the content: whether it is what they asserted.

    ``DENIED``: they rejected, denied or disputed it ("rejected suggestions that X"); ``DECLINED``:
    they would not say ("declined to comment", "did not respond to requests for comment");
    ``UNASSERTED``: speech reported as not made or only supposed ("did not claim that X", "won't
    say whether X"); ``BELIEF``: a thought, hope or fear, not speech ("feared that X");
    ``INTENTION``: what someone wants or plans to do, not speech ("plans to cut taxes")."""

    ASSERTED = "asserted"
    DENIED = "denied"
    DECLINED = "declined"
    UNASSERTED = "unasserted"
    BELIEF = "belief"
    INTENTION = "intention"


@dataclass(frozen=True)
class Extracted:
    """One candidate. Offsets are ``str`` indices into the article text (``text[start:end]`` is
    the span, per ../shared/gold/README.md: a direct quote with its marks, a reported clause
    without speaker, cue or "that"). ``speaker`` is the resolved full name, or the mention as
    written when unresolved (``speaker_resolved`` False), or "" for none; ``speaker_mention``
    and its offsets are the words near the cue ("he", "the US Defence Secretary");
    ``speaker_aliases``/``speaker_roles`` are the other names and the titles the article gives
    that speaker. ``verb`` is the cue as written (None offsets when a quote has no cue).
    ``floating``: a quoted paragraph attributed to the speaker of the one before it.
    ``stance``: whether the speaker asserted the content (a ``Stance`` value)."""

    kind: str
    start: int
    end: int
    speaker: str = ""
    speaker_kind: str = ""
    speaker_resolved: bool = False
    speaker_mention: str = ""
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_aliases: tuple[str, ...] = ()
    speaker_roles: tuple[str, ...] = ()
    verb: str = ""
    verb_start: int | None = None
    verb_end: int | None = None
    confidence: float = 0.5
    checkworthiness: float = 0.0
    floating: bool = False
    stance: str = Stance.ASSERTED.value


@dataclass(kw_only=True)
class SpeakerRef:
    """Who a statement is attributed to, as the article lets us resolve it: ``name`` is the full
    name when ``resolved``, else the mention as written; ``start``/``end`` locate the mention."""

    name: str = ""
    kind: SourceKind = SourceKind.THING
    resolved: bool = False
    mention: str = ""
    start: int | None = None
    end: int | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Attribution:
    """A statement span, its speaker and its cue (``verb`` as written, with offsets; no offsets
    for a quote attributed without a cue)."""

    kind: StatementKind
    start: int
    end: int
    speaker: SpeakerRef
    verb: str = ""
    verb_start: int | None = None
    verb_end: int | None = None
    confidence: float
    floating: bool = False
    stance: Stance = Stance.ASSERTED


def confidence_for(speaker: SpeakerRef, base: float) -> float:
    """A statement's confidence: the cue's ``base``, lowered when the speaker stays unresolved."""
    if not speaker.resolved:
        base -= 0.1 if speaker.kind == SourceKind.GROUP else 0.2
    return round(max(0.05, min(1.0, base)), 3)
