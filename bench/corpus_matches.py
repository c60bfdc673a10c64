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
can only join more). As in services, a suggestion of a claim only the statement's own outlet has
cited is dropped (an outlet repeating itself is no cross-outlet evidence), and a long repeat by an
unresolved speaker joins the claim it repeats and takes its speaker.

Printed: counts; the quotes several outlets printed word for word (quoted strings of different
outlets sharing an 8-word run, grouped) and how many end on one claim; and random samples of the
suggested paraphrases, variants and other-speaker links, each with the verdict a person wrote down
for it in tests/fixtures/corpus_match_verdicts.jsonl (keyed by the two texts), and the share right.
"""
import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import require_shared  # noqa: E402

WINDOW_DAYS = 30
QUOTE_RUN = 8  # words in a row two outlets' quoted strings share to count as one quote printed by both
VERDICTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus_match_verdicts.jsonl"
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{20,}?)[\"\u201d]")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


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


def embed_all(texts: list[str], cache: Path | None):
    """Sentence vectors of ``texts``, kept beside the extraction cache (keyed by model and texts) for reruns."""
    import hashlib

    from claims import matching

    key = hashlib.sha256("\x00".join([matching.EMBEDDING_MODEL, *texts]).encode("utf-8")).hexdigest()[:16]
    path = cache.with_name(f"{cache.stem}.vectors-{key}.npy") if cache else None
    if path and path.exists():
        return np.load(path)
    vectors = matching.embed(texts)
    if path:
        np.save(path, vectors)
    return vectors


class Desk:
    """Claims formed so far, with the same retrieval indexes the database has."""

    def __init__(self, capacity: int):
        from claims import matching

        self.claims = []          # dicts: text, speaker, published, citations [(doc_id, outlet)]
        self.vectors = np.zeros((capacity, matching.EMBEDDING_DIM), dtype=np.float32)
        self.by_speaker = defaultdict(list)
        self.postings = defaultdict(list)

    def pool(self, speaker: str, values: set[int], doc_id: str, published: date | None, vector) -> list[int]:
        from claims import selectors
        from claims.selectors import POOL_BY_SHINGLES, POOL_PER_SHINGLE, POOL_SAME_SPEAKER

        # The speaker block is bounded by the window, as in the database: a quote re-printed
        # months later is found through its shingles.
        mine = self.by_speaker.get(speaker, []) if speaker else []
        if published:
            mine = [cid for cid in mine if self.claims[cid]["published"] is None
                    or abs((published - self.claims[cid]["published"]).days) <= WINDOW_DAYS]
        ids = set(mine[-POOL_SAME_SPEAKER:])
        nearest = getattr(selectors, "POOL_NEAREST", 0)  # the semantic branch, where the retriever has one
        if nearest and self.claims:
            scores = self.vectors[:len(self.claims)] @ vector
            ids.update(int(k) for k in np.argsort(-scores)[:nearest])
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
    vectors = embed_all([s[3] for s in statements], args.cache)
    print(f"embedding took {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    desk = Desk(len(statements))
    links = defaultdict(list)  # relation -> [(claim id, statement index, result)]
    claim_of = {}  # statement index -> the claim it cites
    dropped_same_outlet = adopted = 0
    for index, ((doc, published, kind, text, speaker), vector) in enumerate(zip(statements, vectors)):
        values = matching.shingles(text)
        pool = desk.pool(speaker, values, doc["doc_id"], published, vector)
        results = []
        if pool:
            results = matching.rank(
                matching.Statement(id=index, text=text, speaker=speaker, published=published),
                [matching.Statement(id=c, text=desk.claims[c]["text"], speaker=desk.claims[c]["speaker"],
                                    published=desk.claims[c]["published"]) for c in pool],
                pool_vecs=desk.vectors[pool], query_vec=vector, window_days=WINDOW_DAYS,
            )
        # As services do: an outlet's repeats of itself are not suggested.
        kept = [r for r in results if r.auto_mergeable or {o for _, o in desk.claims[r.target_id]["citations"]} - {doc["outlet"]}]
        dropped_same_outlet += len(results) - len(kept)
        chosen = next((r for r in kept if r.auto_mergeable), None)
        for r in kept:
            links["cited at once" if r is chosen else r.relation].append((r.target_id, index, r))
        if chosen is not None:
            desk.claims[chosen.target_id]["citations"].append((doc["doc_id"], doc["outlet"]))
            claim_of[index] = chosen.target_id
            adopted += bool(chosen.evidence.get("adopts_speaker"))
        else:
            claim_of[index] = desk.add(text, speaker, published, doc["doc_id"], doc["outlet"], vector, values)
    elapsed = time.perf_counter() - started
    claims = desk.claims
    cross = [c for c in claims if len({o for _, o in c["citations"]}) >= 2]
    multi = [c for c in claims if len(c["citations"]) >= 2]
    print(f"matching took {elapsed:.1f} s ({elapsed / max(1, len(statements)) * 1000:.2f} ms a statement)")
    print(f"\n{len(claims)} claims formed; {len(multi)} cited by 2+ articles; "
          f"**{len(cross)} claims cited by 2+ outlets** (cited automatically)")
    print(f"  statements with no resolved speaker that joined a claim and took its speaker: {adopted}")
    print(f"  suggestions dropped as an outlet repeating itself: {dropped_same_outlet}")
    for relation in ("cited at once", matching.RELATION_VARIANT, matching.RELATION_VERBATIM,
                     matching.RELATION_PARAPHRASE, matching.RELATION_OTHER_SPEAKER):
        rows = links.get(relation, [])
        label = relation if relation == "cited at once" else f"suggested {relation}"
        print(f"  {label:26} {len(rows):5d} links")

    report_shared_quotes(docs, extracted, statements, claim_of, links, claims)
    report_samples(links, claims, statements, args.sample, args.seed)


def _quoted_strings(doc):
    """(start, end, folded words) of each quoted string of 8+ words in an article."""
    out = []
    for match in _QUOTED.finditer(doc["text"]):
        words = [w.casefold() for w in _WORD.findall(match.group(1))]
        if len(words) >= QUOTE_RUN:
            out.append((match.start(1), match.end(1), words))
    return out


def report_shared_quotes(docs, extracted, statements, claim_of, links, claims):
    """Quotes printed word for word by several outlets, and whether each ends on one claim."""
    spans = []  # (doc, start, end)
    owners = defaultdict(set)  # 8-word run -> span numbers
    for doc in docs:
        for start, end, words in _quoted_strings(doc):
            number = len(spans)
            spans.append((doc, start, end))
            for k in range(len(words) - QUOTE_RUN + 1):
                owners[tuple(words[k:k + QUOTE_RUN])].add(number)
    parent = list(range(len(spans)))

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for members in owners.values():
        if len({spans[k][0]["outlet"] for k in members}) >= 2:
            first, *rest = sorted(members)
            for k in rest:
                parent[root(k)] = root(first)
    groups = defaultdict(list)
    for k in range(len(spans)):
        groups[root(k)].append(k)
    groups = [g for g in groups.values() if len({spans[k][0]["outlet"] for k in g}) >= 2]
    # The statements each quoted string lies in (overlapping it by half of it or more).
    by_doc = defaultdict(list)
    for index, (doc, _published, _kind, text, _speaker) in enumerate(statements):
        by_doc[doc["doc_id"]].append(index)
    offsets = {}
    for doc_id, indexes in by_doc.items():
        doc = statements[indexes[0]][0]
        cursor = defaultdict(int)
        for index in indexes:
            text = statements[index][3]
            found = doc["text"].find(text, cursor[text])
            offsets[index] = (found, found + len(text))
            cursor[text] = found + 1
    suggested = {(c, i) for rows in links.values() for c, i, _ in rows}
    joined = linked = unextracted = apart = 0
    missed = []
    why = Counter()  # the reason each quote not on one claim is not
    for group in groups:
        claims_by_outlet, indexes_by_outlet = defaultdict(set), defaultdict(set)
        for k in group:
            doc, start, end = spans[k]
            for index in by_doc.get(doc["doc_id"], []):
                lo, hi = offsets[index]
                if min(hi, end) - max(lo, start) >= (end - start) / 2:
                    claims_by_outlet[doc["outlet"]].add(claim_of[index])
                    indexes_by_outlet[doc["outlet"]].add(index)
        outlets = {spans[k][0]["outlet"] for k in group}
        doc, start, end = spans[group[0]]
        if set(claims_by_outlet) != outlets:
            unextracted += 1
            reason = "one side not extracted"
            why[reason] += 1
            missed.append((reason, doc["text"][start:end][:110], []))
            continue
        common = set.intersection(*claims_by_outlet.values())
        if common:
            joined += 1
            continue
        if any((c, i) in suggested
               for outlet, indexes in indexes_by_outlet.items() for i in indexes
               for other, others in claims_by_outlet.items() if other != outlet for c in others):
            linked += 1
        else:
            apart += 1
        reason, pair = _why_apart(indexes_by_outlet, statements, claim_of, claims)
        why[reason] += 1
        missed.append((reason, doc["text"][start:end][:110], pair))
    print(f"\n== quotes printed word for word by 2+ outlets (quoted strings sharing a {QUOTE_RUN}-word run): {len(groups)} ==")
    print(f"  **ending on one claim: {joined} of {len(groups)}**; only linked by a suggestion {linked}; "
          f"apart {apart}; one side not among the extracted statements {unextracted}")
    print("  why the others are not on one claim (the closest pair of statements of two outlets): "
          + ", ".join(f"{reason} {n}" for reason, n in why.most_common()))
    for reason, text, pair in sorted(missed):
        print(f"    [{reason}] {text!r}")
        for line in pair:
            print(f"        {line}")


# Why a quote two outlets printed is not on one claim, from the closest cause to the furthest:
# matching would join the pair yet did not (the claim was not retrieved, or the statement joined
# another claim first); the pair is typed but below the cut-off that cites at once; the same
# speaker's pair lies outside the date window; one side has no resolved speaker; two speakers.
_REASONS = ("retrieval or order", "threshold", "date window", "speaker unknown", "different speakers")


def _why_apart(indexes_by_outlet, statements, claim_of, claims):
    """The reason the closest cross-outlet pair of a quote's statements did not end on one claim, and that pair."""
    from claims import matching

    best = None
    outlets = sorted(indexes_by_outlet)
    for a, outlet in enumerate(outlets):
        for other in outlets[a + 1:]:
            for i in indexes_by_outlet[outlet]:
                for j in indexes_by_outlet[other]:
                    early, late = sorted((i, j))
                    _, day_e, _, text_e, speaker_e = statements[early]
                    _, day_l, _, text_l, speaker_l = statements[late]
                    claim = claims[claim_of[early]]
                    results = matching.rank(
                        matching.Statement(id="late", text=text_l, speaker=speaker_l, published=day_l),
                        [matching.Statement(id="claim", text=claim["text"], speaker=claim["speaker"],
                                            published=claim["published"])],
                        window_days=WINDOW_DAYS,
                    )
                    result = results[0] if results else None
                    days = abs((day_l - day_e).days) if day_l and day_e else None
                    if result is not None and result.auto_mergeable:
                        reason = "retrieval or order"
                    elif not claim["speaker"] or not speaker_l:
                        reason = "speaker unknown"
                    elif claim["speaker"] != speaker_l:
                        reason = "different speakers"
                    elif days is not None and days > WINDOW_DAYS and result is None:
                        reason = "date window"
                    else:
                        reason = "threshold"
                    typed = f"{result.relation} score {result.score:.2f}" if result else "not typed"
                    pair = [f"{claim['speaker'] or '?'} / {speaker_l or '?'}, {days} days apart, {typed}",
                            f"claim: {claim['text'][:160]!r}", f"later: {text_l[:160]!r}"]
                    rank_of = _REASONS.index(reason)
                    if best is None or rank_of < best[0]:
                        best = (rank_of, reason, pair)
    return best[1], best[2]


def _verdicts() -> dict:
    if not VERDICTS.exists():
        return {}
    rows = [json.loads(line) for line in VERDICTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["relation"], r["claim"], r["statement"]): r["verdict"] for r in rows}


def report_samples(links, claims, statements, size, seed):
    """Random samples of each suggested relation, with the verdict written down for each pair."""
    from claims import matching

    verdicts = _verdicts()
    rng = random.Random(seed)
    for relation in (matching.RELATION_PARAPHRASE, matching.RELATION_VARIANT, matching.RELATION_OTHER_SPEAKER):
        rows = links.get(relation, [])
        if not rows:
            print(f"\n== sample: suggested {relation}: none ==")
            continue
        picked = rng.sample(rows, min(size, len(rows)))
        tally = Counter()
        print(f"\n== sample: suggested {relation} ({len(picked)} of {len(rows)}) ==")
        for cid, i, r in picked:
            claim, (doc, published, kind, text, speaker) = claims[cid], statements[i]
            verdict = verdicts.get((relation, claim["text"], text), "unjudged")
            tally[verdict] += 1
            print(f"- [{verdict}] score {r.score:.2f} (lexical {r.lexical:.2f}, semantic {r.semantic:.2f}) "
                  f"speakers {claim['speaker'] or '?'} / {speaker or '?'}")
            print(f"    {claim['citations'][0][1]:>10} {claim['published']}: {claim['text'][:240]!r}")
            print(f"    {doc['outlet']:>10} {published}: {text[:240]!r}")
            print("    JSON " + json.dumps({"relation": relation, "claim": claim["text"], "statement": text}))
        judged = tally["right"] + tally["wrong"]
        print(f"  **{relation}: {tally['right']} of {judged} judged right** ({dict(tally)})")


if __name__ == "__main__":
    main()
