// Topic permissions: a device may only touch topics built from its own ProductKey and DeviceName
// (and a gateway those of its logged-in sub-devices); wildcards may not stand in for either.
namespace Thingyard.Connectivity;

public static class TopicAcl
{
    public const int MaxTopicLength = 256;

    /// <summary>True when the topic (publish) or filter (subscribe) lies in the namespace of pk/dn.</summary>
    public static bool IsInNamespace(string topic, string pk, string dn)
    {
        if (topic.Length is 0 or > MaxTopicLength || topic[0] != '/') return false;
        var levels = topic.Split('/');
        // levels[0] is "" because the topic starts with '/'.
        if (levels.Length < 3) return false;
        return levels[1] switch
        {
            "sys" => Own(levels, 2, pk, dn) && levels.Length > 4,
            "shadow" => levels.Length == 5 && levels[2] is "update" or "get" && Own(levels, 3, pk, dn),
            "ota" => levels.Length == 6 && levels[2] == "device" && levels[3] is "inform" or "progress" or "request" or "upgrade" && Own(levels, 4, pk, dn),
            "broadcast" => levels[2] == pk && levels.Length > 3,
            "ext" => Ext(topic, levels, pk, dn),
            _ => Own(levels, 1, pk, dn) && levels.Length > 3 && (levels[3] is "user" or "update" or "get"),
        };
    }

    /// <summary>Server pushes during MQTT dynamic registration; a device may subscribe to them.</summary>
    public static bool IsRegistrationTopic(string topic) => topic is "/ext/register" or "/ext/regnwl";

    static bool Ext(string topic, string[] levels, string pk, string dn) => levels[2] switch
    {
        "session" or "ntp" => Own(levels, 3, pk, dn) && levels.Length > 5,
        // /ext/rrpc/{id}/{original topic}: the id may be a wildcard in a subscription, the original topic must be ours.
        "rrpc" => levels.Length > 4 && levels[3] != "#" && IsInNamespace(topic[("/ext/rrpc/".Length + levels[3].Length)..], pk, dn),
        _ => false,
    };

    static bool Own(string[] levels, int at, string pk, string dn) =>
        levels.Length > at + 1 && levels[at] == pk && levels[at + 1] == dn;
}
