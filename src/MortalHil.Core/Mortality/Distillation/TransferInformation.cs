namespace MortalHil.Core.Mortality.Distillation;

/// <summary>
/// Counts what a lesson carried. Three numbers per transfer example:
/// <list type="bullet">
/// <item><b>payload bits</b>: what went over the link, classes x quantisation bits (e.g. 10 x 8 = 80).</item>
/// <item><b>information bits</b>: an estimate of the entropy of the quantised soft distributions,
/// the sum over classes of the plug-in (histogram) entropy of that class's quantised probability
/// across the transfer set. The sum of marginal entropies bounds the joint entropy from above, and
/// the plug-in estimate is biased low by about (levels used - 1) / (2 N ln 2) bits per class
/// (Miller 1955), so this is an estimate, not a bound; it is what the soft targets carry beyond
/// constant patterns.</item>
/// <item><b>label bits</b>: the plug-in entropy of the teacher's argmax over the transfer set, the most
/// a hard label can carry (at most log2(classes), 3.32 bits for 10 classes).</item>
/// </list>
/// </summary>
public sealed class TransferInformation
{
    private readonly long[][] _levelCounts; // [class][level]
    private readonly long[] _labelCounts;
    private readonly int _bits;

    public TransferInformation(int classes, int bits)
    {
        _bits = bits;
        _levelCounts = new long[classes][];
        for (int k = 0; k < classes; k++) _levelCounts[k] = new long[1 << bits];
        _labelCounts = new long[classes];
    }

    /// <summary>Examples counted so far.</summary>
    public long Examples { get; private set; }

    /// <summary>Adds one sent example: its quantised levels and the teacher's argmax.</summary>
    public void Add(ReadOnlySpan<ushort> levels, int teacherArgMax)
    {
        for (int k = 0; k < _levelCounts.Length; k++) _levelCounts[k][levels[k]]++;
        _labelCounts[teacherArgMax]++;
        Examples++;
    }

    /// <summary>Link payload per example, bits.</summary>
    public double PayloadBitsPerExample => _levelCounts.Length * _bits;

    /// <summary>Estimated information per example in the soft targets, bits (see the class remarks).</summary>
    public double InformationBitsPerExample => _levelCounts.Sum(Entropy);

    /// <summary>Information per example in the teacher's hard labels, bits.</summary>
    public double LabelBitsPerExample => Entropy(_labelCounts);

    /// <summary>Totals over every example counted.</summary>
    public double TotalPayloadBits => PayloadBitsPerExample * Examples;
    public double TotalInformationBits => InformationBitsPerExample * Examples;
    public double TotalLabelBits => LabelBitsPerExample * Examples;

    private double Entropy(long[] counts)
    {
        if (Examples == 0) return 0;
        double h = 0;
        foreach (var c in counts)
            if (c > 0) { double p = c / (double)Examples; h -= p * Math.Log2(p); }
        return h;
    }
}
