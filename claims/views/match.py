"""Suggested matches: their rows (with the word diff) and the accept/reject decisions on them."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims import services
from claims.models import Match
from claims.views.base import QUOTED_KINDS, decision_view, diff_words, safe_next, url_patterns

ROW_RELATIONS = ("candidate__article__outlet", "candidate__speaker", "claim__speaker", "claim__first_article__outlet")


def match_rows(matches):
    """Matches with the word diff between the claim's wording and the candidate's."""
    patterns = url_patterns("claims:article", "claims:claim", "claims:match-accept", "claims:match-reject")
    rows = []
    for match in matches:
        diff, misquote = diff_words(match.claim.text, match.candidate.text,
                                    quoted=match.candidate.kind in QUOTED_KINDS)
        urls = {
            "article": patterns["article"].format(match.candidate.article_id),
            "claim": patterns["claim"].format(match.claim_id),
            "accept": patterns["match-accept"].format(match.pk),
            "reject": patterns["match-reject"].format(match.pk),
        }
        rows.append({"match": match, "diff": diff, "misquote": misquote, "urls": urls})
    return rows


def fetch_match_rows(ids):
    """The queue's page of matches, with what each row shows, in one query."""
    return Match.objects.filter(pk__in=ids).select_related(*ROW_RELATIONS).defer(
        "candidate__article__text", "claim__embedding", "claim__first_article__text"
    )


def match_back(request, pk) -> str:
    """After a decision: the posted ``next``, else the match's candidate in its article."""
    match = get_object_or_404(Match.objects.select_related("candidate").only("id", "candidate_id", "candidate__article_id"),
                              pk=pk)
    return safe_next(request, reverse("claims:article", args=[match.candidate.article_id]) + f"?c={match.candidate_id}")


def match_row(pk) -> dict:
    """What the queue's row fragment shows for one match, after a decision."""
    return {"row": match_rows([Match.objects.select_related(*ROW_RELATIONS).get(pk=pk)])[0]}


accept = decision_view(services.accept_match, id_argument="match_id", back=match_back, with_revision=False,
                       message="Match accepted: the citation now belongs to that claim.",
                       fragment="claims/_match_row.html", fragment_context=match_row)
reject = decision_view(services.reject_match, id_argument="match_id", back=match_back, with_revision=False,
                       message="Match rejected; it will not be proposed again.",
                       fragment="claims/_match_row.html", fragment_context=match_row)
