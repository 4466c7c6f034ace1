namespace MortalHil.Fleet.Boards;

/// <summary>Grain keys of boards: <c>NODE/SERIAL</c>, so placement can find the node.</summary>
public static class BoardKeys
{
    public static string Of(string node, string serial) => $"{node}/{serial}";

    public static (string Node, string Serial) Parse(string key)
    {
        int slash = key.IndexOf('/');
        if (slash <= 0 || slash == key.Length - 1) throw new ArgumentException($"board key '{key}' is not NODE/SERIAL");
        return (key[..slash], key[(slash + 1)..]);
    }
}
