namespace MortalHil.Host.Tests;

/// <summary>Test classes that capture <see cref="Console.Out"/> (a process-wide setting) run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleOutputCollection
{
    public const string Name = "Console output";
}
