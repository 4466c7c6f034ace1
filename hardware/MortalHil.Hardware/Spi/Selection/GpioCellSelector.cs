using System.Device.Gpio;

namespace MortalHil.Hardware.Spi.Selection;

/// <summary>One GPIO line per row and per column: high connects that line to the pulse path (e.g. through an analog switch).</summary>
public sealed class GpioCellSelector : ICellSelector
{
    private readonly GpioController _gpio;
    private readonly int[] _rowPins, _columnPins;
    private int _row = -1, _column = -1;

    public GpioCellSelector(GpioController gpio, IReadOnlyList<int> rowPins, IReadOnlyList<int> columnPins)
    {
        _gpio = gpio;
        _rowPins = rowPins.ToArray();
        _columnPins = columnPins.ToArray();
        foreach (var pin in _rowPins.Concat(_columnPins)) gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
    }

    public void Select(int row, int column)
    {
        DeselectAll();
        _gpio.Write(_rowPins[row], PinValue.High);
        _gpio.Write(_columnPins[column], PinValue.High);
        (_row, _column) = (row, column);
    }

    public void DeselectAll()
    {
        if (_row >= 0) _gpio.Write(_rowPins[_row], PinValue.Low);
        if (_column >= 0) _gpio.Write(_columnPins[_column], PinValue.Low);
        (_row, _column) = (-1, -1);
    }

    public void ReleaseAllLines()
    {
        foreach (var pin in _rowPins.Concat(_columnPins)) _gpio.Write(pin, PinValue.Low);
        (_row, _column) = (-1, -1);
    }
}
