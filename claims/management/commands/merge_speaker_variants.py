"""manage.py merge_speaker_variants [--dry-run]

Databases filled before speakers were compared by the variants of their names hold one person
several times: "Donald J. Trump" beside "Donald Trump", "T. Donald J. Trump" (a stray initial),
"Now Donald Trump" (a headline's word). This finds the active speakers that are one person by
the rules new extractions follow (``claims.extraction.names``: given name, surname and suffix,
middle names not contradicting; an organisation's name without "the") and merges each into the
record with most candidates, through ``services.merge_speakers`` — audited and undoable like an
editor's merge; a record left whose name carries more than the name ("Journalist Carl Leubsdorf")
is renamed through ``services.edit_speaker``. ``--dry-run`` prints all this and changes nothing.
Records whose name is no full name ("Bob", "Is Sanders") are counted, not guessed at: editors
merge them on the Speaker screen.
"""
import re
from collections import defaultdict

from django.core.management.base import BaseCommand
from django.db.models import Count

from claims import services
from claims.extraction.names import (
    clean_person_name,
    edge_windows,
    is_full_name,
    middles_agree,
    organisation_key,
    variant_key,
)
from claims.models import Speaker, SpeakerKind


def _person_key(name: str) -> str:
    cleaned = clean_person_name(name)
    return variant_key(cleaned) if is_full_name(cleaned) else ""


def _displayed_as_is(speaker: Speaker) -> bool:
    """False (sorts first) when the record's name needs no cleaning."""
    if speaker.kind != SpeakerKind.PERSON:
        return False
    return clean_person_name(speaker.name) != speaker.name


def planned_merges() -> tuple[list[tuple[Speaker, Speaker]], list[tuple[Speaker, str]], int]:
    """(source, target) pairs; (record, name) for person records whose name carries more than
    the name ("T. Tom Clarke" -> "Tom Clarke"); and how many person records have no full name."""
    speakers = list(
        Speaker.objects.active()
        .filter(kind__in=[SpeakerKind.PERSON, SpeakerKind.ORGANISATION])
        .annotate(candidate_count=Count("candidates"))
        .order_by("pk")
    )
    groups: dict[tuple[str, str], list[Speaker]] = defaultdict(list)
    unnamed = 0
    for speaker in speakers:
        if speaker.kind == SpeakerKind.PERSON:
            key = _person_key(speaker.name)
            unnamed += not key
        else:
            key = organisation_key(speaker.name)
        if key:
            groups[(speaker.kind, key)].append(speaker)
    # "Hillary Clinton Speaks": no record of its own key's company, but a person at its edge
    for (kind, key), members in list(groups.items()):
        if kind != SpeakerKind.PERSON or len(members) > 1:
            continue
        cleaned = clean_person_name(members[0].name)
        for window in edge_windows(cleaned):
            other = groups.get((kind, variant_key(window))) if is_full_name(window) else None
            if other and other is not members:
                other.extend(members)
                del groups[(kind, key)]
                break
    merges, renames = [], []
    for (kind, _key), members in groups.items():
        # the record whose name is already just the name, with most candidates, is kept
        members.sort(key=lambda s: (_displayed_as_is(s), -s.candidate_count, s.pk))
        target, *others = members
        for source in others:
            if kind == SpeakerKind.PERSON and not middles_agree(clean_person_name(source.name), clean_person_name(target.name)):
                continue  # "George W. Bush" is not "George H. W. Bush"
            merges.append((source, target))
        cleaned = clean_person_name(target.name)
        # a leading initial alone is no reason to rename: "C. Boyden Gray" writes his name so
        first, *rest = target.name.split() or [""]
        only_an_initial = re.fullmatch(r"[^\W\d_]\.", first) is not None and rest == cleaned.split()
        if kind == SpeakerKind.PERSON and _displayed_as_is(target) and not only_an_initial:
            renames.append((target, cleaned))
    return merges, renames, unnamed


class Command(BaseCommand):
    help = "Merge speaker records that are one person (or organisation) by the variants of their names."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the merges without making them.")

    def handle(self, *args, dry_run, **options):
        merges, renames, unnamed = planned_merges()
        for source, target in merges:
            self.stdout.write(
                f"{'would merge' if dry_run else 'merging'} {source.name!r} (#{source.pk}, {source.candidate_count} candidates)"
                f" into {target.name!r} (#{target.pk}, {target.candidate_count} candidates)"
            )
            if not dry_run:
                services.merge_speakers(source_id=source.pk, target_id=target.pk, actor=None)
        for speaker, name in renames:
            self.stdout.write(f"{'would rename' if dry_run else 'renaming'} {speaker.name!r} (#{speaker.pk}) to {name!r}")
            if not dry_run:
                services.edit_speaker(speaker_id=speaker.pk, actor=None, name=name, add_aliases=[name])
        self.stdout.write(f"{len(merges)} merge(s) and {len(renames)} rename(s) {'would be made' if dry_run else 'made'}.")
        if unnamed:
            self.stdout.write(f"{unnamed} person record(s) have no full name to compare (left for editors).")
