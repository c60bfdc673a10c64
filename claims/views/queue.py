"""The review queue: pending candidates or suggested matches, filtered, sorted, paged; bulk decisions.

The filters are the API's FilterSets (``claims.api.filters``): the same parameters mean the
same thing on the screen and in ``/api/v1/``. A value the filters cannot read is left out
and the screen says so; it is never an error page.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property

from claims import services
from claims.api.filters import CandidateFilter, MatchFilter
from claims.bulk import decide_each
from claims.forms import CANDIDATE_SORTS, MATCH_SORTS, BulkForm, QueueSortForm, dress_queue_filters
from claims.models import Candidate, Match
from claims.views.base import desk_decision, desk_screen, form_errors, is_fetch, refused, safe_next, url_patterns
from claims.views.match import fetch_match_rows, match_rows
from factdesk import roles

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows: an exact total of a 100k-row queue costs more than the page."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def page_of(queryset, number, fetch):
    """One page of ``queryset`` in two steps: the ids (no joins beyond what filters and sorting
    need), then ``fetch(ids)`` with every related row. Deep pages stay cheap because the joins
    are made for 50 rows, not for every row the offset skips."""
    paginator = CappedPaginator(queryset.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    by_id = {row.pk: row for row in fetch(ids)} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def fetch_candidate_rows(ids):
    return Candidate.objects.filter(pk__in=ids).select_related("article__outlet", "speaker", "claim").defer(
        "article__text", "claim__embedding"
    )


def candidate_rows(candidates):
    """Candidates with the links and decision URLs their row shows."""
    patterns = url_patterns("claims:article", "claims:speaker", "claims:claim", "claims:candidate-confirm",
                            "claims:candidate-reject")
    for candidate in candidates:
        candidate.urls = {
            "article": patterns["article"].format(candidate.article_id),
            "speaker": patterns["speaker"].format(candidate.speaker_id) if candidate.speaker_id else "",
            "claim": patterns["claim"].format(candidate.claim_id) if candidate.claim_id else "",
            "confirm": patterns["candidate-confirm"].format(candidate.pk),
            "reject": patterns["candidate-reject"].format(candidate.pk),
        }
    return candidates


# tab -> (its FilterSet, what waits for review, its orderings, one page's rows, their row context)
TABS = {
    "candidates": (CandidateFilter, Candidate.objects.pending, CANDIDATE_SORTS, fetch_candidate_rows, candidate_rows),
    "matches": (MatchFilter, Match.objects.suggested, MATCH_SORTS, fetch_match_rows, match_rows),
}


@desk_screen
def show(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "candidates"
    filter_set_class, waiting, sorts, fetch_rows, decorate_rows = TABS[tab]
    # An HTML form sends every field, the unused ones empty: empty means "not filtered".
    filled = request.GET.copy()
    for name, value in request.GET.items():
        if value == "":
            del filled[name]
    filters = filter_set_class(data=filled, queryset=waiting())
    sort_form = QueueSortForm(request.GET, sorts=sorts)
    page = page_of(filters.qs.order_by(*sort_form.ordering()), request.GET.get("page"), fetch_rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": dress_queue_filters(filters.form),
        "sort_form": sort_form,
        "tab": tab,
        "page": page,
        "rows": decorate_rows(list(page.object_list)),
        "query": query.urlencode(),
        "cap": COUNT_CAP,
        "here": request.get_full_path(),
        "can_review": roles.can_review(request.user),
    }
    return render(request, "claims/queue.html", context)


@desk_decision
def bulk_decide(request):
    form = BulkForm(request.POST)
    back = safe_next(request, reverse("claims:queue"))
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    decide_one = {
        "confirm": lambda pk: services.confirm_candidate(candidate_id=pk, actor=request.user),
        "reject": lambda pk: services.reject_candidate(candidate_id=pk, actor=request.user),
        "accept": lambda pk: services.accept_match(match_id=pk, actor=request.user),
        "reject_match": lambda pk: services.reject_match(match_id=pk, actor=request.user),
    }[action]
    done, problems = decide_each(ids, decide_one)
    verb = {"confirm": "Confirmed", "reject": "Rejected", "accept": "Accepted", "reject_match": "Rejected"}[action]
    noun = "match" if action in ("accept", "reject_match") else "candidate"
    summary = f"{verb} {done} {noun}{'' if done == 1 else 'es' if noun == 'match' else 's'}."
    if problems:
        summary += f" {len(problems)} refused — " + " · ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
    if is_fetch(request):
        return render(request, "claims/_flash.html", {"message": summary, "level": "warning" if problems else "success"})
    (messages.warning if problems else messages.success)(request, summary)
    return redirect(back)
