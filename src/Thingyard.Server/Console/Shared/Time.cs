// Times as the console shows them: UTC, to the second, the way the OpenAPI's Gmt fields read.
namespace Thingyard.Server.Console.Shared;

public static class Time
{
    public static string Local(long? unixMs) => unixMs is > 0
        ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs.Value).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
        : "—";
}
