namespace MortalHil.Core.Mortality.Ports;

/// <summary>A small set of inputs with their true labels (a canary set, a test set).</summary>
public sealed class LabelledSet
{
    /// <param name="inputs">Row-major, <c>count x inputCount</c>.</param>
    /// <param name="labels">One class index per input.</param>
    /// <param name="inputCount">Length of one input.</param>
    public LabelledSet(float[] inputs, int[] labels, int inputCount)
    {
        if (inputCount <= 0) throw new ArgumentOutOfRangeException(nameof(inputCount));
        if (inputs.Length != labels.Length * inputCount)
            throw new ArgumentException($"{inputs.Length} input values are not {labels.Length} inputs of {inputCount}");
        Inputs = inputs;
        Labels = labels;
        InputCount = inputCount;
    }

    public float[] Inputs { get; }
    public int[] Labels { get; }
    public int InputCount { get; }
    public int Count => Labels.Length;

    /// <summary>Input <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> Input(int i) => Inputs.AsSpan(i * InputCount, InputCount);

    /// <summary>The first <paramref name="count"/> examples (a copy).</summary>
    public LabelledSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new LabelledSet(Inputs[..(count * InputCount)], Labels[..count], InputCount);
    }

    /// <summary>The examples from <paramref name="start"/> on (a copy).</summary>
    public LabelledSet Skip(int start)
    {
        start = Math.Min(start, Count);
        return new LabelledSet(Inputs[(start * InputCount)..], Labels[start..], InputCount);
    }
}
