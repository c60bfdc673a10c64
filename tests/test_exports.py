"""Exports of confirmed claims: JSON, JSON Lines, CSV and schema.org JSON-LD, over the API and the command."""
from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import exports
from claims.models import ClaimStatus, SpeakerKind
from tests.factories import CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

# The schema.org properties each type has (its own and those inherited from CreativeWork and
# Thing), as published at https://schema.org/<Type>. Every key the export writes must be one.
THING = {"@type", "@id", "name", "url", "identifier", "description", "sameAs", "alternateName"}
CREATIVE_WORK = THING | {
    "author", "text", "datePublished", "dateModified", "headline", "publisher", "inLanguage", "about", "citation",
    "hasPart",
}
SCHEMA_ORG = {
    "Claim": CREATIVE_WORK | {"appearance", "firstAppearance", "claimInterpreter"},
    "ClaimReview": CREATIVE_WORK | {"claimReviewed", "itemReviewed", "reviewRating", "reviewBody", "reviewAspect"},
    "NewsArticle": CREATIVE_WORK | {"dateline", "printSection", "articleBody", "wordCount"},
    "Rating": THING | {"ratingValue", "bestRating", "worstRating", "ratingExplanation", "reviewAspect", "author"},
    "Person": THING | {"jobTitle", "affiliation", "givenName", "familyName"},
    "Organization": THING | {"legalName", "logo", "address"},
    "Quotation": CREATIVE_WORK | {"spokenByCharacter"},
    "PropertyValue": THING | {"propertyID", "value", "minValue", "maxValue", "unitText", "unitCode"},
}

SECOND_TEXT = (
    "Reporting from the capital.\n"
    "\u201cWe will cut the deficit by half within four years,\u201d the minister, Jane Rivers, told MPs."
)


@pytest.fixture(autouse=True)
def _fast(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk():
    """A rated claim cited in two outlets, an organisation's claim, and a proposed one (never exported)."""
    rivers = SpeakerFactory(name="Jane Rivers")
    daily = OutletFactory(name="Daily Example", domain="daily.example")
    weekly = OutletFactory(name="Weekly Example", domain="weekly.example")
    rated = ClaimFactory(
        speaker=rivers, status=ClaimStatus.CONFIRMED, rating="False",
        rating_explanation="The plan halves it over eight years, not four.",
        text='We will cut the deficit "by half", within four years',
        first_reported_at="2024-03-01T08:00:00Z",
    )
    later = CitationFactory(claim=rated, article__outlet=weekly, article__text=SECOND_TEXT,
                            article__published_at="2024-03-02T08:00:00Z", article__title="Rivers, again")
    first = CitationFactory(claim=rated, article__outlet=daily, article__published_at="2024-03-01T08:00:00Z",
                            article__title="Rivers promises cuts")
    union = SpeakerFactory(name="Teachers' Union")
    union.kind = SpeakerKind.ORGANISATION
    union.save()
    plain = CitationFactory(claim__speaker=union, claim__status=ClaimStatus.CONFIRMED, claim__text="Schools need more money",
                            article__outlet=daily, article__published_at="2024-02-01T08:00:00Z").claim
    proposed = CitationFactory(claim__status=ClaimStatus.PROPOSED).claim
    return {"rated": rated, "plain": plain, "proposed": proposed, "first": first, "later": later, "daily": daily,
            "rivers": rivers}


@pytest.fixture
def reader(viewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    return client


def body_of(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def test_json_export_has_confirmed_claims_with_all_citations(reader, desk):
    response = reader.get("/api/v1/exports/claims.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    records = json.loads(body_of(response))
    assert [r["id"] for r in records] == [desk["rated"].pk, desk["plain"].pk]
    rated = records[0]
    assert rated["speaker"] == {"id": desk["rivers"].pk, "name": "Jane Rivers", "kind": "person"}
    assert rated["rating"] == "False"
    # Citations come in the order they were published, with their article and outlet.
    assert [c["id"] for c in rated["citations"]] == [desk["first"].pk, desk["later"].pk]
    assert rated["citations"][1]["article"]["outlet"] == "Weekly Example"
    assert rated["citations"][1]["quote"] == desk["later"].quote


def test_jsonl_has_one_line_per_claim(reader, desk):
    response = reader.get("/api/v1/exports/claims.jsonl")
    assert response["Content-Type"] == "application/x-ndjson"
    lines = body_of(response).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [desk["rated"].pk, desk["plain"].pk]


def test_jsonl_lines_survive_unicode_line_separators(reader, desk):
    # U+2028 / U+2029 are legal inside JSON strings, but str.splitlines() (and older JavaScript)
    # breaks lines on them: the export escapes them so each claim stays one line.
    text = "First part\u2028second part\u2029third"
    desk["plain"].text = text
    desk["plain"].save()
    body = body_of(reader.get("/api/v1/exports/claims.jsonl"))
    lines = body.splitlines()
    assert len(lines) == 2 and "\u2028" not in body and "\u2029" not in body
    assert json.loads(lines[1])["text"] == text
    assert json.loads(body_of(reader.get("/api/v1/exports/claims.json")))[1]["text"] == text


def test_csv_opens_with_the_csv_module(reader, desk):
    response = reader.get("/api/v1/exports/claims/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body_of(response), newline="")))
    assert list(rows[0]) == exports.CSV_COLUMNS
    # One row per citation: two for the rated claim, one for the other.
    assert [int(r["claim_id"]) for r in rows] == [desk["rated"].pk, desk["rated"].pk, desk["plain"].pk]
    assert rows[0]["claim_text"] == 'We will cut the deficit "by half", within four years'  # quotes and commas survive
    assert rows[1]["quote"] == desk["later"].quote and "\n" not in rows[1]["quote"]
    assert rows[0]["outlet"] == "Daily Example" and rows[1]["outlet"] == "Weekly Example"
    assert rows[2]["speaker_kind"] == "organisation"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_stay_text(reader, desk):
    Claim = type(desk["plain"])
    Claim.objects.filter(pk=desk["plain"].pk).update(text='=HYPERLINK("http://evil.example","click")')
    rows = list(csv.DictReader(io.StringIO(body_of(reader.get("/api/v1/exports/claims.csv")), newline="")))
    assert rows[2]["claim_text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["claim_text"].startswith("We will")  # ordinary text is untouched


def _check_schema_org_names(node):
    if isinstance(node, list):
        for item in node:
            _check_schema_org_names(item)
        return
    if not isinstance(node, dict):
        return
    kind = node["@type"]
    assert kind in SCHEMA_ORG, kind
    assert set(node) <= SCHEMA_ORG[kind], f"{kind} has non-schema.org keys: {set(node) - SCHEMA_ORG[kind]}"
    for value in node.values():
        _check_schema_org_names(value)


def test_jsonld_is_schema_org_claims_and_claim_reviews(reader, desk):
    response = reader.get("/api/v1/exports/claims.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(body_of(response))
    assert document["@context"] == "https://schema.org"
    review, claim = document["@graph"]
    for node in document["@graph"]:
        _check_schema_org_names(node)

    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == desk["rated"].text
    assert review["reviewRating"] == {
        "@type": "Rating", "alternateName": "False", "ratingExplanation": "The plan halves it over eight years, not four.",
    }
    reviewed = review["itemReviewed"]
    assert reviewed["@type"] == "Claim"
    assert reviewed["author"] == {"@type": "Person", "name": "Jane Rivers"}
    first, later = desk["first"].article, desk["later"].article
    assert [a["url"] for a in reviewed["appearance"]] == [first.url, later.url]
    assert reviewed["firstAppearance"]["url"] == first.url
    assert reviewed["firstAppearance"]["@type"] == "NewsArticle"
    assert reviewed["firstAppearance"]["publisher"] == {
        "@type": "Organization", "name": "Daily Example", "url": "https://daily.example/",
    }
    assert reviewed["firstAppearance"]["datePublished"].startswith("2024-03-01T08:00:00")

    assert claim["@type"] == "Claim"  # no rating: a bare Claim, no review
    assert claim["author"] == {"@type": "Organization", "name": "Teachers' Union"}
    assert claim["text"] == "Schools need more money"


def test_exports_take_the_claim_filters(reader, desk):
    def ids(**params):
        return [json.loads(line)["id"] for line in body_of(reader.get("/api/v1/exports/claims.jsonl", params)).splitlines()]

    assert ids(speaker=desk["rivers"].pk) == [desk["rated"].pk]
    assert ids(outlet=desk["daily"].pk) == [desk["rated"].pk, desk["plain"].pk]
    assert ids(rated="true") == [desk["rated"].pk]
    assert ids(q="schools") == [desk["plain"].pk]
    assert ids(published_after="2024-03-02T00:00:00Z") == [desk["rated"].pk]
    # Exports are of confirmed claims whatever status is asked for.
    assert ids(status="proposed") == [desk["rated"].pk, desk["plain"].pk]


def test_export_errors(reader, desk):
    unknown = reader.get("/api/v1/exports/claims.xml")
    assert unknown.status_code == 404 and "Unknown export format" in unknown.json()["detail"]
    assert reader.get("/api/v1/exports/claims/", {"format": "pdf"}).status_code == 404
    bad = reader.get("/api/v1/exports/claims.csv", {"first_reported_after": "yesterday"})
    assert bad.status_code == 400
    assert "first_reported_after" in bad.json()


def test_exports_need_a_desk_role(client, outsider, desk):
    assert APIClient().get("/api/v1/exports/claims.json").status_code == 401
    client.force_login(outsider)
    assert client.get("/api/v1/exports/claims.json").status_code == 403


def test_citations_are_fetched_once_per_chunk_not_per_claim(desk):
    for _ in range(5):
        CitationFactory(claim__status=ClaimStatus.CONFIRMED)
    with CaptureQueriesContext(connection) as queries:
        records = list(exports.iter_records(exports.exportable_claims(), chunk_size=3))
    assert len(records) == 7
    citation_queries = [q for q in queries if 'FROM "claims_citation"' in q["sql"]]
    assert len(citation_queries) == 3  # ceil(7 / 3) chunks
    assert len(queries) <= 3 + 2  # the claims cursor (and its transaction bookkeeping) besides


def test_export_command_writes_each_format(tmp_path, desk):
    for fmt in exports.FORMATS:
        out = tmp_path / f"claims.{fmt}"
        call_command("export_claims", "--format", fmt, "--output", str(out))
        text = out.read_text(encoding="utf-8")
        if fmt == "jsonl":
            assert len(text.splitlines()) == 2
        elif fmt == "csv":
            assert len(list(csv.DictReader(io.StringIO(text, newline="")))) == 3
        elif fmt == "json":
            assert len(json.loads(text)) == 2
        else:
            assert len(json.loads(text)["@graph"]) == 2
    filtered = tmp_path / "rivers.jsonl"
    call_command("export_claims", "--format", "jsonl", "--output", str(filtered), "--speaker", str(desk["rivers"].pk))
    assert [json.loads(line)["id"] for line in filtered.read_text().splitlines()] == [desk["rated"].pk]


def test_export_command_errors(tmp_path, desk):
    with pytest.raises(CommandError, match="--first-reported-after"):
        call_command("export_claims", "--first-reported-after", "soon")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_claims", "--output", str(tmp_path / "missing-dir" / "x.jsonl"))


def test_json_export_text_is_what_the_standard_encoder_writes(reader, desk):
    """The JSON writers fill a template per record; their text must be exactly DjangoJSONEncoder's."""
    from datetime import datetime, timezone

    from django.core.serializers.json import DjangoJSONEncoder

    Claim = type(desk["plain"])
    awkward = 'Quotes " and \\ backslash,\nnew line, tab\t, \x01 control, \u2028 separator, caf\u00e9 \U0001F600 \u201cdone\u201d'
    Claim.objects.filter(pk=desk["plain"].pk).update(
        text=awkward, rating_explanation="Line one\r\nline two", speaker=None,
        confirmed_at=datetime(2024, 3, 5, 9, 30, 15, 123456, tzinfo=timezone.utc),
        first_reported_at=None,
    )
    type(desk["later"].article).objects.filter(pk=desk["later"].article_id).update(published_at=None, title='Say "no"')
    for _ in range(4):  # claims between that are never exported, with citations of their own
        CitationFactory(claim__status=ClaimStatus.REJECTED)
    bare = ClaimFactory(status=ClaimStatus.CONFIRMED, confirmed_at=datetime(2024, 3, 6, tzinfo=timezone.utc),
                        first_reported_at=datetime(2024, 3, 4, 23, 59, 59, 500000, tzinfo=timezone.utc))

    records = list(exports.iter_records(exports.exportable_claims()))
    assert [r["id"] for r in records] == [desk["rated"].pk, desk["plain"].pk, bare.pk]
    reference = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    for record in records:
        assert exports.record_json(record) == reference.encode(record)
        # The times read for the export are the stored ones, to the microsecond, in UTC.
        claim = Claim.objects.get(pk=record["id"])
        assert [record["first_reported_at"], record["confirmed_at"], record["updated_at"]] == [
            claim.first_reported_at, claim.confirmed_at, claim.updated_at]
        assert {c["id"]: c["article"]["published_at"] for c in record["citations"]} == {
            c.pk: c.article.published_at for c in claim.citations.select_related("article")}
    assert records[2]["first_reported_at"].isoformat() == "2024-03-04T23:59:59.500000+00:00"
    # A chunk of claims far apart (their citations fetched by id, not by id range) reads the same.
    sparse = exports.exportable_claims(Claim.objects.filter(pk__in=[desk["rated"].pk, bare.pk]))
    assert list(exports.iter_records(sparse)) == [records[0], records[2]]

    # JSON Lines records end with "\n" only (str.splitlines would also split at the unescaped U+2028).
    lines = body_of(reader.get("/api/v1/exports/claims.jsonl")).removesuffix("\n").split("\n")
    assert len(lines) == 3  # the escaped new lines do not split a record
    plain = json.loads(lines[1])
    assert plain["text"] == awkward and plain["speaker"] is None and plain["first_reported_at"] is None
    assert plain["confirmed_at"] == "2024-03-05T09:30:15.123Z"
    assert json.loads(lines[2])["citations"] == [] and json.loads(lines[2])["confirmed_at"] == "2024-03-06T00:00:00Z"
    # (where an undated article sorts, first or last, is up to the database)
    later = next(c for c in json.loads(lines[0])["citations"] if c["id"] == desk["later"].pk)
    assert later["article"]["title"] == 'Say "no"' and later["article"]["published_at"] is None
