using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests.Chains;

public class ChainCopyAndLedgerTests
{
    private static readonly Core.Data.LabeledImageSet Train = ChainBoards.Task(1600, seed: 1);
    private static readonly Core.Data.LabeledImageSet Test = ChainBoards.Task(400, seed: 2);

    [Fact]
    public void A_copy_works_on_an_identical_board_and_degrades_on_a_mismatched_one()
    {
        var preset = ChainBoards.Small(groups: 0);
        var teacherBoard = SimulatedBoard.Create(preset, "teacher");
        var teacher = ChainLearning.Map(teacherBoard);
        ChainLearning.Train(teacher, new ChainPerturbationTrainer(ChainLearning.Options, localLosses: false), Train, epochs: 3);
        float taught = ChainLearning.Accuracy(teacher, Test);

        var options = new MappingOptions { Pairs = PairOrientation.Columns, Seed = 2 };
        var twin = ChainCopy.Copy(teacher, SimulatedBoard.Create(preset, "teacher"), options);
        float onTwin = ChainLearning.Accuracy(twin, Test);
        var stranger = ChainCopy.Copy(teacher, SimulatedBoard.Create(MortalPresets.WithNeuronMismatch(preset, 8), "stranger"), options);
        float onStranger = ChainLearning.Accuracy(stranger, Test);

        Assert.True(taught >= 0.9f, $"teacher {taught:P1}");
        Assert.True(onTwin >= taught - 0.03f, $"teacher {taught:P1}, copy on its twin {onTwin:P1}");
        Assert.True(onStranger <= onTwin - 0.1f, $"copy on its twin {onTwin:P1}, on a board with 8x the neuron mismatch {onStranger:P1}");
    }

    [Fact]
    public void The_ledger_counts_a_chain_read_and_its_energy_adds_up()
    {
        var board = SimulatedBoard.Create(ChainBoards.Small(groups: 2), "ledger");
        var net = ChainLearning.Map(board, groups: 2);
        var chain = board.Description.AnalogChain!;
        var costs = board.Description.Costs!;
        var before = net.Ledger.Snapshot();
        long tapsBefore = board.TapConversions;
        const int batch = 7, repeats = 3;
        net.Chain!.Read(net, Train.Pixels.AsSpan(0, batch * chain.InputCount), batch, repeats, new float[batch * repeats * chain.NeuronCount],
            new float[batch * repeats * chain.OutputCount], new float[batch * repeats * chain.NeuronCount]);
        var work = net.Ledger.Snapshot() - before;
        var o = work.Operations;
        int rows = batch * repeats;
        Assert.Equal((long)batch * chain.InputCount, o.DacConversions); // the DACs hold each input through its repeats
        Assert.Equal((long)rows * chain.OutputCount, o.ChainAdcConversions);
        Assert.Equal((long)rows * chain.NeuronCount, o.TapConversions);
        Assert.Equal(board.TapConversions - tapsBefore, o.TapConversions); // the host's count is the board's
        Assert.Equal((long)rows * chain.NeuronCount, o.InjectionConversions);
        Assert.Equal((long)rows * chain.NeuronCount, o.NeuronEvaluations);
        Assert.Equal(rows * chain.Stages.Sum(s => (long)s.Window.CellCount), o.CellReads);
        Assert.Equal(0, o.AdcConversions);

        var e = work.Energy(costs);
        double expected = o.DacConversions * costs.DacConversionJoules + o.ChainAdcConversions * costs.ChainAdcConversionJoules
            + o.TapConversions * costs.TapConversionJoules + o.InjectionConversions * costs.InjectionConversionJoules
            + o.CellReads * costs.CellReadJoules + o.NeuronEvaluations * costs.NeuronJoules;
        Assert.Equal(expected, e.TotalJoules, expected * 1e-12);
        Assert.Equal(e.TotalJoules, e.ConverterJoules + e.InjectionJoules + e.ArrayJoules + e.NeuronJoules + e.ProgrammingJoules, expected * 1e-12);
        var per = WorkReport.Of(work, rows, costs);
        Assert.Equal(e.TotalJoules / rows, per.Energy!.TotalJoules, 1e-20);
        Assert.Equal(work.BusySeconds, rows * (costs.WindowReadSeconds + costs.ChainStageSeconds), 1e-12); // two stages deep

        // Training pulses are costed too.
        var step = net.Ledger.Snapshot();
        new ChainPerturbationTrainer(ChainLearning.Options, localLosses: true).Step(net, Train.Pixels.AsSpan(0, 16 * chain.InputCount),
            Core.Learning.Losses.TargetDistributions.OneHot(Train.Labels.AsSpan(0, 16), 4), 16);
        var stepWork = net.Ledger.Snapshot() - step;
        Assert.True(stepWork.PulsesApplied > 0);
        Assert.Equal(stepWork.PulsesApplied * costs.PulseJoules, stepWork.Energy(costs).ProgrammingJoules, 1e-18);
    }
}
