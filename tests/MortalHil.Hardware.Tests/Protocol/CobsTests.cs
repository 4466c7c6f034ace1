using MortalHil.Hardware.Protocol;

namespace MortalHil.Hardware.Tests.Protocol;

public class CobsTests
{
    private static byte[] Encode(byte[] src)
    {
        var dst = new byte[Cobs.MaxEncodedLength(src.Length)];
        return dst.AsSpan(0, Cobs.Encode(src, dst)).ToArray();
    }

    private static byte[]? Decode(byte[] src)
    {
        var dst = new byte[src.Length];
        return Cobs.TryDecode(src, dst, out int n) ? dst.AsSpan(0, n).ToArray() : null;
    }

    public static TheoryData<string, string> KnownVectors => new()
    {
        // Examples from Cheshire & Baker's paper as usually tabulated.
        { "", "01" },
        { "00", "0101" },
        { "0000", "010101" },
        { "11220033", "0311220233" },
        { "11223344", "0511223344" },
        { "11000000", "0211010101" },
    };

    [Theory, MemberData(nameof(KnownVectors))]
    public void Known_vectors_encode_and_decode_exactly(string plainHex, string encodedHex)
    {
        var plain = Convert.FromHexString(plainHex);
        var encoded = Convert.FromHexString(encodedHex);
        Assert.Equal(encoded, Encode(plain));
        Assert.Equal(plain, Decode(encoded));
    }

    [Fact]
    public void A_run_of_254_nonzero_bytes_uses_one_full_block_and_255_bytes_spill_into_a_second()
    {
        var b254 = Enumerable.Range(1, 254).Select(i => (byte)i).ToArray();
        var e254 = Encode(b254);
        Assert.Equal(256, e254.Length);
        Assert.Equal(0xFF, e254[0]);
        Assert.Equal(0x01, e254[255]);
        Assert.Equal(b254, Decode(e254));

        var b255 = Enumerable.Range(1, 255).Select(i => (byte)i).ToArray();
        var e255 = Encode(b255);
        Assert.Equal(257, e255.Length);
        Assert.Equal(0xFF, e255[0]);
        Assert.Equal(0x02, e255[255]);
        Assert.Equal(0xFF, e255[256]);
        Assert.Equal(b255, Decode(e255));
    }

    [Fact]
    public void Random_blocks_round_trip_never_contain_zero_and_stay_within_the_overhead_bound()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            int n = trial < 600 ? trial : rng.Next(0, 3000);
            var src = new byte[n];
            rng.NextBytes(src);
            if (trial % 3 == 0) for (int i = 0; i < n; i += 1 + rng.Next(5)) src[i] = 0; // zero-heavy
            var enc = Encode(src);
            Assert.DoesNotContain((byte)0, enc);
            Assert.True(enc.Length <= Cobs.MaxEncodedLength(n));
            Assert.Equal(src, Decode(enc));
        }
    }

    [Theory]
    [InlineData("0311")]       // code promises two bytes, one present
    [InlineData("021100")]     // a zero inside a block
    [InlineData("00")]         // code zero
    [InlineData("FF0102")]     // full block truncated
    public void Broken_blocks_are_rejected(string hex)
        => Assert.Null(Decode(Convert.FromHexString(hex)));

    [Fact]
    public void Decoding_into_a_too_small_buffer_fails_instead_of_overrunning()
    {
        var enc = Encode(new byte[100]);
        Assert.False(Cobs.TryDecode(enc, new byte[50], out _));
    }
}
