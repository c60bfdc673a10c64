"""Server time of the review screens (queue, article, claim) with many claims on PostgreSQL.

    .venv/bin/python bench/review_bench.py                  # 100k claims (synthesised once, reused)
    .venv/bin/python bench/review_bench.py --claims 10000   # a smaller desk
    .venv/bin/python bench/review_bench.py --rebuild        # throw the synthesised rows away first

The database (``BENCH_REVIEW_URL``, default ``postgres://postgres@127.0.0.1:5432/factdesk_review_bench``)
is filled with synthesised rows shaped like a busy desk: articles built from the real corpus's
sentences (or generated sentences without ../shared) across 7 outlets, ~10 candidates per
article, each with its claim and citation, a share of claims cited by a second outlet, suggested
matches, and audit events. Rows are written with ``bulk_create`` (this is a bench of the
screens, not of the pipeline). Then each screen is requested in-process with Django's test
client as a signed-in editor — the full middleware, view, ORM and template stack, no network —
and the wall time per request is printed as p50 / p95 / max, with the query count of one
request. Goal: p95 ≤ 150 ms per screen at 100k claims.

``--bulk`` times a class decision over one outlet's pending candidates (up to the 5,000 rows of
one step) and its undo instead, rolled back afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import SHARED, django_on, ensure_postgres_database  # noqa: E402

REVIEW_URL = os.environ.get("BENCH_REVIEW_URL", "postgres://postgres@127.0.0.1:5432/factdesk_review_bench")
OUTLETS = ["Ledger", "Herald", "Courier", "Tribune", "Gazette", "Sentinel", "Chronicle"]
CLAIMS_PER_ARTICLE = 10
BATCH = 2000


def corpus_sentences(limit: int = 40000) -> list[str]:
    """Sentences of the real corpus when ../shared is there, else generated ones."""
    path = SHARED / "corpus" / "polnear-articles.jsonl"
    sentences: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            for part in text.replace("\n", " ").split(". "):
                part = part.strip()
                if 60 <= len(part) <= 300:
                    sentences.append(part + ".")
            if len(sentences) >= limit:
                break
    if not sentences:
        rng = random.Random(3)
        words = ("budget deficit minister promised cut taxes schools hospitals war peace talks election voters "
                 "border trade tariffs jobs growth climate energy prices inflation security allies").split()
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(10, 30))).capitalize() + "." for _ in range(5000)]
    return sentences


def synthesise(n_claims: int, seed: int = 11) -> None:
    from django.contrib.auth.models import User
    from django.db import transaction

    from articles.models import Article, ArticleVersion, Outlet, content_hash
    from claims.models import (
        ArticleExtraction,
        Candidate,
        Citation,
        Claim,
        ExtractionStatus,
        Match,
        ReviewEvent,
        Speaker,
        SpeakerAlias,
        normalise_name,
    )

    rng = random.Random(seed)
    sentences = corpus_sentences()
    outlets = [Outlet.objects.get_or_create(name=name)[0] for name in OUTLETS]
    speakers = Speaker.objects.bulk_create([Speaker(name=f"Speaker {i:04d}") for i in range(max(50, n_claims // 50))])
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=s, alias=s.name, normalized=normalise_name(s.name)) for s in speakers], ignore_conflicts=True
    )
    actor = User.objects.filter(username="bench-editor").first()
    n_articles = max(1, n_claims // CLAIMS_PER_ARTICLE)
    first = Article.objects.count()  # a top-up run continues the numbering
    start_day = datetime(2016, 1, 1, tzinfo=timezone.utc)
    made = 0
    t0 = time.perf_counter()
    for offset in range(0, n_articles, BATCH // CLAIMS_PER_ARTICLE):
        count = min(BATCH // CLAIMS_PER_ARTICLE, n_articles - offset)
        with transaction.atomic():
            articles = []
            layouts = []
            for i in range(offset, offset + count):
                picked = [rng.choice(sentences) for _ in range(CLAIMS_PER_ARTICLE + 6)]
                text, spans, at = "", [], 0
                for k, sentence in enumerate(picked):
                    piece = f"\u201c{sentence}\u201d said the speaker. " if k % 2 == 0 and len(spans) < CLAIMS_PER_ARTICLE else sentence + " "
                    if piece.startswith("\u201c"):
                        spans.append((at, at + len(sentence) + 2))
                    text += piece + ("\n" if k % 3 == 2 else "")
                    at = len(text)
                while len(spans) < CLAIMS_PER_ARTICLE:  # top up with plain sentences
                    s = rng.randrange(0, max(1, len(text) - 80))
                    spans.append((s, s + 60))
                published = start_day + timedelta(days=i % 300, minutes=i % 1440)
                articles.append(Article(
                    outlet=outlets[i % len(outlets)], external_id=f"bench-{first + i}", title=f"Bench article {i}: {picked[0][:60]}",
                    published_at=published, text=text, content_hash=content_hash(text), source_format="jsonl",
                ))
                layouts.append(spans[:CLAIMS_PER_ARTICLE])
            articles = Article.objects.bulk_create(articles)
            ArticleVersion.objects.bulk_create([
                ArticleVersion(article=a, number=1, text=a.text, content_hash=a.content_hash, title=a.title) for a in articles
            ])
            ArticleExtraction.objects.bulk_create([
                ArticleExtraction(article=a, status=ExtractionStatus.DONE, extractor_version="bench",
                                  content_hash=a.content_hash, candidate_count=CLAIMS_PER_ARTICLE) for a in articles
            ])
            # Claims first, so each candidate is written already pointing at its claim.
            plans, claims = [], []
            for article, spans in zip(articles, layouts):
                for k, (s, e) in enumerate(spans):
                    speaker = speakers[rng.randrange(len(speakers))]
                    kind = "direct" if k % 3 else "indirect"
                    plans.append((article, s, e, speaker, kind))
                    claims.append(Claim(
                        text=article.text[s:e].strip("\u201c\u201d "), speaker=speaker, kind=kind,
                        status="proposed" if rng.random() < 0.6 else "confirmed", first_article=article,
                        first_reported_at=article.published_at,
                    ))
            claims = Claim.objects.bulk_create(claims)
            candidates = Candidate.objects.bulk_create([
                Candidate(
                    article=article, content_hash=article.content_hash, kind=kind, start=s, end=e, text=article.text[s:e],
                    speaker=speaker, speaker_text=speaker.name, speaker_resolved=True, cue="said",
                    confidence=round(rng.uniform(0.3, 1.0), 3), extractor_version="bench", matched_at=article.published_at,
                    status="pending" if rng.random() < 0.6 else "confirmed", claim=claim,
                )
                for (article, s, e, speaker, kind), claim in zip(plans, claims)
            ])
            citations = [
                Citation(claim=claim, article=c.article, candidate=c, start=c.start, end=c.end, quote=c.text,
                         prefix=c.article.text[max(0, c.start - 32):c.start], suffix=c.article.text[c.end:c.end + 32],
                         content_hash=c.article.content_hash)
                for c, claim in zip(candidates, claims)
            ]
            # One claim in five is also reported by another outlet: a second citation and a suggested match.
            matches, events = [], []
            for j in range(0, len(claims) - CLAIMS_PER_ARTICLE, 5):
                other = candidates[j + CLAIMS_PER_ARTICLE] if j + CLAIMS_PER_ARTICLE < len(candidates) else None
                if other is None or other.article_id == candidates[j].article_id:
                    continue
                citations.append(Citation(
                    claim=claims[j], article=other.article, candidate=None, start=other.start, end=other.end,
                    quote=other.text, content_hash=other.article.content_hash,
                ))
                matches.append(Match(candidate=other, claim=claims[j], score=round(rng.uniform(0.4, 0.95), 3),
                                     lexical=0.5, semantic=0.7, relation="paraphrase", evidence={"shared": ["bench"]}))
            for claim in claims[::2]:
                events.append(ReviewEvent(actor=actor, action="confirm_claim", target_type="claim", target_id=claim.pk,
                                          claim=claim, summary=claim.text[:200],
                                          changes=[{"model": "claims.claim", "pk": claim.pk, "before": {"status": "proposed"},
                                                    "after": {"status": "confirmed"}}]))
            Citation.objects.bulk_create(citations, ignore_conflicts=True)
            Match.objects.bulk_create(matches, ignore_conflicts=True)
            ReviewEvent.objects.bulk_create(events)
        made += len(claims)
        if made % 20000 < BATCH:
            print(f"  synthesised {made:,} claims ({time.perf_counter() - t0:.0f} s)", flush=True)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def time_screen(client, label, urls, repeats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(urls[0])
    assert response.status_code == 200, (label, response.status_code)
    queries = len(ctx.captured_queries)
    for url in urls[:3]:  # warm caches (templates, connection)
        client.get(url)
    timings = []
    for k in range(repeats):
        url = urls[k % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, url, response.status_code)
    print(f"{label:<28} p50 {statistics.median(timings):7.1f} ms   p95 {percentile(timings, 95):7.1f} ms   "
          f"max {max(timings):7.1f} ms   {queries} queries", flush=True)
    return percentile(timings, 95), queries


def time_class_decision(editor) -> None:
    """Reject one outlet's pending candidates as unattributed, undo it, and roll both back.

    The synthesised candidates all have speakers, so the outlet's pending ones lose theirs first
    (inside the same rolled-back transaction): the class is as large as a noisy outlet's.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from claims import services
    from claims.models import Candidate
    from claims.services import bulk

    outlet_id = Candidate.objects.pending().values_list("article__outlet_id", flat=True).first()
    with transaction.atomic():
        Candidate.objects.pending().filter(article__outlet_id=outlet_id).update(speaker=None)
        print("load average before: %.1f %.1f %.1f on %d CPUs" % (*os.getloadavg(), os.cpu_count() or 0))
        for label, step in (("decision", lambda: bulk.reject_unattributed_candidates(actor=editor, outlet_id=outlet_id)),
                            ("undo", lambda: services.undo(event_id=event.pk, actor=editor))):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                done = step()
                took = time.perf_counter() - started
            if label == "decision":
                event = done
                print(event.summary)
            print(f"  {label}: {took:.2f} s, {len(queries)} statements")
        print("load average after:  %.1f %.1f %.1f" % os.getloadavg())
        transaction.set_rollback(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--bulk", action="store_true",
                        help="time a class decision (reject an outlet's unattributed candidates) and its undo instead")
    args = parser.parse_args()

    ensure_postgres_database(REVIEW_URL)
    django_on(REVIEW_URL, os.environ.get("FACTDESK_DATA_DIR") or tempfile.mkdtemp(prefix="review-bench-"))
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from articles import hooks
    from articles.models import Article, Outlet
    from claims.models import Claim, Speaker
    hooks.stop_listening()
    if args.rebuild:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE claims_reviewevent, claims_match, claims_citation, claims_candidate, claims_claimshingle, "
                           "claims_claim, claims_articleextraction, claims_speakeralias, claims_speakerrole, claims_speaker, "
                           "articles_articleversion, articles_article, articles_outlet RESTART IDENTITY CASCADE")
    editor, created = User.objects.get_or_create(username="bench-editor")
    if created:
        editor.groups.add(Group.objects.get(name="editor"))
    have = Claim.objects.count()
    if have < args.claims * 0.95:
        print(f"synthesising {args.claims - have:,} claims on {REVIEW_URL} …", flush=True)
        started = time.perf_counter()
        synthesise(args.claims - have, seed=have + 11)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        # bulk_create wrote around the services: score the claims as manage.py refresh_triage does.
        from claims.services.triage import refresh_all

        started = time.perf_counter()
        refresh_all()
        print(f"  editorial values stored in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Claim.objects.count()
    print(f"\n{total:,} claims, {Article.objects.count():,} articles, {Speaker.objects.count():,} speakers on PostgreSQL\n")

    if args.bulk:
        time_class_decision(editor)
        return
    # The machine may be shared: say how busy it was, since every figure below is wall time.
    print("load average before: %.1f %.1f %.1f on %d CPUs" % (*os.getloadavg(), os.cpu_count() or 0))
    client = Client()
    client.force_login(editor)
    rng = random.Random(5)
    max_article = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    article_ids = list(Article.objects.filter(pk__in=[rng.randrange(1, max_article + 1) for _ in range(200)])
                       .values_list("pk", flat=True))[:40]
    cited_twice = list(Claim.objects.filter(first_article_id__in=article_ids).values_list("pk", flat=True)[:40])
    outlet = Outlet.objects.first()
    speaker = Speaker.objects.first()
    queue = reverse("claims:queue")
    results = {
        "queue (first page)": time_screen(client, "queue (first page)", [queue], args.repeats),
        "queue (page 40)": time_screen(client, "queue (page 40)", [f"{queue}?page=40"], args.repeats),
        "queue (outlet + kind)": time_screen(client, "queue (outlet + kind)",
                                             [f"{queue}?outlet={outlet.pk}&kind=direct&sort=-published"], args.repeats),
        "queue (matches)": time_screen(client, "queue (matches)", [f"{queue}?tab=matches"], args.repeats),
        "article": time_screen(client, "article", [reverse("claims:article", args=[pk]) for pk in article_ids], args.repeats),
        "claim": time_screen(client, "claim", [reverse("claims:claim", args=[pk]) for pk in cited_twice], args.repeats),
        "dashboard": time_screen(client, "dashboard", [reverse("claims:dashboard")], max(10, args.repeats // 4)),
        "speaker": time_screen(client, "speaker", [reverse("claims:speaker", args=[speaker.pk])], max(10, args.repeats // 4)),
        "search": time_screen(client, "search", [f"{reverse('claims:search')}?q={q}" for q in
                                                 ("president economy", "tax", "border security", "Clinton")], 8),
    }
    print("load average after:  %.1f %.1f %.1f" % os.getloadavg())
    goal, most_queries = 150.0, 10
    budgeted = ("queue (first page)", "queue (page 40)", "queue (outlet + kind)", "queue (matches)", "article", "claim")
    slow = {k: f"{p95:.0f} ms" for k, (p95, _) in results.items() if p95 > goal and k in budgeted}
    chatty = {k: n for k, (_, n) in results.items() if n > most_queries and k in budgeted}
    print(f"\ngoal: p95 ≤ {goal:.0f} ms and ≤ {most_queries} queries for the queue (claims, filtered, matches), "
          f"article and claim pages — " + ("met" if not slow and not chatty else f"missed: {slow} {chatty}"))


if __name__ == "__main__":
    main()
