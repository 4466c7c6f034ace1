namespace MortalHil.Sim.Physics;

/// <summary>Stream ids for the counter-based draws: each physical quantity has its own stream.</summary>
internal static class RandomStreams
{
    public const ulong WMin = 1, WMax = 2, Dw = 3, UpDown = 4, Nu = 5, Endurance = 6, AgeStuck = 7,
        StuckDraw = 8, StuckSide = 9, InitialState = 10, ColumnGain = 11, ColumnOffset = 12,
        NeuronGain = 13, NeuronOffset = 14, BoardLifetime = 15, PulseNoise = 16, Flicker = 17,
        Read = 18, Measure = 19, WearSide = 20,
        ChainGain = 21, ChainOffset = 22, ChainThreshold = 23, ChainSaturation = 24, ChainCurvature = 25, ChainNoise = 26,
        ChainBroken = 27, ChainCrossed = 28, ChainRead = 29, ChainLatched = 30;
}
