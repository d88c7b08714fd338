// The OpenAPI's Utc* fields (ISO 8601) shown the way the console shows every time (Shared/Time).
using System.Globalization;
using System.Text.Json.Nodes;
using Thingyard.Server.Console.Shared;

namespace Thingyard.Server.Console.Groups;

public static class UtcText
{
    public static string Of(JsonNode? utc) =>
        (string?)utc is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Time.Local(at.ToUnixTimeMilliseconds()) : "—";
}
