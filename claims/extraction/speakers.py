"""Who is speaking: the article's people, their names, surnames and roles, and what
"he", "the Defence Secretary" or "the person" refer to at a given point of the article.

The index is built from the whole text with regular expressions (no parse), so a name given
in a sentence that was never parsed still resolves a later surname or role.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .lexicon import GENERIC_ANAPHORS, PERSONAL, PLURAL_PRONOUNS, TITLE_WORDS

_CAP = r"(?:(?:O[’']|D[’'])?[A-Z][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)*(?:[-’'][A-Z]?[a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)*)*|[A-Z]\.|[A-Z]{2,}(?=\s+[A-Z][a-z]))"
_PARTICLE = r"(?:de|da|del|della|van|von|der|den|bin|al|el|le|la|di|du)"
NAME_RUN = re.compile(rf"{_CAP}(?:[^\S\n]+(?:{_PARTICLE}[^\S\n]+)?{_CAP})*")  # names never run over a line break
POSSESSIVE = re.compile(r"[’']s$")

NOT_NAMES = {
    "the", "a", "an", "this", "that", "these", "those", "it", "he", "she", "they", "we", "i", "you", "but",
    "and", "or", "so", "if", "when", "while", "as", "in", "on", "at", "for", "with", "after", "before",
    "also", "however", "meanwhile", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "yesterday", "there", "here", "his", "her", "their", "our",
    "speaking", "asked", "according", "read", "more", "last", "next", "new", "mrs.", "mr.",
}
# Words that open a clause before a name at the start of a sentence, where the capital they take
# is no evidence of a name ("Although Trump has admitted", "Had Sanders won", "When Clinton
# spoke"); never given names ("Will", "May", "Mark" are left alone).
CLAUSE_OPENERS = frozenset({
    "although", "though", "because", "since", "unless", "until", "whether", "once", "if", "when", "while",
    "whereas", "after", "before", "as", "had", "has", "have", "is", "was", "were", "did", "does", "do",
    "could", "would", "should", "might", "must", "shall", "but", "and", "or", "so", "yet", "then", "now",
    "even", "still", "only", "just", "also", "however", "meanwhile", "why", "how", "what", "where", "not",
})
NON_PERSON_TAIL = {
    "party", "house", "senate", "congress", "committee", "council", "court", "ministry", "department",
    "office", "agency", "union", "news", "post", "times", "journal", "service", "services", "bank",
    "university", "college", "school", "hospital", "center", "centre", "institute", "foundation",
    "association", "organization", "organisation", "group", "company", "corporation", "inc", "corp",
    "ltd", "network", "press", "street", "avenue", "road", "city", "county", "state", "states",
    "republic", "kingdom", "nations", "times", "tribune", "herald", "daily", "weekly", "magazine",
    "club", "airport", "station", "day", "war", "act", "bill", "zero", "island", "islands", "sea",
    "ocean", "river", "mountains", "valley", "square", "hall", "tower", "building", "administration",
    "government", "army", "navy", "force", "forces", "guard", "police", "commission", "board", "fund",
    "program", "programme", "project", "plan", "summit", "conference", "forum", "games", "cup", "league",
    "tv", "radio", "channel", "poll", "survey", "report", "review", "campaign", "alliance", "coalition",
    "treaty", "agreement", "accord", "deal", "talks", "meeting", "ministers", "democrats", "republicans",
}


# Last (or first, before "of") words that make a capitalised run an organisation's name.
ORGANISATION_HEADS = {
    "corp", "corporation", "inc", "co", "company", "ltd", "llc", "plc", "group", "ministry", "department",
    "agency", "court", "commission", "committee", "council", "bank", "university", "institute",
    "foundation", "association", "organization", "organisation", "union", "party", "office", "service",
    "police", "administration", "government", "board", "fund", "network", "campaign", "authority",
    "bureau", "center", "centre", "airlines", "airways", "motors", "industries", "holdings", "partners",
    "systems", "technologies", "federation", "alliance", "coalition", "command", "club", "society",
    "secretariat", "parliament", "assembly", "senate", "congress", "tribunal", "regulator", "exchange", "house",
}
# Lower-case nouns that stand for an organisation already named ("the company said").
ORGANISATION_NOUNS = {
    "company", "firm", "ministry", "department", "agency", "court", "commission", "committee", "council",
    "bank", "university", "institute", "foundation", "association", "organization", "organisation",
    "union", "party", "office", "campaign", "authority", "bureau", "board", "group", "network", "airline",
    "regulator", "government", "administration", "club", "federation", "alliance", "coalition", "paper",
    "newspaper", "broadcaster", "manufacturer", "carrier", "retailer", "insurer", "lender", "charity",
}
_CAP_WORD = r"[A-Z][\w&’'-]*"
ORGANISATION_RUN = re.compile(rf"{_CAP_WORD}(?:\.(?=[ \t]+[a-z]))?(?:[ \t]+(?:(?:of|for|and|&)(?:[ \t]+the)?[ \t]+)?{_CAP_WORD})*")
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
NOT_ACRONYMS = {"US", "UK", "EU", "UN", "AM", "PM", "TV", "OK", "CEO", "GOP", "MP", "ID", "II", "III", "IV", "AP"}


# A courtesy title right before a name ("Mrs. Clinton"): it tells which person of that surname.
COURTESY = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s*$")


def _organisation_name(words: list[str]) -> str:
    """The organisation a run of capitalised words (no "and" inside) names, or ""."""
    heads = [i for i, word in enumerate(words) if word[:1].isupper() and norm(word).rstrip(".") in ORGANISATION_HEADS]
    if not heads:
        return ""
    last = heads[-1]
    if words[last + 1:last + 2] == ["of"]:
        # "Ministry of Defence", "Bank of the West": the name runs on after "of"
        last += 1
        while last + 1 < len(words) and (words[last + 1][:1].isupper() or words[last + 1] == "the" and last == heads[-1] + 1):
            last += 1
    first = heads[-1]
    while first > 0:
        if words[first - 1][:1].isupper():
            first -= 1
        elif words[first - 1] in {"of", "the"} and any(head < first - 1 for head in heads):
            first -= 1  # "Bank of America Corp"
        else:
            break  # "Smith of Apple Inc"
    while first < last and (norm(words[first]) in NOT_NAMES or words[first] in {"of", "the", "for"}):
        first += 1
    name_words = words[first:last + 1]
    if len(name_words) < 2 or name_words[-1] in {"of", "the", "for"}:
        return ""
    return " ".join(name_words)


_SAME_WORD = {"defense": "defence", "u.s.": "us", "u.s": "us", "u.k.": "uk", "american": "us", "germany": "german",
              "britain": "uk", "british": "uk", "russia": "russian", "france": "french", "ukraine": "ukrainian",
              "secretary-general": "secretary-general"}


@functools.lru_cache(maxsize=65536)
def norm(word: str) -> str:
    """A word as names and roles are compared: no edge punctuation or possessive, lower case,
    one spelling (cached: the article index asks for the same words again and again)."""
    word = POSSESSIVE.sub("", word.strip(" ,.;:“”\"'’‘()"))
    lower = word.lower()
    return _SAME_WORD.get(lower, lower)


def role_words(phrase: str) -> set[str]:
    return {norm(w) for w in re.findall(r"[\w’'.-]+", phrase)} - {"the", "a", "an", "of", "for", "and", "'s", ""}


# Capitalised sentence openers that are never part of a name after them.
SENTENCE_OPENERS = {"yet", "then", "still", "now", "meanwhile", "maybe", "perhaps", "instead", "however", "but", "and", "so", "also"}


def split_title(run: str) -> tuple[str, str]:
    """'US Defence Secretary Pete Hegseth' -> ('US Defence Secretary', 'Pete Hegseth')."""
    words = run.split()
    while len(words) > 1 and norm(words[0]) in SENTENCE_OPENERS:
        words = words[1:]  # "Yet Obama claims …", "Then Trump warns …": an opener the run took in
    cut = 0
    for position, word in enumerate(words[:-1]):
        if norm(word).rstrip(".") in TITLE_WORDS or norm(word) in TITLE_WORDS:
            cut = position + 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def looks_like_person(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 4:
        return False
    if any(norm(w) in NOT_NAMES for w in words):
        return False
    if any(re.search(r"[’']s$", w) for w in words) or norm(words[-1]).rstrip(".") in TITLE_WORDS:
        return False
    if norm(words[-1]) in NON_PERSON_TAIL or words[-1].isupper() and len(words[-1]) > 1 and len(words) == 1:
        return False
    if all(norm(w).rstrip(".") in TITLE_WORDS for w in words):
        return False
    return True


@dataclass
class Person:
    name: str
    kind: str = "person"
    aliases: set[str] = field(default_factory=set)
    roles: list[str] = field(default_factory=list)
    gender: str = ""  # "m"/"f" once a pronoun has been seen to refer to them


class ArticleIndex:
    """The people an article names, found once over its whole text."""

    def __init__(self, text: str, skip: list[tuple[int, int]] = ()):
        """``skip``: spans (headlines) whose title-case words are not names."""
        self.text = text
        self.people: dict[str, Person] = {}  # full name -> person
        self.by_surname: dict[str, str] = {}
        self.surname_people: dict[str, list[str]] = {}  # every person of a surname, in order of first mention
        self.mentions: list[tuple[int, int, str]] = []  # (start, end, full name) in text order
        surnames_alone: list[tuple[int, int, str, str, int]] = []  # (start, end, surname, title, run start)
        for match in NAME_RUN.finditer(text):
            if any(a <= match.start() < b for a, b in skip):
                continue
            run = POSSESSIVE.sub("", match.group(0))
            # "Although Trump has admitted …", "Had Sanders won …": the opener is not part of the name
            # (split keeps the rest as written, so the offsets below still count from its end)
            while len(run.split(maxsplit=1)) > 1 and norm(run.split(maxsplit=1)[0]) in CLAUSE_OPENERS:
                run = run.split(maxsplit=1)[1]
            title, name = split_title(run)
            if not looks_like_person(name):
                continue
            start = match.start() + (len(run) - len(name))
            end = start + len(name)
            words = name.split()
            if len(words) >= 2:
                full = self._add(name)
                if title:
                    self._role(full, title, match.start())
                self._role_around(full, match.start(), start, end)
                self.mentions.append((start, end, full))
            else:
                courtesy = COURTESY.search(text, max(0, match.start() - 6), match.start())
                surnames_alone.append((start, end, words[0], title or (courtesy.group(1) if courtesy else ""), match.start()))
        # A surname alone ("Clinton", "Mrs. Clinton") is one of the people of that surname: the
        # one its courtesy title fits, else the one named last before it. Genders from the full
        # names first, then again with every mention.
        self._genders()
        for start, end, surname, title, run_start in surnames_alone:
            full = self._pick(surname, title=title, at=start) or self._by_given_name(surname)
            if full:
                bisect.insort(self.mentions, (start, end, full))
                if title:
                    self._role(full, title, run_start)
        self._genders()
        self.organisations = self._find_organisations(skip)

    def _find_organisations(self, skip) -> list[tuple[int, int, str]]:
        """Organisation names in text order: a capitalised run with an organisation's head word
        ("Acme Corp", "the Ministry of Defence", "Harbour Authority") or an acronym ("FBI")."""
        found = []
        for match in ORGANISATION_RUN.finditer(self.text):
            if any(a <= match.start() < b for a, b in skip):
                continue
            segment: list[str] = []
            for word in match.group(0).split() + ["and"]:
                if word not in {"and", "&"}:
                    segment.append(word)
                    continue
                name = _organisation_name(segment)
                if name:
                    start = self.text.find(name, match.start())
                    found.append((start, start + len(name), name))
                segment = []
        for match in ACRONYM.finditer(self.text):
            if match.group(0) in NOT_ACRONYMS or any(a <= match.start() < b for a, b in skip):
                continue
            if any(start <= match.start() < end for start, end, _ in found):
                continue
            found.append((match.start(), match.end(), match.group(0)))
        found.sort()
        return found

    def organisation_before(self, pos: int, *, head: str = "", window: int = 600) -> str:
        """The organisation named last before ``pos`` (within ``window`` characters), or one
        whose name holds ``head`` ("the ministry" → "Ministry of Defence"), else ""."""
        for start, end, name in reversed(self.organisations):
            if end > pos:
                continue
            if pos - end > window:
                break
            if not head or head in {norm(word).removesuffix("s") for word in name.split()}:
                return name
        return ""

    def organisation_at(self, pos: int) -> str:
        """The organisation whose name covers offset ``pos``, if the index found one there."""
        for org_start, org_end, name in self.organisations:
            if org_start > pos:
                break
            if pos < org_end:
                return name
        return ""

    def _genders(self) -> None:
        """Which pronoun each person takes, from the article itself: a courtesy title, or the
        first he/she that follows a mention before anyone else is named."""
        votes: dict[str, list[int]] = {}
        starts = [mention[0] for mention in self.mentions]
        for number, (start, end, full) in enumerate(self.mentions):
            vote = votes.setdefault(full, [0, 0])
            title = re.search(r"\b(Mr|Mrs|Ms|Miss)\.?\s*$", self.text[max(0, start - 6):start])
            if title:
                vote[0 if title.group(1) == "Mr" else 1] += 3
            limit = min(starts[number + 1] if number + 1 < len(starts) else len(self.text), end + 160)
            turn = re.search(r"[.!?…][”\"’]?\s+[“\"]", self.text[end:limit])
            if turn:
                limit = end + turn.start()  # a sentence opening with a quote: "she said" after it may be someone else
            # a subject pronoun first ("Tom Lopez, her brother, … he was"), else a possessive; never
            # "him": "followed him" is about someone else
            window = self.text[end:limit]
            pronoun = re.search(r"\b(he|himself|she|herself)\b", window, re.I) or re.search(r"\b(his|her|hers)\b", window, re.I)
            if pronoun:
                vote[0 if pronoun.group(1).lower() in {"he", "his", "himself"} else 1] += 1
        for full, (male, female) in votes.items():
            if full in self.people and male != female:
                self.people[full].gender = "m" if male > female else "f"

    def _add(self, name: str) -> str:
        surname = norm(name.split()[-1])
        existing = self.by_surname.get(surname)
        if existing and (existing.split()[0] == name.split()[0] or len(name.split()) == 2 and name.split()[0].endswith(".")):
            return existing
        namesake = next((full for full in self.surname_people.get(surname, ()) if full.split()[0] == name.split()[0]), None)
        if namesake:
            return namesake
        if name not in self.people:
            self.people[name] = Person(name)
            self.people[name].aliases.add(name.split()[-1])
            self.surname_people.setdefault(surname, []).append(name)
        self.by_surname.setdefault(surname, name)
        return name

    def _by_given_name(self, word: str) -> str:
        """A first name alone ("Bob") is the one person the article names with that first name."""
        given = self.with_given_name(word)
        return given[0] if len(given) == 1 else ""

    def with_given_name(self, word: str) -> list[str]:
        return [full for full in self.people if norm(full.split()[0]) == norm(word)]

    def _pick(self, surname: str, *, title: str = "", at: int | None = None) -> str:
        """Which person of that surname a surname alone means: the one its courtesy title fits
        ("Mrs. Clinton" is never Bill Clinton), then the one named last before ``at``, else the
        one the article names most."""
        candidates = self.surname_people.get(norm(surname), [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else ""
        courtesy = norm(title.split()[-1]).rstrip(".") if title else ""
        gender = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}.get(courtesy, "")
        if gender:
            fitting = [full for full in candidates if self.people[full].gender == gender] or [
                full for full in candidates if not self.people[full].gender
            ]
            candidates = fitting or candidates
        if at is not None:
            for start, _end, full in reversed(self.mentions):
                if start < at and full in candidates:
                    return full
        counts = {full: sum(1 for mention in self.mentions if mention[2] == full) for full in candidates}
        return max(candidates, key=lambda full: counts[full])

    def _role(self, full: str, role: str, at: int) -> None:
        role = role.strip(" ,")
        before = self.text[max(0, at - 40):at]
        owner = re.search(r"([A-Z][\w]+)[’']s[ \t]*$", before)
        if owner:  # "Germany's Defence Minister"
            role = f"{owner.group(1)}’s {role}"
        else:
            lead = re.search(r"((?:[A-Z][\w.]*[ \t]+)+)$", before)
            if lead and all(norm(w) not in NOT_NAMES for w in lead.group(1).split()):
                role = f"{lead.group(1).strip()} {role}"
        if role and role not in self.people[full].roles and len(role_words(role)) >= 1:
            self.people[full].roles.append(role)

    def _role_around(self, full: str, run_start: int, start: int, end: int) -> None:
        """Appositions: 'ROLE, Name' and 'Name, the ROLE,'."""
        before = self.text[max(0, run_start - 70):run_start]
        match = re.search(r"((?:[A-Z][\w’'-]*[ \t]+|of[ \t]+|for[ \t]+)*(?:[A-Z][\w-]*|[a-z-]+)),[ \t]*$", before)
        if match:
            phrase = match.group(1)
            words = [norm(w) for w in phrase.split()]
            if words and words[-1] in TITLE_WORDS and words[-1] not in {"us", "uk", "eu", "un", "nato"}:
                self._role(full, phrase, run_start - len(before) + match.start(1))
        after = self.text[end:end + 90]
        match = re.match(r"\s*,\s+(?:the\s+|a\s+|an\s+)?((?:[\w’'.-]+\s+){0,6}?[\w’'.-]+?)\s*[,.;]", after)
        if match:
            phrase = match.group(1)
            words = [norm(w) for w in phrase.split()]
            if any(w in TITLE_WORDS and w not in {"us", "uk", "eu", "un", "nato", "state", "first", "former"} for w in words):
                if full in self.people and phrase not in self.people[full].roles:
                    self.people[full].roles.append(phrase)

    # ------------------------------------------------------------------ look-ups
    def full_name(self, name: str, *, at: int | None = None) -> str:
        """A surname or partial name -> the full name the article used, else the name itself;
        ``at``: where the name is written, to tell people of the same surname apart."""
        name = POSSESSIVE.sub("", name.strip())
        words = name.split()
        if not words:
            return name
        if name in self.people:
            return name
        title, bare = split_title(name)
        bare_words = bare.split()
        if not bare_words:
            return name
        if len(bare_words) == 1:
            return self._pick(bare_words[0], title=title, at=at) or self._by_given_name(bare_words[0]) or bare
        full = next((full for full in self.surname_people.get(norm(bare_words[-1]), ()) if bare_words[0] == full.split()[0]), None)
        return full or bare

    def person(self, full: str) -> Person | None:
        return self.people.get(full)

    def by_role(self, mention: str, recent: list[str] | None = None) -> str | None:
        """'the US Defence Secretary' -> the person the article named with that role, if one."""
        want = role_words(mention)
        if not want:
            return None
        scores: dict[str, float] = {}
        for person in self.people.values():
            for role in person.roles:
                have = role_words(role)
                if not have:
                    continue
                if not (_head(mention) == _head(role) or _head(mention) in have):
                    continue
                scores[person.name] = max(scores.get(person.name, 0.0), len(want & have) / len(want))
        if not scores:
            return None
        if len(scores) == 1:
            # the only person the article gives that title ("President Emmanuel Macron" ...
            # "the French president")
            return next(iter(scores))
        best = max(scores.values())
        winners = [name for name, score in scores.items() if score == best]
        if best < 0.66:
            return None
        if len(winners) > 1 and recent:
            for name in reversed(recent):
                if name in winners:
                    return name
        return winners[0] if len(winners) == 1 else None


def _head(phrase: str) -> str:
    words = re.findall(r"[\w’'.-]+", phrase)
    # "Secretary of Defence" -> Secretary; "US Defence Secretary" -> Secretary
    for position, word in enumerate(words):
        if word.lower() in {"of", "for"} and position > 0:
            return norm(words[position - 1])
    return norm(words[-1]) if words else ""


@dataclass
class Salience:
    """What pronouns and generic descriptions can refer to, updated as the article is read."""

    last_person: str = ""
    persons: list[str] = field(default_factory=list)  # most recent last
    last_group: str = ""
    last_unnamed: str = ""  # "A senior European diplomat"
    questioner: str = ""  # who asked the last question: the "he" or "she" answering it is someone else

    def saw_person(self, name: str) -> None:
        if not name:
            return
        if name in self.persons:
            self.persons.remove(name)
        self.persons.append(name)
        self.last_person = name

    def pronoun(self, word: str, index: ArticleIndex) -> str:
        lower = word.lower()
        if lower in PERSONAL or lower in {"him", "her", "his"}:
            gender = "m" if lower in {"he", "him", "his"} else "f"
            for name in reversed(self.persons):
                if name == self.questioner:
                    continue
                person = index.person(name)
                if person is None or not person.gender or person.gender == gender:
                    return name
            # nobody has been a subject yet: only when the article names a single possible
            # person is that person the referent
            possible = [p.name for p in index.people.values() if p.gender == gender]
            return possible[0] if len(possible) == 1 else ""
        if lower in PLURAL_PRONOUNS:
            return self.last_group
        return ""

    def generic(self, head: str) -> str:
        if head in GENERIC_ANAPHORS and self.last_unnamed:
            return self.last_unnamed
        return ""
