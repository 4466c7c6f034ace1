namespace MortalHil.Hardware.Virtual;

/// <summary>A board-side line that may throw answers away unread (a pseudo-terminal whose host stopped reading) and counts them.</summary>
public interface IDroppedAnswerCounter
{
    /// <summary>Answers (whole or cut) thrown away so far.</summary>
    long DroppedAnswers { get; }
}
