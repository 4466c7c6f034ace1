using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// Guards the dashboard's actions: with no token given at start-up every action is refused (the dashboard is
/// read-only); otherwise a request must carry the same token in <c>X-MortalHil-Token</c> or
/// <c>Authorization: Bearer</c>. Compared in constant time.
/// </summary>
public sealed class ActionToken(string? token)
{
    public const string Header = "X-MortalHil-Token";

    public bool ReadOnly => token is null;

    /// <summary>Null when the request may act; otherwise the status code and the message to send.</summary>
    public (int Status, string Message)? Refusal(HttpRequest request)
    {
        if (token is null)
            return (StatusCodes.Status403Forbidden, "refused: this dashboard is read-only; start it with --token to allow actions");
        string? given = request.Headers[Header].FirstOrDefault();
        var auth = request.Headers.Authorization.FirstOrDefault();
        if (given is null && auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal)) given = auth["Bearer ".Length..];
        if (given is null) return (StatusCodes.Status401Unauthorized, $"refused: this action needs the dashboard's token ({Header} header)");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
            return (StatusCodes.Status401Unauthorized, "refused: wrong token");
        return null;
    }
}
