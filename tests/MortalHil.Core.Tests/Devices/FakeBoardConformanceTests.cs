using MortalHil.Core.Devices;
using MortalHil.Testing;

namespace MortalHil.Core.Tests.Devices;

/// <summary>Core's test boards held to the same <see cref="IDevice"/> contract as every real board.</summary>
public class LearningFakeCrossbarConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => new Learning.FakeCrossbar(Learning.FakePhysics.Ideal with { Tiles = 2, Rows = 8, Columns = 6, MaxBatch = 16 });
    /// <summary>The fake keeps no per-cell wear.</summary>
    protected override bool TracksCellWear => false;
}

public class NoisyLearningFakeCrossbarConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => new Learning.FakeCrossbar(Learning.FakePhysics.Noisy with { Tiles = 2, Rows = 8, Columns = 6, MaxBatch = 16 });
    protected override bool MeasurementIsExact => false;
    protected override bool TracksCellWear => false;
}

public class MortalityFakeCrossbarConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => new Mortality.Fakes.FakeCrossbar(measureNoiseFraction: 0);
    /// <summary>Exact Ohm/Kirchhoff sums, no converters.</summary>
    protected override bool OutputsOnAdcGrid => false;
    protected override Action<IDevice>? Kill => d => ((Mortality.Fakes.FakeCrossbar)d).Dead = true;
}
