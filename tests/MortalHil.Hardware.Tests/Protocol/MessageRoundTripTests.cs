using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Tests.Fakes;
using UnitsNet;

namespace MortalHil.Hardware.Tests.Protocol;

public class MessageRoundTripTests
{
    private static readonly CrossbarWindow Window = new(1, 2, 3, 1, 4);

    [Fact]
    public void A_description_survives_the_wire_field_for_field()
    {
        var d = IdealCrossbarFake.Describe() with { SerialNumber = "Ünïcode-7", Kind = "serial/mh-analog-1" };
        var back = DescribeMessage.Decode(DescribeMessage.Encode(d, 4096));
        Assert.Equal(4096, back.MaxPayload);
        var b = back.Description;
        Assert.Equal((d.SerialNumber, d.Kind, d.Firmware, d.TileCount, d.Geometry), (b.SerialNumber, b.Kind, b.Firmware, b.TileCount, b.Geometry));
        Assert.Equal((d.Dac.Bits, d.Dac.FullScaleVolts), (b.Dac.Bits, b.Dac.FullScaleVolts));
        Assert.Equal((d.Adc.Bits, d.Adc.FullScaleAmps), (b.Adc.Bits, b.Adc.FullScaleAmps));
        var (l, m) = (d.Limits, b.Limits);
        Assert.Equal((l.MaxReadVolts, l.MaxPulseVolts, l.MinPulseWidthSeconds, l.MaxPulseWidthSeconds, l.MaxPulsesPerCellPerRequest, l.MaxBatch),
            (m.MaxReadVolts, m.MaxPulseVolts, m.MinPulseWidthSeconds, m.MaxPulseWidthSeconds, m.MaxPulsesPerCellPerRequest, m.MaxBatch));
        Assert.Equal((d.GMinSiemens, d.GMaxSiemens), (b.GMinSiemens, b.GMaxSiemens));
        Assert.Equal(d.Capabilities.OuterProductPulses, b.Capabilities.OuterProductPulses);
        Assert.Equal(d.Capabilities.Activations, b.Capabilities.Activations);
        Assert.Equal(d.Capabilities.NominalPulseVoltage.Volts, b.Capabilities.NominalPulseVoltage.Volts, 12);
        Assert.Equal(d.Capabilities.NominalPulseWidth.Seconds, b.Capabilities.NominalPulseWidth.Seconds, 15);
    }

    [Fact]
    public void A_read_request_and_answer_round_trip()
    {
        var inputs = new float[] { 0.1f, -0.05f, 0.2f, 0, 0.125f, -0.2f };
        var req = ReadMessages.DecodeRequest(ReadMessages.EncodeRequest(Window, AnalogActivation.Relu, inputs));
        Assert.Equal((Window, AnalogActivation.Relu, 2), (req.Window, req.Activation, req.Batch));
        Assert.Equal(inputs, req.InputVolts);
        var outputs = new float[] { 1e-6f, 2e-6f, -3e-6f, 4e-6f, 5e-6f, 6e-6f, 7e-6f, 8e-6f };
        var back = new float[8];
        ReadMessages.DecodeResponse(ReadMessages.EncodeResponse(2, 4, outputs), 2, 4, back);
        Assert.Equal(outputs, back);
        Assert.Throws<MalformedFrameException>(() => ReadMessages.DecodeResponse(ReadMessages.EncodeResponse(2, 4, outputs), 1, 4, new float[4]));
    }

    [Fact]
    public void Cell_and_outer_product_pulses_and_receipts_round_trip()
    {
        var request = new PulseRequest(0x0102030405060708, 1.5f, 1e-6f);
        var counts = Enumerable.Range(0, 12).Select(i => (short)(i - 6)).ToArray();
        var cells = PulseMessages.DecodeCells(PulseMessages.EncodeCells(request, 2, 3, Window, counts));
        Assert.Equal((request, 2, 3, Window), (cells.Request, cells.Part, cells.PartCount, cells.Window));
        Assert.Equal(counts, cells.Counts);

        ulong[] rt = [1, 3, 0x8000_0000_0000_0001], ct = [7, 0, 5, 2];
        sbyte[] rp = [1, -1, 0], cp = [1, 1, -1, 0];
        var outer = PulseMessages.DecodeOuter(PulseMessages.EncodeOuter(request, Window, new OuterProductTrains(64, rt, rp, ct, cp)));
        Assert.Equal((request, Window, 64), (outer.Request, outer.Window, outer.Slots));
        Assert.Equal(rt, outer.RowTrains);
        Assert.Equal(rp, outer.RowPolarity);
        Assert.Equal(ct, outer.ColumnTrains);
        Assert.Equal(cp, outer.ColumnPolarity);

        var receipt = new PartReceipt(99, 4, 1234, true);
        Assert.Equal(receipt, PulseMessages.DecodeReceipt(PulseMessages.EncodeReceipt(receipt)));
    }

    [Fact]
    public void Measure_health_and_error_round_trip()
    {
        Assert.Equal(Window, MeasureMessages.DecodeRequest(MeasureMessages.EncodeRequest(Window)));
        var g = new float[] { 1e-6f, 5e-5f, 3e-5f };
        var back = new float[3];
        MeasureMessages.DecodeResponse(MeasureMessages.EncodeResponse(g), back);
        Assert.Equal(g, back);

        var h = new DeviceHealth
        {
            Alive = true, SelfTestPassed = false, Temperature = Temperature.FromDegreesCelsius(41.25),
            Uptime = TimeSpan.FromTicks(123456789), TotalPulses = 5, MaxCellPulses = 3, TotalReads = 77,
        };
        var (h2, link) = HealthMessage.Decode(HealthMessage.Encode(h, new BoardLinkCounters(1, 2, 3, 4, 5)));
        Assert.Equal((h.Alive, h.SelfTestPassed, h.Uptime, h.TotalPulses, h.MaxCellPulses, h.TotalReads), (h2.Alive, h2.SelfTestPassed, h2.Uptime, h2.TotalPulses, h2.MaxCellPulses, h2.TotalReads));
        Assert.Equal(41.25, h2.Temperature.DegreesCelsius, 9);
        Assert.Equal(new BoardLinkCounters(1, 2, 3, 4, 5), link);

        Assert.Equal((ProtocolErrorCode.LimitRefused, "too hot"), ErrorMessage.Decode(ErrorMessage.Encode(ProtocolErrorCode.LimitRefused, "too hot")));
    }

    [Fact]
    public void Truncated_or_padded_payloads_are_malformed_never_misread()
    {
        var full = PulseMessages.EncodeCells(new PulseRequest(5, 1, 1e-6f), 0, 1, Window, new short[12]);
        for (int n = 0; n < full.Length; n++)
            Assert.Throws<MalformedFrameException>(() => PulseMessages.DecodeCells(full.AsSpan(0, n)));
        Assert.Throws<MalformedFrameException>(() => PulseMessages.DecodeCells(full.Concat(new byte[] { 0 }).ToArray()));
        var receipt = PulseMessages.EncodeReceipt(new PartReceipt(1, 0, 1, false));
        Assert.Throws<MalformedFrameException>(() => PulseMessages.DecodeReceipt(receipt.Concat(new byte[] { 0 }).ToArray()));
        var describe = DescribeMessage.Encode(IdealCrossbarFake.Describe(), 4096);
        for (int n = 0; n < describe.Length; n += 7)
            Assert.Throws<MalformedFrameException>(() => DescribeMessage.Decode(describe.AsSpan(0, n)));
    }
}
