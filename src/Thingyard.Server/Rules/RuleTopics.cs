// A rule's topic in the platform's three forms: TopicType 0, the thing-model and system topics the engine forwards
// (/sys/pk/${deviceName}/thing/...), 1 custom topics (/pk/${deviceName}/user/...), 2 device status
// (/as/mqtt/status/pk/${deviceName}). ShortTopic is what follows the ProductKey; "+" stands for every device.
using Thingyard.Common;
using Thingyard.Rules;

namespace Thingyard.Server.Rules;

public static class RuleTopics
{
    /// <summary>The system topics a rule may read, after ${deviceName}/ ("{id}" any event identifier or +).</summary>
    static readonly string[][] SystemShortTopics =
    [
        ["thing", "event", "property", "post"],
        ["thing", "event", "{id}", "post"],
        ["thing", "downlink", "reply", "message"],
        ["thing", "lifecycle"],
        ["thing", "topo", "lifecycle"],
    ];

    /// <summary>The whole topic for a ShortTopic of a TopicType; throws the platform's error when it is not one.</summary>
    public static string Compose(string productKey, int topicType, string? shortTopic)
    {
        if (string.IsNullOrWhiteSpace(shortTopic) || shortTopic.Length > 256 || shortTopic.Contains(' '))
            throw Invalid($"ShortTopic '{shortTopic}' is required: ${{deviceName}}/topicShortName, at most 256 characters, no spaces.");
        var levels = shortTopic.TrimStart('/').Split('/');
        if (levels[0].Length == 0 || levels[0] == "#") throw Invalid($"ShortTopic '{shortTopic}' must start with a device name or +.");
        switch (topicType)
        {
            case Rule.SystemTopic:
                var rest = levels[1..];
                if (!SystemShortTopics.Any(p => p.Length == rest.Length && p.Zip(rest).All(x => x.First == "{id}" ? x.Second.Length > 0 && x.Second != "#" : x.First == x.Second)))
                    throw Invalid($"ShortTopic '{shortTopic}' is not a topic the rules engine reads for TopicType 0; use ${{deviceName}}/ followed by one of " +
                        string.Join(", ", SystemShortTopics.Select(p => string.Join('/', p).Replace("{id}", "${identifier}"))) + ".");
                return $"/sys/{productKey}/{string.Join('/', levels)}";
            case Rule.CustomTopic:
                if (levels.Length < 3 || levels[1] != "user" || levels.Skip(2).Any(l => l.Length == 0) || levels[..^1].Contains("#"))
                    throw Invalid($"ShortTopic '{shortTopic}' is not a custom topic: ${{deviceName}}/user/..., with + for one level and # only last.");
                return $"/{productKey}/{string.Join('/', levels)}";
            case Rule.StatusTopic:
                if (levels.Length != 1) throw Invalid($"ShortTopic '{shortTopic}' must be a device name or + for TopicType 2 (device status).");
                return $"/as/mqtt/status/{productKey}/{levels[0]}";
            default:
                throw Invalid($"TopicType {topicType} is not 0 (system topics), 1 (custom topics) or 2 (device status).");
        }
    }

    /// <summary>A whole topic (CreateRule's Topic) split into its ProductKey, TopicType and ShortTopic.</summary>
    public static (string ProductKey, int TopicType, string ShortTopic) Split(string topic)
    {
        var levels = topic.Split('/');
        if (levels.Length > 3 && levels[0] == "" && levels[1] == "sys") return (levels[2], Rule.SystemTopic, string.Join('/', levels[3..]));
        if (levels.Length == 6 && topic.StartsWith("/as/mqtt/status/", StringComparison.Ordinal)) return (levels[4], Rule.StatusTopic, levels[5]);
        if (levels.Length > 2 && levels[0] == "") return (levels[1], Rule.CustomTopic, string.Join('/', levels[2..]));
        throw Invalid($"Topic '{topic}' is not a topic of a product: /sys/{{pk}}/..., /{{pk}}/{{dn}}/user/... or /as/mqtt/status/{{pk}}/{{dn}}.");
    }

    /// <summary>Whether a message topic falls under a rule's topic (+ one level, # the rest).</summary>
    public static bool Matches(string[] filter, string[] topic)
    {
        for (var i = 0; i < filter.Length; i++)
        {
            if (filter[i] == "#") return true;
            if (i >= topic.Length) return false;
            if (filter[i] != "+" && filter[i] != topic[i]) return false;
        }
        return filter.Length == topic.Length;
    }

    static IotException Invalid(string message) => new(IotErrors.InvalidRuleTopic, message);
}
