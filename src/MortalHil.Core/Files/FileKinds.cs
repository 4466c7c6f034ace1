namespace MortalHil.Core.Files;

/// <summary>
/// SQLite <c>PRAGMA application_id</c> values of the databases this project writes (sqlite.org/fileformat2.html,
/// "Application ID"), so a journal is never used as a run store or the other way round.
/// </summary>
public static class FileKinds
{
    /// <summary>A handover journal ("MHJL").</summary>
    public const int HandoverJournal = 0x4D484A4C;
    /// <summary>A run store ("MHRS").</summary>
    public const int RunStore = 0x4D485253;

    /// <summary>What a database of <paramref name="applicationId"/> is, for errors.</summary>
    public static string Describe(long applicationId) => applicationId switch
    {
        HandoverJournal => "a handover journal (--journal)",
        RunStore => "a run store (--db)",
        0 => "an SQLite database of unknown use",
        _ => $"an SQLite database of another program (application id 0x{applicationId:X8})",
    };
}
