using System.Text;

namespace MortalHil.Core.Live;

/// <summary>
/// Follows one live event log as its writer appends to it: each <see cref="ReadNew"/> returns the complete, intact
/// events written since the last call. A partly written last line waits for the next call; a line whose checksum
/// fails is counted in <see cref="RejectedLines"/> and skipped. A file without the header is not read at all.
/// </summary>
public sealed class LiveEventLogReader(string path)
{
    /// <summary>Most bytes read per call, so one huge log cannot hold the reader (it catches up over calls).</summary>
    public const int MaxBytesPerRead = 4 << 20;

    private long _offset;
    private bool _headerSeen;
    private readonly List<byte> _partial = [];

    public string Path { get; } = path;

    /// <summary>Bytes of the file consumed so far.</summary>
    public long Offset => _offset;

    /// <summary>True when the file started with something other than the header: it is ignored.</summary>
    public bool NotALog { get; private set; }

    public long RejectedLines { get; private set; }

    public IReadOnlyList<LiveEvent> ReadNew()
    {
        var events = new List<LiveEvent>();
        if (NotALog) return events;
        byte[] chunk;
        try
        {
            using var f = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (f.Length < _offset) { _offset = 0; _partial.Clear(); _headerSeen = false; } // replaced by a new file
            if (f.Length == _offset) return events;
            f.Position = _offset;
            chunk = new byte[(int)Math.Min(MaxBytesPerRead, f.Length - _offset)];
            f.ReadExactly(chunk);
            _offset += chunk.Length;
        }
        catch (FileNotFoundException)
        {
            return events;
        }
        int start = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            if (chunk[i] != (byte)'\n') continue;
            _partial.AddRange(chunk.AsSpan(start, i - start));
            start = i + 1;
            var line = Encoding.UTF8.GetString(_partial.ToArray());
            _partial.Clear();
            if (!_headerSeen)
            {
                if (line != LiveEventLine.Header) { NotALog = true; return events; }
                _headerSeen = true;
                continue;
            }
            if (LiveEventLine.Decode(line) is { } e) events.Add(e);
            else RejectedLines++;
        }
        _partial.AddRange(chunk.AsSpan(start));
        return events;
    }
}
