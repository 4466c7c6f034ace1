using System.Reflection;
using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class EncapsulationTests
{
    [Fact]
    public void Core_references_neither_the_simulator_nor_the_hardware()
    {
        var names = typeof(IDevice).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("MortalHil.Sim", names);
        Assert.DoesNotContain("MortalHil.Hardware", names);
        Assert.DoesNotContain("MortalHil.Host", names);
    }

    [Fact]
    public void A_simulated_board_exposes_nothing_beyond_the_contract_clock_and_file()
    {
        string[] allowed =
        [
            // IDevice
            "Description", "get_Description", "Read", "ApplyCellPulses", "ApplyOuterProductPulses", "MeasureConductances", "ReadHealth", "Dispose",
            // IAnalogChainDevice
            "ReadChain", "ApplyLatchedOuterProduct",
            // construction, clock, lifetime, persistence
            "Create", "AdvanceTime", "Now", "get_Now", "IsDead", "get_IsDead", "Save", "Load",
            // object
            "ToString", "Equals", "GetHashCode", "GetType",
        ];
        var members = typeof(SimulatedBoard).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m is not ConstructorInfo).Select(m => m.Name).Distinct().ToArray();
        Assert.Empty(members.Except(allowed));
        Assert.Empty(typeof(SimulatedBoard).GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void The_simulator_assembly_makes_public_only_the_board_and_plain_preset_data()
    {
        var publicTypes = typeof(SimulatedBoard).Assembly.GetExportedTypes();
        foreach (var t in publicTypes)
        {
            bool presetData = t.Namespace == typeof(DevicePreset).Namespace;
            Assert.True(t == typeof(SimulatedBoard) || presetData, $"{t.FullName} is public");
            Assert.Empty(t.GetFields(BindingFlags.Public | BindingFlags.Instance));
        }
        // Internals are visible only to the simulator's own tests.
        var friends = typeof(SimulatedBoard).Assembly.GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName).ToArray();
        Assert.Equal(["MortalHil.Sim.Tests"], friends);
    }
}
