using System.Runtime.InteropServices;

namespace MortalHil.Host.Commands;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c>, loaded at run time (Debian's libopenblas0-pthread), as the reference
/// for the forward benchmark. <see cref="TryLoad"/> returns null when the library is not installed.
/// </summary>
public sealed unsafe class OpenBlasSgemm : IDisposable
{
    private const int RowMajor = 101, NoTrans = 111;
    private static readonly string[] Candidates =
        ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "libopenblas.so.0", "libopenblas.so"];

    private readonly nint _library;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int> _threads;

    private OpenBlasSgemm(string path, nint library)
    {
        Path = path;
        _library = library;
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemm");
        _threads = NativeLibrary.TryGetExport(library, "openblas_get_num_threads", out var t) ? (delegate* unmanaged[Cdecl]<int>)t : null;
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path { get; }

    /// <summary>Threads OpenBLAS will use, if it says.</summary>
    public int? Threads => _threads == null ? null : _threads();

    public static OpenBlasSgemm? TryLoad()
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out var lib))
            {
                if (NativeLibrary.TryGetExport(lib, "cblas_sgemm", out _)) return new OpenBlasSgemm(candidate, lib);
                NativeLibrary.Free(lib);
            }
        return null;
    }

    /// <summary>C (m x n) = A (m x k) * B (k x n), all row-major and dense.</summary>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n) throw new ArgumentException("matrix buffers too small");
        fixed (float* pa = a, pb = b, pc = c)
            _sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
    }

    public void Dispose() => NativeLibrary.Free(_library);
}
