using MortalHil.Core.Learning;
using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Tests.Mortality.Fakes;

/// <summary>
/// A digital softmax-regression student trained by SGD on the distillation loss (gradient
/// T (p_T - q) with respect to the logits). Its "board" is its weight matrix; its host state its
/// step count. It can be told to die after a number of steps.
/// </summary>
internal sealed class FakeStudent : IStudentLearner, IClassifier
{
    private const int D = SyntheticTask.Inputs, K = SyntheticTask.Classes;
    private readonly float[] _w = new float[K * (D + 1)];
    private readonly float _temperature;
    private readonly float _rate;

    public FakeStudent(float temperature, HandoverCheckpointLike? from = null, float rate = 0.2f, long dieAfterSteps = long.MaxValue)
    {
        _temperature = temperature;
        _rate = rate;
        DieAfterSteps = dieAfterSteps;
        if (from is { } c)
        {
            Buffer.BlockCopy(c.Board, 0, _w, 0, c.Board.Length);
            StepsTaken = BitConverter.ToInt64(c.Host, 0);
            Clock = TimeSpan.FromTicks(BitConverter.ToInt64(c.Host, 8));
        }
    }

    /// <summary>The parts of a checkpoint this fake needs.</summary>
    public readonly record struct HandoverCheckpointLike(byte[] Board, byte[] Host);

    public long DieAfterSteps { get; }
    public TimeSpan Clock { get; private set; }
    public string Name => "fake-student";
    public IClassifier Model { get { Check(); return this; } }
    public TimeSpan BoardTime { get { Check(); return Clock; } }
    public long StepsTaken { get; private set; }
    public long PulsesApplied => StepsTaken * 10;
    public int InputCount => D;
    public int ClassCount => K;
    public bool Disposed { get; private set; }

    private void Check() { if (StepsTaken >= DieAfterSteps) throw new DeviceFailedException("fake student died"); }

    public void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits)
    {
        Check();
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < K; c++)
            {
                float z = _w[c * (D + 1) + D];
                for (int j = 0; j < D; j++) z += _w[c * (D + 1) + j] * inputs[b * D + j];
                logits[b * K + c] = z;
            }
    }

    public double Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        Check();
        var z = new float[batch * K];
        Predict(inputs, batch, z);
        var p = new float[K];
        double loss = 0;
        var grad = new float[_w.Length];
        for (int b = 0; b < batch; b++)
        {
            var t = targets.Slice(b * K, K);
            loss += SoftTargets.Loss(z.AsSpan(b * K, K), t, _temperature);
            SoftTargets.Softmax(z.AsSpan(b * K, K), _temperature, p);
            for (int c = 0; c < K; c++)
            {
                float g = _temperature * (p[c] - t[c]);
                for (int j = 0; j < D; j++) grad[c * (D + 1) + j] += g * inputs[b * D + j];
                grad[c * (D + 1) + D] += g;
            }
        }
        for (int i = 0; i < _w.Length; i++) _w[i] -= _rate * grad[i] / batch;
        StepsTaken++;
        return loss / batch;
    }

    public byte[]? SaveBoard()
    {
        var bytes = new byte[_w.Length * 4];
        Buffer.BlockCopy(_w, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public byte[] SaveHostState() => [.. BitConverter.GetBytes(StepsTaken), .. BitConverter.GetBytes(Clock.Ticks)];
    public void AdvanceClock(TimeSpan dt) { Check(); Clock += dt; }
    public void Dispose() => Disposed = true;
}
