"""Where each generation's knowledge went, from a stress run's lineages.json.

usage: python3 loss_split.py DIR/lineages.json [--markdown]

For every handover that completed, from a board of generation g to its student (generation g+1), the accuracy points
(eval set, as the runner measured them) lost between the two boards' starts, split in three:

  own ageing      the teacher's accuracy when it started serving minus its accuracy at its first handover call: what the
                  board lost while it served (its own ageing, before the call);
  decline to cut  its accuracy at that first call minus its accuracy at the call of the handover that completed: what it
                  lost while failed students were tried and spares were awaited (0 when the first student passed);
  distillation    the teacher's accuracy at the completed call minus its student's accuracy when the student started
                  serving: the handover's own gap.

The three add up to teacher start - student start. A positive number is a loss. Cold starts (a board trained from labels
after a failed handover or a death) break a lineage's chain and are counted apart. Per-generation means over the
lineages whose handover from that generation completed.
"""
import collections
import json
import sys


def split(path):
    runs = json.load(open(path))
    rows = collections.defaultdict(lambda: collections.defaultdict(list))
    cold = collections.Counter()
    for seed in runs["seeds"]:
        for lineage in seed["lineages"]:
            boards = {b["generation"]: b for b in lineage["boards"]}
            by_gen = collections.defaultdict(list)
            for h in lineage["handovers"]:
                by_gen[h["from_generation"]].append(h)
            for g, hs in by_gen.items():
                teacher = boards[g]
                student = boards.get(g + 1)
                done = [h for h in hs if h["outcome"] == "completed"]
                if student is None:
                    continue
                if not done or student["origin"] != "distilled":
                    cold[g] += 1
                    continue
                first, last = hs[0], done[-1]
                if first["teacher_accuracy"] is None or last["teacher_accuracy"] is None:
                    continue
                r = rows[g]
                r["own_ageing"].append(teacher["accuracy_at_start"] - first["teacher_accuracy"])
                r["decline_to_cut"].append(first["teacher_accuracy"] - last["teacher_accuracy"])
                r["distillation"].append(last["teacher_accuracy"] - student["accuracy_at_start"])
                r["total"].append(teacher["accuracy_at_start"] - student["accuracy_at_start"])
                r["tries"].append(len(hs))
    return rows, cold


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def main():
    path = sys.argv[1]
    rows, cold = split(path)
    print("| handover | completed | own ageing (pts) | decline to cut-over (pts) | distillation gap (pts) | total (pts) | tries | cold starts |")
    print("|---|---|---|---|---|---|---|---|")
    tot = collections.defaultdict(list)
    for g in sorted(set(rows) | set(cold)):
        r = rows[g]
        for k, v in r.items():
            tot[k].extend(v)
        print(f"| {g} -> {g + 1} | {len(r['total'])} | {100 * mean(r['own_ageing']):.2f} | {100 * mean(r['decline_to_cut']):.2f} | "
              f"{100 * mean(r['distillation']):.2f} | {100 * mean(r['total']):.2f} | {mean(r['tries']):.2f} | {cold[g]} |")
    print(f"| all | {len(tot['total'])} | {100 * mean(tot['own_ageing']):.2f} | {100 * mean(tot['decline_to_cut']):.2f} | "
          f"{100 * mean(tot['distillation']):.2f} | {100 * mean(tot['total']):.2f} | {mean(tot['tries']):.2f} | {sum(cold.values())} |")


if __name__ == "__main__":
    main()
