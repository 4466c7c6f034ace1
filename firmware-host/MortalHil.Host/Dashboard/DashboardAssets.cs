using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace MortalHil.Host.Dashboard;

/// <summary>The page, its script and style and the vendored chart library, embedded in the program (see the csproj).</summary>
internal static class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private static readonly Assembly Self = typeof(DashboardAssets).Assembly;
    private static readonly HashSet<string> Names = Self.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    public static IResult Serve(string name)
    {
        // Only names in the manifest are served, so no path from a URL ever reaches the file system.
        var resource = Prefix + name;
        if (!Names.Contains(resource)) return Results.NotFound();
        var stream = Self.GetManifestResourceStream(resource)!;
        return Results.Stream(stream, ContentType(name));
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        _ => "text/plain; charset=utf-8",
    };
}
