using System.Reflection;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Tests.Learning;

public class CoreIsolationTests
{
    [Fact]
    public void Core_references_neither_the_simulator_nor_the_hardware_drivers()
    {
        var core = typeof(IDevice).Assembly;
        var referenced = core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(referenced, n => n.StartsWith("MortalHil.Sim", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n.StartsWith("MortalHil.Hardware", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n.StartsWith("MortalHil.Host", StringComparison.Ordinal) || n == "mortalhil");
    }

    [Fact]
    public void No_type_in_core_mentions_a_simulator_type()
    {
        var core = typeof(IDevice).Assembly;
        foreach (var type in core.GetTypes())
        {
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);
            foreach (var m in members)
            {
                var t = m switch { FieldInfo f => f.FieldType, PropertyInfo p => p.PropertyType, MethodInfo mi => mi.ReturnType, _ => null };
                Assert.False(t?.Assembly.GetName().Name?.StartsWith("MortalHil.Sim", StringComparison.Ordinal) ?? false, $"{type}.{m.Name}");
            }
        }
    }

    [Fact]
    public void The_core_test_project_itself_cannot_see_the_simulator()
    {
        var tests = typeof(CoreIsolationTests).Assembly;
        Assert.DoesNotContain(tests.GetReferencedAssemblies(), a => a.Name!.StartsWith("MortalHil.Sim", StringComparison.Ordinal));
    }
}
