"""Whether a report is what its speaker asserted: denials ("rejected suggestions that X"),
negated or supposed speech ("did not claim that X", "won't say whether X", "if he says X"),
beliefs ("feared that X") and refusals ("declined to comment")."""
from __future__ import annotations

from .candidates import Stance
from .lexicon import COGNITION, DECLINE, DENIAL, FORM_TO_LEMMA, INTENTION, REPLY, SPEECH_ACTS

NEGATIONS = {"not", "n't", "never", "no"}
SUPPOSITIONS = {"if", "unless", "whether"}


def is_negated(verb) -> bool:
    """A verb with its own negation ("did not say", "won't say", "never claimed")."""
    return any(child.dep_ == "neg" or child.lower_ in NEGATIONS and child.dep_ in {"advmod", "neg"} for child in verb.children)


def is_supposed(verb) -> bool:
    """A verb in a condition ("if he says X", "unless the court rules X")."""
    current = verb
    for _ in range(3):
        if any(child.dep_ == "mark" and child.lower_ in SUPPOSITIONS for child in current.children):
            return True
        if current.dep_ not in {"conj", "xcomp"} or current.head.i == current.i:
            return False
        current = current.head
    return False


def cue_stance(cue, lemma: str) -> Stance:
    """The stance a cue gives what it reports."""
    if is_negated(cue) or is_supposed(cue):
        return Stance.UNASSERTED
    if lemma in DENIAL:
        return Stance.DENIED
    if lemma in COGNITION:
        return Stance.BELIEF
    if lemma in INTENTION:
        return Stance.INTENTION
    return Stance.ASSERTED


def intended_content(cue, lemma: str) -> tuple[int, int] | None:
    """The token span of what someone wants, plans or hopes to do ("plans [to call on young
    people]"), or None when the cue has no such infinitive."""
    if lemma not in INTENTION | COGNITION:
        return None
    for child in cue.children:
        if child.dep_ == "xcomp" and child.i > cue.i and any(grandchild.lower_ == "to" and grandchild.dep_ == "aux" for grandchild in child.children):
            return (child.left_edge.i, child.right_edge.i)
    return None


def declined_content(cue, lemma: str) -> tuple[int, int] | None:
    """The token span of what a speaker declined to say ("declined [to comment on the report]",
    "did not respond [to requests for comment]"), or None when the cue is no refusal."""
    if lemma in DECLINE:
        for child in cue.children:
            if child.dep_ == "xcomp" and child.i > cue.i and FORM_TO_LEMMA.get(child.lower_, child.lower_) in SPEECH_ACTS:
                return (child.left_edge.i, child.right_edge.i)
        return None
    if lemma in REPLY and is_negated(cue):
        for child in cue.children:
            if child.dep_ in {"prep", "dobj"} and child.i > cue.i and any(token.lower_ == "comment" for token in child.subtree):
                return (child.left_edge.i, child.right_edge.i)
    return None
