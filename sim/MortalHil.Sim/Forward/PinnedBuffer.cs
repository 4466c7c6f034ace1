namespace MortalHil.Sim.Forward;

/// <summary>
/// A grow-only float buffer on the pinned object heap whose start is aligned to a 64-byte cache line, so packed
/// micro-panel rows never straddle two lines and the hot path can keep raw pointers without fixing anything.
/// </summary>
internal sealed unsafe class PinnedBuffer
{
    private const int AlignFloats = 16;
    private float[] _array = [];

    /// <summary>Start of the usable, 64-byte aligned region.</summary>
    public float* Pointer { get; private set; }

    /// <summary>Usable floats from <see cref="Pointer"/>.</summary>
    public int Capacity { get; private set; }

    /// <summary>Makes room for at least <paramref name="floats"/> floats; the contents are undefined after growing.</summary>
    public float* Ensure(int floats)
    {
        if (floats > Capacity)
        {
            _array = GC.AllocateUninitializedArray<float>(floats + AlignFloats, pinned: true);
            fixed (float* p = _array)
            {
                // Pinned arrays never move, so the pointer stays valid after the fixed block.
                nint misalignment = (nint)p & (AlignFloats * sizeof(float) - 1);
                Pointer = misalignment == 0 ? p : (float*)((byte*)p + (AlignFloats * sizeof(float) - misalignment));
            }
            Capacity = floats;
        }
        return Pointer;
    }

    /// <summary>The first <paramref name="floats"/> floats as a span.</summary>
    public Span<float> Span(int floats) => new(Pointer, floats);
}
