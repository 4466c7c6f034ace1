namespace MortalHil.Fleet.Handover.Journal;

/// <summary>
/// The folder on this node's own disk where the handover journals kept by this node live (node file <c>journal_folder</c>
/// or <c>node --journal-folder</c>). Each node has its own; nothing is shared between machines.
/// </summary>
public sealed class NodeJournalFolder
{
    public NodeJournalFolder(string node, string? folder) => Path = System.IO.Path.GetFullPath(folder ?? Default(node));

    public string Path { get; }

    /// <summary>Where a node keeps journals when its file names no folder: the user's local data folder, one subfolder per node name.</summary>
    public static string Default(string node) =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "mortalhil", "journals", node);

    /// <summary>The journal file of handover <paramref name="id"/> (the folder is made when the first journal is).</summary>
    public string JournalOf(string id)
    {
        Directory.CreateDirectory(Path);
        return System.IO.Path.Combine(Path, $"handover-{id}.db");
    }
}
