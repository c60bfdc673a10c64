"""Reported speech in one parsed unit: each cue verb gives a speaker (its subject, climbing
participles and conjuncts) and a content (the quote it introduces, its clause or its object);
"according to" phrases and colon-led quotes too."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .candidates import Attribution, SourceKind, SpeakerRef, Stance, StatementKind, confidence_for
from .content import DATA_SOURCES, FINDING, clause_span, coordinated_verbs_end, cue_content, without_reporters_addition
from .cues import adjacent_quote, cue_lemma, cue_subject
from .layout import ArticleLayout
from .lexicon import COGNITION, DECLINE, DEEDS_TOO, FORM_TO_LEMMA, INTENTION, OBJECT, PHRASAL, REPORT_NOUNS, STRONG, WEAK
from .resolution import SpeakerResolver
from .stance import cue_stance, declined_content, intended_content, is_supposed
from .spans import in_quote, is_standalone, last_word, token_at, token_end, token_start, trim_content
from .text import Quote, Unit
from .topics import poll_setting, topic_reports, views_as

# Cues that give a name rather than a stance on it.
NAMING = {"call", "label", "brand", "dub", "term", "refer", "reference"}


@dataclass
class CueFinding:
    """An attribution found at a cue, with the token positions later cues are compared with."""

    attribution: Attribution
    cue_index: int  # token index of the cue
    content: tuple[int, int] | None  # token span of a clause/object content


@dataclass(frozen=True)
class Cue:
    """A cue as written: its words (a phrasal verb with its particle) and their offsets."""

    verb: str
    start: int
    end: int


def attributions_in_unit(layout: ArticleLayout, unit: Unit, doc, resolver: SpeakerResolver) -> list[Attribution]:
    """Every attributed statement whose cue is in ``unit`` (parsed as ``doc``)."""
    text = layout.text
    found: list[CueFinding] = []
    used_quotes: set[int] = set()
    speaker_of_quote: dict[int, SpeakerRef] = {}
    speaker_of_words: dict[int, SpeakerRef] = {}  # quoted words inside a mixed statement
    cues = []
    for token in doc:
        lemma = cue_lemma(token, unit)
        if lemma:
            cues.append((token, lemma))
        elif token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            cues.append((token, "according to"))
    standalone = [quote for quote in unit.quotes if is_standalone(text, quote) and quote.start >= unit.start]
    for token, lemma in cues:
        cue = Cue(verb=token.text, start=token_start(unit, token), end=token_end(unit, token))
        particle = None
        if lemma in PHRASAL:
            # the particle right after the cue, or a preposition after it and a few adverbs or a
            # day ("spoke out Tuesday about", "weighed in on")
            near = [child for child in token.children if child.dep_ in {"prt", "prep"} and child.lower_ in PHRASAL[lemma]
                    and token.i < child.i <= token.i + 4
                    and all(between.dep_ in {"prt", "advmod", "npadvmod"}
                            or lemma == "ask" and (between.dep_ in {"dobj", "dative"} or between.head.dep_ in {"dobj", "dative"})
                            for between in doc[token.i + 1:child.i])]  # ("asked the governor about")
            if lemma == "ask" and token.tag_ == "VBN" and not any(child.dep_ == "nsubj" for child in token.children):
                near = []  # "When asked about X, Reyes said …": Reyes was asked; who asked is not named
            if near:
                particle = max(near, key=lambda child: (child.dep_ == "prep", -child.i))
                cue_end = token_end(unit, particle)
                cue = Cue(verb=text[cue.start:cue_end], start=cue.start, end=cue_end)
        if lemma == "according to":
            attribution = _according(layout, unit, doc, token, resolver)
            if attribution:
                found.append(CueFinding(attribution, token.i, None))
            continue
        subject, via_quote = cue_subject(token, unit)
        thing = None
        if via_quote is not None:
            speaker = speaker_of_quote.get(via_quote.start)
            if speaker is None and token.tag_ == "VBG":
                speaker = speaker_of_words.get(via_quote.start)  # 'said he has “expanded the party,” claiming …': his words, his claim
        else:
            speaker = resolver.resolve(doc, unit, subject) if subject is not None else None
            if speaker is not None and not speaker.kind and lemma not in STRONG and not (lemma in FINDING and subject.lower_ in DATA_SOURCES):
                thing, speaker = speaker, None  # "the decision announced ...": a thing, not a source
        # 1. a standalone quote right before ("…,” he said) or right after (he said: “…”)
        quote = adjacent_quote(text, unit, token, standalone, used_quotes)
        if quote is not None and quote.end <= cue.start and any(
            child.dep_ in {"ccomp", "xcomp"} and child.i > token.i and not in_quote(unit, token_start(unit, child))
            and not any(between.text in {"—", "–", "--"} for between in doc[token.i + 1:child.left_edge.i + 1])
            for child in token.children
        ):
            quote = None  # 'In his book, “Title,” McKinley suggested looking at …': the cue has its own content
        if quote is not None:
            if speaker is None and thing is not None:
                speaker = thing  # whatever utters a whole quote is its source ("…?” a narrator asks)
            if speaker is None and via_quote is None and subject is None and quote.end <= cue.start:
                speaker = _speaker_between(doc, unit, resolver, quote=quote, cue_token=token, cue=cue)
            if speaker is None:
                continue
            used_quotes.add(quote.start)
            speaker_of_quote[quote.start] = speaker
            found.append(CueFinding(_direct(quote, speaker=speaker, cue=cue, base=0.95, stance=cue_stance(token, lemma)), token.i, None))
            continue
        if speaker is None:
            continue
        intended = intended_content(token, lemma) if speaker.kind else None
        if intended is not None:
            intended = coordinated_verbs_end(doc, unit, token, intended)
        if intended is not None or lemma in INTENTION:
            # "plans to call on young people": an intention, marked as one
            attribution = _content_attribution(text, unit, doc, intended, speaker=speaker, cue=cue, lemma=lemma, standalone=[],
                                               used_quotes=used_quotes) if intended is not None else None
            if attribution is not None:
                attribution.stance = cue_stance(token, lemma)
                found.append(CueFinding(attribution, token.i, intended))
            continue
        refused = declined_content(token, lemma)
        if refused is not None:
            refused = coordinated_verbs_end(doc, unit, token, refused)
        if refused is not None or lemma in DECLINE:
            # "declined to comment": no claim, but an attribution editors want to see
            attribution = _content_attribution(text, unit, doc, refused, speaker=speaker, cue=cue, lemma=lemma, standalone=[],
                                               used_quotes=used_quotes) if refused is not None else None
            if attribution is not None:
                attribution.stance = Stance.DECLINED
                found.append(CueFinding(attribution, token.i, refused))
            continue
        # 2. a content clause or object
        span = cue_content(doc, unit, token, lemma, particle, subject)
        if span is not None and span[0] > token.i:
            span = coordinated_verbs_end(doc, unit, token, span)
        if span is None:
            led = _colon_led(layout, unit, token, used_quotes)
            if led is not None:
                used_quotes.add(led.start)
                found.append(CueFinding(_direct(led, speaker=speaker, cue=cue, base=0.9, stance=cue_stance(token, lemma)), token.i, None))
            elif speaker.kind and (paragraph := _colon_led_paragraph(layout, unit, token)) is not None:
                # 'Limbaugh added:' ⏎ 'And from a supposed front-runner, …': unquoted speech as the next paragraph
                found.append(CueFinding(Attribution(kind=StatementKind.INDIRECT, start=paragraph[0], end=paragraph[1], speaker=speaker,
                                                    verb=cue.verb, verb_start=cue.start, verb_end=cue.end,
                                                    confidence=confidence_for(speaker, 0.7), stance=cue_stance(token, lemma)),
                                        token.i, None))
            continue
        if not speaker.kind and span[0] > token.i and not any(child.dep_ == "ccomp" for child in token.children) \
                and not (lemma in FINDING and subject.lower_ in DATA_SOURCES):
            continue  # a thing as subject reports only a clause ("the study found that ..."), or what a poll shows
        if lemma in DEEDS_TOO and speaker.kind == SourceKind.GROUP and span[0] > token.i and not any(child.dep_ == "ccomp" for child in token.children):
            continue  # "rebels attacked the town": a deed, not a statement
        attribution = _content_attribution(text, unit, doc, span, speaker=speaker, cue=cue, lemma=lemma, standalone=standalone,
                                           used_quotes=used_quotes)
        if attribution is not None:
            _run_on_after_colon(layout, unit, attribution, cue)
            if attribution.kind == StatementKind.DIRECT:
                speaker_of_quote[attribution.start] = speaker
            for quote in unit.quotes if attribution.kind == StatementKind.MIXED else ():
                if attribution.start <= quote.start < attribution.end:
                    speaker_of_words.setdefault(quote.start, speaker)
            attribution.stance = cue_stance(token, lemma)
            found.append(CueFinding(attribution, token.i, span))
    found.extend(_nominal_reports(text, unit, doc, resolver, taken={finding.cue_index for finding in found}))
    found.extend(CueFinding(attribution, cue_index, span) for attribution, cue_index, span
                 in topic_reports(text, unit, doc, resolver, taken={finding.cue_index for finding in found}))
    for rule in (views_as,):
        found.extend(CueFinding(attribution, cue_index, span) for attribution, cue_index, span
                     in rule(text, unit, doc, resolver, taken={finding.cue_index for finding in found}))
    if (setting := poll_setting(text, unit, doc, resolver)) is not None:
        found.append(CueFinding(setting, 0, None))
    for quote, colon in _colon_quotes(layout, unit, standalone, used_quotes):
        # 'Trump went even further: “…”', 'She addressed the supporters again: “…”': a colon
        # hands a whole quote to the subject of its sentence even when the verb is no cue
        colon_token = token_at(doc, unit, colon)
        if colon_token is None:
            continue
        root = colon_token.head if colon_token.head.tag_.startswith("VB") and colon_token.head.i < colon_token.i else colon_token.sent.root
        if not root.tag_.startswith("VB") or in_quote(unit, token_start(unit, root)):
            continue
        subject, via_quote = cue_subject(root, unit)
        speaker = resolver.resolve(doc, unit, subject) if subject is not None and via_quote is None else None
        if speaker is None or not speaker.kind:
            continue
        used_quotes.add(quote.start)
        cue = Cue(verb=root.text, start=token_start(unit, root), end=token_end(unit, root))
        found.append(CueFinding(_direct(quote, speaker=speaker, cue=cue, base=0.75), root.i, None))
    return _nest(text, unit, doc, found, standalone)


def _run_on_after_colon(layout: ArticleLayout, unit: Unit, attribution: Attribution, cue: Cue) -> None:
    """"The governor added: It's typical of her. She knows nothing.": unquoted speech a colon
    right after the cue introduces runs to the end of its paragraph, not to the first full stop
    (a paragraph with quote marks after the colon is left to the quote rules)."""
    text = layout.text
    if attribution.kind != StatementKind.INDIRECT or text[cue.end:attribution.start].strip() != ":":
        return
    para = layout.paras[unit.paragraph]
    if para.end <= unit.end or any(attribution.start <= quote.start < para.end for quote in layout.quotes):
        return
    end = para.end
    while end > attribution.end and (text[end - 1].isspace() or text[end - 1] in ".,;:—–-"):
        end -= 1
    attribution.end = max(attribution.end, end)


def _nominal_reports(text: str, unit: Unit, doc, resolver: SpeakerResolver, *, taken: set[int]) -> list[CueFinding]:
    """"Trump's claim that X", "a New York Times report that X", "the police's earlier claim that
    X": a reporting noun whose owner is a source and whose that-clause is the statement."""
    out = []
    for noun in doc:
        if noun.lower_ not in REPORT_NOUNS or not noun.tag_.startswith("NN") or noun.i in taken or in_quote(unit, token_start(unit, noun)):
            continue
        clause = next((child for child in noun.children if child.dep_ in {"acl", "relcl", "ccomp"} and child.i > noun.i
                       and any(mark.dep_ == "mark" and mark.lower_ == "that" for mark in child.children)), None)
        owner = _owner(noun)
        if clause is None or owner is None:
            continue
        speaker = resolver.resolve(doc, unit, owner)
        if speaker is None or not speaker.kind:
            continue
        that = next(mark for mark in clause.children if mark.dep_ == "mark" and mark.lower_ == "that")
        span = clause_span(doc, clause, that.i + 1)
        cue = Cue(verb=noun.text, start=token_start(unit, noun), end=token_end(unit, noun))
        attribution = _content_attribution(text, unit, doc, span, speaker=speaker, cue=cue, lemma="", standalone=[], used_quotes=set())
        if attribution is not None:
            attribution.confidence = confidence_for(speaker, 0.6)
            attribution.stance = Stance.DENIED if noun.lower_ == "denial" else Stance.ASSERTED
            out.append(CueFinding(attribution, noun.i, span))
    return out


def _owner(noun):
    """Whose a reporting noun is: its possessor ("Trump's claim", "the police department's claim")
    or the name compounded with it ("a New York Times report")."""
    for child in noun.children:
        if child.dep_ == "poss" and child.tag_ not in {"PRP$", "WP$"}:
            return child
    if noun.i >= 2 and noun.doc[noun.i - 1].tag_ == "POS":
        return noun.doc[noun.i - 2]
    before = [child for child in noun.children if child.i < noun.i and child.tag_ == "JJR"]  # "the police's earlier claim"
    for child in noun.doc[max(0, noun.i - 3):noun.i]:
        if child.tag_ == "POS" and (not before or child.i < before[0].i):
            return noun.doc[child.i - 1]
    compounds = [child for child in noun.children if child.dep_ == "compound" and child.tag_ in {"NNP", "NNPS"}]
    return compounds[-1] if compounds else None


def _direct(quote: Quote, *, speaker: SpeakerRef, cue: Cue, base: float, stance: Stance = Stance.ASSERTED) -> Attribution:
    return Attribution(kind=StatementKind.DIRECT, start=quote.start, end=quote.end, speaker=speaker, verb=cue.verb,
                       verb_start=cue.start, verb_end=cue.end, confidence=confidence_for(speaker, base), stance=stance)


def _speaker_between(doc, unit: Unit, resolver: SpeakerResolver, *, quote: Quote, cue_token, cue: Cue) -> SpeakerRef | None:
    """A mis-parse ("“…,” a senior official, speaking on condition …, told AFP"): the noun
    phrase between the quote and the cue is the speaker."""
    between = [token for token in doc if token_start(unit, token) >= quote.end and token.i < cue_token.i]
    head = None
    for token in between:
        if token.text in {",", "(", "—", "–"} and head is not None:
            break
        if token.tag_ in {"NN", "NNS", "NNP", "NNPS", "PRP"}:
            head = token
    if head is not None:
        return resolver.resolve(doc, unit, head)
    if not between:
        return resolver.speaker_after(cue.end, unit.end)
    return None


def _colon_quotes(layout: ArticleLayout, unit: Unit, standalone: list[Quote], used: set[int]) -> list[tuple[Quote, int]]:
    """Whole quotes a colon of this unit leads into, each with the colon's offset: in the same
    unit ("… again: “…”") or as the whole next paragraph ("… as follows:" ⏎ "“…”")."""
    text = layout.text
    out = []
    for quote in standalone:
        before = text[unit.start:quote.start].rstrip()
        if quote.start not in used and before.endswith(":") and not in_quote(unit, unit.start + len(before) - 1):
            out.append((quote, unit.start + len(before) - 1))
    para = layout.paras[unit.paragraph]
    own = text[unit.start:unit.end].rstrip()
    if own.endswith(":") and unit.end >= para.end and unit.paragraph + 1 < len(layout.paras) and not in_quote(unit, unit.start + len(own) - 1):
        following = layout.paras[unit.paragraph + 1]
        for quote in layout.quotes:
            if quote.start == following.start and quote.start not in used:
                last = layout.paras[layout.para_index(quote.end - 1)]
                if quote.end >= last.end - 1:  # the quote is the whole paragraph: no attribution of its own follows
                    out.append((quote, unit.start + len(own) - 1))
                break
    return out


def _content_attribution(text: str, unit: Unit, doc, span: tuple[int, int], *, speaker: SpeakerRef, cue: Cue, lemma: str,
                         standalone: list[Quote], used_quotes: set[int]) -> Attribution | None:
    """The statement a content span holds: the whole quote it is (direct), or the clause with
    (mixed) or without (indirect) quoted words."""
    span = without_reporters_addition(doc, unit, span)
    first = doc[span[0]]
    complementiser = not (first.lower_ == "that" and first.dep_ != "mark")  # "says that's not what happened"
    start, end = trim_content(text, token_start(unit, first), token_end(unit, doc[span[1]]), complementiser=complementiser)
    while end < len(text) and (text[end].isalnum() or text[end] in "’'" and text[end + 1:end + 2].isalpha()):
        end += 1  # "as strong as those who don’t": never end inside a word the tokenizer split
    start, end = _balance(unit, start, end)
    if end - start < 3 or len(text[start:end].split()) < 2 and not (lemma in OBJECT - NAMING and span[0] == span[1] and first.tag_ in {"NNP", "NNPS"}):
        return None  # (a name alone is what an object cue reports, "endorsed Cruz", unless it names: "a program called EB-5")
    covering = [quote for quote in standalone if quote.start <= start + 1 and quote.end >= end - 1]
    if covering:
        quote = covering[0]
        if quote.start in used_quotes:
            return None
        used_quotes.add(quote.start)
        return _direct(quote, speaker=speaker, cue=cue, base=0.9)
    inner = [quote for quote in unit.quotes if quote.start >= start and quote.end <= end + 1]
    kind = StatementKind.MIXED if inner else StatementKind.INDIRECT
    base = 0.8 if lemma not in WEAK else 0.6
    return Attribution(kind=kind, start=start, end=end, speaker=speaker, verb=cue.verb, verb_start=cue.start, verb_end=cue.end,
                       confidence=confidence_for(speaker, base))


def _nest(text: str, unit: Unit, doc, found: list[CueFinding], standalone: list[Quote]) -> list[Attribution]:
    """A cue inside another cue's content: either the content's own verb ("noted that ... he
    warned him") and part of that statement, or a new attribution tacked on after a comma
    ("said that X, as he warned that Y") that ends the first content."""
    drop: set[int] = set()
    cut: dict[int, int] = {}
    for outer_no, outer in enumerate(found):
        if outer.content is None or outer.attribution.kind == StatementKind.DIRECT:
            continue
        content_start, content_end = outer.content
        for inner_no, inner in enumerate(found):
            if inner_no == outer_no or not (content_start <= inner.cue_index <= content_end):
                continue
            cue = doc[inner.cue_index]
            if is_supposed(cue) or FORM_TO_LEMMA.get(cue.lower_) in COGNITION or cue.dep_ == "conj" and _that_clause(cue):
                drop.add(inner_no)  # "…, particularly if Trump expects X", "… but that it would add Y": part of the statement
                continue
            # a verb coordinated inside the content is tacked on only by a comma after its own
            # conjunct ("said X, and that she had her staff field them and tell Y": not the first comma)
            since = cue.head.i if cue.dep_ == "conj" and content_start <= cue.head.i < cue.i else content_start
            commas = [position for position in range(since, cue.left_edge.i + 1) if doc[position].text in {",", ";", "—", "–"}]
            # (", which he described as X" closing the content is a report of its own, as "…, he added" is)
            trailing_relative = cue.dep_ == "relcl" and cue.right_edge.i >= last_word(doc, content_end) and doc[cue.left_edge.i - 1].text == ","
            tacked = (cue.dep_ in {"advcl", "conj", "parataxis", "acl"} or trailing_relative) and commas
            # "said he would order a review and warned against hackers": a second report joined by "and"
            conjoined = cue.dep_ == "conj" and cue.left_edge.i > content_start and doc[cue.left_edge.i - 1].dep_ == "cc" \
                and not (cue.tag_ in {"VB", "VBG"} and cue.head.i == outer.cue_index and cue.tag_ != doc[outer.cue_index].tag_)
            if tacked or conjoined:
                cut[outer_no] = min(cut.get(outer_no, content_end + 1), commas[-1] if tacked else cue.left_edge.i - 1)
            else:
                drop.add(inner_no)
    # "told the media that X, pointing to Y": a participle with only an object, hung on the
    # same cue right after its clause, continues that statement
    extend: dict[int, int] = {}
    for outer_no, outer in enumerate(found):
        if outer.content is None or outer.attribution.kind == StatementKind.DIRECT or outer_no in drop or outer_no in cut:
            continue
        if not any(child.dep_ == "ccomp" and child.i > outer.cue_index for child in doc[outer.cue_index].children):
            continue
        for inner_no, inner in enumerate(found):
            cue = doc[inner.cue_index]
            if inner_no == outer_no or inner_no in drop or inner.content is None or cue.tag_ != "VBG" or cue.dep_ != "advcl" \
                    or cue.head.i != outer.cue_index:
                continue
            if any(child.dep_ == "ccomp" for child in cue.children) or inner.attribution.kind == StatementKind.DIRECT:
                continue
            if inner.cue_index > outer.content[1] and all(doc[position].is_punct for position in range(outer.content[1] + 1, inner.cue_index)):
                extend[outer_no] = inner.content[1]
                drop.add(inner_no)
    out = []
    for number, finding in enumerate(found):
        if number in drop:
            continue
        attribution = finding.attribution
        if number in extend:
            attribution = _respan(text, unit, doc, attribution, (finding.content[0], extend[number]), standalone) or attribution
        if number in cut and cut[number] - 1 >= finding.content[0]:
            attribution = _respan(text, unit, doc, attribution, (finding.content[0], cut[number] - 1), standalone)
            if attribution is None:
                continue
        out.append(attribution)
    return out


def _that_clause(verb) -> bool:
    """Whether a verb heads a clause opened by "that" (a second content clause: "agreed that X
    but that it would add Y")."""
    return any(child.dep_ == "mark" and child.lower_ == "that" and child.i == verb.left_edge.i for child in verb.children)


def _respan(text: str, unit: Unit, doc, attribution: Attribution, span: tuple[int, int], standalone: list[Quote]) -> Attribution | None:
    """The same attribution (speaker, cue, confidence) over another content span."""
    cue = Cue(verb=attribution.verb, start=attribution.verb_start, end=attribution.verb_end)
    new = _content_attribution(text, unit, doc, span, speaker=attribution.speaker, cue=cue, lemma="", standalone=standalone,
                               used_quotes=set())
    if new is None:
        return None
    return dataclasses.replace(attribution, kind=new.kind, start=new.start, end=new.end, floating=False)


def _balance(unit: Unit, start: int, end: int) -> tuple[int, int]:
    """Keep a quote that the clause cuts through whole (its closing mark and comma included)."""
    for quote in unit.quotes:
        if start < quote.end <= end + 3 and quote.start < end and quote.end > end:
            end = quote.end
        elif start <= quote.start < end < quote.end and quote.end <= unit.end and quote.closed:
            # the clause opens a quote that runs on past the parse's clause ("told Fox that
            # "they hit Matt …. … gaming the ref.""): the statement is the whole quote
            end = quote.end
        if quote.start < start < quote.end and (quote.end < end or start - quote.start <= 2):
            start = quote.start  # a clause starting inside a quote starts at its opening mark
    return start, end


def _colon_led(layout: ArticleLayout, unit: Unit, cue_token, used: set[int]) -> Quote | None:
    """'He said:' closing a paragraph, the quote opening the next one."""
    after = layout.text[unit.start + cue_token.idx + len(cue_token.text):unit.end]
    if not after.rstrip().endswith(":") or len(after.split()) > 10:
        return None
    if unit.paragraph + 1 >= len(layout.paras):
        return None
    following = layout.paras[unit.paragraph + 1]
    for quote in layout.quotes:
        if quote.start == following.start and quote.start not in used:
            return quote
    return None


def _colon_led_paragraph(layout: ArticleLayout, unit: Unit, cue_token) -> tuple[int, int] | None:
    """The next paragraph, when a cue and a colon close this one ('Limbaugh added:') and it
    holds no quote marks (then the quote rules decide) and is prose, not a heading."""
    text = layout.text
    after = text[unit.start + cue_token.idx + len(cue_token.text):unit.end]
    if not after.rstrip().endswith(":") or len(after.split()) > 10 or unit.paragraph + 1 >= len(layout.paras):
        return None
    if unit.end < layout.paras[unit.paragraph].end - 1 or unit.paragraph + 1 in layout.headings:
        return None
    following = layout.paras[unit.paragraph + 1]
    if any(following.start <= quote.start < following.end for quote in layout.quotes):
        return None
    start, end = trim_content(text, following.start, following.end)
    return (start, end) if len(text[start:end].split()) >= 3 else None


def _according(layout: ArticleLayout, unit: Unit, doc, according, resolver: SpeakerResolver) -> Attribution | None:
    """"X, according to Y" / "According to Y, X": the longer side is Y's statement."""
    text = layout.text
    to = doc[according.i + 1]
    objects = [child for child in to.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source = objects[0]
    speaker = resolver.resolve(doc, unit, source)
    if speaker is None:
        return None
    phrase_start, phrase_end = token_start(unit, according), token_end(unit, source.right_edge)
    before = trim_content(text, unit.start, phrase_start)
    after = trim_content(text, phrase_end, unit.end)
    start, end = before if (before[1] - before[0]) >= (after[1] - after[0]) else after
    root = according.sent.root
    root_at = token_start(unit, root)
    if root.tag_.startswith(("VB", "MD")) and not (start <= root_at < end):
        # "X rose 20 percent, according to Y, more than twice what …": the side that holds the
        # sentence's main verb is the statement, the other a gloss
        for side in (before, after):
            if side[0] <= root_at < side[1] and side[1] - side[0] >= 10:
                start, end = side
    if end - start < 10:
        return None
    quoted = any(start <= quote.start and quote.end <= end + 1 for quote in unit.quotes)
    verb_end = token_end(unit, to)
    return Attribution(kind=StatementKind.MIXED if quoted else StatementKind.INDIRECT, start=start, end=end, speaker=speaker,
                       verb=text[phrase_start:verb_end], verb_start=phrase_start, verb_end=verb_end,
                       confidence=confidence_for(speaker, 0.8))
