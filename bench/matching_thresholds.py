"""Measurements behind the matching thresholds in claims/matching/relations.py (prints tables, asserts nothing).

    .venv/bin/python bench/matching_thresholds.py

1. The two sample articles (../shared/gold): every cross-article pair of gold statements with its
   features — semantic similarity, in-order content-word overlap, containment, longest shared
   run, quoted fragment — grouped as same-claim, related (other speaker) and negatives, and the
   relation ``rank`` gives it with the current defaults.
2. PolNeAR attributed quotes (../shared/eval, train + dev, real US political news from several
   outlets): pairs of quotes by the same named speaker from *different* articles published at
   most 30 days apart. Almost all are different statements, so the share proposed as
   paraphrase/variant is (an upper bound of) the false-proposal rate; the top pairs are printed
   for a person to judge. Also the share of different-speaker pairs typed other_speaker.
3. A sweep of the paraphrase threshold: sample recall vs the PolNeAR proposal rate.
4. The semantic floor: how low pairs that share wording go.
5. The hand-judged corpus pairs (tests/fixtures/corpus_match_verdicts.jsonl, written down from
   bench/corpus_matches.py's samples): for each relation, how many judged pairs are still typed
   and how many of those are right, as the paraphrase and other-speaker cut-offs rise.
"""
import json
import re
import sys
from collections import defaultdict
from dataclasses import replace
from datetime import date
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._setup import require_shared  # noqa: E402
from claims import matching as m  # noqa: E402

PRONOUNS = {"he", "she", "they", "who", "i", "we", "it", "you", "him", "her", "them", "which", "that"}


def group_key(ref: str) -> str:
    """Speaker key as services.link_speaker resolves it: a group by the places it lists, else the name."""
    if "," in ref:
        words = {w.strip(",.;:()") for w in ref.split()}
        members = sorted({w.casefold() for w in words if w[:1].isupper() and len(w) > 2})
        return "group:" + ",".join(members)
    return "person:" + ref.casefold()


def group_similar(a: str, b: str) -> bool:
    if not (a.startswith("group:") and b.startswith("group:")):
        return a == b
    ma, mb = set(a[6:].split(",")), set(b[6:].split(","))
    return len(ma & mb) / len(ma | mb) >= 0.6


def sample_pairs(shared: Path):
    quotes = [json.loads(x) for x in (shared / "gold" / "sample_quotes.jsonl").read_text().splitlines() if x]
    labels = {}
    for line in (shared / "gold" / "sample_matches.jsonl").read_text().splitlines():
        if line:
            p = json.loads(line)
            labels[frozenset((p["a"], p["b"]))] = p["relation"]
    vecs = m.embed([q["quote_text"] for q in quotes])
    docs = sorted({q["doc_id"] for q in quotes})
    rows = []
    for i, qa in enumerate(quotes):
        for j, qb in enumerate(quotes):
            if qa["doc_id"] != docs[0] or qb["doc_id"] == docs[0]:
                continue
            label = labels.get(frozenset((qa["qid"], qb["qid"])), "negative")
            same = group_similar(group_key(qa["speaker_ref"]), group_key(qb["speaker_ref"]))
            f = m._features(m._analyse(qa["quote_text"]), m._analyse(qb["quote_text"]))
            rows.append((label, same, float(vecs[i] @ vecs[j]), f, qa["qid"].split("-", 1)[1], qb["qid"].split("-", 1)[1]))
    return rows


def show_sample(rows, th):
    print("== 1. Sample articles: cross-article pairs of gold statements ==")
    print(f"{'label':10} {'spk':4} {'sem':>5} {'ratio':>5} {'cont':>5} {'run':>3}  relation        pair")
    for label, same, sem, f, a, b in sorted(rows, key=lambda r: (r[0] == "negative", -r[2])):
        rel = m._relation(f, sem, True if same else False, th)
        if label == "negative" and rel == m.RELATION_NONE and sem < 0.45:
            continue
        print(f"{label:10} {'same' if same else 'diff':4} {sem:5.3f} {f.ratio:5.2f} {f.containment:5.2f} {f.run:3d}  {rel:15} {a} | {b}")
    for name, pick in (
        ("same-claim (same speaker)", lambda r: r[0] == "same_claim"),
        ("related (other speaker)", lambda r: r[0] == "related"),
        ("negatives, same speaker", lambda r: r[0] == "negative" and r[1]),
        ("negatives, other speaker", lambda r: r[0] == "negative" and not r[1]),
    ):
        sems = sorted(r[2] for r in rows if pick(r))
        print(f"  {name:28} n={len(sems):3d}  semantic min {sems[0]:.3f}  max {sems[-1]:.3f}")
    wrong = [r for r in rows if r[0] == "negative" and m._relation(r[3], r[2], r[1], th) in m.SAME_CLAIM_RELATIONS]
    found = [r for r in rows if r[0] == "same_claim" and m._relation(r[3], r[2], r[1], th) in m.SAME_CLAIM_RELATIONS]
    related = [r for r in rows if r[0] == "related" and m._relation(r[3], r[2], r[1], th) == m.RELATION_OTHER_SPEAKER]
    noise = [r for r in rows if r[0] == "negative" and not r[1] and m._relation(r[3], r[2], r[1], th) == m.RELATION_OTHER_SPEAKER]
    print(f"  with the defaults: same-claim found {len(found)}/6, related typed other_speaker {len(related)}/3, "
          f"negatives proposed as the same claim {len(wrong)}, other-speaker negatives shown as related {len(noise)}")
    for label, same, sem, f, a, b in rows:
        if label == "related" and m._relation(f, sem, same, th) != m.RELATION_OTHER_SPEAKER:
            above = sum(1 for r in rows if r[0] == "negative" and not r[1] and r[2] > sem)
            print(f"  related pair not typed: {a} | {b}: semantic {sem:.3f}, shared content words {list(f.shared)}; "
                  f"{above} other-speaker negatives score higher, so no semantic cut-off types it without them")


def speaker_key(ref: str) -> str:
    words = [w for w in re.findall(r"[A-Z][\w'’-]+", ref or "") if w.casefold() not in PRONOUNS]
    return words[-1].casefold() if words else ""


def polnear_quotes(shared: Path):
    out = []
    for split in ("polnear-train", "polnear-dev"):
        path = shared / "eval" / split / "gold_quotes.jsonl"
        for line in path.read_text().splitlines():
            q = json.loads(line)
            when = re.search(r"_(\d{4})-(\d{2})-(\d{2})_", q["doc_id"])
            key = speaker_key(q.get("speaker_ref", ""))
            if when and key and len(q["quote_text"].split()) >= 4:
                out.append((q, key, date(*map(int, when.groups()))))
    return out


def polnear_pairs(quotes, th):
    print("\n== 2. PolNeAR: same named speaker, different articles, ≤ 30 days apart (nearly all different statements) ==")
    vecs = m.embed([q["quote_text"] for q, _, _ in quotes])
    by_speaker = defaultdict(list)
    for idx, (_, key, _) in enumerate(quotes):
        by_speaker[key].append(idx)
    same_rows = []
    for idxs in by_speaker.values():
        for i, j in combinations(idxs, 2):
            (qa, _, da), (qb, _, db) = quotes[i], quotes[j]
            if qa["doc_id"] == qb["doc_id"] or abs((da - db).days) > 30:
                continue
            same_rows.append((i, j, float(vecs[i] @ vecs[j])))
    rng = np.random.default_rng(7)
    diff_rows = []
    n = len(quotes)
    for _ in range(20000):
        i, j = rng.integers(0, n, 2)
        (qa, ka, da), (qb, kb, db) = quotes[i], quotes[j]
        if ka != kb and qa["doc_id"] != qb["doc_id"] and abs((da - db).days) <= 30:
            diff_rows.append((int(i), int(j), float(vecs[i] @ vecs[j])))
    sems = np.array([r[2] for r in same_rows])
    print(f"  {len(same_rows)} same-speaker pairs; semantic p50 {np.median(sems):.3f}  p90 {np.quantile(sems, .9):.3f}  "
          f"p99 {np.quantile(sems, .99):.3f}  max {sems.max():.3f}")
    typed = defaultdict(list)
    for i, j, sem in same_rows:
        fa, fb = m._analyse(quotes[i][0]["quote_text"]), m._analyse(quotes[j][0]["quote_text"])
        if sem < th.prefilter_min_semantic and len(set(fa.stems) & set(fb.stems)) < 2:
            continue
        f = m._features(fa, fb)
        typed[m._relation(f, sem, True, th)].append((sem, i, j, f))
    for rel in m.SAME_CLAIM_RELATIONS:
        print(f"  typed {rel:12}: {len(typed[rel]):5d} ({len(typed[rel]) / max(1, len(same_rows)):.2%} of pairs)")
    print("  proposals for a person to judge (a true repeat across outlets is a correct find):")
    rng = np.random.default_rng(3)
    for rel in (m.RELATION_VARIANT, m.RELATION_PARAPHRASE):
        rows = typed[rel]
        picks = [rows[k] for k in sorted(rng.choice(len(rows), size=min(6, len(rows)), replace=False))] if rows else []
        for sem, i, j, f in sorted(picks, key=lambda r: -r[0]):
            print(f"    {rel:10} sem {sem:.3f} run {f.run}  [{quotes[i][1]}] {quotes[i][0]['quote_text'][:100]!r}\n"
                  f"{'':37}{quotes[j][0]['quote_text'][:100]!r}")
    other = 0
    for i, j, sem in diff_rows:
        f = m._features(m._analyse(quotes[i][0]["quote_text"]), m._analyse(quotes[j][0]["quote_text"]))
        if m._relation(f, sem, False, th) == m.RELATION_OTHER_SPEAKER:
            other += 1
    print(f"  random different-speaker pairs: {len(diff_rows)}, typed other_speaker {other} ({other / max(1, len(diff_rows)):.2%})")
    return same_rows, typed


def sweep(rows, quotes, same_rows):
    print("\n== 3. Paraphrase threshold sweep (other cut-offs at their defaults) ==")
    print(f"  {'threshold':>9}  sample same-claim found  sample negatives proposed  PolNeAR same-speaker proposed")
    feats = {}
    for i, j, sem in same_rows:
        if sem >= 0.4:
            feats[(i, j)] = (sem, m._features(m._analyse(quotes[i][0]["quote_text"]), m._analyse(quotes[j][0]["quote_text"])))
    for t in (0.45, 0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.65, 0.7, 0.75):
        th = m.Thresholds(paraphrase_min_semantic=t)
        found = sum(1 for r in rows if r[0] == "same_claim" and m._relation(r[3], r[2], r[1], th) in m.SAME_CLAIM_RELATIONS)
        wrong = sum(1 for r in rows if r[0] == "negative" and m._relation(r[3], r[2], r[1], th) in m.SAME_CLAIM_RELATIONS)
        pol = sum(1 for sem, f in feats.values() if m._relation(f, sem, True, th) in m.SAME_CLAIM_RELATIONS)
        print(f"  {t:9.2f}  {found:>10}/6  {wrong:>22}  {pol:>18} ({pol / max(1, len(same_rows)):.2%})")


def semantic_floor(quotes, th):
    print("\n== 4. Semantic floor: how low do pairs sharing wording go? (any speakers, 2+ shared content words) ==")
    vecs = m.embed([q["quote_text"] for q, _, _ in quotes])
    stems = [set(m._analyse(q["quote_text"]).stems) for q, _, _ in quotes]
    postings = defaultdict(set)
    for i, words in enumerate(stems):
        for w in words:
            postings[w].add(i)
    found = []
    for i, words in enumerate(stems):
        shared = defaultdict(int)
        for w in words:
            if len(postings[w]) < 300:  # skip the commonest words: they pair everything with everything
                for j in postings[w]:
                    if j > i:
                        shared[j] += 1
        for j, count in shared.items():
            if count >= 2:
                f = m._features(m._analyse(quotes[i][0]["quote_text"]), m._analyse(quotes[j][0]["quote_text"]))
                if m._wording_relation(f, th):
                    found.append((float(vecs[i] @ vecs[j]), i, j))
    found.sort()
    sems = np.array([x[0] for x in found])
    below = int((sems < th.semantic_floor).sum())
    print(f"  {len(found)} pairs typed verbatim/variant by wording; semantic p1 {np.quantile(sems, .01):.3f} "
          f"p5 {np.quantile(sems, .05):.3f} p10 {np.quantile(sems, .1):.3f}; below the floor {th.semantic_floor}: {below}")
    print("  the lowest (judge: quoted names and slogans, or real partial quotes?):")
    for sem, i, j in found[:6]:
        print(f"    {sem:.3f}  {quotes[i][0]['quote_text'][:70]!r}\n{'':11}{quotes[j][0]['quote_text'][:70]!r}")


VERDICTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus_match_verdicts.jsonl"


def judged_corpus_pairs(th):
    print("\n== 5. Hand-judged corpus pairs: precision per threshold ==")
    if not VERDICTS.exists():
        print(f"  no verdicts at {VERDICTS}")
        return
    rows = [json.loads(x) for x in VERDICTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    vecs = m.embed([t for r in rows for t in (r["claim"], r["statement"])])
    judged = []
    for k, r in enumerate(rows):
        agrees = r["relation"] != m.RELATION_OTHER_SPEAKER
        f = m._features(m._analyse(r["claim"]), m._analyse(r["statement"]))
        judged.append((r["relation"], r["verdict"] == "right", agrees, float(vecs[2 * k] @ vecs[2 * k + 1]), f))
    for relation, field, cuts in (
        (m.RELATION_PARAPHRASE, "paraphrase_min_semantic", (0.5, 0.56, 0.6, 0.65, 0.7, 0.75, 0.8)),
        (m.RELATION_VARIANT, "paraphrase_min_semantic", (th.paraphrase_min_semantic,)),
        (m.RELATION_OTHER_SPEAKER, "other_speaker_min_semantic", (0.45, 0.53, 0.6, 0.65, 0.7, 0.75, 0.8)),
    ):
        mine = [j for j in judged if j[0] == relation]
        right = sum(j[1] for j in mine)
        print(f"  {relation}: {len(mine)} judged, {right} right with the cut-offs they were suggested under")
        for cut in cuts:
            t = replace(th, **{field: cut})
            kept = [j for j in mine if m._relation(j[4], j[3], j[2], t) == relation]
            good = sum(j[1] for j in kept)
            print(f"    {field} {cut:4.2f}: still typed {len(kept):3d}, right {good:3d} "
                  f"(precision {good / max(1, len(kept)):.0%}, recall of the right ones {good / max(1, right):.0%})")


def main():
    shared = require_shared("the threshold measurements")
    th = m.DEFAULT_THRESHOLDS
    print("Defaults:", th)
    rows = sample_pairs(shared)
    show_sample(rows, th)
    quotes = polnear_quotes(shared)
    same_rows, _ = polnear_pairs(quotes, th)
    sweep(rows, quotes, same_rows)
    semantic_floor(quotes, th)
    judged_corpus_pairs(th)


if __name__ == "__main__":
    main()
