// The rule for a custom topic class's short name (the part after /${productKey}/${deviceName}/user/), and the classes
// every product starts with, as the platform defines them.
using System.Buffers;

namespace Thingyard.Protocol.Topics;

public static class TopicClassNames
{
    public const string UserLevel = "/user/";
    public const string DeviceNamePlaceholder = "${deviceName}";
    /// <summary>Longest short name: the whole topic stays within the MQTT topic limit with the longest keys and names.</summary>
    public const int MaxShortNameLength = 128;

    /// <summary>user/update (PUB), user/update/error (PUB), user/get (SUB).</summary>
    public static readonly TopicClassRule[] Defaults =
    [
        new("update", TopicOperation.Pub),
        new("update/error", TopicOperation.Pub),
        new("get", TopicOperation.Sub),
    ];

    static readonly SearchValues<char> LevelChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>The full topic class as QueryProductTopic shows it.</summary>
    public static string Full(string productKey, string shortName) => $"/{productKey}/{DeviceNamePlaceholder}{UserLevel}{shortName}";

    public static bool HasWildcard(string shortName) => shortName.Contains('+') || shortName.Contains('#');

    /// <summary>The short name of <paramref name="input"/>, which may also be written as the full class
    /// (/pk/${deviceName}/user/...), or why it is not valid: levels of letters, digits and _, none empty; + (a whole level)
    /// and # (the whole last level) only for a class devices subscribe to (SUB).</summary>
    public static string? Check(string productKey, string input, TopicOperation operation, out string shortName)
    {
        shortName = input;
        var full = $"/{productKey}/{DeviceNamePlaceholder}{UserLevel}";
        if (input.StartsWith(full, StringComparison.Ordinal)) shortName = input[full.Length..];
        else if (input.StartsWith("user/", StringComparison.Ordinal)) shortName = input["user/".Length..];
        if (shortName.Length == 0) return "is empty";
        if (shortName.Length > MaxShortNameLength) return $"is over {MaxShortNameLength} characters";
        var levels = shortName.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Length == 0) return "has an empty level";
            if (level is "+" or "#")
            {
                if (operation != TopicOperation.Sub) return "holds a wildcard (+ or #), which only a SUB class may use";
                if (level == "#" && i != levels.Length - 1) return "has # before its last level";
                continue;
            }
            if (level.AsSpan().ContainsAnyExcept(LevelChars)) return $"has level '{level}': use letters, digits and _ only (or a whole level + or #)";
        }
        return null;
    }
}
