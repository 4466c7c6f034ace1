namespace MortalHil.Core.Mortality.Prediction;

/// <summary>One observation of a health signal at a moment of the board's own clock.</summary>
public readonly record struct TimedValue(TimeSpan Time, double Value);
