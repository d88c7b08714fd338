// Paging backwards through a device's telemetry (events, service calls): the newest rows of the last days, then older
// pages through the API's NextTime continuation.
using System.Globalization;
using System.Text.Json.Nodes;

namespace Thingyard.Server.Console.Devices;

public sealed class TimeWindow
{
    public const int Days = 30;
    public const int PageSize = 20;

    readonly TimeProvider _time;
    long? _end;

    public TimeWindow(TimeProvider time) => _time = time;

    public bool HasOlder { get; private set; }
    public bool IsNewest => _end is null;
    long? _nextTime;

    /// <summary>StartTime, EndTime, PageSize and Asc (newest first) for the page to read.</summary>
    public (string, string?)[] Parameters()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return
        [
            ("StartTime", (now - Days * 86_400_000L).ToString(CultureInfo.InvariantCulture)),
            ("EndTime", (_end ?? now + 60_000).ToString(CultureInfo.InvariantCulture)),
            ("PageSize", PageSize.ToString(CultureInfo.InvariantCulture)),
            ("Asc", "0"),
        ];
    }

    /// <summary>Remembers where the page read ended (Data.NextTime, Data.NextValid).</summary>
    public void Read(JsonNode? data)
    {
        HasOlder = data?["NextValid"]?.GetValue<bool>() == true;
        _nextTime = data?["NextTime"].Long();
    }

    public void Older() => _end = _nextTime;

    public void Newest() => _end = null;
}
