namespace MortalHil.Fleet.Boards;

/// <summary>A board attached to one node, reached from anywhere in the fleet. Key: <c>NODE/SERIAL</c>.</summary>
public interface IBoardGrain : IGrainWithStringKey
{
    /// <summary>The board's health as its own node reads it.</summary>
    Task<BoardReport> Report();
}
