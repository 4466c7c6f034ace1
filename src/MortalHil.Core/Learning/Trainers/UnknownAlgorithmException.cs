namespace MortalHil.Core.Learning.Trainers;

/// <summary>
/// A trainer name that names no trainer. A <see cref="FormatException"/>: the name is bad input text, so a
/// command reports it as a usage error (one line, exit 2) like any other unparsable option.
/// </summary>
public sealed class UnknownAlgorithmException(string message) : FormatException(message);
