// The days a hub page shows: ?from=yyyy-MM-dd&to=yyyy-MM-dd in its address (both UTC days, inclusive), else the
// figures' default (the last 30 days).
using System.Globalization;
using Thingyard.OpsHub;

namespace Thingyard.Server.Console.OpsHub;

public sealed record HubRange(string? From, string? To)
{
    public long? StartMs => Day(From) is { } d ? d * OpsDays.DayMs : null;
    public long? EndMs => Day(To) is { } d ? (d + 1) * OpsDays.DayMs : null;

    /// <summary>The query string that keeps this range on another hub page.</summary>
    public string Query => From is null && To is null ? "" : $"?from={From}&to={To}";

    static long? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber : null;
}
