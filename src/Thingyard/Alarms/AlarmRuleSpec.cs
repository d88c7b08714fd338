// What a caller gives to create or change an alarm rule, parsed from text (the OpenAPI's and the CLI's): null fields
// are not given (an update keeps the rule's value). AlarmText holds the names each enum and operator is written as.
using System.Globalization;
using Thingyard.Common;

namespace Thingyard.Alarms;

public sealed record AlarmRuleSpec
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public AlarmSeverity? Severity { get; init; }
    public string? DeviceName { get; init; }
    public string? DeviceGroupId { get; init; }
    public AlarmTriggerKind? TriggerKind { get; init; }
    public string? Identifier { get; init; }
    public string? Operator { get; init; }
    public double? Threshold { get; init; }
    public int? ConsecutiveCount { get; init; }
    public int? ClearAfterSeconds { get; init; }
    public IReadOnlyList<string>? WebhookUrls { get; init; }
    public IReadOnlyList<string>? EmailAddresses { get; init; }
    /// <summary>"" removes the token.</summary>
    public string? WebhookToken { get; init; }
}

public static class AlarmText
{
    public static readonly string[] Operators = [">", ">=", "<", "<=", "==", "!="];

    public static string Name(AlarmSeverity s) => s.ToString().ToLowerInvariant();
    public static string Name(AlarmState s) => s.ToString().ToLowerInvariant();
    public static string Name(AlarmTriggerKind k) => k.ToString().ToLowerInvariant();

    /// <summary>critical, major, minor or info (any case), or the level 1 to 4.</summary>
    public static AlarmSeverity? Severity(string? text, string parameter = "Severity") => text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 4 ? (AlarmSeverity)level
        : !int.TryParse(text, out _) && Enum.TryParse<AlarmSeverity>(text, true, out var s) ? s
        : throw IotException.Invalid($"{parameter} '{text}' is not a severity: use critical, major, minor or info (or 1 to 4).");

    public static AlarmState? State(string? text) => text is null ? null
        : !int.TryParse(text, out _) && Enum.TryParse<AlarmState>(text, true, out var s) ? s
        : throw IotException.Invalid($"State '{text}' is not an alarm state: use active, acknowledged or cleared.");

    public static AlarmTriggerKind? Trigger(string? text) => text is null ? null
        : !int.TryParse(text, out _) && Enum.TryParse<AlarmTriggerKind>(text, true, out var k) ? k
        : throw IotException.Invalid($"TriggerType '{text}' is not a trigger: use property (a threshold) or event (an alert event).");

    public static string? Operator(string? text) => text is null || Operators.Contains(text) ? text
        : throw IotException.Invalid($"Operator '{text}' is not a comparison: use one of {string.Join(" ", Operators)}.");

    public static double? Number(string? text, string parameter) => text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw IotException.Invalid($"{parameter} '{text}' is not a number.");

    /// <summary>Whether <paramref name="value"/> meets "value OP threshold".</summary>
    public static bool Meets(double value, string op, double threshold) => op switch
    {
        ">" => value > threshold,
        ">=" => value >= threshold,
        "<" => value < threshold,
        "<=" => value <= threshold,
        "==" => value == threshold,
        "!=" => value != threshold,
        _ => false,
    };
}
