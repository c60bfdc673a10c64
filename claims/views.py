"""Review screens: dashboard, queue, article, claim, speaker, search and operations.

Function views with explicit permission checks: viewers read (GET), editors decide (POST).
Every POST calls one function of ``claims.services`` and then redirects back, or — for a
fetch request from desk.js (``X-Requested-With: XMLHttpRequest``) — returns the updated
fragment, or an error fragment with status 409 when the service refuses. Article text is
rendered from the stored text and offsets, segment by segment, always escaped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from claims import search as desk_search
from claims import services
from claims.forms import (
    MATCH_SORTS,
    QUEUE_SORTS,
    BulkForm,
    CandidateEditForm,
    CiteForm,
    ClaimEditForm,
    DecisionForm,
    MergeForm,
    QueueFilterForm,
    SpeakerEditForm,
    SpeakerMergeForm,
)
from claims.models import (
    AnchorState,
    ArticleExtraction,
    Candidate,
    CandidateStatus,
    Citation,
    Claim,
    ClaimKind,
    ExtractionStatus,
    Match,
    MatchRelation,
    ReviewEvent,
    Speaker,
)
from factdesk import roles

PAGE_SIZE = 50
COUNT_CAP = 10_000
DASHBOARD_CACHE_SECONDS = 300
SPEAKER_CLAIMS = 50
HISTORY_LENGTH = 50


# --------------------------------------------------------------------------- access


def desk_screen(view):
    """GET screens: anonymous users go to sign-in, users in no desk group get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.can_view(request.user):
            raise PermissionDenied("You are not in a desk group; ask an admin for access.")
        return view(request, *args, **kwargs)

    return require_GET(wrapped)


def desk_decision(view):
    """POST decisions: only editors and admins (``claims.review_claims``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.can_review(request.user):
            raise PermissionDenied("Only editors can make review decisions.")
        return view(request, *args, **kwargs)

    return require_POST(wrapped)


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """Where to go after a decision: the posted ``next`` if it stays on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def refused(request, message: str, *, back: str, status: int = 409):
    """A decision the service (or the form) refused: an error fragment for fetch, else a message."""
    if is_fetch(request):
        return render(request, "claims/_error.html", {"message": message}, status=status)
    messages.error(request, message)
    return redirect(back)


def decided(request, message: str, *, back: str, fragment: str | None = None, context: dict | None = None):
    if is_fetch(request):
        if fragment:
            return render(request, fragment, {**(context or {}), "flash": message, "can_review": True})
        return render(request, "claims/_flash.html", {"message": message})
    messages.success(request, message)
    return redirect(back)


def form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ')}: "
        parts.append(label + " ".join(errors))
    return "; ".join(parts) or "The form is not valid."


def _revision(form):
    return form.cleaned_data.get("revision") if form.is_valid() else None


# --------------------------------------------------------------------------- article text


@dataclass
class Segment:
    start: int
    text: str
    candidates: list = field(default_factory=list)
    citations: list = field(default_factory=list)

    @property
    def primary(self):
        """The innermost candidate covering this segment: the one a click selects."""
        return min(self.candidates, key=lambda c: (c.end - c.start, c.pk)) if self.candidates else None

    @property
    def candidate_ids(self) -> str:
        return " ".join(str(c.pk) for c in self.candidates)

    @property
    def css(self) -> str:
        classes = []
        primary = self.primary
        if primary is not None:
            classes += ["hl", f"k-{primary.kind}", f"s-{primary.status}"]
            if len(self.candidates) > 1:
                classes.append("overlap")
        if self.citations:
            classes.append("cited")
        return " ".join(classes)


def segment_text(text: str, candidates, citations=()) -> list[Segment]:
    """Split ``text`` at every span boundary; each segment knows which spans cover it.

    Overlapping and nested spans are fine: a segment lists every span that covers it. Spans
    outside the text (an old version's offsets) are clipped away.
    """
    length = len(text)
    spans = [(c.start, c.end, "candidates", c) for c in candidates] + [(c.start, c.end, "citations", c) for c in citations]
    spans = [(max(0, s), min(length, e), kind, obj) for s, e, kind, obj in spans if s < length and e > s]
    cuts = sorted({0, length, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        segment = Segment(start=a, text=text[a:b])
        for s, e, kind, obj in spans:
            if s <= a and e >= b:
                getattr(segment, kind).append(obj)
        segments.append(segment)
    return segments


def url_patterns(*names) -> dict[str, str]:
    """Each named URL with ``{}`` where the id goes, reversed once per request.

    A queue page links and posts to five URLs per row; formatting an id into a pattern costs
    a fraction of a ``reverse()`` call, which was a third of the page's server time.
    """
    marker = "987654321"
    return {name.split(":")[1]: reverse(name, args=[int(marker)]).replace(marker, "{}") for name in names}


def decorate_candidates(candidates):
    patterns = url_patterns("claims:article", "claims:speaker", "claims:claim", "claims:candidate-confirm",
                            "claims:candidate-reject")
    for c in candidates:
        c.urls = {
            "article": patterns["article"].format(c.article_id),
            "speaker": patterns["speaker"].format(c.speaker_id) if c.speaker_id else "",
            "claim": patterns["claim"].format(c.claim_id) if c.claim_id else "",
            "confirm": patterns["candidate-confirm"].format(c.pk),
            "reject": patterns["candidate-reject"].format(c.pk),
        }
    return candidates


def diff_words(canonical: str, reported: str):
    """Word-level diff (``equal`` / ``delete`` / ``insert``) and the content words that differ."""
    from claims.matching import misquote_words, word_diff

    return word_diff(canonical, reported), misquote_words(canonical, reported)


# --------------------------------------------------------------------------- dashboard and operations


def change_stamp() -> str:
    """Newest candidate, match, audit event and extraction update: changes whenever a tally can.

    Every decision writes a ReviewEvent, extraction writes candidates and its own state, and
    matching writes matches, so the dashboard's counts can be cached until this moves. Each
    MAX is answered from an index.
    """
    quote = connection.ops.quote_name
    parts = [f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})" for model, column in (
        (Candidate, "id"), (Match, "id"), (ReviewEvent, "id"), (ArticleExtraction, "updated_at"),
    )]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return ":".join(str(v) for v in cursor.fetchone())


def dashboard_tallies() -> dict:
    """What waits for review, counted. Every figure is a GROUP BY over the whole pending backlog
    (half a second at 100k candidates), so they are cached until ``change_stamp()`` moves."""
    cache_key = "factdesk:dashboard:" + hashlib.sha1(change_stamp().encode()).hexdigest()
    tallies = cache.get(cache_key)
    if tallies is not None:
        return tallies
    pending = Candidate.objects.pending()
    # One round trip for the small tallies: candidates by kind, suggested matches, lost
    # citations and extraction states, as (label, key, count) rows.
    rows = (
        pending.order_by().values_list(Value("kind"), "kind").annotate(n=Count("pk"))
        .union(
            Match.objects.suggested().order_by().values_list(Value("matches"), "relation").annotate(n=Count("pk")),
            Citation.objects.needing_review().order_by().values_list(Value("lost"), "anchor_state").annotate(n=Count("pk")),
            ArticleExtraction.objects.order_by().values_list(Value("extraction"), "status").annotate(n=Count("pk")),
            all=True,
        )
    )
    tallies = {"kind": {}, "matches": {}, "lost": {}, "extraction": {}}
    for label, key, n in rows:
        tallies[label][key] = n
    tallies["by_outlet"] = list(
        pending.order_by().values("article__outlet_id", "article__outlet__name").annotate(n=Count("pk")).order_by("-n")[:12]
    )
    tallies["by_speaker"] = list(
        pending.filter(speaker__isnull=False).order_by().values("speaker_id", "speaker__name")
        .annotate(n=Count("pk")).order_by("-n")[:12]
    )
    cache.set(cache_key, tallies, DASHBOARD_CACHE_SECONDS)
    return tallies


@desk_screen
def dashboard(request):
    tallies = dashboard_tallies()
    by_kind, matches_by_relation, extraction = tallies["kind"], tallies["matches"], tallies["extraction"]
    lost_citations = sum(tallies["lost"].values())
    kind_labels = dict(ClaimKind.choices)
    relation_labels = dict(MatchRelation.choices)
    by_outlet, by_speaker = tallies["by_outlet"], tallies["by_speaker"]
    recent = list(Article.objects.select_related("outlet", "extraction").defer("text").order_by("-imported_at", "-id")[:10])
    context = {
        "pending_total": sum(by_kind.values()),
        "by_kind": [(k, kind_labels.get(k, k), n) for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1])],
        "matches_total": sum(matches_by_relation.values()),
        "matches_by_relation": [(k, relation_labels.get(k, k), n) for k, n in matches_by_relation.items()],
        "lost_citations": lost_citations,
        "extraction": [(s, label, extraction.get(s, 0)) for s, label in ExtractionStatus.choices],
        "extraction_failed": extraction.get(ExtractionStatus.FAILED, 0),
        "extraction_backlog": extraction.get(ExtractionStatus.QUEUED, 0) + extraction.get(ExtractionStatus.RUNNING, 0),
        "by_outlet": by_outlet,
        "by_speaker": by_speaker,
        "recent": recent,
    }
    return render(request, "claims/dashboard.html", context)


@desk_screen
def operations(request):
    """Queue depths, throughput, backlog and recent failures (claims.ops)."""
    from claims import ops

    return render(request, "claims/operations.html", {"ops": ops.snapshot()})


# --------------------------------------------------------------------------- queue


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
    by_id = {obj.pk: obj for obj in fetch(ids)} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def _candidate_rows(ids):
    return Candidate.objects.filter(pk__in=ids).select_related("article__outlet", "speaker", "claim").defer(
        "article__text", "claim__embedding"
    )


def _match_rows(ids):
    return Match.objects.filter(pk__in=ids).select_related(
        "candidate__article__outlet", "candidate__speaker", "claim__speaker", "claim__first_article__outlet"
    ).defer("candidate__article__text", "claim__embedding", "claim__first_article__text")


def _queue_candidates(filters: dict):
    qs = Candidate.objects.pending()
    if filters.get("outlet"):
        qs = qs.filter(article__outlet=filters["outlet"])
    if filters.get("speaker"):
        speaker = filters["speaker"]
        qs = qs.filter(Q(speaker__name__icontains=speaker) | Q(speaker_text__icontains=speaker))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("min_confidence") is not None:
        qs = qs.filter(confidence__gte=filters["min_confidence"])
    if filters.get("date_from"):
        qs = qs.filter(article__published_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(article__published_at__date__lte=filters["date_to"])
    return qs.order_by(*QUEUE_SORTS.get(filters.get("sort") or "", QUEUE_SORTS["-confidence"]))


def _queue_matches(filters: dict):
    qs = Match.objects.suggested()
    if filters.get("outlet"):
        qs = qs.filter(candidate__article__outlet=filters["outlet"])
    if filters.get("speaker"):
        speaker = filters["speaker"]
        qs = qs.filter(Q(claim__speaker__name__icontains=speaker) | Q(candidate__speaker__name__icontains=speaker))
    if filters.get("kind"):
        qs = qs.filter(candidate__kind=filters["kind"])
    if filters.get("relation"):
        qs = qs.filter(relation=filters["relation"])
    if filters.get("min_confidence") is not None:
        qs = qs.filter(score__gte=filters["min_confidence"])
    if filters.get("date_from"):
        qs = qs.filter(candidate__article__published_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(candidate__article__published_at__date__lte=filters["date_to"])
    return qs.order_by(*MATCH_SORTS.get(filters.get("sort") or "", MATCH_SORTS["-score"]))


def match_rows(matches):
    """Matches with the word diff between the claim's wording and the candidate's."""
    patterns = url_patterns("claims:article", "claims:claim", "claims:match-accept", "claims:match-reject")
    rows = []
    for match in matches:
        diff, misquote = diff_words(match.claim.text, match.candidate.text)
        urls = {
            "article": patterns["article"].format(match.candidate.article_id),
            "claim": patterns["claim"].format(match.claim_id),
            "accept": patterns["match-accept"].format(match.pk),
            "reject": patterns["match-reject"].format(match.pk),
        }
        rows.append({"match": match, "diff": diff, "misquote": misquote, "urls": urls})
    return rows


@desk_screen
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    tab = filters.get("tab") or "candidates"
    query = request.GET.copy()
    query.pop("page", None)
    if tab == "matches":
        page = page_of(_queue_matches(filters), request.GET.get("page"), _match_rows)
    else:
        page = page_of(_queue_candidates(filters), request.GET.get("page"), _candidate_rows)
    context = {
        "form": form,
        "tab": tab,
        "page": page,
        "rows": match_rows(page.object_list) if tab == "matches" else decorate_candidates(list(page.object_list)),
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
    decide = {
        "confirm": lambda pk: services.confirm_candidate(candidate_id=pk, actor=request.user),
        "reject": lambda pk: services.reject_candidate(candidate_id=pk, actor=request.user),
        "accept": lambda pk: services.accept_match(match_id=pk, actor=request.user),
        "reject_match": lambda pk: services.reject_match(match_id=pk, actor=request.user),
    }[action]
    done, problems = 0, []
    for pk in ids:
        try:
            decide(pk)
            done += 1
        except services.DecisionError as exc:
            problems.append(f"#{pk}: {exc}")
    verb = {"confirm": "Confirmed", "reject": "Rejected", "accept": "Accepted", "reject_match": "Rejected"}[action]
    noun = "match" if action in ("accept", "reject_match") else "candidate"
    summary = f"{verb} {done} {noun}{'' if done == 1 else 'es' if noun == 'match' else 's'}."
    if problems:
        summary += f" {len(problems)} refused — " + " · ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
    if is_fetch(request):
        return render(request, "claims/_flash.html", {"message": summary, "level": "warning" if problems else "success"})
    (messages.warning if problems else messages.success)(request, summary)
    return redirect(back)


# --------------------------------------------------------------------------- candidates and matches


def _candidate_fragment(candidate_id):
    candidate = Candidate.objects.select_related("article__outlet", "speaker", "claim").defer("article__text").get(
        pk=candidate_id
    )
    return {"candidate": candidate}


@desk_decision
def candidate_confirm(request, pk):
    candidate = get_object_or_404(Candidate.objects.only("id", "article_id"), pk=pk)
    form = DecisionForm(request.POST)
    back = safe_next(request, reverse("claims:article", args=[candidate.article_id]) + f"?c={pk}")
    try:
        services.confirm_candidate(candidate_id=pk, actor=request.user, expected_revision=_revision(form))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Confirmed: the claim is on the record.", back=back,
                   fragment="claims/_candidate_row.html", context=_candidate_fragment(pk))


@desk_decision
def candidate_reject(request, pk):
    candidate = get_object_or_404(Candidate.objects.only("id", "article_id"), pk=pk)
    form = DecisionForm(request.POST)
    back = safe_next(request, reverse("claims:article", args=[candidate.article_id]) + f"?c={pk}")
    try:
        services.reject_candidate(candidate_id=pk, actor=request.user, expected_revision=_revision(form))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Rejected.", back=back, fragment="claims/_candidate_row.html", context=_candidate_fragment(pk))


@desk_decision
def candidate_edit(request, pk):
    candidate = get_object_or_404(Candidate.objects.only("id", "article_id"), pk=pk)
    form = CandidateEditForm(request.POST)
    back = safe_next(request, reverse("claims:article", args=[candidate.article_id]) + f"?c={pk}")
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    data = form.cleaned_data
    try:
        services.edit_candidate(
            candidate_id=pk, actor=request.user, start=data.get("start"), end=data.get("end"),
            speaker_name=data.get("speaker_name") or None, expected_revision=data.get("revision"),
        )
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Candidate updated.", back=back)


def _match_fragment(pk):
    match = Match.objects.select_related(
        "candidate__article__outlet", "candidate__speaker", "claim__speaker", "claim__first_article__outlet"
    ).get(pk=pk)
    return {"row": match_rows([match])[0]}


def _match_back(request, match):
    return safe_next(request, reverse("claims:article", args=[match.candidate.article_id]) + f"?c={match.candidate_id}")


@desk_decision
def match_accept(request, pk):
    match = get_object_or_404(Match.objects.select_related("candidate").only("id", "candidate_id", "candidate__article_id"), pk=pk)
    back = _match_back(request, match)
    try:
        services.accept_match(match_id=pk, actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Match accepted: the citation now belongs to that claim.", back=back,
                   fragment="claims/_match_row.html", context=_match_fragment(pk))


@desk_decision
def match_reject(request, pk):
    match = get_object_or_404(Match.objects.select_related("candidate").only("id", "candidate_id", "candidate__article_id"), pk=pk)
    back = _match_back(request, match)
    try:
        services.reject_match(match_id=pk, actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Match rejected; it will not be proposed again.", back=back,
                   fragment="claims/_match_row.html", context=_match_fragment(pk))


# --------------------------------------------------------------------------- article


@desk_screen
def article(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet", "extraction"), pk=pk)
    candidates = list(
        Candidate.objects.filter(article=article, content_hash=article.content_hash)
        .select_related("speaker", "claim")
        .prefetch_related(
            Prefetch("matches", queryset=Match.objects.select_related("claim__speaker").defer("claim__embedding")
                     .order_by("-score"))
        )
        .order_by("start", "end")
    )
    citations = list(
        Citation.objects.filter(article=article).select_related("claim__speaker").defer("claim__embedding")
        .order_by("start")
    )
    current = [c for c in citations if c.content_hash == article.content_hash]
    lost = [c for c in citations if c.content_hash != article.content_hash or c.anchor_state == AnchorState.NEEDS_REVIEW]
    selected_id = request.GET.get("c")
    selected = next((c for c in candidates if str(c.pk) == selected_id), None)
    panels = []
    for candidate in candidates:
        matches = []
        for match in candidate.matches.all():
            diff, misquote = diff_words(match.claim.text, candidate.text)
            matches.append({"match": match, "diff": diff, "misquote": misquote})
        panels.append({"candidate": candidate, "matches": matches})
    context = {
        "article": article,
        "extraction": getattr(article, "extraction", None),
        "segments": segment_text(article.text, candidates, current),
        "panels": panels,
        "selected": selected,
        "citations": current,
        "lost": lost,
        "can_review": roles.can_review(request.user),
        "here": request.get_full_path(),
        "pending_count": sum(1 for c in candidates if c.status == CandidateStatus.PENDING),
    }
    return render(request, "claims/article.html", context)


@desk_decision
def cite(request):
    form = CiteForm(request.POST)
    back = safe_next(request, reverse("claims:dashboard"))
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    data = form.cleaned_data
    try:
        citation = services.cite_span(claim_id=data["claim"], article_id=data["article"], start=data["start"],
                                      end=data["end"], actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, f"Cited to claim {citation.claim_id}.", back=back)


# --------------------------------------------------------------------------- claim


@desk_screen
def claim(request, pk):
    claim = get_object_or_404(
        Claim.objects.select_related("speaker", "first_article__outlet", "confirmed_by", "merged_into")
        .defer("embedding", "first_article__text", "merged_into__embedding"),
        pk=pk,
    )
    citations = list(
        Citation.objects.filter(claim=claim)
        .select_related("article__outlet", "candidate")
        .defer("article__text")
        .order_by("article__published_at", "article__imported_at", "id")
    )
    cards = []
    for citation in citations:
        diff, misquote = diff_words(claim.text, citation.quote)
        cards.append({"citation": citation, "diff": diff, "misquote": misquote})
    events = list(ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("-created_at", "-id")[:HISTORY_LENGTH])
    for event in events:
        event.label = event.action.replace("_", " ")
    suggestions = match_rows(
        Match.objects.filter(claim=claim).suggested()
        .select_related("candidate__article__outlet", "candidate__speaker", "claim__speaker")
        .defer("candidate__article__text", "claim__embedding")[:20]
    )
    merge_query = desk_search.clean_query(request.GET.get("merge_q"))
    merge_results = list(desk_search.search_claims(merge_query, limit=10, exclude_ids=[claim.pk])) if merge_query else []
    context = {
        "claim": claim,
        "cards": cards,
        "misquotes": sum(1 for c in cards if c["misquote"]),
        "outlet_count": len({c.article.outlet_id for c in citations}),
        "events": events,
        "suggestions": suggestions,
        "merge_query": merge_query,
        "merge_results": merge_results,
        "edit_form": ClaimEditForm(initial={
            "text": claim.text, "speaker_name": claim.speaker.name if claim.speaker_id else "",
            "rating": claim.rating, "rating_explanation": claim.rating_explanation, "revision": claim.revision,
        }),
        "can_review": roles.can_review(request.user),
        "here": request.get_full_path(),
    }
    return render(request, "claims/claim.html", context)


def _claim_back(request, pk):
    return safe_next(request, reverse("claims:claim", args=[pk]))


@desk_decision
def claim_confirm(request, pk):
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    back = _claim_back(request, pk)
    try:
        services.confirm_claim(claim_id=pk, actor=request.user, expected_revision=_revision(DecisionForm(request.POST)))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Claim confirmed.", back=back)


@desk_decision
def claim_reject(request, pk):
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    back = _claim_back(request, pk)
    try:
        services.reject_claim(claim_id=pk, actor=request.user, expected_revision=_revision(DecisionForm(request.POST)))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Claim rejected.", back=back)


@desk_decision
def claim_edit(request, pk):
    get_object_or_404(Claim.objects.only("id"), pk=pk)
    form = ClaimEditForm(request.POST)
    back = _claim_back(request, pk)
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    data = form.cleaned_data
    try:
        services.edit_claim(
            claim_id=pk, actor=request.user, text=data.get("text"), speaker_name=data.get("speaker_name"),
            rating=data.get("rating"), rating_explanation=data.get("rating_explanation"),
            expected_revision=data.get("revision"),
        )
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Claim updated.", back=back)


@desk_decision
def claim_merge(request):
    form = MergeForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form), back=safe_next(request, reverse("claims:dashboard")), status=400)
    data = form.cleaned_data
    back = safe_next(request, reverse("claims:claim", args=[data["target"]]))
    try:
        target = services.merge_claims(source_id=data["source"], target_id=data["target"], actor=request.user,
                                       allow_other_speaker=data.get("allow_other_speaker", False))
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    messages.success(request, f"Merged claim {data['source']} into claim {target.pk}. Undo it from the history if that was wrong.")
    if is_fetch(request):
        return render(request, "claims/_flash.html", {"message": f"Merged claim {data['source']} into claim {target.pk}."})
    # The source page now only says where it went: show the claim that holds the citations.
    return redirect("claims:claim", target.pk)


@desk_decision
def citation_split(request, pk):
    citation = get_object_or_404(Citation.objects.only("id", "claim_id"), pk=pk)
    back = _claim_back(request, citation.claim_id)
    try:
        new_claim = services.split_citation(citation_id=pk, actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, f"Split off into claim {new_claim.pk}.", back=back)


@desk_decision
def event_undo(request, pk):
    event = get_object_or_404(ReviewEvent.objects.only("id", "claim_id"), pk=pk)
    default = reverse("claims:claim", args=[event.claim_id]) if event.claim_id else reverse("claims:dashboard")
    back = safe_next(request, default)
    try:
        services.undo(event_id=pk, actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Undone.", back=back)


# --------------------------------------------------------------------------- speaker


@desk_screen
def speaker(request, pk):
    speaker = get_object_or_404(Speaker.objects.select_related("merged_into"), pk=pk)
    aliases = list(speaker.aliases.all())
    roles_seen = list(speaker.roles.order_by("-last_seen", "role"))
    claims = list(
        Claim.objects.visible().filter(speaker=speaker).select_related("first_article__outlet")
        .defer("embedding", "first_article__text").annotate(citation_count=Count("citations"))
        .order_by("-first_reported_at", "-id")[:SPEAKER_CLAIMS + 1]
    )
    merge_query = desk_search.clean_query(request.GET.get("merge_q"))
    merge_results = list(desk_search.search_speakers(merge_query, exclude_ids=[speaker.pk])) if merge_query else []
    speaker._prefetched_objects_cache = {"aliases": aliases}  # the edit form lists them without a second query
    context = {
        "speaker": speaker,
        "aliases": aliases,
        "roles_seen": roles_seen,
        "claims": claims[:SPEAKER_CLAIMS],
        "more_claims": len(claims) > SPEAKER_CLAIMS,
        "merge_query": merge_query,
        "merge_results": merge_results,
        "edit_form": SpeakerEditForm(speaker=speaker),
        "can_review": roles.can_review(request.user),
    }
    return render(request, "claims/speaker.html", context)


@desk_decision
def speaker_edit(request, pk):
    speaker = get_object_or_404(Speaker, pk=pk)
    form = SpeakerEditForm(request.POST, speaker=speaker)
    back = reverse("claims:speaker", args=[pk])
    if not form.is_valid():
        return refused(request, form_errors(form), back=back, status=400)
    data = form.cleaned_data
    try:
        services.edit_speaker(speaker_id=pk, actor=request.user, name=data.get("name"), kind=data.get("kind") or None,
                              add_aliases=data["add_aliases"], remove_aliases=data.get("remove_aliases") or [])
    except services.DecisionError as exc:
        return refused(request, str(exc), back=back)
    return decided(request, "Speaker updated.", back=back)


@desk_decision
def speaker_merge(request):
    form = SpeakerMergeForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form), back=reverse("claims:dashboard"), status=400)
    data = form.cleaned_data
    back = reverse("claims:speaker", args=[data["target"]])
    try:
        target = services.merge_speakers(source_id=data["source"], target_id=data["target"], actor=request.user)
    except services.DecisionError as exc:
        return refused(request, str(exc), back=reverse("claims:speaker", args=[data["source"]]))
    return decided(request, f"Merged into {target.name}.", back=back)


# --------------------------------------------------------------------------- search


@desk_screen
def search(request):
    query = desk_search.clean_query(request.GET.get("q"))
    only = request.GET.get("only")
    claims = list(desk_search.search_claims(query)) if query and only != "articles" else []
    articles = list(desk_search.search_articles(query)) if query and only != "claims" else []
    context = {
        "query": query,
        "search_query": query,
        "claims": claims,
        "articles": [{"article": a, "snippet": desk_search.snippet(a.text, query)} for a in articles],
    }
    if is_fetch(request) and only == "claims":
        # The cite form's claim picker: a short list of buttons.
        return render(request, "claims/_claim_picker.html", context)
    return render(request, "claims/search.html", context)
