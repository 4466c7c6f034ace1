namespace MortalHil.Host.Dashboard;

/// <summary>A list that keeps only its newest <see cref="Capacity"/> items: histories on the page stay bounded in memory.</summary>
public sealed class BoundedList<T>(int capacity)
{
    private readonly Queue<T> _items = new();

    public int Capacity { get; } = capacity;

    public void Add(T item)
    {
        if (_items.Count == Capacity) _items.Dequeue();
        _items.Enqueue(item);
    }

    public T[] ToArray() => _items.ToArray();
    public int Count => _items.Count;
}
