"""Where a stress run's service availability went, from its lineages.json.

usage: python3 availability_by_board.py DIR/lineages.json

Prints the lineage-years lost below the availability threshold (95 % of the lineage's best) and unserved, per device
preset and origin of the board, and when each board's handover was called (in monitor checks of 14 days after it
started serving).
"""
import collections
import json
import sys

runs = json.load(open(sys.argv[1]))
per_kind = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0, []])
calls = collections.Counter()
span = below = unserved = 0.0
for seed in runs["seeds"]:
    for lineage in seed["lineages"]:
        span += lineage["span_years"]
        boards = {b["generation"]: b for b in lineage["boards"]}
        for b in lineage["boards"]:
            k = per_kind[(b["preset"], b["origin"])]
            k[0] += 1
            k[1] += b["years_until_next"]
            k[2] += b["years_below_threshold"]
            k[3] += b["years_unserved"]
            k[4].append(b["accuracy_at_start"] / lineage["best_accuracy"])
            below += b["years_below_threshold"]
            unserved += b["years_unserved"]
        for h in lineage["handovers"]:
            b = boards[h["from_generation"]]
            calls[(b["preset"], round((h["requested_years"] - b["serving_from_years"]) * 365.25 / 14))] += 1
print(f"lineage-years {span:.2f}; below the threshold {below:.2f} ({below / span:.4f}); unserved {unserved:.2f} ({unserved / span:.4f})")
print("preset, origin: boards, years served, years below, years unserved, mean start / lineage best")
for (preset, origin), (n, served, b, u, starts) in sorted(per_kind.items()):
    print(f"{preset}, {origin}: {n}, {served:.2f}, {b:.2f}, {u:.3f}, {sum(starts) / len(starts):.3f}")
print("handovers called after k checks (preset: {k: count})")
for preset in sorted({p for p, _ in calls}):
    print(preset, dict(sorted((k, c) for (p, k), c in calls.items() if p == preset)))
