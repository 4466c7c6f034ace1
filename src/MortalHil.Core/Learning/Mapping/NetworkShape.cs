namespace MortalHil.Core.Learning.Mapping;

/// <summary>Layer widths of a fully connected network, inputs first, e.g. 784-256-10.</summary>
public sealed record NetworkShape
{
    public NetworkShape(IReadOnlyList<int> sizes)
    {
        if (sizes.Count < 2) throw new ArgumentException("a network needs at least an input and an output width");
        foreach (var s in sizes)
            if (s < 1) throw new ArgumentException($"layer width {s} must be positive");
        Sizes = sizes.ToArray();
    }

    public IReadOnlyList<int> Sizes { get; }
    public int Inputs => Sizes[0];
    public int Outputs => Sizes[^1];
    /// <summary>Number of weight layers (widths minus one).</summary>
    public int LayerCount => Sizes.Count - 1;
    /// <summary>Weights plus biases.</summary>
    public long ParameterCount => Enumerable.Range(0, LayerCount).Sum(l => (long)Sizes[l] * Sizes[l + 1] + Sizes[l + 1]);

    /// <summary>
    /// Parses "784-256-10" (also "784x256x10" or "784,256,10"); errors are <see cref="FormatException"/>s. Every
    /// separator must stand between two widths: "49--10" and "49-16-10-" are refused, not read as shorter networks.
    /// </summary>
    public static NetworkShape Parse(string text)
    {
        var parts = text.Trim().Split(['-', 'x', ','], StringSplitOptions.TrimEntries);
        if (parts.Length < 2) throw new FormatException($"network shape '{text}' needs at least two widths, e.g. 784-256-10");
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) || !int.TryParse(parts[i], out sizes[i]) || sizes[i] < 1)
                throw new FormatException($"network shape '{text}': '{parts[i]}' is not a positive width");
        return new NetworkShape(sizes);
    }

    public override string ToString() => string.Join("-", Sizes);
}
