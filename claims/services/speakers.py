"""Speakers: linking extracted speakers to shared records, and the editors' speaker decisions."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q

from claims.changes import ChangeSet
from claims.extraction.names import (
    ArticleWords,
    clean_role,
    describes_a_person,
    edge_windows,
    fold,
    headline_shaped,
    is_full_name,
    is_named_entity,
    middles_agree,
    organisation_key,
    person_behind_title,
    split_name,
    surname_key,
    variant_key,
)
from claims.models import Candidate, Claim, Speaker, SpeakerAlias, SpeakerKind, SpeakerRole, normalise_name
from claims.services import triage
from claims.services._common import Conflict, DecisionError, _lock
from claims.services.audit import record


ROLE_WINDOW_DAYS = 400


def _add_aliases_and_roles(speaker: Speaker, aliases: Iterable[str], roles: Iterable[str], seen_on: date | None,
                           *, suffix_distinguishes: bool = True) -> None:
    by_key = {normalise_name(a): a.strip()[:300] for a in aliases if a and a.strip()}

    def variant(alias):
        if speaker.kind == SpeakerKind.PERSON:
            return variant_key(alias, suffix=suffix_distinguishes)
        return SpeakerAlias.variant_for(alias, speaker.kind)

    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=speaker, normalized=key, alias=alias, variant=variant(alias)) for key, alias in by_key.items() if key],
        ignore_conflicts=True,
    )
    for role in {clean_role(r) for r in roles if r and r.strip()} - {""}:
        obj, created = SpeakerRole.objects.get_or_create(
            speaker=speaker,
            normalized=normalise_name(role),
            defaults={"role": role[:300], "first_seen": seen_on, "last_seen": seen_on},
        )
        if created and not SpeakerRole.objects.filter(speaker=speaker).exclude(pk=obj.pk).exists():
            # A first known role makes the speaker a public figure in the score of every claim of theirs.
            triage.refresh(Claim.objects.filter(speaker=speaker).values_list("pk", flat=True))
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


def article_words(text: str, extracted: Iterable) -> ArticleWords:
    """What one article tells about the people it names, for ``link_speaker``: built once per
    article from its text and the person names the extractor found in it."""
    names = []
    for item in extracted:
        if item.speaker_resolved and (item.speaker_kind or "person") == "person" and item.speaker:
            names.append(item.speaker)
            names.extend(item.speaker_aliases)
    return ArticleWords(text, names)


def _person_by_variant(name: str, *, suffix_distinguishes: bool = True) -> Speaker | None:
    """The registered person a full name is a variant of: same given name (or its short form),
    surname and suffix (one indexed lookup), middle names or initials not contradicting. A suffix
    that does not distinguish a son from his father in the article may also be left out."""
    keys = [variant_key(name)]
    if not suffix_distinguishes:
        keys.append(variant_key(name, suffix=False))
    rows = sorted(
        SpeakerAlias.objects.filter(variant__in=keys, speaker__kind=SpeakerKind.PERSON, speaker__merged_into__isnull=True)
        .select_related("speaker")[:50],
        key=lambda row: (keys.index(row.variant), row.speaker_id),
    )
    agreeing: dict[int, Speaker] = {}
    refused: set[int] = set()
    for row in rows:
        if middles_agree(row.alias, name):
            agreeing.setdefault(row.speaker_id, row.speaker)
        else:
            refused.add(row.speaker_id)
    found = [s for pk, s in agreeing.items() if pk not in refused] or list(agreeing.values())
    if not found:
        return None
    exact = normalise_name(name)
    # records that are already one person twice: the one that uses this very spelling, else the oldest
    by_spelling = [s for s in found if any(r.normalized == exact and r.speaker_id == s.pk for r in rows)]
    return (by_spelling or found)[0]


def _person_by_surname(name: str, roles: Iterable[str] = ()) -> Speaker | None:
    """The registered person a lone surname (or initial and surname) stands for, else None.

    One person of that surname is that person. Among several, the role the article gives
    ("President Obama") decides when only one of them was given it; else one who is reported
    far more than all the others together (a lone "Obama" in the news is not his daughter);
    else nobody is guessed.
    """
    parts = split_name(name)
    if parts is None:
        return None
    rows = SpeakerAlias.objects.filter(
        normalized=surname_key(name), speaker__kind=SpeakerKind.PERSON, speaker__merged_into__isnull=True
    ).select_related("speaker")[:20]
    people = {row.speaker_id: row.speaker for row in rows}
    if parts.given:  # "J. Smith": only a Smith whose given name starts with J
        initial = fold(parts.given)[:1]
        people = {pk: s for pk, s in people.items() if fold(s.name)[:1] == initial}
    if len(people) <= 1:
        return next(iter(people.values()), None)
    role_keys = {normalise_name(r) for r in (clean_role(r) for r in roles) if r}
    if role_keys:
        holders = set(SpeakerRole.objects.filter(speaker_id__in=people, normalized__in=role_keys).values_list("speaker_id", flat=True))
        if len(holders) == 1:
            return people[holders.pop()]
    counts = dict(
        Candidate.objects.filter(speaker_id__in=people).values_list("speaker_id").annotate(n=Count("id")).order_by()
    )
    ranked = sorted(people, key=lambda pk: -counts.get(pk, 0))
    first, rest = counts.get(ranked[0], 0), sum(counts.get(pk, 0) for pk in ranked[1:])
    return people[ranked[0]] if first >= 10 and first >= 5 * rest else None


def _is_known_given_name(word: str) -> bool:
    """Whether a registered person has this given name ("Sterling Brown": not a headline word)."""
    given = variant_key(f"{word} x").split(" ")[0]
    return SpeakerAlias.objects.filter(variant__startswith=f"{given} ", speaker__kind=SpeakerKind.PERSON).exists()


def _find_person(name: str, *, suffix_distinguishes: bool) -> tuple[Speaker | None, str]:
    """A registered person for a full name, and the name that matched: the name itself, or a
    shorter name at its edge when the rest is a headline's or description's words ("Fox News
    Sean Hannity", "Hillary Clinton Speaks"), or the one person of the surname when the given
    name is a headline's participle ("Understated Perez")."""
    speaker = _person_by_variant(name, suffix_distinguishes=suffix_distinguishes)
    if speaker is not None:
        return speaker, name
    for window in edge_windows(name):
        if is_full_name(window):
            speaker = _person_by_variant(window)
            if speaker is not None:
                return speaker, window
    parts = split_name(name)
    if headline_shaped(parts.given) and not _is_known_given_name(parts.given):
        speaker = _person_by_surname(parts.surname)
        if speaker is not None:
            return speaker, speaker.name
    return None, name


def _link_person(name: str, extracted, seen_on: date | None, article: ArticleWords) -> Speaker | None:
    full = article.person(name)
    if not full:
        return None  # a headline fragment, a number, a common noun: nobody
    if not is_full_name(full):
        # A lone given name or surname the article's speakers do not complete: the registry's
        # person of that surname, else the full name the article writes it in, else unresolved
        # (never a speaker of its own)
        known = _person_by_surname(full, extracted.speaker_roles)
        if known is not None or not split_name(full).surname:
            return known
        full = article.written_in_full(split_name(full).surname)
        if not full:
            return None
    distinguishes = article.suffix_distinguishes(full)
    speaker, full = _find_person(full, suffix_distinguishes=distinguishes)
    if speaker is None:
        speaker = Speaker.objects.create(name=full[:300], kind=SpeakerKind.PERSON)
    aliases = [full, split_name(full).surname]
    for alias in extracted.speaker_aliases:
        alias = article.clean(alias)
        if alias and variant_key(alias) == variant_key(full) and middles_agree(alias, full):
            aliases.append(alias)
    _add_aliases_and_roles(speaker, aliases, extracted.speaker_roles, seen_on, suffix_distinguishes=distinguishes)
    return speaker


def _link_organisation(name: str, seen_on: date | None) -> Speaker:
    key = organisation_key(name)
    speaker = (
        Speaker.objects.active()
        .filter(kind=SpeakerKind.ORGANISATION, aliases__variant=key)
        .order_by("pk")
        .first()
    )
    if speaker is None:
        speaker = Speaker.objects.create(name=name[:300], kind=SpeakerKind.ORGANISATION)
    _add_aliases_and_roles(speaker, [name], [], seen_on)
    return speaker


def _link_group(name: str, seen_on: date | None) -> Speaker | None:
    members = _group_members(name)
    if not members or not is_named_entity(name):
        # "they", "officials", "some economists", "more Republicans", "46 percent of voters": a
        # description or a share that names nobody. Each article's "officials" are other people,
        # so no shared speaker is made for them; the candidate keeps the words and is flagged.
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


def link_speaker(extracted, *, seen_on: date | None, article: ArticleWords | None = None) -> Speaker | None:
    """The shared Speaker for an extracted candidate's speaker, created on first sight.

    A person is found through the alias index by every variant of the name (middle names,
    initials, titles, possessives, case), after the words that are not the name are dropped; a
    lone given name or surname resolves to the article's one person with it (``article``, from
    ``article_words``), else to the registry's one person with that surname, else stays
    unresolved. An organisation is found by its name without "the"; a role phrase ("the US
    Defence Secretary") by the roles other articles gave a named speaker around the same date;
    a group by the places it names. Headline fragments, shares, quantified groups and common
    nouns are nobody: the candidate keeps the mention as written and is flagged.
    """
    name = (extracted.speaker or "").strip()
    if not name:
        return None
    kind = extracted.speaker_kind or ""
    if kind == "group":
        return _link_group(name, seen_on)
    if not extracted.speaker_resolved:
        return _speaker_by_role(name, seen_on)
    if kind == "organisation":
        name = name.strip(" ,;:()[]")  # "AP)" from "(AP)"
        if describes_a_person(name):
            return _speaker_by_role(name, seen_on)  # "the Wisconsin Republican": resolved like a role
        behind = person_behind_title(name)  # "President Obama", "Mr. King" are people
        if not behind:
            return _link_organisation(name, seen_on) if is_named_entity(name) else None
        # the person is read from the whole name: its courtesy title tells a surname from a title
    return _link_person(name, extracted, seen_on, article or ArticleWords())


def speaker_by_name(name: str) -> Speaker:
    """The speaker an editor named: an existing one by alias or name variant, else a new person."""
    name = " ".join(name.split())[:300]
    if not name:
        raise DecisionError("A speaker needs a name.")
    alias = SpeakerAlias.objects.filter(normalized=normalise_name(name), speaker__merged_into__isnull=True).first()
    if alias:
        return alias.speaker
    if is_full_name(name):
        speaker = _person_by_variant(name)
        if speaker is not None:
            return speaker
    speaker = Speaker.objects.create(name=name, kind=SpeakerKind.PERSON)
    SpeakerAlias.objects.create(speaker=speaker, alias=name, normalized=normalise_name(name))
    return speaker


@transaction.atomic
def edit_speaker(*, speaker_id: int, actor, name: str | None = None, add_aliases: Sequence[str] = (),
                 remove_aliases: Sequence[str] = (), kind: str | None = None, add_roles: Sequence[str] = (),
                 remove_roles: Sequence[str] = ()) -> Speaker:
    """Rename a speaker, change its kind, add or remove aliases and roles: one audited, undoable decision.

    Aliases and roles are matched by their normalized form (what speaker lookup uses), so an
    alias that is already known is not added twice and removing "J. SMITH" removes "J. Smith".
    """
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
    # Removals first, so removing one spelling and adding another with the same key respells it.
    for alias in remove_aliases:
        obj = known.pop(normalise_name(alias), None)
        if obj is not None:
            changes.delete(obj)
    for alias in add_aliases:
        key = normalise_name(alias)
        if key and key not in known:
            known[key] = changes.create(SpeakerAlias, speaker=speaker, alias=alias.strip()[:300], normalized=key)
    roles = {r.normalized: r for r in speaker.roles.all()}
    for role in remove_roles:
        obj = roles.pop(normalise_name(role), None)
        if obj is not None:
            changes.delete(obj)
    for role in add_roles:
        key = normalise_name(role)
        if key and key not in roles:
            roles[key] = changes.create(SpeakerRole, speaker=speaker, role=" ".join(role.split())[:300], normalized=key)
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
