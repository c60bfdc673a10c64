"""Property-based tests (hypothesis): whatever comes in, importing and extraction stay sound.

- Every importer, through ``parse_any`` with each format and with auto-detection: arbitrary
  bytes, huge lines, deeply nested or cut-off HTML/JSON/XML, mixed encodings, zero-width and
  right-to-left characters, quotes that never close. Each input ends as parsed articles (text
  non-empty and normalised) and per-item failures with a reason, or ``ImportRejected`` with a
  reason; never another exception. The same input always gives the same result.
- Extraction (``extract_many``): never raises; every span, speaker span and cue span lies
  inside the text and is not blank; the same texts give the same result, batched or not.
- Through the database (``import_bytes`` then extraction): an input leaves complete articles
  (with their first version) or nothing at all, and stored candidates' offsets hold.

Runs are deterministic (``derandomize=True``, no example database) and bounded: a fixed
number of examples of bounded size, so each test's run time is bounded by design.
``FACTDESK_PROPERTY_SCALE`` (e.g. 10) multiplies the number of examples for a longer local run.
"""
from __future__ import annotations

import codecs
import html
import json
import os
from xml.sax.saxutils import escape as xml_escape

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import services as article_services
from articles.importers import ImportRejected, ParsedArticle, ParseFailure, parse_any
from articles.importers.normalise import normalise_line, normalise_text
from articles.models import Article, ArticleVersion, Outlet, content_hash
from claims.extraction import extract_many
from claims.models import Candidate, ClaimKind

SCALE = float(os.environ.get("FACTDESK_PROPERTY_SCALE") or 1)


def bounded(examples: int, **extra):
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,  # no timing assertions; inputs are bounded instead
        derandomize=True,  # the same examples on every run: CI is deterministic
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
        **extra,
    )


FORMATS = [None, "text", "html", "json", "jsonl", "feed"]
# Characters that break naive text handling: invisible, bidi controls, BOMs, odd line breaks.
TRICKY = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space/non-joiner/joiner, word joiner, BOM
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"  # bidi controls
    "\u00ad\u2028\u2029\x85\r\t\x00\x0b\x0c"  # soft hyphen, separators, controls
)
QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a\u300c\u300d"
SCRIPTS = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u00e9\u00e8\u00fc\u00df \U0001f600\U0001f44d\U0001f3fd"
WORDS = [
    "The", "minister", "Jane Rivers", "said", "told reporters", "warned", "added", "according to", "she", "he",
    "the Prime Minister", "Dr. Ng", "officials", "claimed", "on Monday", "that", "would", "cut", "taxes", "by",
    "40%", "in 2030", "the deficit", "Ms Rivers", "insisted", ":", ",", ".", "\n", "\n\n", "\u2014", "(", ")",
]

tricky_text = st.text(alphabet=st.sampled_from(TRICKY + QUOTES + SCRIPTS + "abc XYZ.,:;!?\n<>&{}[]"), max_size=300)


@st.composite
def newsy_text(draw, max_pieces=60):
    """Text shaped like reporting (names, cue verbs, quotes), salted with awkward characters."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(WORDS),
                st.sampled_from(list(QUOTES)),
                st.text(alphabet=st.sampled_from(TRICKY + SCRIPTS), min_size=1, max_size=4),
                st.text(alphabet="abcdefghij KLMNOP", min_size=1, max_size=12),
            ),
            max_size=max_pieces,
        )
    )
    return " ".join(pieces)


SPEAKERS = ["Jane Rivers", "The minister", "She", "Dr. Amara Ng", "Mr O'Neill", "the Prime Minister", "Officials", "Rivers"]
CLAUSE_WORDS = ["we", "will", "cut", "the", "deficit", "by", "half", "within", "four", "years", "taxes", "rise",
                "schools", "get", "more", "money", "never", "2030", "40%", "jobs", "are", "safe"]
TEMPLATES = [
    "\u201c{q},\u201d {s} said.",
    "\u201c{q}\u201d, said {s}.",
    "{s} said that {q}.",
    "{s} told reporters: \u201c{q}.\u201d",
    "According to {s}, {q}.",
    "\"{q},\" {s} warned.",
    "{s} said: \u201c{q}",  # a quote that never closes
    "\u00ab{q}\u00bb, a d\u00e9clar\u00e9 {s}.",
    "{q}.",
]


@st.composite
def reporting(draw, max_sentences=8):
    """Sentences built like news reporting (so extraction finds statements), then damaged:
    invisible and right-to-left characters dropped in anywhere, and sometimes cut off."""
    sentences = []
    for _ in range(draw(st.integers(1, max_sentences))):
        words = draw(st.lists(st.sampled_from(CLAUSE_WORDS), min_size=1, max_size=14))
        template = draw(st.sampled_from(TEMPLATES))
        sentences.append(template.format(q=" ".join(words).capitalize(), s=draw(st.sampled_from(SPEAKERS))))
    text = draw(st.sampled_from([" ", "\n", "\n\n"])).join(sentences)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(list(TRICKY + QUOTES) + ["\u05e9\u05dc\u05d5\u05dd", "\U0001f44d\U0001f3fd"])) + text[at:]
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@st.composite
def huge_line(draw):
    char = draw(st.sampled_from(["a", " ", "\u201c", "<", "{", "\u200b", "x\u202e"]))
    return char * draw(st.integers(min_value=10_000, max_value=200_000))


@st.composite
def nested(draw):
    """Deeply nested (and possibly cut-off) HTML, JSON or XML."""
    depth = draw(st.integers(min_value=50, max_value=5_000))
    kind = draw(st.sampled_from(["html", "json-list", "json-object", "xml"]))
    inner = html.escape(draw(newsy_text(max_pieces=10)))
    if kind == "html":
        doc = "<html><body>" + "<div>" * depth + f"<p>{inner}</p>" + "</div>" * depth + "</body></html>"
    elif kind == "json-list":
        doc = "[" * depth + json.dumps(inner) + "]" * depth
    elif kind == "json-object":
        doc = '{"text":' * depth + json.dumps(inner) + "}" * depth
    else:
        doc = '<?xml version="1.0"?><rss version="2.0"><channel>' + "<x>" * depth + inner + "</x>" * depth + "</channel></rss>"
    if draw(st.booleans()):
        doc = doc[: draw(st.integers(min_value=0, max_value=len(doc)))]
    return doc


@st.composite
def documents(draw):
    """Well-formed documents of each format built around generated text, sometimes cut off."""
    body = draw(newsy_text())
    title = draw(st.text(alphabet=st.sampled_from(TRICKY + QUOTES + "Title word<>&"), max_size=40))
    kind = draw(st.sampled_from(["html", "json", "jsonl", "rss", "atom"]))
    if kind == "html":
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p)
        doc = f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><article>{paragraphs}</article></body></html>"
    elif kind == "json":
        doc = json.dumps({"text": body, "title": title, "url": "https://news.example/a/1"}, ensure_ascii=draw(st.booleans()))
    elif kind == "jsonl":
        doc = "\n".join(json.dumps({"text": body[: i * 40 + 1], "doc_id": f"d{i}"}) for i in range(draw(st.integers(1, 4))))
    elif kind == "rss":
        items = "".join(
            f"<item><title>{xml_escape(title)}</title><link>https://news.example/{i}</link><guid>g{i}</guid>"
            f"<description>{xml_escape(html.escape(body))}</description></item>"
            for i in range(draw(st.integers(1, 3)))
        )
        doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'
    else:
        doc = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>'
            f"<entry><title>{xml_escape(title)}</title><id>urn:1</id><updated>2024-03-04T09:30:00Z</updated>"
            f'<content type="html">{xml_escape(html.escape(body))}</content></entry></feed>'
        )
    if draw(st.booleans()):
        doc = doc[: draw(st.integers(min_value=0, max_value=len(doc)))]
    return doc


@st.composite
def encoded(draw, texts):
    """Text as bytes in one encoding, or in two glued together (mixed encodings)."""
    text = draw(texts)
    encodings = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "latin-1", "cp1252", "koi8-r", "shift_jis", "gb18030"]
    first = draw(st.sampled_from(encodings))
    data = text.encode(first, errors="replace")
    if draw(st.booleans()):
        tail = draw(texts)
        data += tail.encode(draw(st.sampled_from(encodings)), errors="replace")
    return data


any_input = st.one_of(
    st.binary(max_size=4_096),
    encoded(reporting()),
    encoded(tricky_text),
    encoded(newsy_text()),
    encoded(documents()),
    encoded(nested()),
    huge_line().map(lambda s: s.encode("utf-8")),
    st.just(codecs.BOM_UTF8),
    st.just(b"\x00" * 64),
)


def check_parse_result(result):
    """What every importer promises about a result."""
    assert isinstance(result, list)
    for item in result:
        assert isinstance(item, (ParsedArticle, ParseFailure)), type(item)
        if isinstance(item, ParseFailure):
            assert isinstance(item.reason, str) and item.reason.strip(), item
            continue
        assert item.text and item.text.strip()
        assert normalise_text(item.text) == item.text, "article text is not normalised"
        for invisible in "\u200b\ufeff\u202e\u202b\u2066\x00\r\u2028":
            assert invisible not in item.text
        for value in (item.title, item.byline, item.outlet):
            assert normalise_line(value) == value, f"metadata {value!r} is not one tidy line"


def parse_or_reason(data, fmt, name="input.bin"):
    try:
        return parse_any(data, name=name, fmt=fmt, max_bytes=1_000_000)
    except ImportRejected as rejected:
        assert str(rejected).strip(), "a rejection must say why"
        return ("rejected", str(rejected))


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f or "auto")
@bounded(100)
@given(data=any_input, name=st.sampled_from(["input.bin", "a.txt", "a.html", "a.json", "a.jsonl", "feed.xml", "noext"]))
def test_every_importer_ends_in_articles_or_a_reason(fmt, data, name):
    first = parse_or_reason(data, fmt, name)
    if not isinstance(first, tuple):
        check_parse_result(first)
    # Deterministic: the same bytes always give the same outcome.
    assert parse_or_reason(data, fmt, name) == first


@bounded(40)
@given(doc=documents())
def test_complete_json_keeps_the_text_it_was_given(doc):
    """A well-formed JSON article's text survives as the normalised text, character for character."""
    try:
        record = json.loads(doc)
    except ValueError:
        return  # cut off: covered by the test above
    if not isinstance(record, dict):
        return
    expected = normalise_text(record["text"])
    result = parse_or_reason(doc.encode("utf-8"), "json")
    if not expected:
        assert isinstance(result, tuple) or all(isinstance(i, ParseFailure) for i in result)
        return
    assert [a.text for a in result if isinstance(a, ParsedArticle)] == [expected]


# The accented letters each Western language writes with; a text uses one language's.
WESTERN_LETTERS = ["àâæçéèêëîïôœùûüÿ", "äöüß", "áéíñóúü", "àáâãçéêíóôõú", "àèéìíîòóù", "åæéøó", "åäéö"]
NEWS_PUNCTUATION = [" ", " ", " ", ", ", ". ", "; ", ": ", " — ", " – ", " “", "” ", " ‘", "’ ", "’", " « ", " » ",
                    " „", "“ ", "… ", " (", ") ", " €", " £", " 5 % ", " 3°C ", "\n", "\n\n", "? ", "! ", " ¿", " ¡"]


@st.composite
def western_text(draw):
    letters = "abcdefghijklmnopqrstuvwxyz" + draw(st.sampled_from(WESTERN_LETTERS))
    words = draw(st.lists(st.text(alphabet=letters, min_size=1, max_size=12), min_size=1, max_size=60))
    pieces = []
    for word in words:
        pieces.append(word.capitalize() if draw(st.booleans()) else word)
        pieces.append(draw(st.sampled_from(NEWS_PUNCTUATION)))
    return "".join(pieces)


@bounded(150)
@given(text=western_text(), encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig"]))
def test_western_text_without_a_declared_charset_reads_back_exactly(text, encoding):
    """Text in one Western language, in Windows-1252 or UTF-8 with no charset declared, is read
    exactly as written, with no warning: the encoding guess never garbles it or cries wolf."""
    [article] = parse_any(text.encode(encoding), name="article.txt")
    assert article.text == normalise_text(text)
    assert article.warning == ""


def check_extracted(text, found):
    allowed_kinds = set(ClaimKind.values)
    for item in found:
        assert item.kind in allowed_kinds, item
        assert 0 <= item.start < item.end <= len(text), (item.start, item.end, len(text))
        assert text[item.start:item.end].strip(), "a span of nothing but space"
        for start, end in ((item.speaker_start, item.speaker_end), (item.verb_start, item.verb_end)):
            assert (start is None) == (end is None)
            if start is not None:
                assert 0 <= start < end <= len(text), (start, end, len(text))
        assert 0.0 <= float(item.confidence) <= 1.0


extraction_texts = st.one_of(
    reporting(), reporting().map(normalise_text), newsy_text(), tricky_text, st.just(""), st.just("\u201c" * 50)
)


@bounded(60)
@given(texts=st.lists(extraction_texts, min_size=1, max_size=3))
def test_extraction_never_raises_and_offsets_hold(texts):
    results = extract_many(texts)
    assert len(results) == len(texts)
    for text, found in zip(texts, results):
        check_extracted(text, found)
    # Deterministic, and batching changes nothing (the worker falls back to one at a time).
    assert extract_many(texts) == results
    assert [extract_many([t])[0] for t in texts] == results


@bounded(5)
@given(text=huge_line())
def test_extraction_of_a_huge_line_keeps_offsets(text):
    check_extracted(text, extract_many([text])[0])


def desk_counts():
    return Article.objects.count(), ArticleVersion.objects.count(), Outlet.objects.count(), Candidate.objects.count()


@pytest.mark.django_db
@bounded(40)
@given(data=any_input, fmt=st.sampled_from(FORMATS))
def test_an_import_leaves_whole_articles_or_nothing(data, fmt):
    from claims.tasks import extract_and_store

    with transaction.atomic():
        before = desk_counts()
        outcomes = article_services.import_bytes(data, name="upload", fmt=fmt)
        created = [o for o in outcomes if o.status == article_services.CREATED]
        for outcome in outcomes:
            assert outcome.status in (article_services.CREATED, article_services.NEW_VERSION,
                                      article_services.UNCHANGED, article_services.FAILED)
            if outcome.failed:
                assert outcome.reason.strip(), outcome
        after = desk_counts()
        assert after[0] - before[0] == len(created)
        assert after[1] - before[1] >= len(created)
        if not created:
            assert after[:3] == before[:3], "a failed import left rows behind"
        for outcome in created:
            article = Article.objects.get(pk=outcome.article_id)
            assert article.text and normalise_text(article.text) == article.text
            assert article.content_hash == content_hash(article.text)
            assert list(article.versions.values_list("number", "content_hash")) == [(1, article.content_hash)]
        # Each example starts from an empty desk: no outlet may be left over from a failed import.
        assert not Outlet.objects.filter(articles__isnull=True).exists()
        if created:
            extract_and_store([o.article_id for o in created])
            for candidate in Candidate.objects.filter(article_id__in=[o.article_id for o in created]).select_related("article"):
                assert candidate.article.text[candidate.start:candidate.end] == candidate.text
                assert candidate.content_hash == candidate.article.content_hash
        transaction.set_rollback(True)
