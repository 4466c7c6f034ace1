namespace MortalHil.Core.Mortality.Distillation;

/// <summary>
/// The inputs a teacher is asked about: unlabelled examples, drawn in a seeded order and optionally
/// jittered (shifted by up to <see cref="MaxShift"/> pixels, plus Gaussian pixel noise). Example
/// <c>i</c> is a pure function of (seed, i), so a journal only needs the index to know which input
/// a journaled teacher output belongs to.
/// </summary>
public sealed class TransferSet
{
    private readonly float[] _pool;
    private readonly int[] _order;
    private readonly float _low, _high; // jittered inputs stay inside the pool's range

    /// <param name="pool">Unlabelled inputs, row-major <c>count x inputCount</c> (e.g. training images without their labels).</param>
    /// <param name="inputCount">Length of one input.</param>
    /// <param name="size">Number of transfer examples (may exceed the pool: later passes are re-jittered).</param>
    /// <param name="seed">Seed of the order and the jitter.</param>
    /// <param name="imageWidth">Width when inputs are images (needed for shifts); 0: no shifts.</param>
    /// <param name="maxShift">Largest shift in pixels, each direction (0: none).</param>
    /// <param name="noise">Standard deviation of added pixel noise (0: none).</param>
    public TransferSet(float[] pool, int inputCount, int size, int seed, int imageWidth = 0, int maxShift = 0, float noise = 0)
    {
        if (inputCount <= 0 || pool.Length == 0 || pool.Length % inputCount != 0)
            throw new ArgumentException($"transfer pool of {pool.Length} values is not a whole number of {inputCount}-inputs");
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "transfer set size must be positive");
        if (maxShift > 0 && (imageWidth <= 0 || inputCount % imageWidth != 0))
            throw new ArgumentException($"shifts need the image width; {inputCount} inputs are not rows of {imageWidth}");
        _pool = pool;
        InputCount = inputCount;
        Size = size;
        Seed = seed;
        ImageWidth = imageWidth;
        MaxShift = maxShift;
        Noise = noise;
        int n = pool.Length / inputCount;
        _order = Enumerable.Range(0, n).ToArray();
        _low = pool.Min();
        _high = pool.Max();
        new Random(seed).Shuffle(_order);
    }

    public int InputCount { get; }
    public int Size { get; }
    public int Seed { get; }
    public int ImageWidth { get; }
    public int MaxShift { get; }
    public float Noise { get; }

    /// <summary>Pool example that transfer example <paramref name="index"/> is drawn from.</summary>
    public int PoolIndex(long index) => _order[(int)(index % _order.Length)];

    /// <summary>Writes transfer example <paramref name="index"/> into <paramref name="input"/>.</summary>
    public void Fill(long index, Span<float> input)
    {
        if ((ulong)index >= (ulong)Size) throw new ArgumentOutOfRangeException(nameof(index));
        var src = _pool.AsSpan(PoolIndex(index) * InputCount, InputCount);
        if (MaxShift == 0 && Noise == 0) { src.CopyTo(input); return; }
        var rng = new Random(SeedMixer.Mix(Seed, index, 0x7e57));
        int dx = 0, dy = 0;
        if (MaxShift > 0)
        {
            dx = rng.Next(-MaxShift, MaxShift + 1);
            dy = rng.Next(-MaxShift, MaxShift + 1);
        }
        int w = ImageWidth > 0 ? ImageWidth : InputCount, h = InputCount / w;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int sx = x - dx, sy = y - dy;
                input[y * w + x] = sx >= 0 && sx < w && sy >= 0 && sy < h ? src[sy * w + sx] : 0f;
            }
        if (Noise > 0)
            for (int i = 0; i < InputCount; i++)
                input[i] = Math.Clamp(input[i] + Noise * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())), _low, _high);
    }

    /// <summary>Writes examples [first, first + count) into <paramref name="inputs"/>.</summary>
    public void Fill(long first, int count, Span<float> inputs)
    {
        for (int i = 0; i < count; i++) Fill(first + i, inputs.Slice(i * InputCount, InputCount));
    }
}
