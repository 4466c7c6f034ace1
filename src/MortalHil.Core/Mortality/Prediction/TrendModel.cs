namespace MortalHil.Core.Mortality.Prediction;

/// <summary>The shapes of degradation the predictor fits.</summary>
public enum TrendModel
{
    /// <summary>y = a + b t: steady wear (stuck cells appearing at a constant rate).</summary>
    Linear = 0,
    /// <summary>
    /// damage = exp(a + b t), damage measured from the healthy level: accelerating wear-out, the
    /// usual shape of end-of-life (the "wear-out" arm of the bathtub curve).
    /// </summary>
    Exponential = 1,
}
