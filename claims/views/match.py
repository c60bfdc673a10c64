"""Suggested matches: their rows (with the word diff) and the accept/reject decisions on them."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims import services
from claims.models import Match, MatchRelation, MatchState
from claims.views.base import (
    QUOTED_KINDS,
    decision_view,
    diff_words,
    fixed_point,
    safe_next,
    truncated,
    url_patterns,
)


def match_rows(matches):
    """Matches (model instances: the claim page's suggestions) with the word diff between the
    claim's wording and the candidate's."""
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


# What a match's row in the queue shows, as plain values: a row's relations made nine model
# instances, which cost more than the query.
QUEUE_ROW_FIELDS = (
    "id", "state", "relation", "score", "candidate_id", "claim_id", "candidate__text", "candidate__kind",
    "candidate__speaker__name", "candidate__speaker_text", "candidate__article_id", "candidate__article__outlet__name",
    "candidate__article__published_at", "claim__text", "claim__speaker__name", "claim__first_article_id",
    "claim__first_article__outlet__name",
)
MISQUOTE_RELATIONS = (MatchRelation.VERBATIM, MatchRelation.VARIANT)
RELATION_LABELS, STATE_LABELS = dict(MatchRelation.choices), dict(MatchState.choices)


def fetch_match_rows(ids):
    """The queue's page of matches, with what each row shows, in one query."""
    return Match.objects.filter(pk__in=ids).values(*QUEUE_ROW_FIELDS)


def queue_match_rows(matches):
    """``fetch_match_rows``' matches as the queue prints them: the word diff and every value ready."""
    patterns = url_patterns("claims:article", "claims:claim", "claims:match-accept", "claims:match-reject")
    rows = []
    for match in matches:
        pk, relation, state = match["id"], match["relation"], match["state"]
        diff, misquote = diff_words(match["claim__text"], match["candidate__text"],
                                    quoted=match["candidate__kind"] in QUOTED_KINDS)
        rows.append({
            "pk": pk,
            "state": state,
            "state_label": STATE_LABELS.get(state, state),
            "relation": relation,
            "relation_label": RELATION_LABELS.get(relation, relation),
            "score": fixed_point(match["score"], 2),
            "candidate_id": match["candidate_id"],
            "claim_id": match["claim_id"],
            "text": truncated(match["candidate__text"], 220),
            "speaker": match["candidate__speaker__name"] or match["candidate__speaker_text"] or "unattributed",
            "outlet": match["candidate__article__outlet__name"],
            "published_at": match["candidate__article__published_at"],
            "claim_speaker": match["claim__speaker__name"] or "unattributed",
            "first_outlet": match["claim__first_article__outlet__name"] if match["claim__first_article_id"] else "",
            "diff": diff,
            "misquote": misquote if relation in MISQUOTE_RELATIONS else [],
            "urls": {
                "article": patterns["article"].format(match["candidate__article_id"]),
                "claim": patterns["claim"].format(match["claim_id"]),
                "accept": patterns["match-accept"].format(pk),
                "reject": patterns["match-reject"].format(pk),
            },
        })
    return rows


def match_back(request, pk) -> str:
    """After a decision: the posted ``next``, else the match's candidate in its article."""
    match = get_object_or_404(Match.objects.select_related("candidate").only("id", "candidate_id", "candidate__article_id"),
                              pk=pk)
    return safe_next(request, reverse("claims:article", args=[match.candidate.article_id]) + f"?c={match.candidate_id}")


def match_row(pk) -> dict:
    """What the queue's row fragment shows for one match, after a decision."""
    return {"row": queue_match_rows(fetch_match_rows([pk]))[0]}


accept = decision_view(services.accept_match, id_argument="match_id", back=match_back, with_revision=False,
                       message="Match accepted: the citation now belongs to that claim.",
                       fragment="claims/_match_row.html", fragment_context=match_row)
reject = decision_view(services.reject_match, id_argument="match_id", back=match_back, with_revision=False,
                       message="Match rejected; it will not be proposed again.",
                       fragment="claims/_match_row.html", fragment_context=match_row)
