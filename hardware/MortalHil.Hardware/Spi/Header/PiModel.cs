namespace MortalHil.Hardware.Spi.Header;

/// <summary>The Raspberry Pi a profile is wired for (profile field <c>piModel</c>).</summary>
public enum PiModel
{
    /// <summary>Pi 3 (BCM2837): SPI0 and the auxiliary SPI1.</summary>
    Pi3,
    /// <summary>Pi 4 / 400 / CM4 (BCM2711): SPI0, the auxiliary SPI1, and SPI3..SPI6 through overlays.</summary>
    Pi4,
    /// <summary>Pi 5 (RP1 I/O controller): SPI0 and SPI1 on the same header pins; RP1's SPI blocks do all four modes.</summary>
    Pi5,
}
