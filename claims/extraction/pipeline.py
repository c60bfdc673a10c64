"""The extraction pipeline: article text in, attributed statements with offsets out.

Steps, per article:
1. layout (text.py): paragraphs, quotation spans paired per paragraph, sentence units;
2. a lexicon prefilter picks the units worth parsing (a reporting cue or a quote mark);
   only those go through spaCy, batched across all articles of a call;
3. per parsed unit, each cue verb gives a speaker (its subject, climbing participles and
   conjuncts) and a content (the quote it introduces, its clause or its object);
4. quotes with no cue in their unit: a following name line ("Pete Hegseth"), a dash name
   ("― Carla Sanchez"), a leading "Name:", a split or floating quote after an attributed
   one; upper-case transcript turns ("PENCE: ...");
5. speakers are resolved against the article index (speakers.py), in reading order;
6. the remaining sentences are scored for check-worthiness (checkworthy.py).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from . import checkworthy
from .lexicon import (
    ACCORDING,
    CUE_WORD_RE,
    FORM_TO_LEMMA,
    OBJECT,
    PERSONAL,
    PHRASAL,
    PLURAL_PRONOUNS,
    REPORTED_CONTENT,
    SAY,
    SPEAKER_NOUNS,
    STRONG,
    WEAK,
    is_speaker_noun,
    WEAK_CUE_WORD_RE,
)
from .model import get_nlp
from .lexicon import TITLE_WORDS as TITLE_SET
from .speakers import NAME_RUN, ArticleIndex, Salience, looks_like_person, norm, role_words, split_title
from .text import INVISIBLE, Paragraph, Quote, Unit, find_quotes, is_heading, paragraphs, units

MAX_PARSE_CHARS = 4000  # a "sentence" longer than this is not prose worth parsing
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
OBJECT_DEPS = {"dobj", "dative", "prep", "xcomp", "oprd", "attr", "acomp", "ccomp", "pobj", "prt", "advmod", "npadvmod"}
RELATIVE = {"who", "which", "that", "whom"}


@dataclass(frozen=True)
class Extracted:
    """One candidate. Offsets are ``str`` indices into the article text (``text[start:end]`` is
    the span, per ../shared/gold/README.md: a direct quote with its marks, a reported clause
    without speaker, cue or "that"). ``speaker`` is the resolved full name, or the mention as
    written when unresolved (``speaker_resolved`` False), or "" for none; ``speaker_mention``
    and its offsets are the words near the cue ("he", "the US Defence Secretary");
    ``speaker_aliases``/``speaker_roles`` are the other names and the titles the article gives
    that speaker. ``verb`` is the cue as written (None offsets when a quote has no cue).
    ``floating``: a quoted paragraph attributed to the speaker of the one before it."""

    kind: str
    start: int
    end: int
    speaker: str = ""
    speaker_kind: str = ""
    speaker_resolved: bool = False
    speaker_mention: str = ""
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_aliases: tuple[str, ...] = ()
    speaker_roles: tuple[str, ...] = ()
    verb: str = ""
    verb_start: int | None = None
    verb_end: int | None = None
    confidence: float = 0.5
    checkworthiness: float = 0.0
    floating: bool = False


@dataclass
class Speaker:
    """A resolved speaker, before it becomes fields of an Extracted."""

    name: str = ""
    kind: str = ""
    resolved: bool = False
    mention: str = ""
    start: int | None = None
    end: int | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass
class Attribution:
    kind: str
    start: int
    end: int
    speaker: Speaker
    verb: str
    verb_start: int | None
    verb_end: int | None
    confidence: float
    floating: bool = False


class _Article:
    """Per-article working state."""

    def __init__(self, text: str):
        self.text = text
        self.paras = paragraphs(text)
        self.quotes = find_quotes(text, self.paras)
        self.units = units(text, self.paras, self.quotes)
        self.headings = {i for i, p in enumerate(self.paras) if is_heading(text, p) and not self._quote_para(p)}
        self.to_parse: list[int] = []
        for k, unit in enumerate(self.units):
            if unit.paragraph in self.headings or unit.end - unit.start > MAX_PARSE_CHARS:
                continue
            chunk = text[unit.start:unit.end]
            outside = _mask_quotes(chunk, unit)
            if (
                CUE_WORD_RE.search(outside)
                or ACCORDING.search(outside)
                or (unit.quotes and ":" in outside)
                or outside.rstrip().endswith(":")
                or (WEAK_CUE_WORD_RE.search(outside) and REPORTED_CONTENT.search(chunk))
            ):
                self.to_parse.append(k)
        self.docs: dict[int, object] = {}

    def _quote_para(self, para: Paragraph) -> bool:
        return any(q.start <= para.start < q.end for q in self.quotes)


def _mask_quotes(chunk: str, unit: Unit) -> str:
    """The unit's text with quoted stretches blanked out (cues inside a quote are not ours)."""
    chars = list(chunk)
    for q in unit.quotes:
        for i in range(max(q.start, unit.start) - unit.start, min(q.end, unit.end) - unit.start):
            chars[i] = " "
    return "".join(chars)


def _clean_for_parse(s: str) -> str:
    # Invisible characters confuse the tokenizer; swap them for spaces (same length).
    return "".join(" " if c in INVISIBLE else c for c in s)


# ---------------------------------------------------------------------------- entry points


def extract_many(texts: list[str], *, checkworthy_threshold: float = 0.6) -> list[list[Extracted]]:
    arts = [_Article(t if isinstance(t, str) else "") for t in texts]
    jobs = [(ai, k) for ai, art in enumerate(arts) for k in art.to_parse]
    if jobs:
        nlp = get_nlp()
        chunks = (_clean_for_parse(arts[ai].text[arts[ai].units[k].start:arts[ai].units[k].end]) for ai, k in jobs)
        for (ai, k), doc in zip(jobs, nlp.pipe(chunks, batch_size=256)):
            arts[ai].docs[k] = doc
    return [_extract_article(art, checkworthy_threshold) for art in arts]


def extract(text: str, **kw) -> list[Extracted]:
    return extract_many([text], **kw)[0]


# ---------------------------------------------------------------------------- per article


def _extract_article(art: _Article, threshold: float) -> list[Extracted]:
    text = art.text
    index = ArticleIndex(text, [(art.paras[i].start, art.paras[i].end) for i in art.headings])
    sal = Salience()
    found: list[Attribution] = []
    quote_owner: dict[int, Attribution] = {}  # quote start -> the attribution that took it
    for k, unit in enumerate(art.units):
        if unit.paragraph in art.headings:
            name = _name_line(art, unit.paragraph, lambda n: index.person(index.full_name(n)) is not None)
            if name:
                sal.saw_person(index.full_name(name))
            continue
        doc = art.docs.get(k)
        unit_found: list[Attribution] = []
        if doc is not None:
            unit_found = _attributions_in_unit(art, unit, doc, index, sal)
            for a in unit_found:
                for q in unit.quotes:
                    if a.start <= q.start and q.end <= a.end:
                        quote_owner.setdefault(q.start, a)
            found.extend(unit_found)
        if not unit_found:
            _update_salience_from_plain(text, unit, index, sal, doc)
    found.extend(_unattributed_quotes(art, index, quote_owner, found))
    found.extend(_transcript_turns(art, index, {a.start for a in found}))
    found = _dedupe(found)
    out = [_to_extracted(a, index) for a in found]
    taken = sorted((a.start, a.end) for a in found)
    taken_starts = [t[0] for t in taken]
    longest = max((e - s for s, e in taken), default=0)
    for k, unit in enumerate(art.units):
        if unit.paragraph in art.headings or unit.quotes:
            continue
        if _overlaps_any(taken, taken_starts, unit.start, unit.end, longest):
            continue
        score = checkworthy.score(text[unit.start:unit.end])
        if score >= threshold:
            s, e = _trim(text, unit.start, unit.end)
            if e > s:
                out.append(Extracted(kind="checkworthy", start=s, end=e, confidence=score, checkworthiness=score))
    out.sort(key=lambda x: (x.start, x.end, x.kind))
    return out


def _dedupe(found: list[Attribution]) -> list[Attribution]:
    """One candidate per span; a direct quote beats a clause that only wraps it."""
    found.sort(key=lambda a: (a.start, -(a.end - a.start)))
    out: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for a in found:
        if a.end <= a.start or (a.start, a.end) in seen:
            continue
        seen.add((a.start, a.end))
        out.append(a)
    # a mixed/indirect clause that is essentially one direct quote is dropped
    directs = sorted((a.start, a.end) for a in out if a.kind == "direct")
    starts = [d[0] for d in directs]
    keep = []
    for a in out:
        if a.kind != "direct":
            lo = bisect.bisect_left(starts, a.start - 2)
            hi = bisect.bisect_right(starts, a.end + 2)
            if any(e <= a.end + 2 and (e - st) >= 0.85 * (a.end - a.start) for st, e in directs[lo:hi]):
                continue
        keep.append(a)
    return keep


def _overlaps_any(spans: list[tuple[int, int]], starts: list[int], s: int, e: int, longest: int) -> bool:
    """Whether [s, e) overlaps one of the sorted ``spans`` (no span is longer than ``longest``)."""
    lo = bisect.bisect_left(starts, s - longest)
    hi = bisect.bisect_left(starts, e)
    return any(b > s for a, b in spans[lo:hi])


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in INVISIBLE):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-" + INVISIBLE):
        e -= 1
    return s, e


def _trim_content(text: str, s: int, e: int) -> tuple[int, int]:
    """Content clause: no leading 'that'/punctuation, no trailing sentence punctuation."""
    s, e = _trim(text, s, e)
    m = re.match(r"(that\b|,|:)\s*", text[s:e])
    if m:
        s += m.end()
    while e > s:
        while e > s and text[e - 1] in ".,;:!?—–- ":
            e -= 1
        tail = re.search(r"[\s,]+(and|or|but|while|as|with)$", text[s:e])
        if not tail:
            break
        e = s + tail.start()
    # a parenthesis the clause opened is closed with it ("Sen. Marco Rubio (R-FL)")
    close = text.find(")", e, e + 3)
    if text.count("(", s, e) > text.count(")", s, e) and close >= 0:
        e = close + 1
    elif text[e - 1:e] == ")" and text.count("(", s, e) < text.count(")", s, e):
        e -= 1
    return s, e


# ---------------------------------------------------------------------------- cue handling


def _tok_start(unit: Unit, tok) -> int:
    return unit.start + tok.idx


def _tok_end(unit: Unit, tok) -> int:
    return unit.start + tok.idx + len(tok.text)


def _in_quote(unit: Unit, pos: int) -> bool:
    return any(q.start <= pos < q.end for q in unit.quotes)


def _is_cue(tok, unit) -> str | None:
    low = tok.lower_
    lemma = FORM_TO_LEMMA.get(low)
    if not lemma:
        return None
    if not tok.tag_.startswith("VB"):
        return None
    if tok.dep_ in {"amod", "compound", "aux", "auxpass"}:
        # '"Debate recap," tweeted Rubio spokesman Alex Conant': a cue right after a closing
        # mark is a cue even when the parser took it for an adjective
        start = _tok_start(unit, tok)
        if not any(0 <= start - q.end <= 2 for q in unit.quotes):
            return None
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return None  # "to endorse Trump": an intention, not a statement
    if tok.dep_ == "relcl" and not any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children) and tok.head.i < tok.i:
        if not any(c.dep_ in SUBJECT_DEPS and c.lower_ in RELATIVE for c in tok.children):
            return None  # "everything Trump says": the statement is the head noun, not a clause
    if _in_quote(unit, _tok_start(unit, tok)):
        return None
    return lemma


def _standalone(text: str, q: Quote) -> bool:
    """A quote that is a statement of its own (not a fragment woven into a sentence)."""
    before = text[max(0, q.start - 3):q.start].rstrip()
    if not before or before[-1] in ",:;.!?—–-(\n" or q.start == 0:
        return True
    para_start = text.rfind("\n", 0, q.start) + 1
    if not text[para_start:q.start].strip():
        return True
    inner = text[q.start + 1:q.end - 1].strip()
    # a long quote whose first word is capitalised reads as a full statement even without a comma
    return len(inner.split()) >= 6 and inner[:1].isupper() and inner[-1:] in ".,!?…"


def _subject(tok, unit: Unit):
    """The subject of a cue: its own, or that of the verb it hangs from (participles, conjuncts).

    Returns (token, quote): when the climb enters a quotation (", ” pointing out that ..."),
    the speaker is whoever said that quote, so the quote is returned instead of a token.
    """
    cur = tok
    for _ in range(6):
        for child in cur.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.lower_ in RELATIVE and cur.dep_ == "relcl":
                    head = cur.head
                    if head.tag_ in {"NNP", "NNPS"} or head.lower_ in SPEAKER_NOUNS:
                        return head, None
                    return None, None  # "a passion that suggested ...": not a source
                if child.dep_ == "nsubjpass":
                    continue
                return child, None
        if cur is not tok and cur.dep_ == "ROOT" and cur.tag_.startswith("NN"):
            return cur, None  # a fragment parse: "A senior diplomat called ..." as a noun phrase
        if cur.dep_ in {"advcl", "xcomp", "conj", "acl", "pcomp", "dobj", "pobj", "prep", "ccomp", "relcl"} and cur.head is not cur:
            if cur.dep_ == "relcl" and not cur.head.tag_.startswith("VB"):
                return cur.head, None
            if cur.dep_ == "ccomp" and cur.head.i > cur.i:
                return None, None  # a clause that is itself said by someone later: not its subject
            if cur.dep_ == "acl" and cur is tok and (cur.head.dep_ == "ROOT" or tok.tag_ == "VBG" and cur.head.tag_ in {"NNP", "NNPS"}):
                return cur.head, None
            head = cur.head
            pos = _tok_start(unit, head)
            for q in unit.quotes:
                if q.start <= pos < q.end and not (q.start <= _tok_start(unit, tok) < q.end):
                    return None, q
            cur = head
            continue
        break
    for child in tok.children:
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g, None
    if tok.dep_ == "ROOT" and tok.i > 1 and tok.nbor(-1).tag_ in {"NN", "NNS", "NNP", "NNPS"} and tok.nbor(-1).dep_ in {"appos", "conj", "pobj", "npadvmod"}:
        # "In an interview with hosts A and B, the candidate stated that …": the parser hung
        # the subject on the fronted phrase; the noun phrase right before the cue is its subject
        return tok.nbor(-1), None
    if tok.i > 0 and (tok.nbor(-1).text in {",", "”", '"', "''"} or tok.nbor(-1).text.endswith(("”", '"'))):
        # '"…," reported Reuters.' / '…, writes Smith.': an inverted cue, its subject parsed as
        # an object right after it
        for child in tok.children:
            if child.dep_ in {"dobj", "attr", "npadvmod", "oprd"} and child.i > tok.i and child.tag_ in {"NNP", "NNPS", "NN"}:
                if child.left_edge.i == tok.i + 1 or all(doc_t.tag_ in {"DT", "NNP", "NNPS", "NN", "JJ"} for doc_t in tok.doc[tok.i + 1:child.i]):
                    return child, None
    return None, None


def _span_of(tok, exclude=()) -> tuple[int, int]:
    """Token-index span of a subtree, cut before relative clauses and excluded children."""
    left, right = tok.left_edge.i, tok.right_edge.i
    for child in tok.children:
        if child.dep_ in {"relcl", "acl", "ccomp", "advcl", "parataxis"} and child.i > tok.i or child in exclude:
            right = min(right, child.left_edge.i - 1)
        elif child.dep_ in {"ccomp", "advcl", "parataxis", "csubj"} and child.i < tok.i:
            left = max(left, child.right_edge.i + 1)  # a mis-attached clause: not part of the name
    return left, right


def _speaker_mention(doc, subj) -> tuple[int, int]:
    left, right = _span_of(subj)
    while right > left and doc[right].is_punct and doc[right].text != ")":
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].lower_ in {"and", "but", "so", "also"}):
        left += 1
    return left, right


@dataclass
class _Found:
    att: Attribution
    cue: int  # token index of the cue
    content: tuple[int, int] | None  # token span of a clause/object content


# Prepositions that set the scene of a statement (when, where, at what event) rather than say what
# it was about.
SETTING_PREPS = {"during", "at", "on", "after", "before", "while", "since", "throughout", "amid", "following", "via", "outside", "inside"}

TEMPORAL_MARKS = {"after", "before", "when", "as", "since", "following", "amid", "until", "once"}


def _attributions_in_unit(art: _Article, unit: Unit, doc, index: ArticleIndex, sal: Salience) -> list[Attribution]:
    text = art.text
    found: list[_Found] = []
    used_quotes: set[int] = set()
    by_quote: dict[int, Speaker] = {}
    cues = []
    for tok in doc:
        lemma = _is_cue(tok, unit)
        if lemma:
            cues.append((tok, lemma))
        elif tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            cues.append((tok, "according to"))
    standalone = [q for q in unit.quotes if _standalone(text, q) and q.start >= unit.start]
    for tok, lemma in cues:
        vs, ve = _tok_start(unit, tok), _tok_end(unit, tok)
        verb = tok.text
        particle = None
        if lemma in PHRASAL:
            for child in tok.children:
                if child.dep_ in {"prt", "prep"} and child.lower_ in PHRASAL[lemma] and child.i == tok.i + 1:
                    particle = child
                    ve = _tok_end(unit, child)
                    verb = text[vs:ve]
        if lemma == "according to":
            att = _according(art, unit, doc, tok, index, sal)
            if att:
                found.append(_Found(att, tok.i, None))
            continue
        subj, via_quote = _subject(tok, unit)
        thing = None
        if via_quote is not None:
            speaker = by_quote.get(via_quote.start)
        else:
            speaker = _resolve(doc, unit, subj, index, sal, text) if subj is not None else None
            if speaker is not None and not speaker.kind and lemma not in STRONG:
                thing, speaker = speaker, None  # "the decision announced ...": a thing, not a source
        # 1. a standalone quote right before ("…,” he said) or right after (he said: “…”)
        quote = _adjacent_quote(text, unit, doc, tok, standalone, used_quotes)
        if quote is not None and quote.end <= vs and any(c.dep_ in {"ccomp", "xcomp"} and c.i > tok.i and not _in_quote(unit, _tok_start(unit, c)) for c in tok.children):
            quote = None  # 'In his book, “Title,” McKinley suggested looking at …': the cue has its own content
        if quote is not None:
            if speaker is None and thing is not None:
                speaker = thing  # whatever utters a whole quote is its source ("…?” a narrator asks)
            if speaker is None and via_quote is None and subj is None and quote.end <= vs:
                # a mis-parse ("“…,” a senior official, speaking on condition …, told AFP"):
                # the noun phrase between the quote and the cue is the speaker
                between = [t for t in doc if _tok_start(unit, t) >= quote.end and t.i < tok.i]
                head = None
                for t in between:
                    if t.text in {",", "(", "—", "–"} and head is not None:
                        break
                    if t.tag_ in {"NN", "NNS", "NNP", "NNPS", "PRP"}:
                        head = t
                if head is not None:
                    speaker = _resolve(doc, unit, head, index, sal, text)
                elif not between:
                    speaker = _speaker_after(text, ve, unit.end, index, sal)
            if speaker is None:
                continue
            used_quotes.add(quote.start)
            by_quote[quote.start] = speaker
            found.append(_Found(Attribution("direct", quote.start, quote.end, speaker, verb, vs, ve, _confidence(speaker, 0.95)), tok.i, None))
            continue
        if speaker is None:
            continue
        # 2. a content clause or object
        span = _content(doc, unit, tok, lemma, particle, subj)
        if span is None:
            led = _colon_led(art, unit, tok, used_quotes)
            if led is not None:
                used_quotes.add(led.start)
                found.append(_Found(Attribution("direct", led.start, led.end, speaker, verb, vs, ve, _confidence(speaker, 0.9)), tok.i, None))
            continue
        if not speaker.kind and span[0] > tok.i and not any(c.dep_ == "ccomp" for c in tok.children):
            continue  # a thing as subject reports only a clause ("the study found that ...")
        att = _content_attribution(text, unit, doc, span, speaker, verb, vs, ve, lemma, standalone, used_quotes)
        if att is not None:
            if att.kind == "direct":
                by_quote[att.start] = speaker
            found.append(_Found(att, tok.i, span))
    for q, colon in _colon_quotes(art, unit, standalone, used_quotes):
        # 'Trump went even further: “…”', 'She addressed the supporters again: “…”': a colon
        # hands a whole quote to the subject of its sentence even when the verb is no cue
        ctok = _token_at(doc, unit, colon)
        if ctok is None:
            continue
        root = ctok.head if ctok.head.tag_.startswith("VB") and ctok.head.i < ctok.i else ctok.sent.root
        if not root.tag_.startswith("VB") or _in_quote(unit, _tok_start(unit, root)):
            continue
        subj, via_quote = _subject(root, unit)
        speaker = _resolve(doc, unit, subj, index, sal, text) if subj is not None and via_quote is None else None
        if speaker is None or not speaker.kind:
            continue
        used_quotes.add(q.start)
        rs, re_ = _tok_start(unit, root), _tok_end(unit, root)
        found.append(_Found(Attribution("direct", q.start, q.end, speaker, root.text, rs, re_, _confidence(speaker, 0.75)), root.i, None))
    return _nest(text, unit, doc, found, standalone, used_quotes)


def _colon_quotes(art: _Article, unit: Unit, standalone: list[Quote], used: set[int]) -> list[tuple[Quote, int]]:
    """Whole quotes a colon of this unit leads into, each with the colon's offset: in the same
    unit ("… again: “…”") or as the whole next paragraph ("… as follows:" ⏎ "“…”")."""
    text = art.text
    out = []
    for q in standalone:
        before = text[unit.start:q.start].rstrip()
        if q.start not in used and before.endswith(":") and not _in_quote(unit, unit.start + len(before) - 1):
            out.append((q, unit.start + len(before) - 1))
    para = art.paras[unit.paragraph]
    own = text[unit.start:unit.end].rstrip()
    if own.endswith(":") and unit.end >= para.end and unit.paragraph + 1 < len(art.paras) and not _in_quote(unit, unit.start + len(own) - 1):
        nxt = art.paras[unit.paragraph + 1]
        for q in art.quotes:
            if q.start == nxt.start and q.start not in used:
                last = art.paras[_para_index(art, q.end - 1)]
                if q.end >= last.end - 1:  # the quote is the whole paragraph: no attribution of its own follows
                    out.append((q, unit.start + len(own) - 1))
                break
    return out


def _content_attribution(text, unit, doc, span, speaker, verb, vs, ve, lemma, standalone, used_quotes) -> Attribution | None:
    s, e = _trim_content(text, _tok_start(unit, doc[span[0]]), _tok_end(unit, doc[span[1]]))
    s, e = _balance(text, unit, s, e)
    if e - s < 3 or len(text[s:e].split()) < 2:
        return None
    covering = [q for q in standalone if q.start <= s + 1 and q.end >= e - 1]
    if covering:
        q = covering[0]
        if q.start in used_quotes:
            return None
        used_quotes.add(q.start)
        return Attribution("direct", q.start, q.end, speaker, verb, vs, ve, _confidence(speaker, 0.9))
    inner = [q for q in unit.quotes if q.start >= s and q.end <= e + 1]
    kind = "mixed" if inner else "indirect"
    conf = 0.8 if lemma not in WEAK else 0.6
    return Attribution(kind, s, e, speaker, verb, vs, ve, _confidence(speaker, conf))


def _nest(text, unit, doc, found: list[_Found], standalone, used_quotes) -> list[Attribution]:
    """A cue inside another cue's content: either the content's own verb ("noted that ... he
    warned him") and part of that statement, or a new attribution tacked on after a comma
    ("said that X, as he warned that Y") that ends the first content."""
    drop: set[int] = set()
    cut: dict[int, int] = {}
    for ai, a in enumerate(found):
        if a.content is None or a.att.kind == "direct":
            continue
        cs, ce = a.content
        for bi, b in enumerate(found):
            if bi == ai or not (cs <= b.cue <= ce):
                continue
            cue = doc[b.cue]
            left = cue.left_edge.i
            commas = [j for j in range(cs, left + 1) if doc[j].text in {",", ";", "—", "–"}]
            tacked = cue.dep_ in {"advcl", "conj", "parataxis", "acl"} and commas
            if tacked:
                cut[ai] = min(cut.get(ai, ce + 1), commas[-1])
            else:
                drop.add(bi)
    # "told the media that X, pointing to Y": a participle with only an object, hung on the
    # same cue right after its clause, continues that statement
    extend: dict[int, int] = {}
    for ai, a in enumerate(found):
        if a.content is None or a.att.kind == "direct" or ai in drop or ai in cut:
            continue
        if not any(c.dep_ == "ccomp" and c.i > a.cue for c in doc[a.cue].children):
            continue
        for bi, b in enumerate(found):
            cue = doc[b.cue]
            if bi == ai or bi in drop or b.content is None or cue.tag_ != "VBG" or cue.dep_ != "advcl" or cue.head.i != a.cue:
                continue
            if any(c.dep_ == "ccomp" for c in cue.children) or b.att.kind == "direct":
                continue
            if b.cue > a.content[1] and all(doc[j].is_punct for j in range(a.content[1] + 1, b.cue)):
                extend[ai] = b.content[1]
                drop.add(bi)
    out = []
    for i, f in enumerate(found):
        if i in drop:
            continue
        att = f.att
        if i in extend:
            new = _content_attribution(text, unit, doc, (f.content[0], extend[i]), att.speaker, att.verb, att.verb_start,
                                       att.verb_end, "", standalone, set())
            if new is not None:
                att = Attribution(new.kind, new.start, new.end, att.speaker, att.verb, att.verb_start, att.verb_end, att.confidence)
        if i in cut and cut[i] - 1 >= f.content[0]:
            new = _content_attribution(text, unit, doc, (f.content[0], cut[i] - 1), att.speaker, att.verb, att.verb_start,
                                       att.verb_end, "", standalone, set())
            if new is None:
                continue
            att = Attribution(new.kind, new.start, new.end, att.speaker, att.verb, att.verb_start, att.verb_end, att.confidence)
        out.append(att)
    return out


def _confidence(speaker: Speaker, base: float) -> float:
    if not speaker.resolved:
        base -= 0.1 if speaker.kind == "group" else 0.2
    return round(max(0.05, min(1.0, base)), 3)


def _balance(text: str, unit: Unit, s: int, e: int) -> tuple[int, int]:
    """Keep a quote that the clause cuts through whole (its closing mark and comma included)."""
    for q in unit.quotes:
        if s < q.end <= e + 3 and q.start < e and q.end > e:
            e = q.end
        elif s <= q.start < e < q.end and q.end <= unit.end and q.closed:
            # the clause opens a quote that runs on past the parse's clause ("told Fox that
            # "they hit Matt …. … gaming the ref.""): the statement is the whole quote
            e = q.end
        if q.start < s < q.end and (q.end < e or s - q.start <= 2):
            s = q.start  # a clause starting inside a quote starts at its opening mark
    return s, e


def _colon_led(art: _Article, unit: Unit, tok, used: set[int]) -> Quote | None:
    """'He said:' closing a paragraph, the quote opening the next one."""
    text = art.text
    after = text[unit.start + tok.idx + len(tok.text):unit.end]
    if not after.rstrip().endswith(":") or len(after.split()) > 10:
        return None
    pi = unit.paragraph
    if pi + 1 >= len(art.paras):
        return None
    nxt = art.paras[pi + 1]
    for q in art.quotes:
        if q.start == nxt.start and q.start not in used:
            return q
    return None


ABBREV_BEFORE_DOT = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen|Lt|Col|Sgt|Capt|St|Jr|Sr|Prof|Rev|Del|No|Inc|Corp|Co|Ltd|[A-Z]))$")


def _one_sentence(between: str) -> bool:
    """No sentence break or other quote between a quote and its cue (abbreviations allowed)."""
    if re.search(r"[!?;“”\"]", between):
        return False
    for m in re.finditer(r"\.", between):
        if not ABBREV_BEFORE_DOT.search(between[:m.start()]) and not re.match(r"[A-Z]\.", between[m.start() - 1:m.start() + 1] or ""):
            if m.end() < len(between) and re.match(r"\s+[A-Z]", between[m.end():]):
                return False
    return True


def _adjacent_quote(text: str, unit: Unit, doc, tok, standalone: list[Quote], used: set[int]) -> Quote | None:
    vs, ve = _tok_start(unit, tok), _tok_end(unit, tok)
    best = None
    for q in standalone:
        if q.start in used:
            continue
        if q.end <= vs:
            between = text[q.end:vs]
            close = q.end - 2 if text[q.end - 2:q.end] in ("''", "’’") else q.end - 1
            if len(between.split()) <= 10 and _one_sentence(between) and (
                text[close - 1:close] in {",", "?", "!", "—", "-", "…"} or between.strip().startswith((",", "—", "–"))
            ):
                best = q  # the nearest quote before
        elif q.start >= ve and best is None:
            between = text[ve:q.start]
            if len(between.split()) <= 8 and re.search(r"[,:—–]\s*$", between) and not re.search(r"\bthat\s*$", between):
                return q
            if not between.strip():
                return q
            if re.fullmatch(r"\s*(that\s+)?", between) is None and re.search(r":\s*$", between):
                return q
    return best


def _clause_span(doc, root, floor: int) -> tuple[int, int]:
    """A content clause's tokens, without a trailing temporal clause that has its own subject
    (", after Trump agreed to ..." is the reporter's context, not the statement)."""
    left, right = max(root.left_edge.i, floor), root.right_edge.i
    for child in root.children:
        if child.i > root.i and child.dep_ == "advcl" and child.left_edge.i > left + 2:
            marks = [c.lower_ for c in child.children if c.dep_ == "mark"]
            has_subject = any(c.dep_ in SUBJECT_DEPS for c in child.children)
            if marks and marks[0] in TEMPORAL_MARKS and has_subject and doc[child.left_edge.i - 1].text == ",":
                right = min(right, child.left_edge.i - 2)
    for j in range(left + 3, right):
        if doc[j].text == ";":
            right = j - 1  # "said X; they only learned …": the reporter's next clause
            break
        if j <= root.i or doc[j].text not in {"—", "–", "--"}:
            continue
        np = doc[j + 1]
        while j < np.head.i <= right and np.head is not np:
            np = np.head  # the head of the phrase after the dash
        if np.tag_.startswith("NN") and np.dep_ in {"appos", "npadvmod", "dep"} and any(c.dep_ in {"relcl", "acl"} for c in np.children) \
                and not any(doc[k].text in {"—", "–", "--"} for k in range(j + 1, right + 1)):
            right = j - 1  # "said X — something a caller also told police": a gloss on the statement
            break
    return left, right


def _content(doc, unit: Unit, tok, lemma: str, particle, subj) -> tuple[int, int] | None:
    subj_span = _span_of(subj) if subj is not None else (-1, -1)
    # clause complement
    for child in tok.children:
        if child.dep_ == "ccomp" and child.i > tok.i:
            if subj is not None and subj.i < tok.i and doc[child.left_edge.i - 1].text == "," and child.left_edge.i - 1 > tok.i:
                first_s = subj_span[0]
                if first_s >= 3 and doc[first_s - 1].text == "," and not _in_quote(unit, _tok_start(unit, doc[first_s - 1])):
                    # "To understand X, Roberts said, one should visit Y": a parenthetical cue
                    # inside the statement it reports
                    return (0, _last_word(doc, len(doc) - 1))
            return _clause_span(doc, child, tok.i + 1)
    if lemma in SAY and lemma not in OBJECT:
        # "He said legalizing it could put thousands to work": a clause the parser hung as xcomp
        for child in tok.children:
            if child.dep_ == "xcomp" and child.i > tok.i and child.right_edge.i - child.left_edge.i >= 3:
                if any(g.dep_ in {"ccomp", "nsubj"} for g in child.subtree if g is not child):
                    return _clause_span(doc, child, tok.i + 1)
    if lemma in SAY:
        # "claimed in an interview that he ...": a that-clause the parser hung elsewhere
        for t in doc[tok.i + 1:min(len(doc), tok.i + 10)]:
            if t.tag_.startswith("VB") or t.text in {",", ";", ":"} or _in_quote(unit, _tok_start(unit, t)):
                break
            if t.lower_ == "that" and t.dep_ == "mark" and t.head.i > t.i:
                return _clause_span(doc, t.head, t.i + 1)
        # "telling reporters on Thursday he viewed Obama as …": a clause without "that" the parser
        # hung elsewhere, right after the cue's own addressee and adjuncts
        subtree = {t.i for t in tok.subtree}
        j = tok.i + 1
        while j < len(doc) and j in subtree and doc[j].dep_ not in {"ccomp", "punct", "cc"} and not doc[j].tag_.startswith("VB"):
            j += 1
        if j < min(len(doc), tok.i + 10) and j > tok.i + 1 and j not in subtree:
            t = doc[j]
            if t.dep_ == "nsubj" and t.tag_ in {"PRP", "NNP", "NNPS", "NN", "NNS", "DT"} and t.head.tag_ in {"VBD", "VBZ", "VBP", "MD"} \
                    and t.head.i > t.i and not _in_quote(unit, _tok_start(unit, t)):
                left, right = _clause_span(doc, t.head, j)
                return (j, right)
    if particle is not None and particle.dep_ == "prep":
        objs = [c for c in particle.children if c.dep_ in {"pobj", "pcomp"}]
        if objs:
            right = max(o.right_edge.i for o in objs)
            # "called on Congress to act": the infinitive is part of what was asked
            for c in tok.children:
                if c.dep_ in {"xcomp", "ccomp"} and c.i > right:
                    right = c.right_edge.i
            return (particle.i + 1, right)
    if lemma == "call" and particle is None:
        kids = {c.dep_ for c in tok.children if c.i > tok.i}
        if not ("dobj" in kids and kids & {"oprd", "xcomp", "ccomp", "attr"}) and "oprd" not in kids:
            return None
    # object content for verbs that report their object
    if lemma in OBJECT and (lemma not in WEAK or lemma == "call" or _object_quotes(doc, unit, tok, particle)):
        comps = [c for c in tok.children if c.i > tok.i and c.dep_ in OBJECT_DEPS and c is not particle]
        if not comps and lemma in SAY and subj is not None:
            return _content_before(doc, unit, tok, lemma, subj)  # '"…," reported Reuters.'
        if not comps:
            return None
        if not any(c.dep_ in {"dobj", "ccomp", "xcomp", "oprd"} for c in comps):
            return None  # "admitted under questioning", "rejected in 2015": no object, no content
        dobj = next((c for c in comps if c.dep_ == "dobj"), None)
        if dobj is not None and dobj.tag_ == "PRP" and not any(
            c.dep_ in {"oprd", "xcomp", "ccomp"} or (c.dep_ == "prep" and c.lower_ in {"as", "for", "of"}) for c in comps
        ):
            return None  # "disclosed them to the AP": the content is elsewhere
        right = tok.i
        for c in sorted(comps, key=lambda c: c.i):
            # stop at a comma that opens a new clause
            if any(doc[j].text in {",", ";"} for j in range(right + 1, c.left_edge.i)):
                break
            if right > tok.i and c.dep_ == "npadvmod":
                continue  # "cited the figures Tuesday": when, not what
            if right > tok.i and c.dep_ == "prep" and c.lower_ in SETTING_PREPS and doc[right].text in {"”", '"', "''"}:
                break  # "blasted X as a “disgrace” on a radio show": a quoted object is complete; where, not what
            right = max(right, c.right_edge.i)
        if right == tok.i:
            return None
        for j in range(tok.i + 2, right + 1):
            # "dismissed X as “…” — a metaphor for …", "as a “disgrace” Wednesday on a radio
            # show": after a quoted object, a dash opens the reporter's gloss, and a time word or
            # a setting preposition says when and where
            if doc[j - 1].text in {"”", '"', "''"} and (
                doc[j].text in {"—", "–", "-", "--"} and doc[j].dep_ == "punct"
                or doc[j].dep_ == "npadvmod" or doc[j].dep_ == "prep" and doc[j].lower_ in SETTING_PREPS
            ):
                right = j - 1
                break
        first = min(c.left_edge.i for c in comps)
        return (max(first, tok.i + 1), right)
    if lemma in {"ask", "urge", "tell", "encourage", "exhort", "implore"}:
        for child in tok.children:
            if child.dep_ in {"xcomp"} and child.i > tok.i:
                # "told his advisers to figure out …": who was asked is part of the request
                dobj = next((c for c in tok.children if c.dep_ == "dobj" and tok.i < c.i < child.i), None)
                left = dobj.left_edge.i if dobj is not None and dobj.tag_ != "PRP" else child.left_edge.i
                return (left, child.right_edge.i)
    return _content_before(doc, unit, tok, lemma, subj)


def _object_quotes(doc, unit: Unit, tok, particle) -> bool:
    """Whether a weak cue's object holds a quotation ("attacked “the hateful ideology …”"):
    a quoted object makes even a weak verb report what was said."""
    for c in tok.children:
        if c.i > tok.i and c.dep_ in OBJECT_DEPS and c is not particle:
            s, e = _tok_start(unit, doc[c.left_edge.i]), _tok_end(unit, doc[c.right_edge.i])
            if any(s - 2 <= q.start < e for q in unit.quotes):
                return True
    return False


def _content_before(doc, unit: Unit, tok, lemma: str, subj) -> tuple[int, int] | None:
    """Content before the cue: "X, sources said." / "X, he added." -- the cue and its subject
    close the sentence."""
    if subj is None or lemma in WEAK and lemma not in {"add", "tell", "note"} or lemma not in SAY:
        return None
    subj_span = _span_of(subj)
    first_s = min(subj_span[0], tok.i)
    if first_s < 3 or doc[first_s - 1].text not in {",", "—", "–", "--"} and not _quote_ends_before(unit, doc, first_s):
        return None
    addressee = lemma in {"tell", "ask", "inform", "assure", "remind", "warn", "brief"}
    if any(c.dep_ in {"ccomp", "xcomp"} or (c.dep_ == "dobj" and not addressee and c is not subj) for c in tok.children if c.i > tok.i):
        return None  # "..., mining companies declared bankruptcy": the cue has its own object
    clause_before = any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc[0:first_s]) or _quote_ends_before(unit, doc, first_s)
    subject_tokens = set(range(subj.left_edge.i, subj.right_edge.i + 1)) if subj.i > tok.i else set()
    stop = next((t.i for t in doc[tok.i + 1:] if t.text in {".", "!", "?"} and t.i not in subject_tokens), len(doc))
    if tok.dep_ == "ROOT":
        # '"…," McConnell said in June, citing …': what follows the main cue's first comma is
        # the reporter's gloss (a participle), not a sign of a parenthetical cue
        comma = next((t.i for t in doc[tok.i + 1:stop] if t.text in {",", ";", "—", "–"} and t.i not in subject_tokens), None)
        if comma is not None and doc[comma].text == "," and comma + 1 < stop and doc[comma + 1].lower_ in {"and", "but"} \
                and any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc[comma + 2:stop]) and _clause_before(doc, first_s):
            # "X, the agency said in a report, and Y": the cue sits inside one statement of two parts
            return (0, _last_word(doc, stop - 1))
        stop = comma if comma is not None else stop
    rest = [t for t in doc[tok.i + 1:stop] if not t.is_punct and t.i not in subject_tokens]
    if len(rest) > 10 or any(t.tag_.startswith("VB") for t in rest):
        # "Climate change, Mr. Obama often says, is the greatest threat": a parenthetical cue
        after = tok.i + 1
        while after < len(doc) and (doc[after].dep_ in {"advmod", "prt"} or doc[after].tag_ in {"RB", "RP"}):
            after += 1
        if after < len(doc) - 3 and doc[after].text == "," and first_s >= 3:
            end = len(doc) - 1
            while end > 0 and doc[end].is_punct and doc[end].text not in {"”", "\""}:
                end -= 1
            return (0, end)
        return None
    if not clause_before:
        return None  # what precedes is not a clause ("One after another, ...")
    end = first_s - 1
    while end > 0 and (doc[end].is_punct and doc[end].text not in {"”", "\""}):
        end -= 1
    if tok.dep_ == "ROOT":
        ccomps = [c for c in tok.children if c.dep_ in {"ccomp", "advcl", "parataxis"} and c.i < tok.i]
        if ccomps:
            return (ccomps[0].left_edge.i, min(end, ccomps[0].right_edge.i))
    return (0, end) if end >= 2 else None


def _clause_before(doc, first_s: int) -> bool:
    return any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc[0:first_s])


def _last_word(doc, end: int) -> int:
    while end > 0 and doc[end].is_punct and doc[end].text not in {"”", '"', "''"}:
        end -= 1
    return end


def _quote_ends_before(unit: Unit, doc, i: int) -> bool:
    pos = _tok_start(unit, doc[i])
    return any(0 <= pos - q.end <= 2 for q in unit.quotes)


def _according(art: _Article, unit: Unit, doc, tok, index: ArticleIndex, sal: Salience) -> Attribution | None:
    text = art.text
    to = doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return None
    src = objs[0]
    speaker = _resolve(doc, unit, src, index, sal, text)
    if speaker is None:
        return None
    phrase_s, phrase_e = _tok_start(unit, tok), _tok_end(unit, src.right_edge)
    before = _trim_content(text, unit.start, phrase_s)
    after = _trim_content(text, phrase_e, unit.end)
    s, e = before if (before[1] - before[0]) >= (after[1] - after[0]) else after
    if e - s < 10:
        return None
    kind = "mixed" if any(s <= q.start and q.end <= e + 1 for q in unit.quotes) else "indirect"
    return Attribution(kind, s, e, speaker, text[phrase_s:_tok_end(unit, to)], phrase_s, _tok_end(unit, to), _confidence(speaker, 0.8))


# ---------------------------------------------------------------------------- speakers


def _resolve(doc, unit: Unit, subj, index: ArticleIndex, sal: Salience, text: str) -> Speaker | None:
    left, right = _speaker_mention(doc, subj)
    ms, me = _tok_start(unit, doc[left]), _tok_end(unit, doc[right])
    mention = text[ms:me]
    low = subj.lower_
    if any(t.tag_ in {"VBZ", "VBP", "VBD"} and t.head.dep_ != "relcl" and t.dep_ != "relcl" for t in doc[left:right + 1]) and subj.dep_ not in {"relcl"}:
        return None  # a clause, not a speaker
    if low in {"i", "we"}:
        # the writer speaking in an opinion piece: kept as written, never resolved
        ms, me = _tok_start(unit, subj), _tok_end(unit, subj)
        return Speaker(subj.text, "person" if low == "i" else "group", False, subj.text, ms, me)
    if low in {"you", "it", "this", "which", "that", "what", "there"} or subj.tag_ in {"WDT", "WP"} and subj.dep_ != "relcl":
        return None
    if subj.tag_ == "PRP" or low in PERSONAL | PLURAL_PRONOUNS:
        ms, me = _tok_start(unit, subj), _tok_end(unit, subj)
        mention = subj.text
        if low in PERSONAL:
            name = sal.pronoun(low, index)
            if name:
                sal.saw_person(name)
                return _named(index, name, mention, ms, me)
            return Speaker(mention, "person", False, mention, ms, me)
        if low in PLURAL_PRONOUNS:
            group = sal.pronoun(low, index)
            if group:
                return Speaker(group, "group", False, mention, ms, me)
            return Speaker(mention, "group", False, mention, ms, me)
        return None
    # a person named in the mention, as its head or in apposition to it (not as an owner:
    # "the Clinton campaign", "Trump's spokesman" are not Clinton or Trump)
    name = ""
    speaker_tokens = {subj.i} | {c.i for c in subj.children if c.dep_ == "appos"}
    if subj.lower_.rstrip(".") in TITLE_SET or subj.lower_ in SPEAKER_NOUNS:
        speaker_tokens |= {c.i for c in subj.children if c.dep_ in {"compound", "appos"} and c.i > subj.i}
    for c in list(speaker_tokens):
        if doc[c].dep_ == "appos":
            speaker_tokens |= {g.i for g in doc[c].children if g.dep_ == "appos"}
    for m in NAME_RUN.finditer(text, ms, me):
        run = re.sub(r"[’']s$", "", m.group(0))
        if text[m.end():m.end() + 2] in ("’s", "'s"):
            continue
        last = _token_at(doc, unit, m.start() + len(run) - 1)
        if last is None or last.i not in speaker_tokens:
            continue
        bare = split_title(run)[1]
        full = index.full_name(bare)
        known = index.person(full) is not None
        ent_ok = last.ent_type_ in {"PERSON", ""}
        courtesy = re.search(r"\b(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Prof)\.?\s+$", text[max(0, m.start() - 6):m.start()]) is not None
        if looks_like_person(bare) and (known or courtesy or len(bare.split()) >= 2 and ent_ok):
            name = bare
            break
    if not name and subj.lower_.rstrip(".") in TITLE_SET:
        # the parser made the title the head ("Del. Stacey Plaskett"): the name follows it
        for m in NAME_RUN.finditer(text, ms, me):
            bare = split_title(re.sub(r"[’']s$", "", m.group(0)))[1]
            if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
                name = bare
                break
    proper = _is_proper(subj, index, text)
    org_ent = next((e for e in doc.ents if e.label_ in {"ORG", "GPE", "NORP", "FAC", "LOC"} and e.start <= subj.i < e.end), None)
    if not name and proper:
        cand = split_title(_proper_run(doc, subj))[1]
        known = index.full_name(cand)
        if index.person(known) or (looks_like_person(cand) and org_ent is None and subj.ent_type_ in {"PERSON", ""}
                                   and (len(cand.split()) >= 2 or subj.ent_type_ == "PERSON")):
            name = cand
    if name:
        name = re.sub(r"[’']s$", "", name.strip())
        full = index.full_name(name)
        sal.saw_person(full)
        sp = _named(index, full, mention, ms, me)
        title = _role_phrase(mention[: mention.find(name)].strip(" ,")) if name in mention else ""
        if title and len(title.split()) <= 8 and title not in sp.roles and role_words(title) & TITLE_SET:
            sp.roles = sp.roles + (title,)
        return sp
    head = subj.lower_
    if proper and (org_ent is not None or subj.tag_ in {"NNP", "NNPS"}) and head not in SPEAKER_NOUNS:
        run = _proper_run(doc, subj)
        bare = split_title(run)[1]
        if "," in mention or len(mention.split()) > 8:
            ms = _tok_start(unit, subj) - (len(run) - len(subj.text))
            me, mention = _tok_end(unit, subj), run
        # a lone surname the article never gave in full: a person unless it reads as an
        # organisation (an acronym, "the Pentagon", "... Party")
        if (
            org_ent is None and looks_like_person(bare) and not bare.isupper() and subj.tag_ == "NNP"
            and not re.search(r"\bthe\s+" + re.escape(bare) + r"\b", text, re.I)
        ):
            sal.saw_person(bare)
            return Speaker(bare, "person", True, mention, ms, me)
        return Speaker(mention, "organisation", True, mention, ms, me)
    # a role or description: "the US Defence Secretary", "a senior diplomat", "the person"
    if subj.tag_ in {"NN", "NNS", "NNP", "NNPS", "CD"}:
        plural = subj.tag_ in {"NNS", "NNPS"}
        indefinite = doc[left].lower_ in {"a", "an", "another", "one", "some"}
        who = index.by_role(mention, sal.persons) if not plural and not indefinite else None
        known_speaker = is_speaker_noun(head) or bool(who)
        if not plural:
            if who:
                sal.saw_person(who)
                return _named(index, who, mention, ms, me)
            prev = sal.generic(head) if doc[left].lower_ in {"the", "this", "that"} else ""
            if prev:
                return Speaker(prev, "person", False, mention, ms, me)  # "the person": no role to learn
            if known_speaker and doc[left].lower_ in {"a", "an", "one", "another"}:
                sal.last_unnamed = mention
            role = _role_phrase(mention) if known_speaker else ""
            return Speaker(mention, "person" if known_speaker else "", False, mention, ms, me, roles=(role,) if role else ())
        if len(mention.split()) <= 25:
            if known_speaker:
                sal.last_group = mention
            return Speaker(mention, "group" if known_speaker else "", False, mention, ms, me)
    return None


def _token_at(doc, unit: Unit, pos: int):
    """The token covering a text offset, if the unit's doc has one."""
    rel = pos - unit.start
    for tok in doc:
        if tok.idx <= rel < tok.idx + len(tok.text):
            return tok
    return None


def _is_proper(tok, index: ArticleIndex, text: str) -> bool:
    """A proper noun, even where the tagger says NN (sentence-initial 'Trump', 'Ditto'): the
    article also writes it capitalised mid-sentence, or knows it as a surname."""
    if tok.tag_ in {"NNP", "NNPS"}:
        return True
    word = tok.text
    if not word[:1].isupper() or not word[1:].islower() or tok.tag_ not in {"NN", "NNS"}:
        return False
    if norm(word) in index.by_surname:
        return True
    return re.search(r"[a-z,] " + re.escape(word) + r"\b", text) is not None


def _speaker_after(text: str, start: int, end: int, index: ArticleIndex, sal: Salience) -> Speaker | None:
    """The name right after an inverted cue ('…," said spokesman Alex Conant.'), read from the
    text when the parse went astray."""
    m = re.match(r"\s*([^,.;:!?“”\"()]{2,80})", text[start:end])
    if not m:
        return None
    phrase = m.group(1).rstrip()
    runs = [r for r in NAME_RUN.finditer(phrase)]
    for r in reversed(runs):
        bare = split_title(re.sub(r"[’']s$", "", r.group(0)))[1]
        if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
            full = index.full_name(bare)
            sal.saw_person(full)
            ms = start + m.start(1)
            return _named(index, full, phrase, ms, ms + len(phrase))
    return None


def _role_phrase(mention: str) -> str:
    return re.sub(r"^(the|a|an|this|that)\s+", "", mention.strip(), flags=re.I)


def _proper_run(doc, tok) -> str:
    left = tok.i
    while left > 0 and doc[left - 1].tag_ in {"NNP", "NNPS"} and doc[left - 1].dep_ in {"compound", "nmod", "amod"}:
        left -= 1
    return doc[left:tok.i + 1].text


def _named(index: ArticleIndex, full: str, mention: str, ms: int, me: int) -> Speaker:
    person = index.person(full)
    aliases = tuple(sorted(a for a in (person.aliases if person else {full.split()[-1]}) if a != full))
    roles = tuple(person.roles) if person else ()
    return Speaker(full, "person", True, mention, ms, me, aliases, roles)


def _update_salience_from_plain(text: str, unit: Unit, index: ArticleIndex, sal: Salience, doc) -> None:
    """A sentence that attributes nothing still sets who 'he' is: its first named person
    when the sentence starts with them (the subject, in news prose)."""
    if doc is not None:
        for tok in doc:
            if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.dep_ == "ROOT":
                if tok.ent_type_ == "PERSON" or tok.tag_ == "NNP":
                    name = index.full_name(_proper_run(doc, tok))
                    if index.person(name):
                        sal.saw_person(name)
                elif tok.tag_ == "NNS":
                    left, right = _span_of(tok)
                    sal.last_group = doc[left:right + 1].text
                return
        return
    for s, e, full in index.mentions:
        if any(q.start <= s < q.end for q in unit.quotes):
            continue
        if unit.start <= s < unit.start + 80:
            if len(text[unit.start:s].split()) <= 6:
                sal.saw_person(full)
            return
        if s >= unit.start + 80:
            break


# ---------------------------------------------------------------------------- quotes without a cue


NAME_LINE = re.compile(r"^[—–-]?\s*(?:[A-Z][\w’'.-]*\s*){1,5}$")


def _name_line(art: _Article, pi: int, index_knows=None) -> str:
    """The name on a line that holds only a speaker's name, right after a quoted paragraph."""
    if pi == 0:
        return ""
    para = art.paras[pi]
    line = art.text[para.start:para.end]
    if len(line) > 60 or not NAME_LINE.match(line):
        return ""
    prev = art.paras[pi - 1]
    if not any(q.end == prev.end or (q.end >= prev.end - 1 and q.start < prev.end) for q in art.quotes):
        return ""
    bare = split_title(line.lstrip("—–- "))[1]
    if not looks_like_person(bare) or line.endswith("."):
        return ""
    # a single word is a credit line ("Netflix", "Reuters") unless the article names that person
    if len(bare.split()) < 2 and index_knows is not None and not index_knows(bare):
        return ""
    return bare


def _unattributed_quotes(art: _Article, index: ArticleIndex, owner: dict[int, Attribution], found: list[Attribution]) -> list[Attribution]:
    text = art.text
    out: list[Attribution] = []
    prev: Attribution | None = None
    prev_para = -10
    # the last attribution of each paragraph: a quoted paragraph right after it floats on it
    last_in_para: dict[int, Attribution] = {}
    for a in sorted(found, key=lambda a: a.end):
        last_in_para[_para_index(art, a.end - 1)] = a
    for q in art.quotes:
        pi = _para_index(art, q.start)
        if q.start in owner:
            prev, prev_para = owner[q.start], _para_index(art, q.end - 1)
            continue
        if pi - 1 in last_in_para and (prev is None or prev_para < pi - 1 or last_in_para[pi - 1].end > prev.end):
            prev, prev_para = last_in_para[pi - 1], pi - 1
        if not _standalone(text, q) or len(text[q.start:q.end].split()) < 3:
            continue
        end_pi = _para_index(art, q.end - 1)
        nxt = art.paras[end_pi + 1] if end_pi + 1 < len(art.paras) else None
        para = art.paras[end_pi]
        tail = text[q.end:para.end].strip()
        # "Rachel Reeves: “…”": a name and a colon lead the quote
        lead = text[para_start_of(art, q.start):q.start]
        lead = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lead)[-1]
        colon = re.fullmatch(r"\s*([A-Z][a-z]+)\s+((?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]*)\s*[:,]\s*", lead)
        if colon and FORM_TO_LEMMA.get(colon.group(1).lower()) not in SAY:
            colon = None
        if colon is None:
            colon = re.fullmatch(r"\s*()((?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]*)\s*:\s*", lead)
        cue_word = colon.group(1) if colon else None
        if colon:
            # "Rachel Reeves: “…”" or the inverted "Said Ellis: “…”"
            bare = split_title(colon.group(2))[1]
            if looks_like_person(bare) and (len(bare.split()) >= 2 or index.person(index.full_name(bare))):
                name_s = q.start - len(lead) + colon.start(2)
                sp = _named(index, index.full_name(bare), colon.group(2), name_s, name_s + len(colon.group(2)))
                vs = q.start - len(lead) + colon.start(1) if cue_word else None
                att = Attribution("direct", q.start, q.end, sp, cue_word or "", vs, vs + len(cue_word) if cue_word else None, 0.85)
                out.append(att)
                prev, prev_para = att, end_pi
                continue
        # "…” ― Carla Sanchez": a name after a dash, closing the quote's paragraph
        dash = re.match(r"[―—–-]+\s*((?:[A-Z][\w’'.-]*\s*){1,5})\.?$", tail)
        if dash:
            raw = dash.group(1).strip()
            bare = split_title(raw)[1]
            if looks_like_person(bare):
                name_s = text.find(raw, q.end)
                sp = _named(index, index.full_name(bare), raw, name_s, name_s + len(raw))
                att = Attribution("direct", q.start, q.end, sp, "", None, None, 0.85)
                out.append(att)
                prev, prev_para = att, end_pi
                continue
        # a line holding only the speaker's name
        bare = _name_line(art, end_pi + 1, lambda n: index.person(index.full_name(n)) is not None) if nxt is not None and not tail else ""
        if bare:
            raw = text[nxt.start:nxt.end].lstrip("—–- ")
            name_s = nxt.start + (nxt.end - nxt.start - len(raw))
            sp = _named(index, index.full_name(bare), raw, name_s, nxt.end)
            att = Attribution("direct", q.start, q.end, sp, "", None, None, 0.9)
            out.append(att)
            prev, prev_para = att, end_pi
            continue
        # a colon-led quote: the previous paragraph ends "X said:" (handled when parsed) or
        # a floating quote right after an attributed one
        same_para_split = (
            prev is not None and pi == prev_para and q.start >= prev.end and len(text[prev.end:q.start].split()) <= 15
            and not any(
                r.start < q.start and r.end > prev.end and _standalone(text, r)
                for r in art.quotes if r is not q and r.start >= prev.end
            )
        )
        next_para = prev is not None and pi == prev_para + 1 and text[art.paras[pi].start:q.start].strip() == ""
        if same_para_split or next_para:
            floating = pi != prev_para
            att = Attribution("direct", q.start, q.end, prev.speaker, prev.verb if not floating else "", None if floating else prev.verb_start,
                              None if floating else prev.verb_end, 0.7 if floating else 0.85, floating=floating)
            out.append(att)
            prev, prev_para = att, end_pi
            continue
    return out


TURN = re.compile(r"[\"“]?([A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,2}):\s+(?=\S)")


def _transcript_turns(art: _Article, index: ArticleIndex, taken: set[int]) -> list[Attribution]:
    """Interview transcripts: a paragraph opening with an upper-case speaker label
    ("PENCE: Well, look, ...") is that speaker's statement."""
    text = art.text
    out = []
    for pi, para in enumerate(art.paras):
        if pi in art.headings:
            continue
        m = TURN.match(text, para.start, para.end)
        if not m or len(m.group(1)) < 2 or m.group(1) in {"UPDATE", "NOTE", "EDITOR", "WATCH", "READ", "PHOTO", "VIDEO"}:
            continue
        s, e = _trim_content(text, m.end(), para.end)
        if text[e:e + 1] in "”\"" and e < para.end:
            e += 1
        if e - s < 10 or s in taken:
            continue
        label = m.group(1).title()
        full = index.full_name(label)
        ls = m.start(1)
        sp = _named(index, full, m.group(1), ls, ls + len(m.group(1)))
        out.append(Attribution("direct", s, e, sp, "", None, None, 0.8))
    return out


def para_start_of(art: _Article, pos: int) -> int:
    return art.paras[_para_index(art, pos)].start


def _para_index(art: _Article, pos: int) -> int:
    lo, hi = 0, len(art.paras) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if art.paras[mid].start <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _to_extracted(a: Attribution, index: ArticleIndex) -> Extracted:
    sp = a.speaker
    return Extracted(
        kind=a.kind, start=a.start, end=a.end, speaker=sp.name, speaker_kind=sp.kind, speaker_resolved=sp.resolved,
        speaker_mention=sp.mention, speaker_start=sp.start, speaker_end=sp.end, speaker_aliases=tuple(sp.aliases),
        speaker_roles=tuple(r for r in sp.roles if r), verb=a.verb, verb_start=a.verb_start, verb_end=a.verb_end,
        confidence=a.confidence, checkworthiness=checkworthy.score_span(index.text[a.start:a.end]), floating=a.floating,
    )
