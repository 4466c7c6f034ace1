using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Core.Tests.Devices;

/// <summary>A small, plausible board description for contract tests.</summary>
internal static class TestDescriptions
{
    public static DeviceDescription Small(bool outerProduct = true) => new()
    {
        SerialNumber = "T-1",
        Kind = "test",
        Firmware = "0",
        TileCount = 2,
        Geometry = new TileGeometry(8, 6),
        Dac = new DacSpec(8, ElectricPotential.FromVolts(0.2)),
        Adc = new AdcSpec(10, ElectricCurrent.FromMicroamperes(100)),
        Limits = new SafeLimits
        {
            MaxReadVoltage = ElectricPotential.FromVolts(0.2),
            MaxPulseVoltage = ElectricPotential.FromVolts(2.5),
            MinPulseWidth = Duration.FromNanoseconds(10),
            MaxPulseWidth = Duration.FromMicroseconds(100),
            MaxPulsesPerCellPerRequest = 31,
            MaxBatch = 64,
        },
        NominalConductanceMin = ElectricConductance.FromMicrosiemens(1),
        NominalConductanceMax = ElectricConductance.FromMicrosiemens(100),
        Capabilities = new DeviceCapabilities
        {
            OuterProductPulses = outerProduct,
            Activations = [AnalogActivation.Relu],
            NominalPulseVoltage = ElectricPotential.FromVolts(1.5),
            NominalPulseWidth = Duration.FromMicroseconds(1),
        },
    };
}
