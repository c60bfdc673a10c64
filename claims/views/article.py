"""The Article screen: the text with every candidate highlighted in place, and citing a selection.

Article text is rendered from the stored text and offsets, segment by segment, always escaped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from articles.models import Article
from claims import services
from claims.extraction import checkworthy
from claims.forms import CiteForm
from claims.models import AnchorState, Candidate, CandidateStatus, Citation, Match
from claims.views.base import QUOTED_KINDS, decide, desk_decision, desk_screen, diff_words, safe_next
from factdesk import roles


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
    spans = [(max(0, start), min(length, end), kind, span) for start, end, kind, span in spans if start < length and end > start]
    cuts = sorted({0, length, *(start for start, _, _, _ in spans), *(end for _, end, _, _ in spans)})
    segments = []
    for left, right in zip(cuts, cuts[1:]):
        if right <= left:
            continue
        segment = Segment(start=left, text=text[left:right])
        for start, end, kind, span in spans:
            if start <= left and end >= right:
                getattr(segment, kind).append(span)
        segments.append(segment)
    return segments


@desk_screen
def show(request, pk):
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
            diff, misquote = diff_words(match.claim.text, candidate.text, quoted=candidate.kind in QUOTED_KINDS)
            matches.append({"match": match, "diff": diff, "misquote": misquote})
        panels.append({"candidate": candidate, "matches": matches, "checkworthy_features": checkworthy.explain(candidate.text)})
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

    def change():
        data = form.cleaned_data
        return services.cite_span(claim_id=data["claim"], article_id=data["article"], start=data["start"],
                                  end=data["end"], actor=request.user)

    return decide(request, change, form=form, back=safe_next(request, reverse("claims:dashboard")),
                  message=lambda citation: f"Cited to claim {citation.claim_id}.")
