using System.Text.Json;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;
using MortalHil.Stress.Toolkit;

namespace MortalHil.Sim.Tests.Stress;

public class FleetRunnerTests
{
    private static StressOutcome Run(Scenario scenario, int threads, StressToolkitFactory? toolkit = null)
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-stress-test-");
        try
        {
            return StressSession.Run(scenario, null, dir.FullName, new StressOptions(threads, Plots: false, Toolkit: toolkit));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_scenario_with_every_fault_type_is_deterministic_by_seed_whatever_the_thread_count_and_loses_nothing_journaled()
    {
        var scenario = StressScenarios.Parse(StressScenarios.TinyEveryFault);
        var one = Run(scenario, threads: 1);
        var two = Run(scenario, threads: 2);

        string a = JsonSerializer.Serialize(one.Report.Metrics, StressReport.JsonOptions);
        string b = JsonSerializer.Serialize(two.Report.Metrics, StressReport.JsonOptions);
        Assert.Equal(a, b);

        var m = one.Report.Metrics.Total;
        // Every fault type actually happened in this run ...
        Assert.True(m.Faults.TeacherDeathsInjected > 0, "no teacher was killed mid-handover");
        Assert.True(m.Faults.StudentDeathsInjected > 0, "no student was killed mid-handover");
        Assert.True(m.Faults.HostCrashesInHandover > 0, "no host was killed mid-handover");
        Assert.True(m.Faults.LinkErrors > 0 && m.Faults.LinkRetries > 0, "no link error");
        Assert.True(m.Handovers.Resumed > 0, "no handover was resumed from its journal");
        // ... and nothing journaled was lost across the crashes (which were checked against something).
        Assert.True(m.JournaledOutputsChecked > 0);
        Assert.Equal(0, m.JournaledOutputsLost);
        Assert.Equal(0, m.StudentStepsLost);
        Assert.Equal(0, m.PulsesAppliedTwice);
        Assert.True(m.Handovers.Completed > 0);
        Assert.Equal(one.Report.JournaledOutputsLost, m.JournaledOutputsLost);
    }

    [Fact]
    public void Another_seed_gives_another_history()
    {
        var scenario = StressScenarios.Parse(StressScenarios.TinyEveryFault) with { FleetSize = 1, Duration = new ScenarioDuration(3, 2) };
        var a = Run(scenario with { Seeds = [1] }, 2).Report.Metrics.Total;
        var b = Run(scenario with { Seeds = [2] }, 2).Report.Metrics.Total;
        Assert.NotEqual(JsonSerializer.Serialize(a, StressReport.JsonOptions), JsonSerializer.Serialize(b, StressReport.JsonOptions));
    }

    [Fact]
    public void A_resumed_process_that_forgets_a_journaled_batch_is_counted_as_lost()
    {
        // The measurement must be able to fail: a toolkit whose resumed processes drop one journaled batch.
        var scenario = StressScenarios.Parse(StressScenarios.TinyEveryFault);
        var m = Run(scenario, 2, (s, t) => new ForgetfulToolkit(new MortalityToolkit(s, t))).Report.Metrics.Total;
        Assert.True(m.Faults.HostCrashesInHandover > 0);
        Assert.True(m.JournaledOutputsLost > 0, "the runner did not notice outputs missing after a resume");
    }

    /// <summary>Wraps the real toolkit; after a resume its processes claim to have loaded one batch fewer than the journal holds.</summary>
    private sealed class ForgetfulToolkit(IStressToolkit inner) : IStressToolkit
    {
        public IServingModel TrainFromLabels(MortalHil.Core.Devices.IDevice board, int seed) => inner.TrainFromLabels(board, seed);
        public IServingModel RestoreModel(MortalHil.Core.Devices.IDevice board, byte[] snapshot) => inner.RestoreModel(board, snapshot);
        public IBoardMonitor CreateMonitor(IServingModel model, double handoverSeconds, double marginSeconds, double? lineageBest = null)
            => inner.CreateMonitor(model, handoverSeconds, marginSeconds, lineageBest);
        public double ExpectedHandoverSeconds => inner.ExpectedHandoverSeconds;
        public JournalView ReadJournal(string journalPath) => inner.ReadJournal(journalPath);

        public IHandoverProcess OpenHandover(HandoverOpening opening)
        {
            var p = inner.OpenHandover(opening);
            return p.SeenAtOpen.TeacherOutputs.Count == 0 ? p : new Forgetful(p);
        }

        private sealed class Forgetful(IHandoverProcess inner) : IHandoverProcess
        {
            public HandoverEnd Run() => inner.Run();
            public JournalView SeenAtOpen { get; } = inner.SeenAtOpen with
            {
                TeacherOutputs = inner.SeenAtOpen.TeacherOutputs.Skip(1).ToDictionary(kv => kv.Key, kv => kv.Value),
            };
            public IServingModel? Student => inner.Student;
            public HandoverAccount Account() => inner.Account();
            public void Dispose() => inner.Dispose();
        }
    }
}
