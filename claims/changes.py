"""Recorded row changes: what every audited decision writes, and what undo restores.

A service makes its changes through a ``ChangeSet``; the set keeps each row's values before
and after, and is stored in the decision's ``ReviewEvent``. Undo checks that every row is
still as the decision left it — otherwise it refuses, naming what changed — and then puts the
rows back. Nothing here knows about claims; it works on any model.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

# Derived data: not snapshotted (large, recomputed when needed).
SKIPPED_FIELDS = {"embedding", "triage_value", "triage_reasons"}


class UndoRefused(Exception):
    """The rows a decision changed have changed again since; undoing it would lose work.

    ``row`` is the (model label, pk) that changed and ``changed`` the fields that differ, so the
    caller can say in words what happened and find the decision that did it.
    """

    def __init__(self, message: str, *, row: tuple[str, int] | None = None, changed: list[str] | None = None):
        super().__init__(message)
        self.row = row
        self.changed = changed or []


def _fields(obj):
    return [f for f in obj._meta.concrete_fields if f.attname not in SKIPPED_FIELDS]


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(obj, names=None) -> dict:
    values = {}
    for field in _fields(obj):
        if names is None or field.attname in names:
            values[field.attname] = _jsonable(field.value_from_object(obj))
    return values


def _label(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


class ChangeSet:
    """The rows one decision changed, with their values before and after.

    ``create``/``update``/``delete`` write one row. ``bulk_create``/``bulk_update`` write the
    rows of many decisions in one statement, each row recorded in the change set of the
    decision it belongs to (bulk matching: one event per candidate, one INSERT per table).
    """

    def __init__(self):
        self.rows: list[dict] = []

    def create(self, model: type[models.Model], **values) -> models.Model:
        obj = model.objects.create(**values)
        self.rows.append({"model": _label(model), "pk": obj.pk, "before": None, "after": snapshot(obj)})
        return obj

    def update(self, obj: models.Model, **values) -> models.Model:
        names = set()
        for name, value in values.items():
            field = obj._meta.get_field(name)
            names.add(field.attname)
        before = snapshot(obj, names)
        for name, value in values.items():
            setattr(obj, name, value)
        update_fields = list(names)
        if any(f.attname == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
        after = snapshot(obj, names)
        if before != after:
            self.rows.append({"model": _label(obj), "pk": obj.pk, "before": before, "after": after})
        return obj

    def delete(self, obj: models.Model) -> None:
        self.rows.append({"model": _label(obj), "pk": obj.pk, "before": snapshot(obj), "after": None})
        obj.delete()

    @staticmethod
    def bulk_create(model: type[models.Model], rows: Sequence[tuple[ChangeSet, models.Model]]) -> list[models.Model]:
        """Insert unsaved ``(change set, instance)`` rows in one statement; each set records its own.

        Needs a backend that returns primary keys from a bulk insert (PostgreSQL, SQLite 3.35+).
        """
        created = model.objects.bulk_create([obj for _, obj in rows])
        for (changes, _), obj in zip(rows, created):
            if obj.pk is None:
                raise RuntimeError(f"{model._meta.label} rows were inserted without their ids; cannot record them.")
            changes.rows.append({"model": _label(model), "pk": obj.pk, "before": None, "after": snapshot(obj)})
        return created

    @staticmethod
    def bulk_update(
        model: type[models.Model], rows: Sequence[tuple[ChangeSet, models.Model, dict]], *, unrecorded: dict | None = None
    ) -> None:
        """Update ``(change set, instance, values)`` rows in one statement; each set records its own.

        ``unrecorded`` values are written to every row but kept out of the record, so undo leaves
        them (bookkeeping such as "already matched", not a decision).
        """
        unrecorded = unrecorded or {}
        fields = set(unrecorded)
        stamp = {"updated_at": timezone.now()} if any(f.attname == "updated_at" for f in model._meta.concrete_fields) else {}
        for changes, obj, values in rows:
            names = {obj._meta.get_field(name).attname for name in values}
            before = snapshot(obj, names)
            for name, value in {**values, **unrecorded, **stamp}.items():
                setattr(obj, name, value)
            fields |= set(values) | set(stamp)
            after = snapshot(obj, names)
            if before != after:
                changes.rows.append({"model": _label(obj), "pk": obj.pk, "before": before, "after": after})
        if rows:
            model.objects.bulk_update([obj for _, obj, _ in rows], sorted(fields))


def _describe(model, pk) -> str:
    return f"{model._meta.verbose_name} {pk}"


def revert(rows: list[dict], *, cascade_ok=lambda obj: False) -> None:
    """Put back the rows a change set recorded, newest change first. Call inside a transaction.

    ``cascade_ok(obj)`` says whether a row that deleting a created row would also delete (one
    that appeared after the decision) may go with it, e.g. a machine-made suggestion.
    """
    created = {(r["model"], r["pk"]) for r in rows if r["before"] is None}
    # Check everything first, so a refusal leaves no partial undo.
    locked = {}
    for row in rows:
        model = apps.get_model(row["model"])
        obj = model.objects.select_for_update().filter(pk=row["pk"]).first()
        locked[(row["model"], row["pk"])] = obj
        if row["after"] is None:
            if obj is not None:
                raise UndoRefused(f"{_describe(model, row['pk'])} exists again")
            continue
        if obj is None:
            raise UndoRefused(f"{_describe(model, row['pk'])} has been deleted since", row=(row["model"], row["pk"]))
        current = snapshot(obj, set(row["after"]))
        if current != row["after"]:
            changed = sorted(k for k in row["after"] if current.get(k) != row["after"][k] and k != "updated_at")
            if changed:
                raise UndoRefused(f"{_describe(model, row['pk'])} has changed since ({', '.join(changed)})",
                                  row=(row["model"], row["pk"]), changed=changed)
    for row in reversed(rows):
        model = apps.get_model(row["model"])
        key = (row["model"], row["pk"])
        if row["before"] is None:
            obj = locked[key]
            collector = Collector(using=router.db_for_write(model))
            try:
                collector.collect([obj])
            except (ProtectedError, RestrictedError):
                raise UndoRefused(f"{_describe(model, row['pk'])} is now used elsewhere") from None
            # Django deletes some dependents in bulk without loading them ("fast deletes"): they
            # are checked like the loaded ones, or a later decision's rows would vanish unseen.
            dependents = [dep for instances in collector.data.values() for dep in instances]
            dependents += [dep for queryset in collector.fast_deletes for dep in queryset]
            for dep in dependents:
                if (_label(dep), dep.pk) not in created and not cascade_ok(dep):
                    raise UndoRefused(f"{_describe(model, row['pk'])} has since gained {_describe(type(dep), dep.pk)}")
            obj.delete()
        elif row["after"] is None:
            values = {f.attname: f.to_python(row["before"].get(f.attname)) for f in _fields(model) if f.attname in row["before"]}
            model(**values).save(force_insert=True)
        else:
            obj = model.objects.get(pk=row["pk"])
            for name, value in row["before"].items():
                field = model._meta.get_field(name) if not name.endswith("_id") else _field_by_attname(model, name)
                setattr(obj, name, field.to_python(value))
            obj.save()


def _field_by_attname(model, attname):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(attname)
