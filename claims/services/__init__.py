"""Every change of state in claims, one module per job.

- ``decisions``: editorial decisions on candidates, claims, matches and citations
- ``speakers``: linking extracted speakers, and editing or merging speaker records
- ``extraction``: storing extraction results and an article's extraction status
- ``matching``: turning new candidates into claims, citations and match suggestions
- ``reanchoring``: moving citations to a new version of their article's text
- ``undo``: reverting a recorded decision, or refusing with the reason
- ``article_metadata``: correcting an article's title, byline, publication time or language
- ``audit``: the one writer of ``ReviewEvent`` rows, for all of the above
- ``triage``: keeping each claim's stored editorial value (the queue's order) current; the
  audit writer calls it with every decision's rows
- ``processing``: running extraction over articles, bounded per article and per batch (the
  bodies of the extraction and reconcile tasks; import it as ``claims.services.processing``)

Each change runs in a transaction, locks the rows it changes, and records a ``ReviewEvent``
with the rows' values before and after (what ``undo`` restores). Admin actions, screens, the
API and tasks all call these functions; import them from here (``services.confirm_claim``).
Retrieval SQL, which only reads, is ``claims.selectors``.
"""
from claims.services._common import Conflict, DecisionError
from claims.services.article_metadata import edit_article
from claims.services.decisions import (
    accept_match,
    cite_span,
    confirm_candidate,
    confirm_claim,
    edit_candidate,
    edit_claim,
    merge_claims,
    reject_candidate,
    reject_claim,
    reject_match,
    split_citation,
)
from claims.services.extraction import (
    extraction_is_current,
    mark_extraction_failed,
    mark_extraction_queued,
    store_extraction,
)
from claims.services.checking import add_note, approve_verdict, assign_check, draft_verdict, publish_verdict, reopen_check, start_check, take_up_claim  # noqa: F401,E501
from claims.services.matching import propose_matches
from claims.services.reanchoring import reanchor_citations
from claims.services.speakers import edit_speaker, link_speaker, merge_speakers, speaker_by_name
from claims.services.undo import undo


__all__ = [
    "Conflict",
    "DecisionError",
    "accept_match",
    "cite_span",
    "confirm_candidate",
    "confirm_claim",
    "edit_candidate",
    "edit_article",
    "edit_claim",
    "edit_speaker",
    "extraction_is_current",
    "link_speaker",
    "mark_extraction_failed",
    "mark_extraction_queued",
    "merge_claims",
    "merge_speakers",
    "propose_matches",
    "reanchor_citations",
    "reject_candidate",
    "reject_claim",
    "reject_match",
    "speaker_by_name",
    "split_citation",
    "store_extraction",
    "undo",
]
