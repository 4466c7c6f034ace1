using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Host.Options;

/// <summary>The size limits of a network shape (<see cref="Limits"/>), checked before anything is allocated for it.</summary>
public static class ShapeLimits
{
    public static NetworkShape Check(NetworkShape shape, string what)
    {
        if (shape.Sizes.Count > Limits.ShapeWidths)
            throw new ArgumentException($"{what} {shape} has {shape.Sizes.Count} widths; the limit is {Limits.ShapeWidths}");
        foreach (var w in shape.Sizes)
            if (w > Limits.LayerWidth) throw new ArgumentException($"{what} {shape}: width {w} is above the limit of {Limits.LayerWidth}");
        if (shape.ParameterCount > Limits.NetworkParameters)
            throw new ArgumentException($"{what} {shape} has {shape.ParameterCount:N0} parameters; the limit is {Limits.NetworkParameters:N0}");
        return shape;
    }
}
