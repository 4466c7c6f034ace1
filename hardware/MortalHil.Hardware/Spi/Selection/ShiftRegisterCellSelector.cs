using System.Device.Gpio;

namespace MortalHil.Hardware.Spi.Selection;

/// <summary>
/// A chain of 74HC595 serial-in/parallel-out registers bit-banged on three GPIO lines: outputs
/// 0..rows-1 select rows, rows..rows+columns-1 select columns (output 0 = QA of the first chip).
/// Bits shift in on the rising edge of SRCLK, last output first, and appear on the outputs on
/// the rising edge of RCLK (the latch), so the selection changes all at once (NXP/TI 74HC595
/// datasheets, function table).
/// </summary>
public sealed class ShiftRegisterCellSelector : ICellSelector
{
    private readonly GpioController _gpio;
    private readonly int _data, _clock, _latch, _rows, _columns;

    public ShiftRegisterCellSelector(GpioController gpio, int dataPin, int clockPin, int latchPin, int rows, int columns)
    {
        _gpio = gpio;
        (_data, _clock, _latch, _rows, _columns) = (dataPin, clockPin, latchPin, rows, columns);
        foreach (var pin in new[] { dataPin, clockPin, latchPin }) gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
        DeselectAll();
    }

    /// <summary>Register outputs in the chain (rows + columns).</summary>
    public int Length => _rows + _columns;

    public void Select(int row, int column) => Shift(k => k == row || k == _rows + column);

    public void DeselectAll() => Shift(_ => false);

    /// <summary>Shifts zeros through the whole chain and latches them (the same as <see cref="DeselectAll"/>: the chain holds no hidden state).</summary>
    public void ReleaseAllLines() => Shift(_ => false);

    private void Shift(Func<int, bool> output)
    {
        for (int k = Length - 1; k >= 0; k--)
        {
            _gpio.Write(_data, output(k) ? PinValue.High : PinValue.Low);
            _gpio.Write(_clock, PinValue.High);
            _gpio.Write(_clock, PinValue.Low);
        }
        _gpio.Write(_latch, PinValue.High);
        _gpio.Write(_latch, PinValue.Low);
    }
}
