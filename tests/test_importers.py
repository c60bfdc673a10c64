"""Importers on real files, and importing them through the service: formats, idempotency,
versions, and bad input that fails alone with a clear reason.

Fixture files (tests/fixtures/, see its README) wrap real corpus articles in HTML pages, feeds
and JSON; the two sample articles and the whole corpus come from ../shared (``shared_dir``).
"""
import gzip
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import services
from articles.importers import (
    ImportRejected,
    ParsedArticle,
    ParseFailure,
    normalise_text,
    parse_any,
    parse_text,
    read_manifest,
)
from articles.models import Article, ArticleVersion, Outlet

FIXTURES = Path(__file__).parent / "fixtures"
POLITICO = "politico_2016-04-20_dnc-chair-dismisses-sanders-accu"
USA_TODAY = "usa-today_2016-05-03_ted-cruz-says-heckler-deserves-a"
WASH_POST = "wash-post_2016-07-03_trump-tweet-that-blasts-clinton-"
LIMIT = 5_000_000


def corpus_rows():
    return {row["doc_id"]: row for row in map(json.loads, (FIXTURES / "corpus_slice.jsonl").read_text().splitlines())}


def body_paragraphs(doc_id):
    """The article's paragraphs as the corpus has them, without the leading title paragraph."""
    row = corpus_rows()[doc_id]
    paragraphs = [normalise_text(p) for p in row["text"].split("\n\n") if p.strip()]
    return paragraphs[1:]


def parse_fixture(name, **kwargs):
    return parse_any((FIXTURES / name).read_bytes(), name=name, max_bytes=LIMIT, **kwargs)


def articles_only(items):
    assert all(isinstance(i, ParsedArticle) for i in items), [i for i in items if isinstance(i, ParseFailure)]
    return items


# --- the samples and the gold text ------------------------------------------------------------


def test_sample_manifest_lists_both_articles_with_their_metadata(shared_dir):
    entries = read_manifest(shared_dir / "samples" / "manifest.json")
    assert [e.path.name for e in entries] == ["000_bd5169fcfd31cf27.txt", "003_757855998057e387.txt"]
    assert all(e.path.is_file() for e in entries)
    assert [e.outlet for e in entries] == ["Sample Outlet A", "Sample Outlet B"]
    assert [e.external_id for e in entries] == ["000_bd5169fcfd31cf27", "003_757855998057e387"]
    assert all(e.published_at.isoformat() == "2025-02-13T00:00:00+00:00" for e in entries)
    assert all(e.title == "" and e.url == "" for e in entries)  # null in the manifest


def test_sample_text_keeps_every_gold_offset(shared_dir):
    """Gold offsets point into the gold text; the stored text must give the same spans.

    The gold text is the sample file as it is. Sample 003 ends with a "READ ALSO: ..." link line,
    which the importers remove as site furniture; it is the last line, so what remains is the
    gold text up to that line and every gold offset still points at the same characters.
    """
    gold = {d["doc_id"]: d["text"] for d in map(json.loads, (shared_dir / "gold" / "sample_docs.jsonl").read_text().splitlines())}
    quotes = [json.loads(line) for line in (shared_dir / "gold" / "sample_quotes.jsonl").read_text().splitlines() if line]
    for entry in read_manifest(shared_dir / "samples" / "manifest.json"):
        parsed = parse_any(entry.path.read_bytes(), name=entry.path.name)[0]
        gold_text = gold[entry.external_id]
        assert gold_text.startswith(parsed.text)
        removed = [line for line in gold_text[len(parsed.text):].split("\n") if line.strip()]
        assert all(line.upper().startswith("READ ALSO") for line in removed), removed
        for quote in (q for q in quotes if q["doc_id"] == entry.external_id):
            assert parsed.text[quote["start"]:quote["end"]] == quote["quote_text"], quote["qid"]
            assert parsed.text[quote["speaker_start"]:quote["speaker_end"]] == gold_text[quote["speaker_start"]:quote["speaker_end"]]
    sample_a = gold["000_bd5169fcfd31cf27"]
    assert parse_any((shared_dir / "samples" / "articles" / "000_bd5169fcfd31cf27.txt").read_bytes(), name="a.txt")[0].text == sample_a


def test_normalisation_is_stable_over_the_whole_corpus(shared_dir):
    """Stored offsets depend on it: normalising normalised text changes nothing, and only
    whitespace and furniture lines are ever removed (every word of the original stays)."""
    for line in (shared_dir / "corpus" / "polnear-articles.jsonl").read_text().splitlines():
        text = json.loads(line)["text"]
        once = normalise_text(text)
        assert normalise_text(once) == once
        assert len(once.split()) >= len(text.split()) - 40


# --- normalisation rules, on a real paragraph -------------------------------------------------


def test_normalisation_rules_on_real_text():
    paragraph, second = body_paragraphs(POLITICO)[:2]
    decomposed_second = second.replace("e", "e\u0301", 1)  # e + combining acute accent
    messy = (
        f"\ufeff  {paragraph.replace(' ', '  ', 3)}\u200b \r\n"
        "READ ALSO: Senate passes the budget after a late-night session\r\n"
        "\r\n\r\n\r\n"
        "Share this article\r\n"
        f"{decomposed_second}\u00ad\r\n"
        "Follow us on Twitter\r\n"
        "Sign up for our daily politics newsletter\r\n"
    )
    text = normalise_text(messy)
    composed_second = second.replace("e", "\u00e9", 1)  # NFC joins e + combining acute
    assert text == f"{paragraph}\n\n{composed_second}"
    assert normalise_text(text) == text


def test_a_paragraph_that_starts_like_furniture_is_kept():
    kept = "Read more carefully, the senator said, and you will see the bill cuts taxes for most families."
    assert normalise_text(kept) == kept
    long_line = "Follow us on the trail: " + " ".join(body_paragraphs(USA_TODAY))
    assert normalise_text(long_line) == long_line  # too long to be a prompt


# --- formats on real files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, doc_id, outlet, byline, domain",
    [
        ("page_dnc-chair-dismisses-sanders.html", POLITICO, "Politico", "Brianna Ehley", "politico.example"),
        ("page_trump-tweet-star-of-david.html", WASH_POST, "The Washington Post", "Emily Flitter", "washpost.example"),
    ],
)
def test_html_page_gives_the_main_text_and_metadata(name, doc_id, outlet, byline, domain):
    [article] = articles_only(parse_fixture(name))
    row = corpus_rows()[doc_id]
    lines = article.text.split("\n")
    positions = [lines.index(p) for p in body_paragraphs(doc_id)]
    assert positions == sorted(positions)  # every paragraph, in order
    for furniture in ("READ ALSO", "Share this article", "Follow us", "newsletter", "Home", "window.analytics", "All rights"):
        assert furniture not in article.text
    assert article.title == row["title"]
    assert article.byline == byline
    assert article.outlet == outlet and article.outlet_domain == domain
    assert article.url.startswith(f"https://{domain}/story/2016/")  # the canonical link
    assert article.published_at.isoformat() == f"{row['published']}T09:30:00+00:00"
    assert article.source_format == "html"


def test_rss_feed_gives_each_entry_with_guid_link_and_date():
    items = articles_only(parse_fixture("feed_rss.xml"))
    assert [i.external_id for i in items] == [POLITICO, USA_TODAY, WASH_POST]
    for item in items:
        assert item.text == "\n".join(body_paragraphs(item.external_id))
        assert item.title == corpus_rows()[item.external_id]["title"]
        assert item.url.startswith("https://") and item.published_at.hour == 12
        assert item.outlet == "Campaign Desk" and item.source_format == "feed"
    assert items[0].byline == "Brianna Ehley"


def test_atom_feed_entry():
    [item] = articles_only(parse_fixture("feed_atom.xml"))
    assert item.external_id == "tag:politico.example,2016:dnc-chair-dismisses-sanders"
    assert item.url == "https://politico.example/story/2016/dnc-chair-dismisses-sanders"
    assert item.byline == "Brianna Ehley" and item.outlet == "Politico"
    assert item.text == "\n".join(body_paragraphs(POLITICO))


def test_json_list_in_the_documented_format():
    items = articles_only(parse_fixture("articles.json"))
    assert [(i.external_id, i.outlet, i.source_format) for i in items] == [
        (POLITICO, "Politico", "json"), (USA_TODAY, "USA Today", "json"), (WASH_POST, "The Washington Post", "json"),
    ]
    assert items[1].url == "https://usatoday.example/story/2016/ted-cruz-heckler"
    assert items[1].text == normalise_text(corpus_rows()[USA_TODAY]["text"])


def test_corpus_lines_import_as_they_are():
    items = articles_only(parse_fixture("corpus_slice.jsonl"))
    rows = corpus_rows()
    assert [(i.external_id, i.outlet) for i in items] == [(d, rows[d]["outlet"]) for d in (POLITICO, USA_TODAY, WASH_POST)]
    assert all(i.published_at.date().isoformat() == rows[i.external_id]["published"] for i in items)
    assert items[0].byline == "Brianna Ehley" and items[0].source_format == "jsonl"


def test_one_json_object_and_format_detection_without_a_suffix():
    record = json.loads((FIXTURES / "articles.json").read_text())[0]
    [item] = articles_only(parse_any(json.dumps(record).encode(), name="upload"))
    assert item.external_id == POLITICO and item.source_format == "json"
    sniffed = parse_any((FIXTURES / "feed_rss.xml").read_bytes(), name="download")
    assert len(sniffed) == 3 and sniffed[0].source_format == "feed"
    by_type = parse_any((FIXTURES / "page_ted-cruz-heckler.html").read_bytes(), name="x", content_type="text/html; charset=utf-8")
    assert by_type[0].source_format == "html"


@pytest.mark.parametrize("name, doc_id", [("article_cp1252.txt", USA_TODAY), ("article_utf16.txt", WASH_POST)])
def test_text_in_other_encodings_is_decoded(name, doc_id):
    [item] = articles_only(parse_fixture(name))
    assert item.text == normalise_text(corpus_rows()[doc_id]["text"])
    assert "\r" not in item.text and item.external_id == Path(name).stem


def test_parse_text_takes_metadata_from_flags():
    article = parse_text(
        (FIXTURES / "article_cp1252.txt").read_bytes(), name="cruz.txt", outlet="Desk Times",
        title="Cruz on hecklers", url="https://desk.example/cruz", published_at="2016-05-03T14:00:00Z",
    )
    assert (article.outlet, article.title, article.external_id, article.outlet_domain) == ("Desk Times", "Cruz on hecklers", "cruz", "desk.example")
    assert article.published_at.isoformat() == "2016-05-03T14:00:00+00:00"


# --- bad input: a clear reason, per format ----------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.json", "empty.jsonl", "empty.xml"])
@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t "])
def test_empty_input_is_rejected(name, data):
    with pytest.raises(ImportRejected, match="empty"):
        parse_any(data, name=name)


@pytest.mark.parametrize("name", ["article.txt", "page.html", "articles.json", "lines.jsonl", "feed.xml", "upload"])
def test_binary_input_is_rejected(name):
    compressed = gzip.compress((FIXTURES / "corpus_slice.jsonl").read_bytes(), mtime=0)
    with pytest.raises(ImportRejected, match="binary"):
        parse_any(compressed, name=name)


@pytest.mark.parametrize("name", ["article_cp1252.txt", "page_ted-cruz-heckler.html"])
def test_oversized_article_is_rejected(name):
    with pytest.raises(ImportRejected, match="over the 1.0 kB limit"):
        parse_any((FIXTURES / name).read_bytes(), name=name, max_bytes=1000)


def test_oversized_line_fails_alone():
    items = parse_any((FIXTURES / "corpus_slice.jsonl").read_bytes(), name="c.jsonl", max_bytes=2000)
    assert [type(i).__name__ for i in items] == ["ParsedArticle", "ParsedArticle", "ParseFailure"]
    assert items[2].where == "line 3" and "limit" in items[2].reason


def _oversized_inputs(long_text, short_text):
    """One input per format holding an article over the limit (and, where a file holds several, a short one)."""
    paragraphs = "".join(f"<p>{line}</p>" for line in long_text.split("\n"))
    entry = "<item><title>{0}</title><guid>{0}</guid><description><![CDATA[{1}]]></description></item>"
    return {
        "text": long_text,
        "html": f"<html><head><title>Long</title></head><body><article>{paragraphs}</article></body></html>",
        "json": json.dumps([{"text": short_text, "doc_id": "short"}, {"text": long_text, "doc_id": "long"}]),
        "jsonl": "\n".join(json.dumps({"text": t, "doc_id": i}) for i, t in (("short", short_text), ("long", long_text))),
        "feed": '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
                + entry.format("short", short_text) + entry.format("long", paragraphs) + "</channel></rss>",
    }


@pytest.mark.parametrize("fmt", ["text", "html", "json", "jsonl", "feed"])
def test_the_one_article_size_limit_holds_in_every_format(fmt):
    long_text = "\n".join(f"Paragraph {n}: the senator said the budget would be balanced by next spring." for n in range(60))
    short_text = "The governor said the bridge would reopen in May, two months ahead of the schedule."
    assert 4000 < len(long_text.encode()) < 5000
    data = _oversized_inputs(long_text, short_text)[fmt].encode()
    if fmt in ("text", "html"):  # the input is the one article: refused whole
        with pytest.raises(ImportRejected, match=r"over the 2\.0 kB limit for one article"):
            parse_any(data, name="input", fmt=fmt, max_bytes=2000)
        return
    short, long = parse_any(data, name="input", fmt=fmt, max_bytes=2000)
    assert isinstance(short, ParsedArticle) and short.text == short_text
    assert isinstance(long, ParseFailure) and long.where.startswith(("item 2", "line 2", "entry 2"))
    assert re.fullmatch(r"the article is 4\.\d kB, over the 2\.0 kB limit for one article", long.reason)


@pytest.mark.django_db
def test_a_json_file_cannot_bring_in_an_article_over_the_limit(settings):
    settings.FACTDESK_MAX_ARTICLE_BYTES = 100_000
    huge = "The minister said the deficit would fall. " * 3000  # 126 kB of text in one JSON article
    record = {"text": huge, "title": "Huge", "doc_id": "huge"}
    outcomes = services.import_bytes(json.dumps([record, {"text": "A short article.", "doc_id": "s"}]).encode(), name="big.json")
    assert [o.status for o in outcomes] == [services.FAILED, services.CREATED]
    assert "over the 100.0 kB limit for one article" in outcomes[0].reason
    [single] = services.import_bytes(json.dumps(record).encode(), name="one.json")
    assert single.failed and not Article.objects.filter(external_id="huge").exists()


def test_damaged_utf8_is_rejected_not_garbled():
    # A UTF-8 article (curly quotes and all) with bytes damaged in transfer: decoding it with any
    # single legacy charset would garble every quote, so it is refused with the reason.
    data = (FIXTURES / "corpus_slice.jsonl").read_bytes()
    damaged = data[:3000] + b"\xff\xfe\xc3" + data[3000:]
    with pytest.raises(ImportRejected, match="bytes that are not UTF-8"):
        parse_any(damaged, name="damaged.txt")


def test_byte_soup_in_no_known_encoding_is_rejected():
    soup = bytes((i * 37 + 11) % 128 + 128 for i in range(3000))  # high bytes only, no text in any charset
    with pytest.raises(ImportRejected, match="character encoding could not be recognised"):
        parse_any(soup, name="mystery.txt")


# --- character encodings: the reading news text really has, or a warning the editor sees --------

# Real-shaped news paragraphs, written for these tests, with the letters and punctuation of each
# language: accents, ß, ¿, guillemets, low-high quotes, curly quotes, dashes, the euro sign.
NEWS_TEXT = {
    "French": "Le ministre a déclaré mardi que la réforme serait présentée à l'Assemblée « dès que possible ».\n"
              "L'opposition a dénoncé un projet « brutal » et réclamé un débat, selon l'agence.",
    "French, one line": "Il a déclaré que le projet était « prêt » et serait présenté à l'Assemblée.",
    "German": "Der Minister erklärte am Dienstag, die Reform werde „so bald wie möglich“ vorgelegt.\n"
              "Die Opposition äußerte scharfe Kritik an den geplanten Kürzungen für Familien.",
    "Spanish": "El ministro afirmó el martes que la reforma se presentará «lo antes posible».\n"
               "¿Quién pagará la factura?, preguntó la oposición, según informó la agencia.",
    "English": "The minister said on Tuesday that the reform would be presented “as soon as possible” — a promise\n"
               "critics called ‘empty’. Café owners said the rise would cost them €2,000 a year.",
}
# Latin-1 lacks curly quotes, low-high quotes and the euro sign: German and English are written
# in it without them.
LATIN1_TEXT = {
    "German": NEWS_TEXT["German"].replace("„", '"').replace("“", '"'),
    "English": NEWS_TEXT["English"].translate(str.maketrans("“”‘’—€", "\"\"''-£")),
}


@pytest.mark.parametrize("language", sorted(NEWS_TEXT))
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8", "utf-8-sig"])
def test_western_news_text_reads_right_in_every_usual_encoding(language, encoding):
    text = LATIN1_TEXT.get(language, NEWS_TEXT[language]) if encoding == "latin-1" else NEWS_TEXT[language]
    [article] = parse_any(text.encode(encoding), name="article.txt", max_bytes=LIMIT)
    assert article.text == text
    assert article.warning == ""


def test_a_page_that_declares_latin1_keeps_its_curly_quotes():
    # Pages that say ISO-8859-1 are nearly always Windows-1252: 0x93/0x94 are quotes, not controls.
    body = "<html><head><meta charset=\"iso-8859-1\"><title>Budget</title></head><body><article><p>" \
           + NEWS_TEXT["English"] + "</p></article></body></html>"
    [article] = parse_any(body.encode("cp1252"), name="page.html", max_bytes=LIMIT)
    assert "“as soon as possible”" in article.text and "€2,000" in article.text and article.warning == ""
    [plain] = parse_any(NEWS_TEXT["English"].encode("cp1252"), name="a.txt", content_type="text/plain; charset=latin-1")
    assert plain.text == NEWS_TEXT["English"]


@pytest.mark.parametrize("declared", ["text/html; charset=ISO-8859-1", "text/html; charset=us-ascii", "text/html; charset=windows-1252"])
def test_utf8_served_under_a_western_label_is_read_as_utf8(declared):
    # Servers that label every page Latin-1 by default send UTF-8 pages under that label.
    body = f"<html><body><article><p>{NEWS_TEXT['French']}</p></article></body></html>"
    [article] = parse_any(body.encode("utf-8"), name="page.html", content_type=declared)
    assert "déclaré" in article.text and "« dès que possible »" in article.text and article.warning == ""


@pytest.mark.parametrize("text, encoding", [
    ("Президент заявил во вторник, что реформа будет представлена парламенту «как можно скорее». "
     "Оппозиция раскритиковала планы правительства.", "cp1251"),
    ("Ο υπουργός δήλωσε την Τρίτη ότι η μεταρρύθμιση θα παρουσιαστεί στη Βουλή το συντομότερο δυνατό.", "cp1253"),
])
def test_text_in_another_script_is_not_forced_into_western(text, encoding):
    [article] = parse_any(text.encode(encoding), name="article.txt")
    assert article.text == text and article.warning == ""


# Czech in Windows-1250 reads as plausible Latin letters in Windows-1252 too ("pøedložena"),
# and Turkish in Windows-1254 differs from Windows-1252 in six letters: no detector can be sure.
AMBIGUOUS = [
    ("Ministr v úterý řekl, že reforma bude předložena sněmovně co nejdříve. Opozice kritizovala plány vlády.",
     "cp1250", "Windows-1250"),
    ("Bakan salı günü yaptığı açıklamada reformun en kısa sürede Meclis'e sunulacağını söyledi.", "cp1254", "Windows-1254"),
]


@pytest.mark.parametrize("text, encoding, name", AMBIGUOUS)
def test_a_truly_ambiguous_encoding_is_imported_with_a_warning_naming_both_readings(text, encoding, name):
    [article] = parse_any(text.encode(encoding), name="article.txt")
    assert "not declared and is uncertain" in article.warning
    assert name in article.warning and "Windows-1252" in article.warning
    assert "save the file as UTF-8" in article.warning
    # Declared, the same bytes are certain and read right.
    [declared] = parse_any(text.encode(encoding), name="article.txt", content_type=f"text/plain; charset={encoding}")
    assert declared.text == text and declared.warning == ""


def test_every_article_of_an_ambiguous_file_carries_the_warning():
    text, encoding, _ = AMBIGUOUS[0]
    lines = "\n".join(json.dumps({"text": f"{text} ({n})", "doc_id": str(n)}, ensure_ascii=False) for n in range(3))
    items = parse_any(lines.encode(encoding), name="batch.jsonl")
    assert len(items) == 3 and all("uncertain" in item.warning for item in items)


@pytest.mark.django_db
@pytest.mark.parametrize("text, encoding, uncertain", [
    (NEWS_TEXT["French"], "cp1252", False),
    (AMBIGUOUS[0][0], AMBIGUOUS[0][1], True),
])
def test_every_way_in_reads_the_same_bytes_the_same_way(text, encoding, uncertain, editor_client, editor, tmp_path, settings, capsys):
    """The Import screen, the command and a URL queued through the API store the same text and warning."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.tasks import fetch_url
    from tests.conftest import serving_page

    data = text.encode(encoding)
    screen = editor_client.post("/import/", {"files": [SimpleUploadedFile("screen.txt", data)], "outlet": "Screen"})
    [screen_outcome] = screen.context["results"][0].outcomes
    (tmp_path / "command.txt").write_bytes(data)
    call_command("import_articles", str(tmp_path / "command.txt"), "--outlet", "Command")
    command_output = capsys.readouterr().err
    settings.FACTDESK_FETCH_ALLOW_PRIVATE = True
    with serving_page(data, content_type="text/plain") as site:
        queued = editor_client.post("/api/v1/articles/", {"source_url": f"{site}/story.txt", "outlet": "Fetched"},
                                    content_type="application/json")
        assert queued.status_code == 202
        fetch_url(f"{site}/story.txt", "Fetched", editor.pk)  # what the worker runs for the queued URL
    articles = {a.outlet.name: a for a in Article.objects.select_related("outlet")}
    assert set(articles) == {"Screen", "Command", "Fetched"}
    assert {a.text for a in articles.values()} == {articles["Screen"].text}
    assert {a.import_warning for a in articles.values()} == {screen_outcome.warning}
    fetched = editor_client.get(f"/api/v1/articles/{articles['Fetched'].pk}/").json()
    assert fetched["import_warning"] == screen_outcome.warning
    article_page = editor_client.get(f"/articles/{articles['Fetched'].pk}/").content.decode()
    if uncertain:
        assert "uncertain" in screen_outcome.warning
        assert "uncertain" in screen.content.decode() and "uncertain" in article_page
        assert f"CHECK {tmp_path / 'command.txt'}: its character encoding" in command_output
    else:
        assert articles["Screen"].text == text and screen_outcome.warning == ""
        assert "CHECK" not in command_output and "import-warning" not in article_page


@pytest.mark.django_db
def test_the_admin_upload_page_shows_the_warning(client, desk_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text, encoding, _ = AMBIGUOUS[0]
    client.force_login(desk_admin)
    page = client.post("/admin/articles/article/upload/", {"files": [SimpleUploadedFile("story.txt", text.encode(encoding))]})
    assert page.status_code == 200 and "1 created" in page.content.decode()
    assert "import-warning" in page.content.decode() and "not declared and is uncertain" in page.content.decode()


@pytest.mark.django_db
def test_a_clean_reimport_clears_the_warning(tmp_path):
    text, encoding, _ = AMBIGUOUS[0]
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(encoding))
    [first] = services.import_path(path)
    assert "uncertain" in Article.objects.get(pk=first.article_id).import_warning
    path.write_bytes(text.encode("utf-8"))
    [fixed] = services.import_path(path)
    article = Article.objects.get(pk=fixed.article_id)
    assert fixed.status == services.NEW_VERSION and article.text == text and article.import_warning == ""


def test_malformed_json_line_is_named_and_the_others_still_parse():
    lines = (FIXTURES / "corpus_slice.jsonl").read_text().splitlines()
    broken = "\n".join([lines[0], lines[1][: len(lines[1]) // 2], lines[2], '{"title": "no text here"}']) + "\n"
    items = parse_any(broken.encode(), name="broken.jsonl")
    assert [type(i).__name__ for i in items] == ["ParsedArticle", "ParseFailure", "ParsedArticle", "ParseFailure"]
    assert items[1].where == "line 2" and "not valid JSON" in items[1].reason
    assert items[3].where == "line 4" and '"text" field is missing' in items[3].reason


def test_truncated_json_document_is_rejected_whole():
    data = (FIXTURES / "articles.json").read_bytes()
    with pytest.raises(ImportRejected, match=r"not valid JSON \(.* at line \d+, column \d+\)"):
        parse_any(data[: len(data) // 2], name="articles.json")


def test_truncated_html_page_is_rejected():
    data = (FIXTURES / "page_trump-tweet-star-of-david.html").read_bytes()
    with pytest.raises(ImportRejected, match="cut off"):
        parse_any(data[: len(data) // 2], name="page.html")


def test_page_without_article_text_is_rejected():
    page = b"<!doctype html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(ImportRejected, match="no article text"):
        parse_any(page, name="home.html")


def test_truncated_feed_is_rejected_whole():
    data = (FIXTURES / "feed_rss.xml").read_bytes()
    cut = data[: data.index(b"</item>", data.index(b"</item>") + 1) + 200]  # two entries, then a cut inside the third
    with pytest.raises(ImportRejected, match="not well-formed XML"):
        parse_any(cut, name="feed.xml")


def test_feed_with_no_entries_is_rejected():
    data = (FIXTURES / "feed_rss.xml").read_text()
    empty = data[: data.index("<item>")] + "</channel>\n</rss>\n"
    with pytest.raises(ImportRejected, match="no entries"):
        parse_any(empty.encode(), name="feed.xml")


def test_xml_that_is_not_a_feed_is_rejected():
    with pytest.raises(ImportRejected, match="not an RSS or Atom feed"):
        parse_any(b'<?xml version="1.0"?><catalog><book id="1">Dune</book></catalog>', name="books.xml")


def test_unsafe_urls_are_not_kept():
    record = json.loads((FIXTURES / "articles.json").read_text())[0]
    record["url"] = "javascript:alert(1)"
    [failure] = parse_any(json.dumps([record]).encode(), name="x.json")
    assert isinstance(failure, ParseFailure) and "not an http(s) URL" in failure.reason


def test_bad_manifests_are_rejected(tmp_path):
    cases = {
        "not-json.json": "{articles: [",
        "no-list.json": '{"about": "nothing"}',
        "no-file.json": '{"articles": [{"outlet": "A"}]}',
        "bad-date.json": '{"articles": [{"file": "a.txt", "published": "last Tuesday"}]}',
    }
    for name, content in cases.items():
        (tmp_path / name).write_text(content)
        with pytest.raises(ImportRejected):
            read_manifest(tmp_path / name)
    with pytest.raises(ImportRejected, match="cannot be read"):
        read_manifest(tmp_path / "missing.json")


# --- through the service, on the database -----------------------------------------------------


def import_fixture(name, **kwargs):
    return services.import_path(FIXTURES / name, **kwargs)


def snapshot():
    return (
        sorted(Article.objects.values_list("outlet__name", "url", "external_id", "content_hash", "version")),
        ArticleVersion.objects.count(),
        Outlet.objects.count(),
    )


@pytest.mark.django_db
def test_samples_import_through_the_manifest_twice_with_the_same_rows(shared_dir):
    manifest = shared_dir / "samples" / "manifest.json"
    first = services.import_manifest(manifest)
    assert [o.status for o in first] == ["created", "created"]
    before = snapshot()
    second = services.import_manifest(manifest)
    assert [o.status for o in second] == ["unchanged", "unchanged"]
    assert snapshot() == before
    article = Article.objects.get(external_id="003_757855998057e387")
    assert article.outlet.name == "Sample Outlet B" and article.published_at.date().isoformat() == "2025-02-13"
    assert "READ ALSO" not in article.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, count",
    [("page_dnc-chair-dismisses-sanders.html", 1), ("feed_rss.xml", 3), ("feed_atom.xml", 1), ("articles.json", 3),
     ("corpus_slice.jsonl", 3), ("article_cp1252.txt", 1), ("article_utf16.txt", 1)],
)
def test_each_format_imports_and_reimports_to_the_same_rows(name, count):
    first = import_fixture(name)
    assert [o.status for o in first] == ["created"] * count, first
    before = snapshot()
    assert len(before[0]) == count and before[1] == count
    assert [o.status for o in import_fixture(name)] == ["unchanged"] * count
    assert snapshot() == before


@pytest.mark.django_db
def test_the_same_article_from_two_outlets_spellings_is_one_outlet():
    """The corpus says "politico" and "usa-today", the JSON file "Politico" and "USA Today": one
    outlet each, not a failed import; "The Washington Post" is not "wash-post" by spelling."""
    import_fixture("corpus_slice.jsonl")
    outcomes = import_fixture("articles.json")
    assert not [o for o in outcomes if o.failed]
    assert sorted(Outlet.objects.values_list("slug", flat=True)) == ["politico", "the-washington-post", "usa-today", "wash-post"]


@pytest.mark.django_db
def test_changed_text_becomes_a_new_version_and_keeps_the_old():
    record = json.loads((FIXTURES / "articles.json").read_text())[1]
    [created] = services.import_bytes(json.dumps(record).encode(), name="cruz.json")
    original = Article.objects.get(pk=created.article_id).text
    record["text"] = record["text"].replace("Texas Sen. Ted Cruz", "Sen. Ted Cruz of Texas")
    [updated] = services.import_bytes(json.dumps(record).encode(), name="cruz.json")
    assert updated.status == "new_version" and updated.article_id == created.article_id
    article = Article.objects.get(pk=created.article_id)
    assert article.version == 2 and "Sen. Ted Cruz of Texas" in article.text
    assert list(article.versions.values_list("number", "text")) == [(1, original), (2, article.text)]
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_bad_files_fail_alone_and_leave_nothing_behind(tmp_path):
    page = (FIXTURES / "page_ted-cruz-heckler.html").read_bytes()
    (tmp_path / "cut.html").write_bytes(page[: len(page) // 2])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "archive.json").write_bytes(gzip.compress(page, mtime=0))
    lines = (FIXTURES / "corpus_slice.jsonl").read_text().splitlines()
    (tmp_path / "lines.jsonl").write_text("\n".join([lines[0], lines[1][:50], lines[2]]))
    outcomes = [o for p in sorted(tmp_path.iterdir()) for o in services.import_path(p)]
    failed = {o.source.rsplit("/", 1)[-1]: o.reason for o in outcomes if o.failed}
    assert set(failed) == {"archive.json", "cut.html", "empty.txt", "lines.jsonl (line 2)"}
    assert "binary" in failed["archive.json"] and "cut off" in failed["cut.html"] and "empty" in failed["empty.txt"]
    assert sorted(Article.objects.values_list("external_id", flat=True)) == [POLITICO, WASH_POST]


@pytest.mark.django_db
def test_truncated_feed_imports_nothing():
    data = (FIXTURES / "feed_rss.xml").read_bytes()
    [outcome] = services.import_bytes(data[: len(data) - 300], name="feed.xml")
    assert outcome.failed and "not well-formed" in outcome.reason
    assert not Article.objects.exists() and not Outlet.objects.exists()


@pytest.mark.django_db
def test_import_command_reports_a_summary(shared_dir, capsys):
    call_command("import_articles", "--manifest", str(shared_dir / "samples" / "manifest.json"), str(FIXTURES / "feed_rss.xml"))
    assert "created: 5, new version: 0, unchanged: 0, failed: 0" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.needs_shared
def test_the_whole_corpus_imports(shared_dir):
    corpus = shared_dir / "corpus" / "polnear-articles.jsonl"
    outcomes = services.import_path(corpus)
    assert len(outcomes) == 924 and {o.status for o in outcomes} == {"created"}
    assert Article.objects.count() == 924
    assert Outlet.objects.count() == 7
    assert set(Outlet.objects.values_list("name", flat=True)) == {
        "breitbart", "huff-post", "nyt", "politico", "usa-today", "wash-post", "west-journal",
    }
    assert not Article.objects.filter(external_id="").exists()
    assert {o.status for o in services.import_path(corpus)} == {"unchanged"}
    assert Article.objects.count() == 924 and ArticleVersion.objects.count() == 924


# --- arbitrary and hostile input: an article or a clear rejection, never a crash -----------------

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\u200b", "\u200f", "\u202e", "\ufeff", "\u00ad", "\r", "\n", "\t", "\u201c", "\u201d", '"', " ", "\u0301"]),
    ),
    max_size=600,
)


def assert_clean_result(items):
    for item in items:
        assert isinstance(item, (ParsedArticle, ParseFailure))
        if isinstance(item, ParsedArticle):
            assert item.text and normalise_text(item.text) == item.text  # offsets into it stay stable
            item.text.encode("utf-8")  # storable: no lone surrogates
        else:
            assert item.where and item.reason


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.txt", "a.html", "a.json", "a.jsonl", "a.xml", "upload"]))
def test_arbitrary_bytes_end_in_articles_or_a_clear_rejection(data, name):
    try:
        items = parse_any(data, name=name, max_bytes=100_000)
    except ImportRejected as exc:
        assert str(exc)
        return
    assert_clean_result(items)


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE_TEXT, wrapper=st.sampled_from(["text", "html", "json", "jsonl", "rss"]))
def test_hostile_text_in_every_format(text, wrapper):
    """Zero-width and right-to-left marks, quotes that never close, stray CRs, in each wrapping."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    data = {
        "text": text,
        "html": f"<!doctype html><html><body><article><p>{escaped}</p><p>{escaped}</p></article></body></html>",
        "json": json.dumps({"text": text, "title": text[:40]}),
        "jsonl": json.dumps({"text": text}) + "\n" + json.dumps({"text": text[::-1]}),
        "rss": f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
               f"<description>{escaped}</description></item></channel></rss>",
    }[wrapper]
    try:
        items = parse_any(data.encode("utf-8", errors="surrogatepass"), name=f"hostile.{wrapper}", fmt=wrapper.replace("rss", "feed"))
    except ImportRejected as exc:
        assert str(exc)
        return
    assert_clean_result(items)


@hypothesis_settings(max_examples=200, deadline=None)
@given(text=HOSTILE_TEXT)
def test_normalisation_is_idempotent_on_any_text(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once and "\u200b" not in once and "\n\n\n" not in once


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"<!doctype html><html><body>" + b"<div>" * 20_000 + b"</div>" * 20_000 + b"</body></html>", "no article text"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
         b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
         b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
         b'<rss version="2.0"><channel><item><description>&h;</description></item></channel></rss>', "not well-formed"),
    ],
    ids=["deep-json", "deep-html", "entity-expansion"],
)
def test_hostile_structures_are_refused(data, reason):
    with pytest.raises(ImportRejected, match=reason):
        parse_any(data, name="upload")


def test_external_entities_are_never_read():
    feed = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
            b"<item><guid>1</guid><description>&x; The council said the bridge would reopen in the spring.</description></item>"
            b"</channel></rss>")
    for item in parse_any(feed, name="feed.xml"):
        assert "root:" not in getattr(item, "text", "")
