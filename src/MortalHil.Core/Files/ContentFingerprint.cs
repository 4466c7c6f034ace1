using System.IO.Hashing;

namespace MortalHil.Core.Files;

/// <summary>
/// What a file holds, as a short text (XxHash64 of its bytes and its length), so a journal can recognise the same
/// teacher when it is named by another path, and refuse a different one named by the same relative path.
/// </summary>
public static class ContentFingerprint
{
    /// <summary>"xxh64:HASH:LENGTH" of the file at <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        var hash = new XxHash64();
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            hash.Append(stream);
            length = stream.Length;
        }
        return $"xxh64:{hash.GetCurrentHashAsUInt64():x16}:{length}";
    }
}
