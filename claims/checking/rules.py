"""The check workflow's moves and who may make them: plain Python, no database.

    to check → in progress → verdict drafted → approved → published
                  ↑______________|________________|___________|   (reopen)

Editors take a claim up, assign it, start it, draft a verdict and reopen it. Approving and
publishing are the second pair of eyes a demanding desk expects: an editor other than the one
who drafted the verdict, or an admin (who may sign off their own draft, for a desk of one).
A published verdict is locked: nothing changes it until the check is reopened.
"""
from __future__ import annotations

from claims.checking.models import CheckState

# move name → (states it may start from, state it leads to)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({CheckState.TO_CHECK}), CheckState.IN_PROGRESS),
    "draft": (frozenset({CheckState.IN_PROGRESS, CheckState.DRAFTED}), CheckState.DRAFTED),
    "approve": (frozenset({CheckState.DRAFTED}), CheckState.APPROVED),
    "publish": (frozenset({CheckState.APPROVED}), CheckState.PUBLISHED),
    "reopen": (frozenset({CheckState.DRAFTED, CheckState.APPROVED, CheckState.PUBLISHED}), CheckState.IN_PROGRESS),
}
# What each move needs first, said to the editor who tried it too early.
NEEDS = {
    "start": "it can only be started from “to check”",
    "draft": "a verdict is drafted while the check is in progress (start it first)",
    "approve": "only a drafted verdict can be approved",
    "publish": "only an approved verdict can be published",
    "reopen": "only a check with a drafted, approved or published verdict can be reopened",
}
SIGN_OFF_MOVES = {"approve", "publish"}
MAX_NOTE_CHARS = 5000
MAX_VERDICT_CHARS = 100


def refusal(move: str, state: str) -> str | None:
    """Why ``move`` cannot be made from ``state``, or ``None`` when it can."""
    sources, _ = MOVES[move]
    if state in sources:
        return None
    label = CheckState(state).label.lower()
    if state == CheckState.PUBLISHED:
        return f"The verdict is published and locked; reopen the check to change it (it cannot {move} now)."
    return f"This check is {label}: {NEEDS[move]}."


def next_state(move: str) -> str:
    return MOVES[move][1]


def moves_from(state: str) -> list[str]:
    """The moves open from ``state``, in workflow order (what the claim page offers)."""
    return [move for move, (sources, _) in MOVES.items() if state in sources]


def sign_off_refusal(*, move: str, actor_id: int | None, drafted_by_id: int | None, actor_is_admin: bool) -> str | None:
    """Approving or publishing one's own draft is for admins only; ``None`` when allowed."""
    if move in SIGN_OFF_MOVES and actor_id is not None and actor_id == drafted_by_id and not actor_is_admin:
        return f"You drafted this verdict; another editor (or an admin) must {move} it."
    return None
