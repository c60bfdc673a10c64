"""Attributions in headlines and title lines, read without a parse (title case defeats it):
'Trump: "We will build the wall"', 'Clinton says she will not drop out', 'Taxes Must Rise,
Lindsey Graham Says'. The speaker must be someone the article itself names (in its body), so
headline words glued to a name ("Railing Against Trump"), places and labels ("Poll:", "The
Latest:", "Photo:") are never speakers."""
from __future__ import annotations

import re

from .candidates import Attribution, SourceKind, SpeakerRef, StatementKind
from .layout import ArticleLayout
from .lexicon import FORM_TO_LEMMA, OBJECT, SAY, TITLE_WORDS
from .resolution import SpeakerResolver
from .speakers import NOT_NAMES, looks_like_person, norm, split_title
from .text import MARKS

_NAME = r"(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w’'-]*"
_HEADLINE_VERBS = sorted(
    (form for form, lemma in FORM_TO_LEMMA.items() if lemma in SAY | OBJECT and (form.endswith("s") or form in {"said", "told"})),
    key=len, reverse=True,
)
_VERB = r"(?i:" + "|".join(_HEADLINE_VERBS) + r")"
NAME_COLON = re.compile(rf"(?P<speaker>{_NAME})\s*:\s+(?P<content>\S.*?)\.?\s*$")
NAME_VERB = re.compile(rf"(?P<speaker>{_NAME})\s+(?P<verb>{_VERB})(?:\s+(?i:that))?\s+(?P<content>\S.*?)\.?\s*$")
CONTENT_NAME_VERB = re.compile(rf"(?P<content>\S.*?),\s+(?P<speaker>{_NAME})\s+(?P<verb>{_VERB})\.?\s*$")
QUOTE_EDGES = MARKS + "‘’'"


def headline_attributions(layout: ArticleLayout, resolver: SpeakerResolver) -> list[Attribution]:
    """One attribution per heading that reads "Name: …", "Name says …" or "…, Name says"."""
    text = layout.text
    out = []
    for number in sorted(layout.headings - layout.boilerplate):
        para = layout.paras[number]
        line = text[para.start:para.end]
        for pattern in (NAME_COLON, CONTENT_NAME_VERB, NAME_VERB):
            match = pattern.match(line)
            if match is None:
                continue
            speaker = _speaker(resolver, match.group("speaker"), start=para.start + match.start("speaker"))
            if speaker is None:
                continue
            start, end = para.start + match.start("content"), para.start + match.end("content")
            content = text[start:end]
            if len(content.split()) < 2:
                continue
            whole_quote = content[:1] in QUOTE_EDGES and content[-1:] in QUOTE_EDGES and not any(
                mark in content[1:-1] for mark in MARKS
            )
            quoted = any(mark in content for mark in MARKS) or re.search(r"(?:^|\s)‘|’(?:\s|$)", content)
            kind = StatementKind.DIRECT if whole_quote else StatementKind.MIXED if quoted else StatementKind.INDIRECT
            verb = match.groupdict().get("verb") or ""
            verb_start = para.start + match.start("verb") if verb else None
            out.append(Attribution(kind=kind, start=start, end=end, speaker=speaker, verb=verb, verb_start=verb_start,
                                   verb_end=verb_start + len(verb) if verb else None, confidence=0.7))
            break
    return out


def _speaker(resolver: SpeakerResolver, written: str, *, start: int) -> SpeakerRef | None:
    """The person or organisation a headline names, if the article's body names them too (a
    place or a word the body never gives as a name is no speaker: "Germany Says …" is left)."""
    index = resolver.index
    _title, bare = split_title(written)
    words = bare.split()
    if not words or any(norm(word) in NOT_NAMES or norm(word).rstrip(".") in TITLE_WORDS for word in words):
        return None
    full = index.full_name(bare)
    if index.person(full) is not None and looks_like_person(bare):
        return resolver.named(full, mention=written, start=start, end=start + len(written))
    if len(words) == 1 and looks_like_person(bare) and re.search(
        r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|President|Senator|Governor|Secretary|Judge|General|Gen)\.?\s+" + re.escape(bare) + r"\b",
        index.text[start + len(written):],
    ):
        # "Obama Says …" over a body that calls him "President Obama", "Mr. Obama": that person
        return SpeakerRef(name=bare, kind=SourceKind.PERSON, resolved=True, mention=written, start=start, end=start + len(written))
    organisation = next((name for _, _, name in index.organisations if name == bare), "")
    if organisation:
        return SpeakerRef(name=organisation, kind=SourceKind.ORGANISATION, resolved=True, mention=written, start=start,
                          end=start + len(written))
    return None

