"""How many cross-outlet claims form on the real corpus, with a sample of pairs for a person to judge.

    .venv/bin/python bench/corpus_matches.py                    # all 924 articles (7 outlets)
    .venv/bin/python bench/corpus_matches.py --limit 200        # a quicker look
    .venv/bin/python bench/corpus_matches.py --cache /tmp/x.json  # keep the extraction for reruns

No database: the corpus (../shared/corpus/polnear-articles.jsonl) goes through the extractor
(``claims.extraction.extract_many``) and then through the matcher the way
``claims.services.propose_matches`` applies it, article by article in publication order: each
new statement is scored (``claims.matching.rank``) against the claims formed so far from other
articles — retrieved by speaker and by the shingle index, capped as in services, within the
match window — and the policy decides: the same speaker's verbatim/variant wording becomes a
citation of that claim at once; paraphrases and same-words-by-another-speaker are suggestions.
Speakers are keyed by the extractor's resolved full name (the database links aliases too, so it
can only join more). Printed: counts, and random samples of each kind of link to judge by eye.
"""
import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import require_shared  # noqa: E402

WINDOW_DAYS = 30


def load_articles(shared: Path, limit: int | None):
    docs = [json.loads(x) for x in (shared / "corpus" / "polnear-articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    docs.sort(key=lambda d: (d.get("published") or "", d["doc_id"]))
    return docs[:limit] if limit else docs


def extract_all(docs, cache: Path | None):
    from claims.extraction import EXTRACTOR_VERSION, extract_many

    if cache and cache.exists():
        stored = json.loads(cache.read_text())
        if stored.get("version") == EXTRACTOR_VERSION and set(stored["items"]) >= {d["doc_id"] for d in docs}:
            print(f"extraction {EXTRACTOR_VERSION} read from {cache}")
            return {k: v for k, v in stored["items"].items()}
    started = time.perf_counter()
    items = {}
    for offset in range(0, len(docs), 32):
        batch = docs[offset:offset + 32]
        for doc, found in zip(batch, extract_many([d["text"] for d in batch])):
            items[doc["doc_id"]] = [
                {"kind": e.kind, "start": e.start, "end": e.end, "speaker": e.speaker if e.speaker_resolved else "",
                 "speaker_kind": e.speaker_kind, "mention": e.speaker_mention}
                for e in found
            ]
        print(f"  extracted {offset + len(batch)}/{len(docs)} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    if cache:
        cache.write_text(json.dumps({"version": EXTRACTOR_VERSION, "items": items}))
    return items


class Desk:
    """Claims formed so far, with the same retrieval indexes the database has."""

    def __init__(self, capacity: int):
        self.claims = []          # dicts: text, speaker, published, citations [(doc_id, outlet)]
        self.vectors = np.zeros((capacity, 256), dtype=np.float32)
        self.by_speaker = defaultdict(list)
        self.postings = defaultdict(list)

    def pool(self, speaker: str, values: set[int], doc_id: str) -> list[int]:
        from claims.selectors import POOL_BY_SHINGLES, POOL_PER_SHINGLE, POOL_SAME_SPEAKER

        ids = set(self.by_speaker.get(speaker, [])[-POOL_SAME_SPEAKER:]) if speaker else set()
        counts = Counter()
        for v in values:
            counts.update(self.postings.get(v, [])[-POOL_PER_SHINGLE:])
        ids.update(cid for cid, _ in counts.most_common(POOL_BY_SHINGLES))
        return sorted(cid for cid in ids if all(d != doc_id for d, _ in self.claims[cid]["citations"]))

    def add(self, text, speaker, published, doc_id, outlet, vector, values) -> int:
        cid = len(self.claims)
        self.claims.append({"text": text, "speaker": speaker, "published": published, "citations": [(doc_id, outlet)]})
        self.vectors[cid] = vector
        if speaker:
            self.by_speaker[speaker].append(cid)
        for v in values:
            self.postings[v].append(cid)
        return cid


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="Only the first N articles by date.")
    parser.add_argument("--cache", type=Path, help="JSON file to keep the extraction in between runs.")
    parser.add_argument("--sample", type=int, default=12, help="Pairs of each kind to print.")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    shared = require_shared("the corpus matches")
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factdesk.settings")
    import django

    django.setup()
    from claims import matching
    from claims.models import normalise_name

    docs = load_articles(shared, args.limit)
    extracted = extract_all(docs, args.cache)
    statements = []
    for doc in docs:
        published = date.fromisoformat(doc["published"][:10]) if doc.get("published") else None
        for e in extracted.get(doc["doc_id"], []):
            text = doc["text"][e["start"]:e["end"]]
            if len(matching._analyse(text).stems) < 3:
                continue  # "it as 'regrettable'": too little to match on
            speaker = f"{e['speaker_kind'] or 'person'}:{normalise_name(e['speaker'])}" if e["speaker"] else ""
            statements.append((doc, published, e["kind"], text, speaker))
    print(f"{len(docs)} articles from {len({d['outlet'] for d in docs})} outlets; {len(statements)} statements "
          f"({Counter(s[2] for s in statements).most_common()})")
    started = time.perf_counter()
    vectors = matching.embed([s[3] for s in statements])
    desk = Desk(len(statements))
    links = defaultdict(list)  # relation -> [(claim id, statement index, result)]
    auto = 0
    for index, ((doc, published, kind, text, speaker), vector) in enumerate(zip(statements, vectors)):
        values = matching.shingles(text)
        pool = desk.pool(speaker, values, doc["doc_id"])
        results = []
        if pool:
            results = matching.rank(
                matching.Statement(id=index, text=text, speaker=speaker, published=published),
                [matching.Statement(id=c, text=desk.claims[c]["text"], speaker=desk.claims[c]["speaker"],
                                    published=desk.claims[c]["published"]) for c in pool],
                pool_vecs=desk.vectors[pool], query_vec=vector, window_days=WINDOW_DAYS,
            )
        chosen = next((r for r in results if r.auto_mergeable), None)
        for r in results:
            links["cited at once" if r is chosen else r.relation].append((r.target_id, index, r))
        if chosen is not None:
            desk.claims[chosen.target_id]["citations"].append((doc["doc_id"], doc["outlet"]))
            auto += 1
        else:
            desk.add(text, speaker, published, doc["doc_id"], doc["outlet"], vector, values)
    elapsed = time.perf_counter() - started
    claims = desk.claims
    cross = [c for c in claims if len({o for _, o in c["citations"]}) >= 2]
    multi = [c for c in claims if len(c["citations"]) >= 2]
    print(f"matching took {elapsed:.1f} s ({elapsed / max(1, len(statements)) * 1000:.2f} ms a statement)")
    print(f"\n{len(claims)} claims formed; {len(multi)} cited by 2+ articles; "
          f"**{len(cross)} cross-outlet claims** (cited automatically by 2+ outlets)")
    outlet_of = lambda i: statements[i][0]["outlet"]  # noqa: E731
    for relation in ("cited at once", matching.RELATION_VARIANT, matching.RELATION_VERBATIM,
                     matching.RELATION_PARAPHRASE, matching.RELATION_OTHER_SPEAKER):
        rows = links.get(relation, [])
        crossing = [r for r in rows if outlet_of(r[1]) not in {o for _, o in claims[r[0]]["citations"][:1]}]
        label = relation if relation == "cited at once" else f"suggested {relation}"
        print(f"  {label:26} {len(rows):5d} links, {len(crossing):5d} across outlets")
    extra = {c for rel in (matching.RELATION_PARAPHRASE, matching.RELATION_VARIANT, matching.RELATION_VERBATIM)
             for c, i, _ in links.get(rel, []) if outlet_of(i) != claims[c]["citations"][0][1]}
    print(f"  claims with a same-speaker suggestion from another outlet (cross-outlet once an editor accepts): {len(extra)}")

    rng = random.Random(args.seed)
    for relation in ("cited at once", matching.RELATION_PARAPHRASE, matching.RELATION_OTHER_SPEAKER):
        rows = [r for r in links.get(relation, []) if outlet_of(r[1]) != claims[r[0]]["citations"][0][1]]
        if not rows:
            continue
        print(f"\n== sample: {relation} across outlets ({min(args.sample, len(rows))} of {len(rows)}) — judge: same claim? ==")
        for cid, i, r in rng.sample(rows, min(args.sample, len(rows))):
            claim, (doc, published, kind, text, speaker) = claims[cid], statements[i]
            print(f"- {r.relation} score {r.score:.2f} (lexical {r.lexical:.2f}, semantic {r.semantic:.2f}) "
                  f"speakers {claim['speaker'] or '?'} / {speaker or '?'}")
            print(f"    {claim['citations'][0][1]:>10} {claim['published']}: {claim['text'][:160]!r}")
            print(f"    {doc['outlet']:>10} {published}: {text[:160]!r}")
            if r.evidence.get("misquote_words"):
                print(f"    words that differ: {', '.join(r.evidence['misquote_words'][:10])}")


if __name__ == "__main__":
    main()
