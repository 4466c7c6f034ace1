using MortalHil.Stress.Scenarios;

namespace MortalHil.Sim.Tests.Stress;

/// <summary>Scenario JSON for the stress tests: small enough to run in seconds, with every fault type switched on.</summary>
internal static class StressScenarios
{
    /// <summary>The repository's sim/scenarios folder.</summary>
    public static string Folder => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../sim/scenarios"));

    /// <summary>
    /// Three lineages for six years, up to three boards each: fast wear-out, Weibull deaths, shocks, a teacher
    /// killed in half the handovers, a student in 40 %, two host kills per handover, link errors, a finite pool.
    /// </summary>
    public const string TinyEveryFault = """
        {
          "name": "tiny-every-fault",
          "seeds": [11],
          "duration": { "years": 6, "max_generations": 3 },
          "fleet": { "size": 3 },
          "devices": {
            "presets": [ { "preset": "reram" } ],
            "geometry": { "tiles": 1, "rows": 16, "columns": 16 },
            "adc_full_scale_microamps": 60
          },
          "hazards": {
            "wear_out": { "stuck_per_cell_per_year": 0.1, "dead_stuck_fraction": 0.35 },
            "weibull_lifetime": { "scale_years": 4, "shape": 3 },
            "sudden_death": { "per_year": 0.05 }
          },
          "faults": {
            "teacher_death_mid_handover": 0.5,
            "student_death_mid_handover": 0.4,
            "host_crashes": { "per_handover": 2, "per_year": 1, "restart_delay_minutes": 10 },
            "link": { "error_rate": 0.01, "max_retries": 2 }
          },
          "spares": { "initial_stock": 6, "provisioning_delay_hours": 24, "restock_every_days": 365, "restock_batch": 2 },
          "policy": {
            "margin_hours": 720, "temperature": 4,
            "budget": { "teacher_queries": 64, "student_steps": 40 },
            "query_batch": 16, "steps_per_round": 4, "evaluate_every_rounds": 4, "hours_per_round": 1,
            "preventive_age_years": 2
          },
          "task": { "features": 8, "classes": 3, "train": 256, "canary": 32, "eval": 64 },
          "network": { "hidden": [], "learning_rate": 0.3 },
          "training": { "steps": 60, "batch": 8 },
          "monitor": { "interval_days": 60, "probe": true }
        }
        """;

    public static Scenario Parse(string json) => ScenarioLoader.Parse(json, Folder);
}
