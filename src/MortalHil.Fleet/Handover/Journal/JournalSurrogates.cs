using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Fleet.Handover.Journal;

// Core's journal records cross silos as they are: Core knows nothing of Orleans, so each gets a surrogate here
// (learn.microsoft.com/dotnet/orleans/host/configuration-guide/serialization: "Surrogates for serializing foreign types").

[GenerateSerializer]
internal struct TeacherBatchSurrogate
{
    [Id(0)] public int Batch;
    [Id(1)] public long FirstIndex;
    [Id(2)] public int Count;
    [Id(3)] public int Classes;
    [Id(4)] public float[] Logits;
    [Id(5)] public int Attempt;
}

[RegisterConverter]
internal sealed class TeacherBatchConverter : IConverter<TeacherBatch, TeacherBatchSurrogate>
{
    public TeacherBatch ConvertFromSurrogate(in TeacherBatchSurrogate s) => new(s.Batch, s.FirstIndex, s.Count, s.Classes, s.Logits, s.Attempt);
    public TeacherBatchSurrogate ConvertToSurrogate(in TeacherBatch v) =>
        new() { Batch = v.Batch, FirstIndex = v.FirstIndex, Count = v.Count, Classes = v.Classes, Logits = v.Logits, Attempt = v.Attempt };
}

[GenerateSerializer]
internal struct HandoverCheckpointSurrogate
{
    [Id(0)] public long TrainerStep;
    [Id(1)] public byte[]? StudentBoard;
    [Id(2)] public byte[] StudentHost;
    [Id(3)] public TimeSpan? TeacherBoardTime;
    [Id(4)] public double StudentCanary;
    [Id(5)] public double? TeacherCanary;
    [Id(6)] public long StudentPulses;
    [Id(7)] public TimeSpan BoardTime;
    [Id(8)] public long Round;
}

[RegisterConverter]
internal sealed class HandoverCheckpointConverter : IConverter<HandoverCheckpoint, HandoverCheckpointSurrogate>
{
    public HandoverCheckpoint ConvertFromSurrogate(in HandoverCheckpointSurrogate s) =>
        new(s.TrainerStep, s.StudentBoard, s.StudentHost, s.TeacherBoardTime, s.StudentCanary, s.TeacherCanary, s.StudentPulses, s.BoardTime, s.Round);
    public HandoverCheckpointSurrogate ConvertToSurrogate(in HandoverCheckpoint v) => new()
    {
        TrainerStep = v.TrainerStep, StudentBoard = v.StudentBoard, StudentHost = v.StudentHost, TeacherBoardTime = v.TeacherBoardTime,
        StudentCanary = v.StudentCanary, TeacherCanary = v.TeacherCanary, StudentPulses = v.StudentPulses, BoardTime = v.BoardTime, Round = v.Round,
    };
}

[GenerateSerializer]
internal struct HandoverRoundSurrogate
{
    [Id(0)] public long Round;
    [Id(1)] public int Attempt;
    [Id(2)] public string State;
    [Id(3)] public string ServedBy;
    [Id(4)] public int Requests;
    [Id(5)] public int Correct;
    [Id(6)] public double? StudentCanary;
    [Id(7)] public double? TeacherCanary;
    [Id(8)] public long TrainerStep;
    [Id(9)] public int CollectedBatches;
    [Id(10)] public TimeSpan BoardTime;
}

[RegisterConverter]
internal sealed class HandoverRoundConverter : IConverter<HandoverRound, HandoverRoundSurrogate>
{
    public HandoverRound ConvertFromSurrogate(in HandoverRoundSurrogate s) => new(s.Round, s.Attempt, HandoverStateNames.Parse(s.State), s.ServedBy,
        s.Requests, s.Correct, s.StudentCanary, s.TeacherCanary, s.TrainerStep, s.CollectedBatches, s.BoardTime);
    public HandoverRoundSurrogate ConvertToSurrogate(in HandoverRound v) => new()
    {
        Round = v.Round, Attempt = v.Attempt, State = v.State.Name(), ServedBy = v.ServedBy, Requests = v.Requests, Correct = v.Correct,
        StudentCanary = v.StudentCanary, TeacherCanary = v.TeacherCanary, TrainerStep = v.TrainerStep, CollectedBatches = v.CollectedBatches, BoardTime = v.BoardTime,
    };
}

[GenerateSerializer]
internal struct StateTransitionSurrogate
{
    [Id(0)] public long Sequence;
    [Id(1)] public int Attempt;
    [Id(2)] public string From;
    [Id(3)] public string To;
    [Id(4)] public string Reason;
    [Id(5)] public TimeSpan BoardTime;
}

[RegisterConverter]
internal sealed class StateTransitionConverter : IConverter<StateTransition, StateTransitionSurrogate>
{
    public StateTransition ConvertFromSurrogate(in StateTransitionSurrogate s) =>
        new(s.Sequence, s.Attempt, HandoverStateNames.Parse(s.From), HandoverStateNames.Parse(s.To), s.Reason, s.BoardTime);
    public StateTransitionSurrogate ConvertToSurrogate(in StateTransition v) =>
        new() { Sequence = v.Sequence, Attempt = v.Attempt, From = v.From.Name(), To = v.To.Name(), Reason = v.Reason, BoardTime = v.BoardTime };
}

[GenerateSerializer]
internal struct JournalEventSurrogate
{
    [Id(0)] public long Sequence;
    [Id(1)] public int Attempt;
    [Id(2)] public string Kind;
    [Id(3)] public string Detail;
    [Id(4)] public TimeSpan BoardTime;
}

[RegisterConverter]
internal sealed class JournalEventConverter : IConverter<JournalEvent, JournalEventSurrogate>
{
    public JournalEvent ConvertFromSurrogate(in JournalEventSurrogate s) => new(s.Sequence, s.Attempt, s.Kind, s.Detail, s.BoardTime);
    public JournalEventSurrogate ConvertToSurrogate(in JournalEvent v) =>
        new() { Sequence = v.Sequence, Attempt = v.Attempt, Kind = v.Kind, Detail = v.Detail, BoardTime = v.BoardTime };
}
