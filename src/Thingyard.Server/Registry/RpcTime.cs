// Time formats of the RPC responses: Gmt* as "yyyy-MM-dd HH:mm:ss" and Utc* as ISO 8601, both in UTC.
using System.Globalization;

namespace Thingyard.Server.Registry;

public static class RpcTime
{
    public static string? Gmt(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        : null;

    public static string? Utc(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : null;
}
