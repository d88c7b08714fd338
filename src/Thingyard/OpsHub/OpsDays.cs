// The range of whole UTC days the hub's figures cover: by default the last 30 days up to today, at most 366.
using System.Globalization;
using Thingyard.Common;

namespace Thingyard.OpsHub;

public readonly record struct OpsDays(long FirstDay, long LastDay)
{
    public const long DayMs = 86_400_000;
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public long StartMs => FirstDay * DayMs;
    /// <summary>Exclusive: the first millisecond after the last day.</summary>
    public long EndMs => (LastDay + 1) * DayMs;
    public int Count => (int)(LastDay - FirstDay + 1);
    public IEnumerable<long> All
    {
        get
        {
            for (var d = FirstDay; d <= LastDay; d++) yield return d;
        }
    }

    /// <summary>The days touched by [startMs, endMs); a missing end is now, a missing start 30 days before the end.</summary>
    public static OpsDays Of(long? startMs, long? endMs, DateTimeOffset now)
    {
        if (startMs < 0 || endMs < 0) throw IotException.Invalid("StartTime and EndTime are milliseconds since 1970 and cannot be negative.");
        var last = endMs is { } end ? Math.Max(end - 1, 0) / DayMs : now.ToUnixTimeMilliseconds() / DayMs;
        var first = startMs is { } start ? start / DayMs : last - DefaultDays + 1;
        if (first > last) throw IotException.Invalid("StartTime must be before EndTime.");
        if (last - first + 1 > MaxDays) throw IotException.Invalid($"The range covers {last - first + 1} days; at most {MaxDays} are shown at once.");
        return new OpsDays(first, last);
    }

    public static string Text(long day) => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)day)
        .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A full series: every day of the range, zero where nothing was counted.</summary>
    public IReadOnlyList<DayCount> Series(IReadOnlyDictionary<long, long> counts) =>
        All.Select(d => new DayCount(Text(d), counts.GetValueOrDefault(d))).ToList();
}
