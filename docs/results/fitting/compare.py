#!/usr/bin/env python3
"""Recovered vs true preset parameters: python3 compare.py TRUE.json FITTED.json [...] > table.md

TRUE.json from `mortalhil boards --preset NAME`, FITTED.json from `mortalhil characterize --fit-preset`.
Tolerances are the ones docs/results/fitting/README.md states (and tests/MortalHil.Sim.Tests/PresetFitterTests.cs asserts)."""
import json, sys

# field, kind, tolerance: ("rel", r) |value/true - 1| <= r; ("abs", a) |value - true| <= a; ("range", lo, hi) true+lo <= value <= true+hi
FIELDS = [
    ("conductance.g_max_microsiemens", ("rel", 0.10)),
    ("conductance.g_min_microsiemens", ("range", -0.5, 2.5)),
    ("conductance.w_max_dtod", ("abs", 0.10)),
    ("conductance.w_min_dtod", ("abs", 0.15)),
    ("pulse.dw_min", ("rel", 0.40)),
    ("pulse.up_down", ("abs", 0.10)),
    ("pulse.dw_min_dtod", ("report", )),
    ("pulse.write_noise_std", ("rel", 0.33)),
    ("read.noise_rel", ("rel", 0.33)),
    ("adc.noise_rel", ("rel", 1.0)),
    ("amplifier.gain_std", ("abs", 0.01)),
    ("stuck.fraction", ("abs", 0.015)),
    ("stuck.at_g_max_fraction", ("abs", 0.25)),
    ("adc.bits", ("abs", 0)),
    ("adc.full_scale_microamps", ("rel", 1e-6)),
    ("dac.bits", ("abs", 0)),
]

def get(d, path):
    for k in path.split("."):
        d = d[k]
    return d

def ok(true, value, tol):
    kind = tol[0]
    if kind == "report": return "(reported)"
    if kind == "rel" and true == 0: return "n/a (true value 0)"
    if kind == "rel": return "yes" if abs(value / true - 1) <= tol[1] + 1e-12 else "NO"
    if kind == "abs": return "yes" if abs(value - true) <= tol[1] + 1e-12 else "NO"
    return "yes" if true + tol[1] <= value <= true + tol[2] else "NO"

def tol_text(tol):
    return {"rel": lambda t: f"±{t[1]*100:.0f} %", "abs": lambda t: f"±{t[1]:g}", "range": lambda t: f"{t[1]:+g}..{t[2]:+g}",
            "report": lambda t: "none (see text)"}[tol[0]](tol)

args = sys.argv[1:]
for true_path, fit_path in zip(args[0::2], args[1::2]):
    true, fit = json.load(open(true_path)), json.load(open(fit_path))
    print(f"\n### {true['name']} -> {fit['name']}\n")
    print("| field | true | fitted | tolerance | within |")
    print("|---|---|---|---|---|")
    for field, tol in FIELDS:
        t, v = get(true, field), get(fit, field)
        print(f"| {field} | {t:.4g} | {v:.4g} | {tol_text(tol)} | {ok(t, v, tol)} |")
