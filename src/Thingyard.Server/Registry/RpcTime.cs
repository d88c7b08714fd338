// Time formats of the RPC responses: Gmt* as "yyyy-MM-dd HH:mm:ss" and Utc* as ISO 8601, both in UTC.
using System.Globalization;

namespace Thingyard.Server.Registry;

public static class RpcTime
{
    public static string? Gmt(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        : null;

    /// <summary>Java's Date.toString() (the rules actions' Created and Modified), in UTC: "Thu Feb 28 06:14:33 UTC 2019".</summary>
    public static string? JavaDate(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture)
        : null;

    public static string? Utc(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : null;
}
