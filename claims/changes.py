"""Recorded row changes: what every audited decision writes, and what undo restores.

A service makes its changes through a ``ChangeSet``; the set keeps each row's values before
and after, and is stored in the decision's ``ReviewEvent``. Undo checks that every row is
still as the decision left it — otherwise it refuses, naming what changed — and then puts the
rows back. Nothing here knows about claims; it works on any model.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Sequence

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

# Derived data: not snapshotted (large, recomputed when needed).
SKIPPED_FIELDS = {"embedding", "triage_value", "triage_reasons"}
# Rows read, locked or written per statement by bulk changes and their undo.
REVERT_CHUNK = 500


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

    def delete_all(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        """Delete many rows of one model in one statement, each recorded as ``delete`` records it."""
        for obj in objs:
            self.rows.append({"model": _label(obj), "pk": obj.pk, "before": snapshot(obj), "after": None})
        if objs:
            model._base_manager.filter(pk__in=[obj.pk for obj in objs]).delete()

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
            update_rows(model, [obj for _, obj, _ in rows], sorted(fields))


def update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` as they are in memory, in a few statements however many rows.

    A class decision and its undo mostly set the same values on thousands of rows (status, who,
    when): then one ``UPDATE … WHERE id IN (…)`` per chunk writes them. Rows whose values differ
    get an UPDATE by primary key each, sent at once with the driver's ``executemany`` (pipelined
    by psycopg). Either way one statement per chunk is sent. Django's ``bulk_update`` would spell
    each row and field as a CASE branch, built in Python: seconds for a few thousand rows.
    """
    if not objs:
        return
    columns = [model._meta.get_field(name) for name in fields]
    groups: dict[tuple, list] = {}
    try:
        for obj in objs:
            groups.setdefault(tuple(getattr(obj, f.attname) for f in columns), []).append(obj.pk)
    except TypeError:  # a value that cannot be compared as a key (JSON): write row by row
        groups = {}
    if len(groups) == 1:
        (values, pks), = groups.items()
        for i in range(0, len(pks), REVERT_CHUNK):
            model._base_manager.filter(pk__in=pks[i:i + REVERT_CHUNK]).update(
                **{f.attname: value for f, value in zip(columns, values)})
        return
    connection = connections[router.db_for_write(model)]
    quote, pk = connection.ops.quote_name, model._meta.pk
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)} "
           f"WHERE {quote(pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
              + [pk.get_db_prep_value(obj.pk, connection)] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _describe(model, pk) -> str:
    return f"{model._meta.verbose_name} {pk}"


def revert(rows: list[dict], *, cascade_ok=lambda obj: False) -> None:
    """Put back the rows a change set recorded, newest change first. Call inside a transaction.

    ``cascade_ok(obj)`` says whether a row that deleting a created row would also delete (one
    that appeared after the decision) may go with it, e.g. a machine-made suggestion.

    Rows are read, locked and written a model at a time (a class decision over thousands of
    candidates is undone in a few dozen statements, not one per row), with the same per-row
    checks and the same result as putting them back one by one.
    """
    created = {(r["model"], r["pk"]) for r in rows if r["before"] is None}
    locked = _lock_rows(rows)
    # Check everything first, so a refusal leaves no partial undo.
    for row in rows:
        _check(row, locked.get((row["model"], row["pk"])))
    for kind, run in _runs(reversed(rows)):
        if kind == "uncreate":
            _delete_created(run, locked, created, cascade_ok)
        elif kind == "reinsert":
            _reinsert(run, locked)
        else:
            _restore(run, locked)


def _lock_rows(rows: list[dict]) -> dict:
    """The current state of every recorded row, locked: one statement per model and chunk, in pk order."""
    wanted: dict[str, set] = {}
    for row in rows:
        wanted.setdefault(row["model"], set()).add(row["pk"])
    locked = {}
    for label in sorted(wanted):
        model = apps.get_model(label)
        pks = sorted(wanted[label])
        for i in range(0, len(pks), REVERT_CHUNK):
            for obj in model._base_manager.select_for_update().filter(pk__in=pks[i:i + REVERT_CHUNK]).order_by("pk"):
                locked[(label, obj.pk)] = obj
    return locked


def _check(row: dict, obj) -> None:
    """Refuse when the row is no longer as the decision left it."""
    model = apps.get_model(row["model"])
    if row["after"] is None:
        if obj is not None:
            raise UndoRefused(f"{_describe(model, row['pk'])} exists again")
        return
    if obj is None:
        raise UndoRefused(f"{_describe(model, row['pk'])} has been deleted since", row=(row["model"], row["pk"]))
    current = snapshot(obj, set(row["after"]))
    if current != row["after"]:
        changed = sorted(k for k in row["after"] if current.get(k) != row["after"][k] and k != "updated_at")
        if changed:
            raise UndoRefused(f"{_describe(model, row['pk'])} has changed since ({', '.join(changed)})",
                              row=(row["model"], row["pk"]), changed=changed)


def _runs(rows):
    """Consecutive rows of one kind of undo step: rows created to delete, deleted to put back, updated to restore.

    Steps of one kind do not depend on each other's order, so each run is written in bulk; the
    runs keep the change set's order, so a row is never restored before what it refers to.
    """
    run, kind = [], None
    for row in rows:
        this = "uncreate" if row["before"] is None else "reinsert" if row["after"] is None else "restore"
        if run and this != kind:
            yield kind, run
            run = []
        kind = this
        run.append(row)
    if run:
        yield kind, run


def _delete_created(run: list[dict], locked: dict, created: set, cascade_ok) -> None:
    """Delete rows the decision created, refusing if that would take a later decision's rows with them."""
    objs = [locked.pop((row["model"], row["pk"])) for row in run]
    collector = _collect(objs)
    if collector is None or not _only_expected(collector, created, cascade_ok):
        # Name the row that cannot go, as the decision recorded it (rare: look at them one by one).
        for obj in objs:
            single = _collect([obj])
            if single is None:
                raise UndoRefused(f"{_describe(type(obj), obj.pk)} is now used elsewhere")
            for dep in _collected(single):
                if (_label(dep), dep.pk) not in created and not cascade_ok(dep):
                    raise UndoRefused(f"{_describe(type(obj), obj.pk)} has since gained {_describe(type(dep), dep.pk)}")
        raise UndoRefused("rows this decision created are now used elsewhere")  # only together: refuse all the same
    collector.delete()


def _collect(objs: list):
    """A deletion collector holding ``objs`` and what deleting them takes along; None if something protects them."""
    collector = Collector(using=router.db_for_write(type(objs[0])))
    by_model: dict[type, list] = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj)
    try:
        for same_model in by_model.values():
            collector.collect(same_model)
    except (ProtectedError, RestrictedError):
        return None
    return collector


def _collected(collector) -> list:
    # Django deletes some dependents in bulk without loading them ("fast deletes"): they are
    # checked like the loaded ones, or a later decision's rows would vanish unseen.
    dependents = [dep for instances in collector.data.values() for dep in instances]
    return dependents + [dep for queryset in collector.fast_deletes for dep in queryset]


def _only_expected(collector, created: set, cascade_ok) -> bool:
    return all((_label(dep), dep.pk) in created or cascade_ok(dep) for dep in _collected(collector))


def _reinsert(run: list[dict], locked: dict) -> None:
    """Put back rows the decision deleted, with their recorded values and ids."""
    by_model: dict[str, list] = {}
    for row in run:
        model = apps.get_model(row["model"])
        values = {f.attname: f.to_python(row["before"].get(f.attname)) for f in _fields(model) if f.attname in row["before"]}
        obj = model(**values)
        locked[(row["model"], row["pk"])] = obj
        by_model.setdefault(row["model"], []).append(obj)
    for label, objs in by_model.items():
        model = apps.get_model(label)
        if model.save is models.Model.save:
            model.objects.bulk_create(objs, batch_size=REVERT_CHUNK)
        else:  # the model's own save() may fill fields in: keep it
            for obj in objs:
                obj.save(force_insert=True)


def _restore(run: list[dict], locked: dict) -> None:
    """Put back the values the decision changed, one UPDATE per model, set of fields and chunk."""
    now = timezone.now()
    groups: dict[tuple, dict] = {}
    for row in run:
        model = apps.get_model(row["model"])
        by_attname = _fields_by_attname(model)
        key = (row["model"], row["pk"])
        obj = locked.get(key)
        if obj is None:
            obj = locked[key] = model._base_manager.get(pk=row["pk"])
        for name, value in row["before"].items():
            setattr(obj, name, by_attname[name].to_python(value))
        names = frozenset(row["before"])
        group = groups.setdefault((row["model"], names), {})
        group[obj.pk] = obj
    # A row restored twice in one run (changed twice by the decision) is written once per set of
    # fields, with its final values: the in-memory row carries both restorations.
    for (label, names), objs in groups.items():
        model = apps.get_model(label)
        fields = set(names)
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False):  # as save() would
                fields.add(field.attname)
                for obj in objs.values():
                    setattr(obj, field.attname, now)
        update_rows(model, list(objs.values()), sorted(fields))


@functools.cache
def _fields_by_attname(model) -> dict:
    return {field.attname: field for field in model._meta.concrete_fields}
