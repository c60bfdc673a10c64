"""``{% desk_check_panel claim %}``: the claim page's panel of the desk's own check and its notes."""
from django import template

from claims.checking import rules
from claims.checking.forms import AssignForm, DraftForm, NoteForm, TakeUpForm
from claims.checking.models import DeskCheck, Note

register = template.Library()


@register.inclusion_tag("claims/_desk_check.html", takes_context=True)
def desk_check_panel(context, claim):
    # The claim page selects the check with the claim and annotates ``has_notes``: no query for
    # what it already knows (the page's query budget).
    if type(claim).desk_check.is_cached(claim):
        check = getattr(claim, "desk_check", None) if _has_check(claim) else None
    else:
        check = DeskCheck.objects.filter(claim=claim).select_related("assignee", "drafted_by", "approved_by", "published_by").first()
    notes = [] if getattr(claim, "has_notes", True) is False else list(Note.objects.filter(claim=claim).select_related("author"))
    can_review = context.get("can_review", False)
    panel = {"claim": claim, "check": check, "notes": notes, "can_review": can_review,
             "request": context.get("request"), "csrf_token": context.get("csrf_token")}
    if can_review:
        panel["note_form"] = NoteForm()
        if check is None:
            panel["take_up_form"] = TakeUpForm()
        else:
            panel["moves"] = rules.moves_from(check.state)
            panel["assign_form"] = AssignForm(initial={"assignee": check.assignee.username if check.assignee_id else None,
                                                       "revision": check.revision})
            panel["draft_form"] = DraftForm(initial={"verdict": check.verdict, "explanation": check.explanation,
                                                     "revision": check.revision})
    return panel


def _has_check(claim) -> bool:
    try:
        claim.desk_check
    except DeskCheck.DoesNotExist:
        return False
    return True
