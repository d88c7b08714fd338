// A product's custom topic classes compiled for the message path: which /pk/dn/user/... topics a device may publish to
// and which filters it may subscribe to. Classes without wildcards are a set lookup; only subscribe classes may hold
// + and # (the platform's rule), so a publish check never walks patterns.
namespace Thingyard.Protocol.Topics;

/// <summary>What a device may do on a topic class (the platform's numbering in QueryProductTopic: 0, 1, 2).</summary>
public enum TopicOperation { Pub = 0, Sub = 1, All = 2 }

public sealed record TopicClassRule(string ShortName, TopicOperation Operation);

public sealed class TopicClassSet
{
    public static readonly TopicClassSet Empty = new([]);

    readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _publish;
    readonly HashSet<string> _subscribeExact;
    readonly string[][] _subscribePatterns;

    public TopicClassSet(IEnumerable<TopicClassRule> rules)
    {
        var publish = new HashSet<string>(StringComparer.Ordinal);
        _subscribeExact = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<string[]>();
        foreach (var (name, op) in rules)
        {
            if (op is TopicOperation.Pub or TopicOperation.All) publish.Add(name);
            if (op is TopicOperation.Sub or TopicOperation.All)
            {
                if (TopicClassNames.HasWildcard(name)) patterns.Add(name.Split('/'));
                else _subscribeExact.Add(name);
            }
        }
        _publish = publish.GetAlternateLookup<ReadOnlySpan<char>>();
        _subscribePatterns = [.. patterns];
    }

    /// <summary>The index where the short name starts when the topic is /pk/dn/user/..., else -1.</summary>
    public static int UserSuffix(string topic, string pk, string dn)
    {
        // "/" pk "/" dn "/user/"
        var start = 1 + pk.Length + 1 + dn.Length + TopicClassNames.UserLevel.Length;
        if (topic.Length < start || topic[0] != '/') return -1;
        var span = topic.AsSpan(1);
        if (!span.StartsWith(pk) || span[pk.Length] != '/') return -1;
        span = span[(pk.Length + 1)..];
        if (!span.StartsWith(dn) || !span[dn.Length..].StartsWith(TopicClassNames.UserLevel)) return -1;
        return start;
    }

    /// <summary>True when a class with PUB or ALL is exactly this short name (publish topics hold no wildcards).</summary>
    public bool MayPublish(ReadOnlySpan<char> shortName) => _publish.Contains(shortName);

    /// <summary>True when a class with SUB or ALL covers every topic the filter can match (for a topic without wildcards:
    /// a class the device may receive it on, which is what Pub checks).</summary>
    public bool MaySubscribe(string filterShortName)
    {
        if (_subscribeExact.Contains(filterShortName)) return true;
        if (_subscribePatterns.Length == 0) return false;
        var levels = filterShortName.Split('/');
        foreach (var pattern in _subscribePatterns)
            if (Covers(pattern, levels)) return true;
        return false;
    }

    /// <summary>Pattern covers filter: each filter level is matched by the pattern level; + covers one level (not #), #
    /// covers the rest.</summary>
    static bool Covers(string[] pattern, string[] filter)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == "#") return true;
            if (i >= filter.Length) return false;
            if (pattern[i] == "+") { if (filter[i] == "#") return false; continue; }
            if (pattern[i] != filter[i]) return false;
        }
        return filter.Length == pattern.Length;
    }
}
