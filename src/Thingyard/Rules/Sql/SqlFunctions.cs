// The rules engine's built-in functions, named as in Alibaba's rules SQL (case does not matter): the message's
// deviceName(), productKey(), topic() / topic(n), messageId(), timestamp() / timestamp('format'), timestamp_utc(...),
// newuuid(); numbers abs, ceil, floor, round, mod, power; text concat, lower, upper, substring. A function given a
// value of the wrong type returns null, as SQL does, rather than failing the message.
using System.Globalization;

namespace Thingyard.Rules.Sql;

public static class SqlFunctions
{
    sealed record Function(int MinArgs, int MaxArgs, Func<SqlMessage, object?[], object?> Run);

    static readonly Dictionary<string, Function> All = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deviceName"] = new(0, 0, (m, _) => m.DeviceName),
        ["productKey"] = new(0, 0, (m, _) => m.ProductKey),
        ["messageId"] = new(0, 0, (m, _) => m.MessageId),
        ["topic"] = new(0, 1, (m, a) => a.Length == 0 ? m.Topic
            : SqlValues.Number(a[0]) is { } n && n >= 1 && n <= m.Levels.Length && n == Math.Floor(n) ? m.Levels[(int)n - 1] : null),
        ["timestamp"] = new(0, 1, (m, a) => Timestamp(m, a, m.TimeZone)),
        ["timestamp_utc"] = new(0, 1, (m, a) => Timestamp(m, a, TimeZoneInfo.Utc)),
        ["newuuid"] = new(0, 0, (_, _) => Guid.NewGuid().ToString()),
        ["abs"] = new(1, 1, (_, a) => SqlValues.Number(a[0]) is { } n ? Math.Abs(n) : null),
        ["ceil"] = new(1, 1, (_, a) => SqlValues.Number(a[0]) is { } n ? Math.Ceiling(n) : null),
        ["floor"] = new(1, 1, (_, a) => SqlValues.Number(a[0]) is { } n ? Math.Floor(n) : null),
        ["round"] = new(1, 2, (_, a) => SqlValues.Number(a[0]) is { } n
            ? Math.Round(n, a.Length > 1 && SqlValues.Number(a[1]) is { } d ? (int)Math.Clamp(d, 0, 15) : 0, MidpointRounding.AwayFromZero) : null),
        ["mod"] = new(2, 2, (_, a) => SqlValues.Number(a[0]) is { } x && SqlValues.Number(a[1]) is { } y && y != 0 ? x % y : null),
        ["power"] = new(2, 2, (_, a) => SqlValues.Number(a[0]) is { } x && SqlValues.Number(a[1]) is { } y ? Math.Pow(x, y) : null),
        ["concat"] = new(2, 32, (_, a) => string.Concat(a.Select(SqlValues.Text))),
        ["lower"] = new(1, 1, (_, a) => a[0] is string s ? s.ToLowerInvariant() : null),
        ["upper"] = new(1, 1, (_, a) => a[0] is string s ? s.ToUpperInvariant() : null),
        ["substring"] = new(2, 3, (_, a) => Substring(a)),
    };

    /// <summary>Null when the function exists and takes <paramref name="count"/> arguments; otherwise what is wrong.</summary>
    public static string? CheckArity(string name, int count)
    {
        if (!All.TryGetValue(name, out var f)) return $"unknown function {name}(); the functions are {string.Join(", ", All.Keys.Order().Select(k => k + "()"))}";
        if (count < f.MinArgs || count > f.MaxArgs)
            return f.MinArgs == f.MaxArgs ? $"{name}() takes {f.MinArgs} argument(s), not {count}" : $"{name}() takes {f.MinArgs} to {f.MaxArgs} arguments, not {count}";
        return null;
    }

    public static object? Run(string name, SqlMessage message, object?[] args) => All[name].Run(message, args);

    /// <summary>timestamp(): the message time in ms; timestamp('yyyy-MM-dd HH:mm:ss'): that time as text.</summary>
    static object? Timestamp(SqlMessage m, object?[] a, TimeZoneInfo zone)
    {
        if (a.Length == 0) return (double)m.TimeMs;
        if (a[0] is not string format) return null;
        var time = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(m.TimeMs), zone);
        try { return time.ToString(format, CultureInfo.InvariantCulture); }
        catch (FormatException) { return null; }
    }

    /// <summary>substring(text, start[, end]): 0-based start, end exclusive, both clamped to the text.</summary>
    static object? Substring(object?[] a)
    {
        if (a[0] is not string s || SqlValues.Number(a[1]) is not { } start) return null;
        var from = (int)Math.Clamp(start, 0, s.Length);
        var to = a.Length > 2 && SqlValues.Number(a[2]) is { } end ? (int)Math.Clamp(end, from, s.Length) : s.Length;
        return s[from..to];
    }
}
