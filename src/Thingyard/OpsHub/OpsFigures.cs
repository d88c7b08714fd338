// What the Operations Hub shows for a project and a range of UTC days: daily series, breakdowns and totals
// (docs/operations-hub.md says what each one counts and where it comes from).
namespace Thingyard.OpsHub;

/// <summary>One UTC day (yyyy-MM-dd) and its count.</summary>
public sealed record DayCount(string Day, long Count);

/// <summary>One bucket of a breakdown (a product, a firmware version, a region, a severity) and its count.</summary>
public sealed record KeyCount(string Key, long Count);

/// <summary>An error reported by devices: Source "service" (a service reply's code) or "event" (an event of type
/// error, whose Code is its identifier), with how often it came in the range.</summary>
public sealed record ErrorCount(string Source, string Identifier, string Code, long Count);

/// <summary>Counts as of now (not limited to the range): registered, ever activated and online devices, end users,
/// accepted bindings and alarms not yet cleared.</summary>
public sealed record OpsTotals(long Devices, long Activated, long OnlineNow, long EndUsers, long Bindings, long OpenAlarms);

public sealed record OpsFigures(
    string ProjectId, string ProjectName, string From, string To, OpsTotals Totals,
    IReadOnlyList<DayCount> Activations, IReadOnlyList<DayCount> ActiveDevices, IReadOnlyList<DayCount> OnlineTrend,
    IReadOnlyList<DayCount> NewEndUsers, IReadOnlyList<DayCount> NewBindings, IReadOnlyList<DayCount> Alarms,
    IReadOnlyList<KeyCount> ByProduct, IReadOnlyList<KeyCount> ByFirmware, IReadOnlyList<KeyCount> ByRegion,
    IReadOnlyList<KeyCount> AlarmsBySeverity, IReadOnlyList<ErrorCount> TopErrors);
