using MortalHil.Core.Learning;
using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Tests.Mortality.Fakes;

/// <summary>
/// A teacher that classifies by (negative squared) distance to the task's centres, counts every
/// query, and dies after a set number of them. Reopened after a crash, its clock is set to the
/// journaled time, as a simulated teacher is aged to it.
/// </summary>
internal sealed class FakeTeacher : IHandoverBoard, IClassifier
{
    private readonly SyntheticTask _task;

    public FakeTeacher(SyntheticTask task, long dieAfterQueries = long.MaxValue, TimeSpan? clock = null)
    {
        _task = task;
        DieAfterQueries = dieAfterQueries;
        if (clock is { } c) Clock = c;
    }

    public long DieAfterQueries { get; }
    public long Queries { get; private set; }
    public TimeSpan Clock { get; private set; }
    public bool Disposed { get; private set; }
    public string Name => "fake-teacher";
    public IClassifier Model { get { Check(); return this; } }
    public TimeSpan BoardTime { get { Check(); return Clock; } }
    public int InputCount => SyntheticTask.Inputs;
    public int ClassCount => SyntheticTask.Classes;

    private void Check() { if (Queries >= DieAfterQueries) throw new DeviceFailedException("fake teacher died"); }

    public void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits)
    {
        Check();
        if (Queries + batch > DieAfterQueries) { Queries = DieAfterQueries; throw new DeviceFailedException("fake teacher died mid-batch"); }
        Queries += batch;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < ClassCount; c++)
            {
                float d = 0;
                for (int j = 0; j < InputCount; j++) { float e = inputs[b * InputCount + j] - _task.Centres[c][j]; d += e * e; }
                logits[b * ClassCount + c] = -4 * d;
            }
    }

    public byte[]? SaveBoard() => null;
    public void AdvanceClock(TimeSpan dt) { Check(); Clock += dt; }
    public void Dispose() => Disposed = true;
}
