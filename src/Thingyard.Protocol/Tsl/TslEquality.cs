// Value equality for the lists inside TSL records, so a model read back from its JSON equals the one written.
namespace Thingyard.Protocol.Tsl;

internal static class TslEquality
{
    public static bool Same<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Count; i++)
            if (!comparer.Equals(a[i], b[i])) return false;
        return true;
    }

    public static int Hash<T>(IReadOnlyList<T> list)
    {
        var hash = new HashCode();
        foreach (var item in list) hash.Add(item);
        return hash.ToHashCode();
    }
}
