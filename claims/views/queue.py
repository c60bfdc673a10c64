"""The review queue: proposed claims (by editorial value), pending candidates or suggested matches; bulk decisions.

The default tab is one row per proposed claim, ordered by ``claims.triage``'s editorial-value
score with the reasons on the row (both stored on the claim by the services, so any page is an
index scan); candidates and matches are one click away.

The filters are the API's FilterSets (``claims.api.filters``): the same parameters mean the
same thing on the screen and in ``/api/v1/``. A value the filters cannot read is left out
and the screen says so; it is never an error page.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property

from claims import services, triage
from claims.api.filters import CandidateFilter, ClaimFilter, MatchFilter
from claims.bulk import decide_each
from claims.forms import (
    CANDIDATE_SORTS,
    CLAIM_SORTS,
    MATCH_SORTS,
    BulkForm,
    ClassDecisionForm,
    QueueSortForm,
    dress_queue_filters,
)
from claims.models import (
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimKind,
    ClaimStatus,
    Match,
    MatchRelation,
    ReviewEvent,
)
from claims.services import bulk as bulk_services
from claims.views.base import (
    decision_view,
    desk_decision,
    desk_screen,
    fixed_point,
    form_errors,
    is_fetch,
    refused,
    safe_next,
    truncated,
    url_patterns,
)
from claims.views.match import fetch_match_rows, queue_match_rows
from factdesk import roles

PAGE_SIZE = 50
COUNT_CAP = 10_000
LAST_BULK_KEY = "factdesk.last_bulk_event"


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows: an exact total of a 100k-row queue costs more than the page."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def validate_number(self, number):
        """Past the counted rows, a page exists if it holds a row (checked with one short query)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if self.capped and number > self.num_pages:
            offset = (number - 1) * self.per_page
            if not self.object_list.order_by()[offset:offset + 1].exists():
                raise EmptyPage("That page contains no results")
            return number
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One row more than the page: whether a next page exists, without counting every row.
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        page = self._get_page(rows[:self.per_page], number, self)
        page.more_after = len(rows) > self.per_page
        return page


def has_next(page) -> bool:
    return getattr(page, "more_after", page.has_next())


def page_of(queryset, number, fetch, *, counted=None):
    """One page of ``queryset`` in two steps: the ids (no joins beyond what filters and sorting
    need), then ``fetch(ids)`` with every related row. Deep pages stay cheap because the joins
    are made for 50 rows, not for every row the offset skips. ``counted`` (the same rows without
    what only the ordering needs) is what the total counts."""
    paginator = CappedPaginator(queryset.values_list("pk", flat=True), PAGE_SIZE)
    if counted is not None:
        paginator.count = counted.order_by()[: COUNT_CAP + 1].count()
    page = paginator.get_page(number)
    page.next_exists = has_next(page)
    ids = list(page.object_list)
    by_id = {row_pk(row): row for row in fetch(ids)} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def row_pk(row) -> int:
    """A fetched row's id: a model instance's, or a row of plain values' (the claims tab)."""
    return row["id"] if isinstance(row, dict) else row.pk


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


# What a claim's row shows, and nothing else: the page reads 50 claims and their citations as
# plain values (building model instances for a row's four related objects cost more than the SQL).
CLAIM_ROW_FIELDS = ("id", "text", "speaker_id", "speaker__name", "kind", "status", "revision", "triage_value",
                    "triage_reasons")
CITATION_ROW_FIELDS = ("claim_id", "quote", "article__outlet__name", "candidate_id", "candidate__status",
                       "candidate__confidence", "candidate__text", "candidate__article_id")
KIND_LABELS, STATUS_LABELS, RELATION_LABELS = dict(ClaimKind.choices), dict(ClaimStatus.choices), dict(MatchRelation.choices)
EVIDENCE_LENGTH = 260


def fetch_claim_rows(ids):
    """The page's proposed claims with their stored editorial value, citations (outlets, pending
    candidates) and open suggestions: three queries for the page however many citations its claims have."""
    claims = list(Claim.objects.filter(pk__in=ids).values(*CLAIM_ROW_FIELDS))
    by_claim = {}
    for claim in claims:
        claim.update(citations=[], pending_candidates=[], incoming_matches=[])
        by_claim[claim["id"]] = claim
    pending = {}
    citations = Citation.objects.filter(claim_id__in=ids).order_by("article__published_at", "id").values_list(*CITATION_ROW_FIELDS)
    for claim_id, quote, outlet, candidate_id, status, confidence, text, article_id in citations:
        claim = by_claim[claim_id]
        claim["citations"].append((outlet, quote))
        if candidate_id is not None and status == CandidateStatus.PENDING and candidate_id not in pending:
            candidate = {"id": candidate_id, "confidence": confidence, "text": text, "article_id": article_id, "open_matches": []}
            pending[candidate_id] = candidate
            claim["pending_candidates"].append(candidate)
    for claim in claims:
        claim["pending_candidates"].sort(key=lambda candidate: (-candidate["confidence"], candidate["id"]))
    suggested = (Match.objects.suggested().filter(Q(candidate_id__in=list(pending)) | Q(claim_id__in=ids))
                 .order_by("-score").values_list("candidate_id", "claim_id", "relation", "score"))
    for match in suggested:
        if match[0] in pending:
            pending[match[0]]["open_matches"].append(match)
        if match[1] in by_claim:
            by_claim[match[1]]["incoming_matches"].append(match)
    return claims


def claim_rows(claims):
    """Each claim with its outlets, best evidence, what needs deciding, and why it is where it is:
    every value the row shows, ready to print (the template does no lookups of its own)."""
    patterns = url_patterns("claims:claim", "claims:speaker", "claims:article", "claims:queue-claim-confirm",
                            "claims:queue-claim-reject")
    rows = []
    for claim in claims:
        outlets = list(dict.fromkeys(outlet for outlet, _ in claim["citations"]))
        best = claim["pending_candidates"][0] if claim["pending_candidates"] else None
        evidence = best["text"] if best else (claim["citations"][0][1] if claim["citations"] else claim["text"])
        needs = []
        for candidate in claim["pending_candidates"]:
            for _, claim_id, relation, score in candidate["open_matches"]:
                needs.append(f"suggested match: same as claim {claim_id} ({RELATION_LABELS.get(relation, relation).lower()}, "
                             f"{score:.2f})")
        for candidate_id, _, relation, score in claim["incoming_matches"]:
            needs.append(f"reported again: candidate {candidate_id} ({RELATION_LABELS.get(relation, relation).lower()}, "
                         f"{score:.2f})")
        if triage.POSSIBLE_MISQUOTE_REASON in claim["triage_reasons"]:
            needs.insert(0, "possible misquote")
        if not needs:
            needs.append("new claim")
        pk, speaker_id = claim["id"], claim["speaker_id"]
        rows.append({
            "pk": pk,
            "kind": claim["kind"],
            "kind_label": KIND_LABELS.get(claim["kind"], claim["kind"]),
            "status": claim["status"],
            "status_label": STATUS_LABELS.get(claim["status"], claim["status"]),
            "revision": claim["revision"],
            "speaker_id": speaker_id,
            "speaker_name": claim["speaker__name"],
            "outlets": outlets,
            "evidence": truncated(evidence, EVIDENCE_LENGTH),
            "evidence_candidate": best,
            "needs": needs,
            "reasons": " · ".join(claim["triage_reasons"]),
            "value": fixed_point(claim["triage_value"], 1),
            "urls": {
                "claim": patterns["claim"].format(pk),
                "speaker": patterns["speaker"].format(speaker_id) if speaker_id else "",
                "article": patterns["article"].format(best["article_id"]) if best else "",
                "confirm": patterns["queue-claim-confirm"].format(pk),
                "reject": patterns["queue-claim-reject"].format(pk),
            },
        })
    return rows


def proposed_claims():
    return Claim.objects.proposed()


# tab -> (its FilterSet, what waits for review, its orderings, one page's rows, their row context)
TABS = {
    "claims": (ClaimFilter, proposed_claims, CLAIM_SORTS, fetch_claim_rows, claim_rows),
    "candidates": (CandidateFilter, Candidate.objects.pending, CANDIDATE_SORTS, fetch_candidate_rows, candidate_rows),
    "matches": (MatchFilter, Match.objects.suggested, MATCH_SORTS, fetch_match_rows, queue_match_rows),
}


def last_bulk_decision(request):
    """This editor's last class decision, while it can still be undone (remembered in the session:
    no query on the many page views that follow none)."""
    event_id = request.session.get(LAST_BULK_KEY)
    if not event_id:
        return None
    return ReviewEvent.objects.filter(pk=event_id, undone_at__isnull=True).only("id", "summary").first()


@desk_screen
def show(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "claims"
    filter_set_class, waiting, sorts, fetch_rows, decorate_rows = TABS[tab]
    # An HTML form sends every field, the unused ones empty: empty means "not filtered".
    filled = request.GET.copy()
    for name, value in request.GET.items():
        if value == "":
            del filled[name]
    waiting_rows = waiting()
    hidden = triage.hidden_classes() if tab == "candidates" and not request.GET.get("show_all") else []
    for proposal_class in hidden:
        waiting_rows = waiting_rows.exclude(proposal_class.lookups())
    filters = filter_set_class(data=filled, queryset=waiting_rows)
    sort_form = QueueSortForm(request.GET, sorts=sorts)
    page = page_of(filters.qs.order_by(*sort_form.ordering()), request.GET.get("page"), fetch_rows, counted=filters.qs)
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
        "last_bulk": last_bulk_decision(request),
        "hidden_classes": hidden,
        "class_form": ClassDecisionForm(initial={"outlet": filled.get("outlet"), "article": filled.get("article")}),
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


def claim_row(pk) -> dict:
    """The queue's row fragment for one claim, after a decision."""
    return {"row": claim_rows(fetch_claim_rows([pk]))[0]}


def claim_row_back(request, pk) -> str:
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    return safe_next(request, reverse("claims:queue"))


confirm_claim = decision_view(services.confirm_claim, id_argument="claim_id", back=claim_row_back,
                              message="Claim confirmed.", fragment="claims/_claim_row.html", fragment_context=claim_row)
reject_claim = decision_view(services.reject_claim, id_argument="claim_id", back=claim_row_back,
                             message="Claim rejected.", fragment="claims/_claim_row.html", fragment_context=claim_row)


@desk_decision
def decide_class(request):
    """A bulk decision over a class of proposals (one audited event, undone in one step)."""
    form = ClassDecisionForm(request.POST)
    back = safe_next(request, reverse("claims:queue"))
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    data = form.cleaned_data
    try:
        if data["action"] == "reject_unattributed":
            event = bulk_services.reject_unattributed_candidates(
                actor=request.user, article_id=data.get("article"), outlet_id=data.get("outlet"))
        else:
            event = bulk_services.accept_verbatim_matches(
                actor=request.user, min_score=data.get("min_score") or bulk_services.VERBATIM_THRESHOLD,
                outlet_id=data.get("outlet"))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    request.session[LAST_BULK_KEY] = event.pk
    messages.success(request, f"{event.summary}. One step: undo it from the queue if that was wrong.")
    return redirect(back)
