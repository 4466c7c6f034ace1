namespace MortalHil.Stress.Fleet;

/// <summary>How a board came to serve.</summary>
public enum BoardOrigin
{
    /// <summary>Generation 0: trained on-chip from labels at commissioning.</summary>
    TrainedFromLabels,
    /// <summary>Taught by its predecessor through a handover.</summary>
    Distilled,
    /// <summary>Trained from labels after its predecessor died with nothing handed on.</summary>
    ColdStart,
}

/// <summary>How a handover ended.</summary>
public enum HandoverOutcome
{
    /// <summary>The student was trained and took over.</summary>
    Completed,
    /// <summary>Nothing usable was handed on (the teacher died too early, or no student could be had).</summary>
    Failed,
    /// <summary>Still running when the scenario's time ran out.</summary>
    Unfinished,
}

/// <summary>One board that served in a lineage.</summary>
/// <param name="Generation">0 for the first board, +1 per successor.</param>
/// <param name="Serial">The board's serial number.</param>
/// <param name="Preset">Name of the device preset it was made from.</param>
/// <param name="Origin">How it learned what it serves.</param>
/// <param name="StartedServingSeconds">Fleet time it started serving.</param>
/// <param name="AccuracyAtStart">Eval-set accuracy when it started serving.</param>
/// <param name="DiedSeconds">Fleet time its death was detected, or null.</param>
/// <param name="DeathCause">"worn out", "weibull", "shock", "injected teacher death", ... or null.</param>
public sealed record GenerationRecord(
    int Generation, string Serial, string Preset, BoardOrigin Origin, double StartedServingSeconds, double AccuracyAtStart,
    double? DiedSeconds, string? DeathCause);

/// <summary>One handover from a lineage's generation <see cref="FromGeneration"/> to the next.</summary>
public sealed record HandoverRecord
{
    public required int FromGeneration { get; init; }
    public required double RequestedSeconds { get; init; }
    public double? StartedSeconds { get; set; }
    public double? EndedSeconds { get; set; }
    public HandoverOutcome Outcome { get; set; } = HandoverOutcome.Unfinished;
    /// <summary>Why the handover was called: the predictor's reason, or "preventive age".</summary>
    public required string Reason { get; init; }
    /// <summary>Why a handover failed or did not finish (null when it completed).</summary>
    public string? FailureCause { get; set; }
    /// <summary>Times the process was resumed from its journal (host crashes, lost links).</summary>
    public int Resumes { get; set; }
    public int HostCrashes { get; set; }
    public int LinkLosses { get; set; }
    public bool TeacherDiedMidHandover { get; set; }
    public bool TeacherDeathInjected { get; set; }
    public int StudentDeaths { get; set; }
    public int StudentDeathsInjected { get; set; }
    /// <summary>Teacher queries over all attempts and journals, as the handover journals count them (transfer and canary).</summary>
    public long TeacherQueries { get; set; }
    /// <summary>Teacher samples read through its link during the handover (retries included).</summary>
    public long TeacherSamplesRead { get; set; }
    /// <summary>Journals this handover used (one more for each student that died).</summary>
    public int Journals { get; set; }
    /// <summary>Pulses applied to student boards during the handover (all students, first applications only).</summary>
    public long StudentPulses { get; set; }
    /// <summary>Transfer examples whose teacher outputs the last student learned from.</summary>
    public long TeacherOutputsJournaled { get; set; }
    /// <summary>Bits of soft targets sent to the last student (examples x classes x quantisation bits).</summary>
    public double BitsTransferred { get; set; }
    public double? TeacherAccuracy { get; set; }
    public double? StudentAccuracy { get; set; }
    public int SparesUsed { get; set; }
    /// <summary>A handover done by promoting a standing-by apprentice (apprentice mode): no distillation at the call.</summary>
    public bool Promotion { get; init; }
}

/// <summary>Everything one lineage (one service position) produced in one run.</summary>
public sealed class LineageResult
{
    public required int Lineage { get; init; }
    public double SpanSeconds { get; set; }
    /// <summary>Change points of the serving accuracy: (fleet time, accuracy); NaN = nothing serving.</summary>
    public List<(double Seconds, double Accuracy)> Service { get; } = [];
    public List<GenerationRecord> Generations { get; } = [];
    public List<HandoverRecord> Handovers { get; } = [];
    /// <summary>Apprentice mode: the distillations of apprentices (nothing cuts over at their end; they are not handovers).</summary>
    public List<HandoverRecord> Apprentices { get; } = [];
    /// <summary>Apprentices that took over when their teacher's handover was called, and when it died.</summary>
    public int ApprenticesPromotedAtCall { get; set; }
    public int ApprenticesPromotedAtDeath { get; set; }
    /// <summary>Apprentices that did not pass the check at their teacher's call or death (their board then served the next handover or cold start).</summary>
    public int ApprenticesUnfit { get; set; }
    /// <summary>Apprentices that died standing by, or were left standing by when the lineage ended.</summary>
    public int ApprenticesUnused { get; set; }
    /// <summary>Spare requests in order: (request index, request time, delivery time the run used).</summary>
    public List<(int Index, double RequestSeconds, double DeliverySeconds)> SpareRequests { get; } = [];

    public int LostBeforeHandover { get; set; }
    public int HostCrashesWhileServing { get; set; }
    public long LinkErrors { get; set; }
    public long LinkRetries { get; set; }
    public long LinkLosses { get; set; }
    public long JournaledOutputsChecked { get; set; }
    public long JournaledOutputsLost { get; set; }
    public long StudentStepsChecked { get; set; }
    public long StudentStepsLost { get; set; }
    public long DuplicatePulseRequests { get; set; }
    /// <summary>Boards' own pulse totals minus the first-application receipts seen on their links (must be 0).</summary>
    public long PulsesAppliedTwice { get; set; }
    public long MonitorTicks { get; set; }
    /// <summary>Boards whose prime lessons could not be recorded (the board or its link failed on the way).</summary>
    public int PrimeLessonsLost { get; set; }
    public Dictionary<string, int> DeathsByCause { get; } = [];

    /// <summary>Best accuracy any of this lineage's boards had when it started serving.</summary>
    public double BestAccuracy => Generations.Count == 0 ? 0 : Generations.Max(g => g.AccuracyAtStart);
}
