using System.CommandLine;

namespace MortalHil.Host.Options;

/// <summary>
/// An option whose value is one of a fixed set of names, each standing for a typed value (usually an enum
/// member): parsed once, refused with the list of names, offered by shell completion.
/// </summary>
public static class ChoiceOption
{
    public static Option<T> Create<T>(string name, string description, IReadOnlyList<(string Name, T Value)> choices, T? defaultValue = default,
        bool hasDefault = false, params string[] aliases)
    {
        string names = string.Join(", ", choices.Select(c => c.Name));
        var option = new Option<T>(name, aliases)
        {
            Description = $"{description} ({string.Join(" | ", choices.Select(c => c.Name))})",
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                foreach (var (n, v) in choices)
                    if (n == token) return v;
                result.AddError($"{name} '{token}' is not one of: {names}");
                return default!;
            },
        };
        if (hasDefault) option.DefaultValueFactory = _ => defaultValue!;
        option.CompletionSources.Add(choices.Select(c => c.Name).ToArray());
        return option;
    }
}
