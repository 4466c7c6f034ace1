using System.Buffers.Binary;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Adapters;

/// <summary>
/// A student board trained on-chip by an <see cref="IOnChipTrainer"/> through its
/// <see cref="MappedNetwork"/>. Its host state is the step count and the network snapshot; the
/// trainer is rebuilt for the step it resumes at (a trainer's random streams are seeded from it),
/// so a resumed student continues deterministically, though not bit-identically to an
/// uninterrupted one.
/// </summary>
public sealed class MappedStudent : MappedBoard, IStudentLearner
{
    private readonly Func<long, IOnChipTrainer> _trainerFor;
    private IOnChipTrainer _trainer;

    /// <param name="device">The student board.</param>
    /// <param name="network">The network mapped onto it.</param>
    /// <param name="keeper">Keeps the board's state and clock.</param>
    /// <param name="trainerFor">Builds the trainer for a student resuming at a given step (the loss must be the soft-target loss at the plan's temperature).</param>
    /// <param name="stepsTaken">Steps already taken (from a checkpoint), 0 for a fresh student.</param>
    /// <param name="ownsDevice">Dispose the board with the student (false when the caller keeps using it).</param>
    public MappedStudent(IDevice device, MappedNetwork network, IBoardKeeper keeper, Func<long, IOnChipTrainer> trainerFor, long stepsTaken = 0,
        bool ownsDevice = true)
        : base(device, network, keeper, ownsDevice)
    {
        _trainerFor = trainerFor;
        _trainer = trainerFor(stepsTaken);
        StepsTaken = stepsTaken;
    }

    /// <summary>The trainer in use.</summary>
    public IOnChipTrainer Trainer => _trainer;
    public long StepsTaken { get; private set; }
    public long PulsesApplied => Device.ReadHealth().TotalPulses;

    public double Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        var r = _trainer.Step(Network, inputs, targets, batch);
        StepsTaken++;
        return r.Loss;
    }

    /// <summary>Host state: 8 bytes of step count, then the network file (<see cref="MappedNetworkStore"/>).</summary>
    public byte[] SaveHostState()
    {
        var net = NetworkBytes.Save(Network);
        var bytes = new byte[8 + net.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, StepsTaken);
        net.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>Reopens a student on <paramref name="device"/> (already restored to the checkpoint's board state) from its host state.</summary>
    public static MappedStudent Restore(IDevice device, byte[] hostState, IBoardKeeper keeper, Func<long, IOnChipTrainer> trainerFor)
    {
        if (hostState.Length < 9) throw new InvalidDataException("student host state is truncated");
        long steps = BinaryPrimitives.ReadInt64LittleEndian(hostState);
        var net = NetworkBytes.Load(device, hostState.AsSpan(8));
        return new MappedStudent(device, net, keeper, trainerFor, steps);
    }
}
