using MortalHil.Core.Devices;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Packed copies of the effective conductances of the last few windows read. Between pulses and clock steps the
/// array does not change, so a trainer that reads the same windows again and again packs each window once per
/// change instead of once per read. An entry is valid only for the tile version it was packed from.
/// </summary>
internal sealed unsafe class PackedWeightCache
{
    private const int Slots = 4;

    private sealed class Entry
    {
        public int Tile = -1, Width, Tail;
        public CrossbarWindow Window;
        public long Version = -1, LastUse;
        public readonly PinnedBuffer Buffer = new();
    }

    private readonly Entry[] _entries = Enumerable.Range(0, Slots).Select(_ => new Entry()).ToArray();
    private long _uses;

    /// <summary>
    /// The buffer for <paramref name="window"/> at <paramref name="version"/> of its tile, packed in panels of
    /// <paramref name="width"/> columns with a last panel of <paramref name="tail"/>, and whether it must be
    /// (re)packed before use (it then holds at least <paramref name="floats"/> floats of undefined content).
    /// </summary>
    public float* Get(CrossbarWindow window, int width, int tail, long version, int floats, out bool stale)
    {
        Entry? hit = null;
        foreach (var e in _entries)
            if (e.Tile == window.Tile && e.Width == width && e.Tail == tail && e.Window == window) { hit = e; break; }
        if (hit is null)
        {
            hit = _entries[0];
            foreach (var e in _entries) if (e.LastUse < hit.LastUse) hit = e;
            hit.Tile = window.Tile; hit.Width = width; hit.Tail = tail; hit.Window = window; hit.Version = -1;
        }
        hit.LastUse = ++_uses;
        stale = hit.Version != version;
        hit.Version = version;
        return hit.Buffer.Ensure(floats);
    }

    /// <summary>Forgets every packed window, e.g. if a pack was interrupted.</summary>
    public void Clear()
    {
        foreach (var e in _entries) e.Version = -1;
    }
}
