namespace MortalHil.Hardware.Spi;

/// <summary>
/// What the host measured of the pulses of one request: each pulse's high time lies between the time from
/// the end of the fire line's rising write to the start of its falling write (<see cref="ShortestSeconds"/> is
/// the least of these) and the time from the start of the rising write to the end of the falling write
/// (<see cref="LongestSeconds"/> is the greatest): GPIO writes take time, and the host cannot see when
/// inside a write the line actually moved.
/// </summary>
public sealed record PulseTiming(double RequestedSeconds, long Pulses, double ShortestSeconds, double LongestSeconds, double MeanSeconds, long LongerThanLimit);

/// <summary>How fast this host writes a GPIO line, measured when the board opens (median of 64 writes that change nothing).</summary>
public sealed record GpioWriteLatency(double MedianSeconds)
{
    /// <summary>
    /// The shortest pulse the host can time: its edges are each uncertain by about one write, so a pulse shorter
    /// than two writes would be mostly uncertainty. Narrower widths are refused (the description's minimum width).
    /// </summary>
    public double MinTimeableWidthSeconds => 2 * MedianSeconds;
}
