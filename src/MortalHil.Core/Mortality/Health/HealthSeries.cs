using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Mortality.Health;

/// <summary>The health checks of one board in time order, and each signal as a time series.</summary>
public sealed class HealthSeries
{
    private readonly List<HealthSample> _samples = [];

    public IReadOnlyList<HealthSample> Samples => _samples;

    /// <summary>Appends a check; checks must come in board-time order.</summary>
    public void Add(HealthSample sample)
    {
        if (_samples.Count > 0 && sample.BoardTime < _samples[^1].BoardTime)
            throw new ArgumentException($"health sample at {sample.BoardTime} is older than the last one at {_samples[^1].BoardTime}");
        _samples.Add(sample);
    }

    /// <summary>
    /// The series of <paramref name="signal"/> (see <see cref="HealthSignals"/>), skipping checks that
    /// did not measure it. For drift, only the samples since the latest rebaseline, since a
    /// reprogrammed board starts drifting afresh.
    /// </summary>
    public IReadOnlyList<TimedValue> Signal(string signal)
    {
        int from = 0;
        if (signal == HealthSignals.DriftFraction)
            for (int i = _samples.Count - 1; i >= 0; i--)
                if (_samples[i].DriftRebaselined) { from = i; break; }
        var list = new List<TimedValue>();
        for (int i = from; i < _samples.Count; i++)
            if (HealthSignals.Value(_samples[i], signal) is { } v) list.Add(new TimedValue(_samples[i].BoardTime, v));
        return list;
    }

    /// <summary>Remaining-life estimates for every indicator with enough samples.</summary>
    public IReadOnlyList<RemainingLifeEstimate> Predict(RemainingLifePredictor predictor, IEnumerable<HealthIndicator> indicators)
    {
        var list = new List<RemainingLifeEstimate>();
        foreach (var ind in indicators)
            if (predictor.Predict(Signal(ind.Name), ind) is { } e) list.Add(e);
        return list;
    }
}
