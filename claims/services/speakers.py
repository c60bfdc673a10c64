"""Speakers: linking extracted speakers to shared records, and the editors' speaker decisions."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from claims.changes import ChangeSet
from claims.models import Candidate, Claim, Speaker, SpeakerAlias, SpeakerKind, SpeakerRole, normalise_name
from claims.services._common import Conflict, DecisionError, _lock
from claims.services.audit import record


ROLE_WINDOW_DAYS = 400


def _add_aliases_and_roles(speaker: Speaker, aliases: Iterable[str], roles: Iterable[str], seen_on: date | None) -> None:
    by_key = {normalise_name(a): a.strip()[:300] for a in aliases if a and a.strip()}
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=speaker, normalized=key, alias=alias) for key, alias in by_key.items() if key],
        ignore_conflicts=True,
    )
    for role in {r.strip() for r in roles if r and r.strip()}:
        obj, created = SpeakerRole.objects.get_or_create(
            speaker=speaker,
            normalized=normalise_name(role),
            defaults={"role": role[:300], "first_seen": seen_on, "last_seen": seen_on},
        )
        if not created and seen_on:
            first = min(d for d in (obj.first_seen, seen_on) if d)
            last = max(d for d in (obj.last_seen, seen_on) if d)
            if (first, last) != (obj.first_seen, obj.last_seen):
                SpeakerRole.objects.filter(pk=obj.pk).update(first_seen=first, last_seen=last)


# Words that open a sentence with a capital but name nobody ("They said", "Both campaigns ...").
_NOT_MEMBERS = frozenset(
    "they them we us you both some many most all the his her their our its these those several other others"
    " each every few".split()
)


def _group_members(name: str) -> set[str]:
    """Capitalised words of a group phrase ("ministers of Germany, France and Britain")."""
    words = {w.strip(",.;:()") for w in name.split()}
    return {w.casefold() for w in words if w[:1].isupper() and len(w) > 2} - _NOT_MEMBERS


def _speaker_by_role(role_phrase: str, when: date | None) -> Speaker | None:
    key = normalise_name(role_phrase)
    key = key.removeprefix("the ").strip()
    if not key:
        return None
    roles = SpeakerRole.objects.filter(normalized=key, speaker__merged_into__isnull=True)
    if when:
        window = timedelta(days=ROLE_WINDOW_DAYS)
        roles = roles.filter(Q(last_seen__isnull=True) | Q(last_seen__gte=when - window, first_seen__lte=when + window))
    speaker_ids = set(roles.values_list("speaker_id", flat=True)[:3])
    return Speaker.objects.get(pk=speaker_ids.pop()) if len(speaker_ids) == 1 else None


def link_speaker(extracted, *, seen_on: date | None) -> Speaker | None:
    """The shared Speaker for an extracted candidate's speaker, created on first sight.

    A named person or organisation is found by its full name among aliases; a role phrase
    ("the US Defence Secretary") by the roles other articles gave a named speaker around the
    same date; a group by the places it names. Pronouns and anything else unresolved stay
    unlinked: the candidate keeps the mention as written and is flagged.
    """
    name = (extracted.speaker or "").strip()
    if not name:
        return None
    kind = extracted.speaker_kind or ""
    if kind == "group":
        members = _group_members(name)
        if not members:
            # "they", "officials", "some economists": a description that names nobody. Each
            # article's "officials" are other people, so no shared speaker is made for them;
            # the candidate keeps the words as written and is flagged, like a pronoun.
            return None
        # Only groups whose name or an alias names one of the same places: however many groups
        # the desk has met, each is considered (no arbitrary first N), and few are loaded.
        names_one = Q()
        for member in sorted(members):
            names_one |= Q(name__icontains=member) | Q(aliases__alias__icontains=member)
        groups = Speaker.objects.active().filter(kind=SpeakerKind.GROUP).filter(names_one)
        for group in groups.distinct().order_by("pk").prefetch_related("aliases"):
            other = set().union(*(_group_members(a.alias) for a in group.aliases.all())) | _group_members(group.name)
            if other and len(members & other) / len(members | other) >= 0.6:
                _add_aliases_and_roles(group, [name], [], seen_on)
                return group
        group = Speaker.objects.create(name=name[:300], kind=SpeakerKind.GROUP)
        _add_aliases_and_roles(group, [name], [], seen_on)
        return group
    if not extracted.speaker_resolved:
        return _speaker_by_role(name, seen_on)
    key = normalise_name(name)
    ids = list(
        SpeakerAlias.objects.filter(normalized=key, speaker__merged_into__isnull=True)
        .values_list("speaker_id", flat=True)
        .distinct()[:2]
    )
    if len(ids) == 1:
        speaker = Speaker.objects.get(pk=ids[0])
    elif len(name.split()) == 1 and len(ids) > 1:
        return None  # a bare surname shared by several people: never guess
    else:
        speaker = Speaker.objects.filter(pk__in=ids).order_by("pk").first() if ids else None
    if speaker is None:
        speaker = Speaker.objects.create(
            name=name[:300], kind=SpeakerKind.ORGANISATION if kind == "organisation" else SpeakerKind.PERSON
        )
    _add_aliases_and_roles(speaker, [name, *extracted.speaker_aliases], extracted.speaker_roles, seen_on)
    return speaker


def speaker_by_name(name: str) -> Speaker:
    """The speaker an editor named: an existing one by alias, else a new person."""
    name = " ".join(name.split())[:300]
    if not name:
        raise DecisionError("A speaker needs a name.")
    alias = SpeakerAlias.objects.filter(normalized=normalise_name(name), speaker__merged_into__isnull=True).first()
    if alias:
        return alias.speaker
    speaker = Speaker.objects.create(name=name, kind=SpeakerKind.PERSON)
    SpeakerAlias.objects.create(speaker=speaker, alias=name, normalized=normalise_name(name))
    return speaker


@transaction.atomic
def edit_speaker(*, speaker_id: int, actor, name: str | None = None, add_aliases: Sequence[str] = (),
                 remove_aliases: Sequence[str] = (), kind: str | None = None) -> Speaker:
    speaker = _lock(Speaker, speaker_id)
    if speaker.merged_into_id:
        raise DecisionError("This speaker was merged into another; edit that one.")
    changes = ChangeSet()
    values = {}
    if name and name.strip() and name.strip() != speaker.name:
        values["name"] = " ".join(name.split())[:300]
    if kind and kind != speaker.kind:
        if kind not in SpeakerKind.values:
            raise DecisionError(f"Unknown speaker kind {kind!r}.")
        values["kind"] = kind
    if values:
        changes.update(speaker, **values)
    known = {a.normalized: a for a in speaker.aliases.all()}
    for alias in add_aliases:
        key = normalise_name(alias)
        if key and key not in known:
            known[key] = changes.create(SpeakerAlias, speaker=speaker, alias=alias.strip()[:300], normalized=key)
    for alias in remove_aliases:
        obj = known.pop(normalise_name(alias), None)
        if obj is not None:
            changes.delete(obj)
    if not changes.rows:
        raise DecisionError("Nothing to change.")
    record(actor=actor, action="edit_speaker", target=speaker, changes=changes, summary=speaker.name)
    return speaker


@transaction.atomic
def merge_speakers(*, source_id: int, target_id: int, actor) -> Speaker:
    """Merge two speaker records that are one person: claims, candidates, aliases and roles move."""
    if int(source_id) == int(target_id):
        raise DecisionError("A speaker cannot be merged into itself.")
    locked = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")}
    if len(locked) != 2:
        raise DecisionError("One of the speakers no longer exists.")
    source, target = locked[int(source_id)], locked[int(target_id)]
    if source.merged_into_id or target.merged_into_id:
        raise Conflict("One of these speakers was already merged (perhaps by another editor).")
    changes = ChangeSet()
    for claim in Claim.objects.select_for_update().filter(speaker=source):
        changes.update(claim, speaker=target)
    for candidate in Candidate.objects.select_for_update().filter(speaker=source):
        changes.update(candidate, speaker=target)
    target_aliases = set(target.aliases.values_list("normalized", flat=True))
    for alias in source.aliases.all():
        if alias.normalized in target_aliases:
            changes.delete(alias)
        else:
            changes.update(alias, speaker=target)
    target_roles = set(target.roles.values_list("normalized", flat=True))
    for role in source.roles.all():
        if role.normalized in target_roles:
            changes.delete(role)
        else:
            changes.update(role, speaker=target)
    changes.update(source, merged_into=target)
    record(actor=actor, action="merge_speakers", target=target, changes=changes, summary=f"Merged {source.name} into {target.name}")
    return target
