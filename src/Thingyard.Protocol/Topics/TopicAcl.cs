// Topic permissions: a device may only touch topics built from its own ProductKey and DeviceName
// (and a gateway those of its logged-in sub-devices); wildcards may not stand in for either.
namespace Thingyard.Protocol.Topics;

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

    /// <summary>True for the downstream system topics of pk/dn that the platform subscribes an _ss=1 client to itself:
    /// /sys/pk/dn/..., /shadow/get/pk/dn, /ext/ntp/pk/dn/..., /ext/session/pk/dn/..., /ota/device/upgrade/pk/dn and the
    /// ext RRPC form of a /sys topic. Custom (/pk/dn/user/...) and broadcast topics still need a SUBSCRIBE.</summary>
    public static bool IsAutoSubscribed(string topic, string pk, string dn)
    {
        var rest = topic.AsSpan();
        if (rest.StartsWith("/ext/rrpc/"))
        {
            rest = rest["/ext/rrpc/".Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0) return false;
            rest = rest[slash..];
            return Under(rest, "/sys/", pk, dn);
        }
        return Under(rest, "/sys/", pk, dn) || Under(rest, "/ext/ntp/", pk, dn) || Under(rest, "/ext/session/", pk, dn)
            || Exactly(rest, "/shadow/get/", pk, dn) || Exactly(rest, "/ota/device/upgrade/", pk, dn);
    }

    // prefix + pk + "/" + dn + "/" + at least one more character
    static bool Under(ReadOnlySpan<char> topic, string prefix, string pk, string dn) =>
        topic.Length > prefix.Length + pk.Length + dn.Length + 2 && Names(topic, prefix, pk, dn) && topic[prefix.Length + pk.Length + 1 + dn.Length] == '/';

    // prefix + pk + "/" + dn, nothing after
    static bool Exactly(ReadOnlySpan<char> topic, string prefix, string pk, string dn) =>
        topic.Length == prefix.Length + pk.Length + 1 + dn.Length && Names(topic, prefix, pk, dn);

    static bool Names(ReadOnlySpan<char> topic, string prefix, string pk, string dn) =>
        topic.StartsWith(prefix) && topic[prefix.Length..].StartsWith(pk) && topic[prefix.Length + pk.Length] == '/'
        && topic[(prefix.Length + pk.Length + 1)..].StartsWith(dn);

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
