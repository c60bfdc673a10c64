"""Names as the speaker registry compares them: what of a found name is the name, and its keys.

Pure (no database, no parse): the extractor reads names off the text, and a run of capitalised
words often carries more than the name — a headline's words ("Railing Against Trump", "Hillary
Clinton Speaks"), a description ("Billionaire Donald Trump"), a courtesy title ("Mr. Trump"), a
stray initial left by an abbreviation ("T. Donald J. Trump" from "U.S.T. …"). This module keeps
the name, says when nothing name-like remains (a percentage, "more Republicans", "public"), and
gives each person name a *variant key* — given name, surname and generational suffix, with
middle names, initials, titles, possessives, case and accents folded — so that "Donald J.
Trump", "Donald Trump" and "DONALD TRUMP'S" are looked up as one person in an index.

The signals are lexical and general: spaCy's English stop words and number words, the title
and speaker-noun vocabulary of the extractor, word shape, and the article's own evidence of
which capitalised words are ordinary words (written in lower case elsewhere, and capitalised
only where a sentence or headline starts).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en.lex_attrs import like_num
from spacy.lang.en.stop_words import STOP_WORDS

from .lexicon import PERSON_SUFFIX, SPEAKER_NOUNS, TITLE_WORDS, is_speaker_noun

# Courtesy titles: never a name, never a role.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "messrs", "mme", "madam", "dame", "sir"})
# Generational suffixes: part of the name ("Donald Trump Jr." is not his father).
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Lower-case words inside surnames ("Bill de Blasio", "Ludwig van Beethoven").
PARTICLES = frozenset({"de", "da", "del", "della", "di", "du", "dos", "das", "van", "von", "der", "den", "ter", "bin", "ibn", "al", "el", "la", "le", "st"})
# Particles that open a surname written alone ("De Blasio") and are no given name themselves.
SURNAME_OPENERS = frozenset({"de", "da", "di", "du", "del", "della", "der", "den", "von", "dos", "das", "le", "la"})
# Common English short forms of given names: "Joe Biden" and "Joseph R. Biden" are one key.
SHORT_FORMS = {
    "joe": "joseph", "bill": "william", "billy": "william", "will": "william", "bob": "robert", "bobby": "robert",
    "rob": "robert", "jim": "james", "jimmy": "james", "mike": "michael", "tom": "thomas", "tommy": "thomas",
    "dick": "richard", "rick": "richard", "chuck": "charles", "charlie": "charles", "bernie": "bernard",
    "chris": "christopher", "dan": "daniel", "danny": "daniel", "dave": "david", "ed": "edward", "eddie": "edward",
    "tim": "timothy", "pat": "patrick", "ron": "ronald", "don": "donald", "nick": "nicholas", "tony": "anthony",
    "steve": "steven", "matt": "matthew", "sam": "samuel", "ben": "benjamin", "andy": "andrew", "jon": "jonathan",
    "liz": "elizabeth", "beth": "elizabeth", "betsy": "elizabeth", "kate": "katherine", "katie": "katherine",
    "sue": "susan", "pete": "peter", "greg": "gregory", "jeff": "jeffrey", "larry": "lawrence", "jerry": "gerald",
    "fred": "frederick", "alex": "alexander", "ken": "kenneth", "len": "leonard", "vince": "vincent",
    "mitch": "mitchell", "newt": "newton", "hank": "henry",
}
# Words that leave a name untouched when they are its first word in lower case are particles;
# every other stop word is an ordinary English word, whatever its capital letter.
_STOP = frozenset(w for w in STOP_WORDS if w not in PARTICLES)
_WORD = re.compile(r"[^\W\d_][\w’'.-]*|\d[\w.,%-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s?$")


def fold(text: str) -> str:
    """Case, accents, punctuation and spacing folded (the form keys are made of)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def _bare(word: str) -> str:
    return fold(_POSSESSIVE.sub("", word)).replace(" ", "")


def _is_initial(word: str) -> bool:
    """"J." or "J" (one letter), or run-together initials ("H.W.")."""
    return re.fullmatch(r"(?:[^\W\d_]\.){1,3}|[^\W\d_]", word) is not None


def _is_suffix(word: str) -> bool:
    return _bare(word) in SUFFIXES


def _is_title(word: str) -> bool:
    bare = _bare(word)
    return bare in HONORIFICS or bare in TITLE_WORDS or word.casefold().rstrip(".") in TITLE_WORDS


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or like_num(word.casefold()) or word == "%" or _bare(word) in {"percent", "percentage"}


def _glue(word: str, *, ordinary: frozenset[str], leading: bool, named: frozenset[str] = frozenset()) -> bool:
    """Whether a capitalised word beside a name is surely not part of it. ``named``: words the
    article capitalises in mid-sentence, so that there a "Will" or "Mark" is a given name."""
    bare = _bare(word)
    if not bare or _is_number(word):
        return True
    if word.endswith(".") and _is_initial(word):
        return False  # "William A. Ackman": an initial, not the article "a"
    if (word.casefold().rstrip(".,") in _STOP or bare in _STOP) and bare not in named or bare in ordinary:
        return True
    if leading and (_is_title(word) or bare in SPEAKER_NOUNS or bare.removesuffix("s") in SPEAKER_NOUNS):
        return True
    # a description glued before a name: "Texas-based", "Oscar-winner", "Korean-born"
    return leading and re.search(r"[^\W\d_]-[a-z]{3,}$", word) is not None


def headline_shaped(word: str) -> bool:
    """A participle or gerund ("Railing", "Understated"): a headline's word more often than a
    given name, so it is dropped only where the article names someone else with the surname."""
    bare = _bare(word)
    return len(bare) >= 6 and (bare.endswith("ing") or len(bare) >= 7 and bare.endswith("ed"))


def clean_person_name(raw: str, *, ordinary: frozenset[str] = frozenset(), named: frozenset[str] = frozenset()) -> str:
    """The person's name in a found name, or "" when nothing name-like remains.

    Courtesy titles, roles and descriptions before it, headline and sentence words on either
    side ("Railing Against Trump", "Now Donald Trump"), possessives and a stray initial before a
    full name go; what remains must be capitalised words (name particles aside) with no number.
    ``ordinary``/``named``: what the article shows its words to be (see ``ArticleWords``).
    """
    words = [w for w in re.split(r"\s+", (raw or "").strip(" \t\n,;:()[]“”\"'‘’—–-")) if w]
    owner = max((i for i, w in enumerate(words[:-1]) if w.endswith(("’s", "'s"))), default=-1)
    words = words[owner + 1:]  # "Fox's Chris Wallace": the owner is not part of the name
    words = [_POSSESSIVE.sub("", w) if w.endswith(("’s", "'s", "s’", "s'")) else w for w in words]
    words = [w for w in words if w]
    if not words or any(_is_number(w) for w in words):
        return ""
    # after a courtesy title even a title word is a surname ("Mr. King", "Ms. Judge")
    courtesy = len(words) == 2 and _bare(words[0]) in HONORIFICS
    # A name has no ordinary word inside it: what stands before one is a headline or sentence
    # around the name ("Railing Against Trump"), what follows the last word is dropped below.
    for i in range(len(words) - 2, 0, -1):
        if words[i].casefold() not in PARTICLES and _glue(words[i], ordinary=ordinary, named=named, leading=True):
            words = words[i + 1:]
            break
    while len(words) > 1 and _glue(words[0], ordinary=ordinary, named=named, leading=True):
        if len(words) == 2 and words[0].casefold() in SURNAME_OPENERS:
            break  # "De Blasio"
        words = words[1:]
    while len(words) > 1 and not _is_suffix(words[-1]) and _glue(words[-1], ordinary=ordinary, named=named, leading=False):
        words = words[:-1]
    # A lone initial before a full given name is what an abbreviation left ("S. Chris Christie").
    if len(words) >= 3 and _is_initial(words[0]) and not _is_initial(words[1]):
        words = words[1:]
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word.casefold() in PARTICLES:
            continue
        if word.endswith(".") and _is_initial(word):
            continue
        if not word[:1].isupper() or _bare(word) in _STOP and _bare(word) not in named or _is_number(word):
            return ""
    if len(words) == 1 and not courtesy and (_is_initial(words[0]) or _is_title(words[0]) or _bare(words[0]) in SPEAKER_NOUNS):
        return ""
    return " ".join(words)


@dataclass(frozen=True)
class NameParts:
    given: str  # "" for a surname alone
    middles: tuple[str, ...]
    surname: str
    suffix: str


def split_name(name: str) -> NameParts | None:
    """'Donald J. Trump Jr.' -> given Donald, middles (J.), surname Trump, suffix Jr."""
    words = (name or "").replace(",", " ").split()
    if not words:
        return None
    suffix = ""
    if len(words) > 1 and _is_suffix(words[-1]):
        suffix, words = words[-1], words[:-1]
    # surname particles belong to the surname ("de Blasio", "Van Hollen")
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in PARTICLES:
        cut -= 1
    if cut == 1 and words[0].casefold() in SURNAME_OPENERS:
        cut = 0
    surname = " ".join(words[cut:])
    before = words[:cut]
    if not before:
        return NameParts("", (), surname, suffix)
    given_at = next((i for i, w in enumerate(before) if not _is_initial(w)), 0)
    given = before[given_at]
    middles = tuple(before[:given_at] + before[given_at + 1:])
    return NameParts(given, middles, surname, suffix)


def variant_key(name: str, *, suffix: bool = True) -> str:
    """The key a person is looked up by: given name (its full form for a short one: "Joe" ->
    "joseph"), surname and, unless ``suffix`` is False, generational suffix ("donald trump jr")."""
    parts = split_name(name)
    if parts is None:
        return ""
    given = fold(parts.given)
    given = SHORT_FORMS.get(given, given)
    return " ".join(p for p in (given, fold(parts.surname), fold(parts.suffix) if suffix else "") if p)[:300]


def surname_key(name: str) -> str:
    parts = split_name(name)
    return fold(parts.surname) if parts else ""


def middles_agree(a: str, b: str) -> bool:
    """Whether two names with one variant key can be one person: their middle names or initials
    do not contradict ("George W. Bush" and "George H. W. Bush" are two people; "Hillary Rodham
    Clinton" and "Hillary Clinton" one)."""
    pa, pb = split_name(a), split_name(b)
    if pa is None or pb is None:
        return False
    ma = [fold(m)[:1] for m in pa.middles]
    mb = [fold(m)[:1] for m in pb.middles]
    if not ma or not mb:
        return True
    return ma == mb


def organisation_key(name: str) -> str:
    """Organisations compare without a leading article ("the Washington Post")."""
    return re.sub(r"^the\s+", "", fold(name))[:300]


def person_behind_title(name: str) -> str:
    """'President Obama', 'Mr. King' -> the name after a courtesy title or role, else ""."""
    words = (name or "").split()
    if len(words) == 2 and _bare(words[0]) in HONORIFICS:
        return clean_person_name(name)  # "Mr. King"
    cut = 0
    while cut < len(words) - 1 and _is_title(words[cut]):
        cut += 1
    return clean_person_name(" ".join(words[cut:])) if cut else ""


def is_named_entity(name: str) -> bool:
    """Whether an organisation or group name names something: not a quantity ("46 percent of
    voters", "Six in 10 Republicans"), not quantified or indefinite ("more Republicans", "some
    Democrats", "a New Hampshire Republican"), not a bare common noun ("public", "officials")."""
    words = _WORD.findall(name or "")
    if not words or any(_is_number(w) for w in words):
        return False
    first = words[0].casefold()
    if first != "the" and first in _STOP:
        return False
    content = [w for w in words if w.casefold() not in _STOP]
    if all(_bare(w) in _CALENDAR for w in content):
        return False  # "Friday", "July": a date read as a subject
    return bool(content) and any(w[:1].isupper() for w in content)


_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july"
    " august september october november december today yesterday tomorrow".split()
)


# Words that qualify a role without being one ("House", "State", "Democratic", "press").
_NOT_HEADS = frozenset({
    "house", "senate", "state", "white", "home", "trade", "energy", "health", "education", "national", "federal",
    "county", "city", "us", "uk", "eu", "un", "nato", "foreign", "defence", "defense", "interior", "finance",
    "labour", "labor", "prime", "vice", "first", "former", "acting", "incoming", "outgoing", "senior", "junior",
    "assistant", "associate", "press", "campaign", "gop", "democratic", "majority", "minority", "justice",
})
# Nouns that head a role and are not in the speaker vocabulary: party members and relations.
_ROLE_HEADS = frozenset({
    "democrat", "republican", "independent", "libertarian", "hopeful", "front-runner", "frontrunner", "contender",
    "rival", "opponent", "owner", "veteran", "daughter", "son", "wife", "husband", "mother", "father", "brother",
    "sister", "chair", "chairman", "host", "nominee", "candidate", "leader", "speaker", "whip", "counsel",
})
_COMPLEMENT = re.compile(r"\s(?:of|for|at|from|in|on|to|with)\s", re.I)


def describes_a_person(name: str) -> bool:
    """"The Wisconsin Republican", "the Ohio senator": a description of one person (a role to
    resolve), not an organisation's name."""
    words = (name or "").split()
    if len(words) < 2 or words[0].casefold() != "the":
        return False
    main = _COMPLEMENT.split(f" {' '.join(words)} ", maxsplit=1)[0].split()
    head = _bare(main[-1]) if main else ""
    return head in _PERSON_HEADS or PERSON_SUFFIX.fullmatch(head) is not None


# Titles and nouns that name one person (not a body: "party", "committee", "bank").
_PERSON_HEADS = _ROLE_HEADS | (
    TITLE_WORDS - _NOT_HEADS - HONORIFICS - {"city", "county", "eu", "uk", "un", "us", "u.s.", "nato", "del", "lady", "lord"}
)


def _role_head(word: str) -> bool:
    bare = _bare(word)
    if bare in _NOT_HEADS or bare in HONORIFICS:
        return False
    return bare in TITLE_WORDS or bare in SPEAKER_NOUNS or bare in _ROLE_HEADS or is_speaker_noun(bare)


def clean_role(role: str) -> str:
    """A role as editors read it ("Defence Secretary", "senator for Texas"), or "" for what is
    no role: a courtesy title ("Mr."), a bare modifier ("First", "senior"), a qualifier alone
    ("House"), a clause fragment ("whether it is Secretary Clinton"), a name joined to a title
    ("Donald Trump and House Speaker"), or a dateline or sentence glued before it (cut off).

    A role is a phrase headed by a title or a noun for a person ("secretary", "spokesman",
    "Democrat"), optionally followed by its complement ("of State", "for Texas").
    """
    text = " ".join((role or "").split())
    # keep what follows a dateline dash, a closing bracket, a sentence break or a comma
    text = re.split(r"\s[—–-]{1,2}\s|\)\s*[—–-]?\s*|(?<=[a-z]{2})\.\s+(?=[A-Z])|,\s+", text)[-1]
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,;:-—–"), flags=re.I)
    words = text.split()
    while len(words) > 1 and _is_initial(words[0]):
        words = words[1:]  # "T. Speaker": an abbreviation's last letter
    if not words or len(words) > 12 or any(_is_number(w) for w in words):
        return ""
    for word in words:
        low = _bare(word)
        if low in _STOP and not word.isupper() and low not in {"of", "for", "the", "and", "to", "at", "in", "on", "from", "with", "first", "former", "top"}:
            return ""  # "whether it is …", "his campaign chairman", "As President"
        if len(low) >= 6 and low.endswith("ly"):
            return ""  # "Finally Endorses House Speaker": a headline's words
    text = " ".join(words)
    main = _COMPLEMENT.split(f" {text} ", maxsplit=1)[0].strip()
    if not main:
        return ""  # "for president"
    for piece in re.split(r"\s+(?:and|&)\s+", main):
        if not piece.split() or not _role_head(piece.split()[-1]):
            return ""
    return text[:300]


def word_evidence(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(ordinary, named): words an article writes in lower case and capitalises only where a
    sentence, line, quote or headline word starts — a capital on them is no evidence of a name
    ("Maybe", "Speaks") —, and words it capitalises in mid-sentence, for their own sake."""
    lower = {m.group(0) for m in re.finditer(r"(?<![\w’'-])[a-z][a-z’'-]+\b", text or "")}
    named = frozenset(m.group(1).casefold() for m in re.finditer(r"[a-z,;] ([A-Z][a-z’'-]+)\b", text or ""))
    return frozenset(lower - named), named


def edge_windows(name: str) -> list[str]:
    """The shorter names of two words or more at either edge of a name, longest first
    ("Hillary Clinton Speaks" -> "Hillary Clinton", "Clinton Speaks"). A generational suffix is
    never cut off ("Donald Trump Jr." does not contain his father)."""
    words = name.split()
    found = []
    for size in range(len(words) - 1, 1, -1):
        if not _is_suffix(words[-1]):
            found.append(" ".join(words[:size]))
        found.append(" ".join(words[-size:]))
    return found


class ArticleWords:
    """One article's evidence about the people it names.

    Built from the article text and the names the extractor found in it; ``person(raw)`` gives
    the full name a found name stands for in this article: the name itself cleaned, or the one
    person a lone given name, surname or initialled name completes to ("Bob" -> "Bob Smith"
    when the article names one Bob), or what is left alone when the article completes nothing.
    """

    def __init__(self, text: str = "", names=()):
        self.ordinary, self.named = word_evidence(text)
        self._text = text or ""
        base = {}
        for raw in names:
            name = self.clean(raw)
            parts = split_name(name)
            if parts and parts.given and not _is_initial(parts.given):
                base.setdefault(variant_key(name), name)
        self._keys = base
        self.people = []
        self._by_surname: dict[str, set[str]] = {}
        self._by_given: dict[str, set[str]] = {}
        for key, name in base.items():
            if self._reduce(name) != name:
                continue
            parts = split_name(name)
            self.people.append(name)
            self._by_surname.setdefault(fold(parts.surname), set()).add(name)
            self._by_given.setdefault(fold(parts.given), set()).add(name)

    def _reduce(self, name: str) -> str:
        """A name that another of the article's names sits inside, at an edge, is that name
        with a headline word beside it; a participle-shaped given name before a surname the
        article gives someone else is a headline word too ("Understated Perez")."""
        for window in edge_windows(name):
            other = self._keys.get(variant_key(window))
            if other and other != name:
                return other
        parts = split_name(name)
        if parts and parts.given and headline_shaped(parts.given):
            others = {n for k, n in self._keys.items() if n != name and surname_key(n) == fold(parts.surname)
                      and not headline_shaped(split_name(n).given)}
            if len(others) == 1:
                return others.pop()
        return name

    def full_name_for(self, word: str) -> str:
        """The one person of the article a lone surname, else given name, stands for, else ""."""
        key = fold(word)
        for table in (self._by_surname, self._by_given):
            found = table.get(key, set())
            if found:
                return next(iter(found)) if len(found) == 1 else ""  # two Clintons: never guessed
        return ""

    def written_in_full(self, surname: str) -> str:
        """The surname's full name as the article writes it where the extractor did not report
        it ("… said Jim Acosta, a reporter" before "Acosta said"), when it writes just one."""
        if not surname[:1].isupper() or not self._text:
            return ""
        found = set()
        pattern = r"((?:(?:[A-Z]\.|[A-Z][\w’'-]*)\s+){1,4})" + re.escape(surname) + r"\b(?![’']s?\w)"
        for match in re.finditer(pattern, self._text):
            name = self.clean(match.group(1) + surname)
            if is_full_name(name) and fold(split_name(name).surname) == fold(surname):
                found.add(variant_key(name))
                full = name
        return full if len(found) == 1 else ""

    def clean(self, raw: str) -> str:
        return clean_person_name(raw, ordinary=self.ordinary, named=self.named)

    def suffix_distinguishes(self, name: str) -> bool:
        """Whether the article also names someone by this name without its "Jr." (a son and his
        father); elsewhere a suffix is only the formal form of a name ("Joseph R. Biden Jr.")."""
        parts = split_name(name)
        if parts is None or not parts.suffix:
            return False
        return variant_key(name, suffix=False) in self._keys

    def person(self, raw: str) -> str:
        name = self.clean(raw)
        parts = split_name(name)
        if parts is None:
            return ""
        if not parts.given:
            return self.full_name_for(parts.surname) or name
        if _is_initial(parts.given):
            # "S. Trump", "J. Smith": the article's one person of that surname, if it has one
            return self.full_name_for(parts.surname) or name
        key = variant_key(name)
        if key in self._keys:
            return self._reduce(self._keys[key]) if self._keys[key] != name else self._reduce(name)
        # a compound surname written alone ("Wasserman Schultz" for "Debbie Wasserman Schultz")
        ending = {p for p in self.people if len(p.split()) > len(name.split()) and p.endswith(" " + name)}
        if len(ending) == 1:
            return ending.pop()
        return self._reduce(name)


def is_full_name(name: str) -> bool:
    """A given name (not only an initial) and a surname: a name a new speaker can be made for."""
    parts = split_name(name)
    return bool(parts and parts.given and not _is_initial(parts.given))
