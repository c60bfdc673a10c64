"""One audit writer: every write in claims.services is a recorded, undoable change, or is listed as derived.

The guard reads the package's source: a new service that writes an editorial row with the ORM
directly (``Claim.objects.create``, ``obj.save()``, ``queryset.delete()``) instead of through a
``ChangeSet`` recorded by ``claims.services.audit`` fails here, naming the line, before it can
ship an unaudited change.
"""
import ast
from pathlib import Path

import pytest

from claims import models
from claims.changes import ChangeSet, revert
from tests.factories import ClaimFactory, SpeakerFactory

SERVICES = Path(__file__).resolve().parents[1] / "claims" / "services"
WRITES = {"create", "bulk_create", "update", "bulk_update", "delete", "save", "get_or_create", "update_or_create"}

# Rows that are not editorial records: derived indexes and pipeline status. Written freely.
DERIVED_MODELS = {"ClaimShingle", "ArticleExtraction"}
# Receivers that are a change set (audited) or a plain dict of field values (not a write).
RECORDED_OR_NOT_A_WRITE = {"changes", "ChangeSet", "decided", "values"}
# Writes around a ChangeSet, each with the reason it is not a decision to audit: (module,
# function or "*" for any function of the module, what is written).
ALLOWED = {
    ("audit", "record", "recorded"): "the audit writer itself",
    ("audit", "record_all", "ReviewEvent"): "the audit writer itself",
    ("audit", "record_undo", "undone"): "the audit writer itself",
    ("audit", "record_undo", "ReviewEvent"): "the audit writer itself",
    ("extraction", "store_extraction", "stale"): "a fresh extraction replaces unreviewed machine candidates",
    ("extraction", "store_extraction", "Claim"): "machine-proposed claims only those stale candidates supported",
    ("extraction", "store_extraction", "Candidate"): "the extractor's new candidates (pending, unreviewed)",
    ("decisions", "edit_claim", "Claim"): "drops the derived embedding of an edited text",
    ("matching", "store_claim_embeddings", "Claim"): "recomputed embeddings: derived data (manage.py embed_claims)",
    ("triage", "_refresh_batch", "Claim"): "the stored editorial value: derived data (manage.py refresh_triage)",
    ("speakers", "*", "Speaker"): "a speaker met for the first time by linking or naming: shared reference data",
    ("speakers", "_add_aliases_and_roles", "SpeakerAlias"): "names and roles the extractor saw: reference data",
    ("speakers", "_add_aliases_and_roles", "SpeakerRole"): "names and roles the extractor saw: reference data",
    ("speakers", "speaker_by_name", "SpeakerAlias"): "a speaker an editor named for the first time: reference data",
}


def _root(node: ast.AST) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def _unaudited_writes():
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if not (isinstance(call.func, ast.Attribute) and call.func.attr in WRITES):
                    continue
                root = _root(call.func.value)
                if root in RECORDED_OR_NOT_A_WRITE or root in DERIVED_MODELS:
                    continue
                if (path.stem, function.name, root) in ALLOWED or (path.stem, "*", root) in ALLOWED:
                    continue
                found.append(f"{path.name}:{call.lineno} {function.name}: {ast.unparse(call.func)}(...)")
    return found


def _change_sets_never_recorded():
    """Functions that open a ChangeSet but hand it to no audit writer."""
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            calls = [ast.unparse(n.func) for n in ast.walk(function) if isinstance(n, ast.Call)]
            if "ChangeSet" in calls and not any(c in ("record", "audit.record", "audit.event") for c in calls):
                found.append(f"{path.name}:{function.lineno} {function.name}")
    return found


def test_every_write_in_the_services_goes_through_a_recorded_change_set():
    assert _unaudited_writes() == []
    assert _change_sets_never_recorded() == []


EDITORIAL_MODELS = {"Candidate", "Claim", "Citation", "Match", "ReviewEvent", "Speaker", "SpeakerAlias", "SpeakerRole"}


def test_no_view_api_admin_task_or_command_writes_an_editorial_row_around_the_services():
    """Outside ``claims/services`` and the change-set engine, editorial rows are only read."""
    claims_app = SERVICES.parent
    found = []
    for path in sorted(claims_app.rglob("*.py")):
        relative = path.relative_to(claims_app)
        if relative.parts[0] in ("services", "migrations") or relative.name == "changes.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Attribute) and call.func.attr in WRITES and _root(call.func.value) in EDITORIAL_MODELS:
                found.append(f"{relative}:{call.lineno} {ast.unparse(call.func)}(...)")
    assert found == []


def test_the_guard_catches_a_raw_write_of_an_editorial_row(tmp_path, monkeypatch):
    (tmp_path / "shortcut.py").write_text(
        "def withdraw_claim(claim):\n    claim.status = 'rejected'\n    claim.save()\n"
        "def purge(speaker_id):\n    Speaker.objects.filter(pk=speaker_id).delete()\n"
        "def unrecorded(claim):\n    changes = ChangeSet()\n    changes.update(claim, status='rejected')\n"
    )
    monkeypatch.setattr(f"{__name__}.SERVICES", tmp_path)
    assert [line.split(" ", 1)[1] for line in _unaudited_writes()] == [
        "withdraw_claim: claim.save(...)", "purge: Speaker.objects.filter(pk=speaker_id).delete(...)",
    ]
    assert _change_sets_never_recorded() == ["shortcut.py:6 unrecorded"]


@pytest.mark.django_db
def test_bulk_writes_record_each_row_in_its_own_change_set_and_undo_one_at_a_time():
    speaker = SpeakerFactory()
    first, second = ChangeSet(), ChangeSet()
    claims = ChangeSet.bulk_create(
        models.Claim, [(first, models.Claim(text="One", speaker=speaker)), (second, models.Claim(text="Two", speaker=speaker))]
    )
    assert [row["pk"] for row in first.rows] == [claims[0].pk] and [row["pk"] for row in second.rows] == [claims[1].pk]
    other = ClaimFactory(speaker=speaker)
    ChangeSet.bulk_update(
        models.Claim, [(first, claims[0], {"text": "One, edited"}), (second, other, {"rating": "False"})],
        unrecorded={"rating_explanation": "bookkeeping"},
    )
    assert models.Claim.objects.get(pk=claims[0].pk).text == "One, edited"
    assert models.Claim.objects.get(pk=other.pk).rating_explanation == "bookkeeping"
    assert second.rows[-1]["before"] == {"rating": other._meta.get_field("rating").get_default()}
    assert "rating_explanation" not in second.rows[-1]["after"]

    revert(second.rows)
    assert not models.Claim.objects.filter(pk=claims[1].pk).exists()
    assert models.Claim.objects.get(pk=other.pk).rating == other._meta.get_field("rating").get_default()
    assert models.Claim.objects.get(pk=claims[0].pk).text == "One, edited"  # the other decision stands
