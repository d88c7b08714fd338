// A scripted population for the Operations Hub: a project with two products and devices activated over a week,
// connects, property reports and events, service replies with error codes, end users, bindings and alarms, written
// straight into the database at known times, and beside it noise that must not count (another project's devices and
// bindings, a test device, a pending invitation). What the hub must show is computed from the same script.
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Alarms;
using Thingyard.EndUsers;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsPopulation
{
    public const long DayMs = 86_400_000;
    /// <summary>The week scripted: 2026-03-01 to 2026-03-07 (UTC).</summary>
    public static readonly long FirstDay = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() / DayMs;
    public const int Days = 7;
    public static long StartMs => FirstDay * DayMs;
    public static long EndMs => (FirstDay + Days) * DayMs;
    public static string Day(int i) => DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(FirstDay + i)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    static long At(int day, int hour) => (FirstDay + day) * DayMs + hour * 3_600_000L;

    /// <summary>Addresses the test IP database places (OpsHubServer): 198.51.100.0/24 in FR, 203.0.113.0/24 in SG.</summary>
    public const string France = "198.51.100.7", Singapore = "203.0.113.9";

    public string ProjectId { get; private set; } = "";
    public string ProjectName { get; private set; } = "";
    public string ProductA { get; private set; } = "";
    public string ProductB { get; private set; } = "";
    public string NameA { get; private set; } = "";
    public string NameB { get; private set; } = "";
    public List<string> DeviceNames { get; } = [];
    public string EndUserEmail { get; private set; } = "";

    // What the hub must show, per day index 0..6, and in breakdowns.
    public long[] Activations { get; } = new long[Days];
    public long[] Active { get; } = new long[Days];
    public long[] Online { get; } = new long[Days];
    public long[] EndUsers { get; } = new long[Days];
    public long[] Bindings { get; } = new long[Days];
    public long[] Alarms { get; } = new long[Days];
    public Dictionary<string, long> ByProduct { get; } = [];
    public Dictionary<string, long> ByFirmware { get; } = [];
    public Dictionary<string, long> ByRegion { get; } = [];
    public Dictionary<string, long> BySeverity { get; } = [];
    public long Devices, Activated, OnlineNow, EndUserTotal, BindingTotal, OpenAlarms;

    /// <summary>N activations (and one registered device never activated), M bindings, K alarms, U end users.</summary>
    public static async Task<OpsPopulation> ScriptAsync(ThingyardServer server)
    {
        var p = new OpsPopulation { ProjectName = Unique("Hub") };
        p.ProjectId = (await server.Call("CreateProject", ("ProjectName", p.ProjectName))).Str("Data.ProjectId");
        (p.NameA, p.NameB) = (Unique("Lamp"), Unique("Plug"));
        p.ProductA = (await server.Call("CreateProduct", ("ProductName", p.NameA), ("NodeType", "0"), ("ProjectId", p.ProjectId))).Str("ProductKey");
        p.ProductB = (await server.Call("CreateProduct", ("ProductName", p.NameB), ("NodeType", "0"), ("ProjectId", p.ProjectId))).Str("ProductKey");
        var noiseProjectId = (await server.Call("CreateProject", ("ProjectName", Unique("Other")))).Str("Data.ProjectId");
        var noiseProduct = (await server.Call("CreateProduct", ("ProductName", Unique("Elsewhere")), ("NodeType", "0"), ("ProjectId", noiseProjectId))).Str("ProductKey");

        // Devices of the project: (product, activation day or null, firmware, address, last connect day or null, online now).
        (string Pk, int? Activated, string? Firmware, string? Ip, int? Connected, bool Online)[] script =
        [
            (p.ProductA, 0, "1.0.0", France, 0, false),
            (p.ProductA, 0, "1.0.0", France, 3, true),
            (p.ProductA, 1, "1.1.0", Singapore, 1, false),
            (p.ProductA, 2, "1.1.0", Singapore, 6, true),
            (p.ProductA, 2, "1.1.0", "192.0.2.1", 2, false),
            (p.ProductB, 2, "2.0.0", France, 5, true),
            (p.ProductB, 4, "2.0.0", null, null, false),
            (p.ProductB, 6, null, France, 6, false),
            (p.ProductB, null, null, null, null, false),
        ];
        var factory = server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>();
        await using var db = await factory.CreateDbContextAsync();
        var rows = new List<Thingyard.Registry.Device>();
        foreach (var s in script)
        {
            var name = (await server.NewDeviceAsync(s.Pk)).Str("DeviceName");
            p.DeviceNames.Add(name);
            var d = await db.Devices.SingleAsync(x => x.ProductKey == s.Pk && x.DeviceName == name);
            d.ActivatedAtMs = s.Activated is { } a ? At(a, 10) : null;
            d.FirmwareVersion = s.Firmware;
            d.IpAddress = s.Ip;
            d.LastOnlineAtMs = s.Connected is { } c ? At(c, 12) : null;
            d.Status = s.Online ? "ONLINE" : s.Activated is null ? "UNACTIVE" : "OFFLINE";
            rows.Add(d);
            if (s.Activated is { } day) p.Activations[day]++;
            if (s.Connected is { } cd) p.Online[cd]++;
            p.ByProduct[$"{(s.Pk == p.ProductA ? p.NameA : p.NameB)} ({s.Pk})"] = p.ByProduct.GetValueOrDefault($"{(s.Pk == p.ProductA ? p.NameA : p.NameB)} ({s.Pk})") + 1;
            p.ByFirmware[s.Firmware ?? "unknown"] = p.ByFirmware.GetValueOrDefault(s.Firmware ?? "unknown") + 1;
            var region = s.Ip == France ? "FR" : s.Ip == Singapore ? "SG" : "unknown";
            p.ByRegion[region] = p.ByRegion.GetValueOrDefault(region) + 1;
        }
        p.Devices = script.Length;
        p.Activated = script.Count(s => s.Activated is not null);
        p.OnlineNow = script.Count(s => s.Online);

        // Noise: another project's device and a test device of this one, both activated, connected and reporting in the week.
        var outsider = await NoiseDeviceAsync(server, db, noiseProduct, isTest: false);
        var testDevice = await NoiseDeviceAsync(server, db, p.ProductA, isTest: true);
        await db.SaveChangesAsync();

        // Reports: property samples and events (idx, day, identifier, type); a device reporting on a day is active then.
        var active = new HashSet<(int Device, int Day)>(script.Select((s, i) => (i, s.Connected ?? -1)).Where(x => x.Item2 >= 0));
        foreach (var (i, day) in new[] { (0, 1), (0, 1), (2, 1), (3, 4), (5, 4) })
        {
            db.PropertySamples.Add(new PropertySample { DeviceId = rows[i].Id, Identifier = "power", TimeMs = At(day, 8), Value = "1" });
            active.Add((i, day));
        }
        foreach (var (i, day, id, type) in new[] { (1, 3, "started", "info"), (4, 2, "overheat", "error"), (5, 3, "overheat", "error"), (6, 5, "lowBattery", "error") })
        {
            db.Events.Add(new EventRecord { DeviceId = rows[i].Id, Identifier = id, EventType = type, TimeMs = At(day, 9), OutputData = "{}" });
            active.Add((i, day));
        }
        foreach (var noisy in new[] { outsider, testDevice })
        {
            db.PropertySamples.Add(new PropertySample { DeviceId = noisy.Id, Identifier = "power", TimeMs = At(2, 8), Value = "1" });
            db.Events.Add(new EventRecord { DeviceId = noisy.Id, Identifier = "overheat", EventType = "error", TimeMs = At(2, 8), OutputData = "{}" });
        }
        foreach (var (_, day) in active) p.Active[day]++;

        // Service calls: reboot refused with 460 three times, answered 200 twice, calibrate failing once (500) and once
        // unanswered; the outsider's refusals do not count.
        var n = 0;
        void Call(Thingyard.Registry.Device d, int day, string id, int? code) => db.ServiceCalls.Add(new ServiceRecord
        {
            DeviceId = d.Id, Identifier = id, MessageId = (++n).ToString(CultureInfo.InvariantCulture), TimeMs = At(day, 11), InputData = "{}", Code = code,
        });
        for (var day = 1; day <= 3; day++) Call(rows[0], day, "reboot", 460);
        Call(rows[1], 2, "reboot", 200);
        Call(rows[1], 3, "reboot", 200);
        Call(rows[2], 4, "calibrate", 500);
        Call(rows[3], 4, "calibrate", null);
        for (var i = 0; i < 5; i++) Call(outsider, 2, "reboot", 460);

        // End users: five in the week, one before it; one of another project.
        var project = await db.Projects.SingleAsync(x => x.ProjectId == p.ProjectId);
        var noiseProject = await db.Projects.SingleAsync(x => x.ProjectId == noiseProjectId);
        var users = new List<EndUser>();
        foreach (var day in new[] { 0, 0, 2, 5, 6, -3 })
        {
            var u = NewEndUser(project.AccountId, project.Id, At(day, 7));
            users.Add(u);
            db.EndUsers.Add(u);
            if (day >= 0) p.EndUsers[day]++;
        }
        var stranger = NewEndUser(project.AccountId, noiseProject.Id, At(1, 7));
        db.EndUsers.Add(stranger);
        p.EndUserTotal = users.Count;
        p.EndUserEmail = users[0].Email!;
        await db.SaveChangesAsync();

        // Bindings: six accepted in the week, one before it, one invitation still pending; one in the other project.
        var bindingDays = new[] { 0, 1, 1, 3, 5, 6, -2 };
        for (var i = 0; i < bindingDays.Length; i++)
        {
            db.DeviceBindings.Add(Binding(project.AccountId, project.Id, rows[i].Id, users[i % 3].Id, At(bindingDays[i], 13), pending: false));
            if (bindingDays[i] >= 0) p.Bindings[bindingDays[i]]++;
        }
        db.DeviceBindings.Add(Binding(project.AccountId, project.Id, rows[7].Id, users[3].Id, At(4, 13), pending: true));
        db.DeviceBindings.Add(Binding(project.AccountId, noiseProject.Id, outsider.Id, stranger.Id, At(4, 13), pending: false));
        p.BindingTotal = bindingDays.Length;

        // Alarms: seven raised in the week (one since cleared), one before it still open; the outsider's does not count.
        (int Day, AlarmSeverity Severity, AlarmState State)[] alarms =
        [
            (0, AlarmSeverity.Critical, AlarmState.Active), (2, AlarmSeverity.Major, AlarmState.Active), (2, AlarmSeverity.Major, AlarmState.Acknowledged),
            (3, AlarmSeverity.Minor, AlarmState.Active), (4, AlarmSeverity.Info, AlarmState.Cleared), (6, AlarmSeverity.Critical, AlarmState.Active),
            (6, AlarmSeverity.Major, AlarmState.Active), (-4, AlarmSeverity.Minor, AlarmState.Active),
        ];
        for (var i = 0; i < alarms.Length; i++)
        {
            var (day, severity, state) = alarms[i];
            db.Alarms.Add(NewAlarm(rows[i % 6], At(day, 15), severity, state));
            if (day < 0) continue;
            p.Alarms[day]++;
            p.BySeverity[severity.ToString()] = p.BySeverity.GetValueOrDefault(severity.ToString()) + 1;
        }
        db.Alarms.Add(NewAlarm(outsider, At(2, 15), AlarmSeverity.Critical, AlarmState.Active));
        p.OpenAlarms = alarms.Count(a => a.State != AlarmState.Cleared);
        await db.SaveChangesAsync();
        return p;
    }

    /// <summary>The top errors the script makes, in the hub's order (count, then source, then code).</summary>
    public static readonly (string Source, string Identifier, string Code, long Count)[] TopErrors =
    [
        ("service", "reboot", "460", 3), ("event", "overheat", "overheat", 2), ("event", "lowBattery", "lowBattery", 1), ("service", "calibrate", "500", 1),
    ];

    static async Task<Thingyard.Registry.Device> NoiseDeviceAsync(ThingyardServer server, ThingyardDb db, string pk, bool isTest)
    {
        var name = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        var d = await db.Devices.SingleAsync(x => x.ProductKey == pk && x.DeviceName == name);
        (d.ActivatedAtMs, d.LastOnlineAtMs, d.Status, d.FirmwareVersion, d.IpAddress, d.IsTest) = (At(2, 9), At(2, 9), "ONLINE", "9.9.9", France, isTest);
        return d;
    }

    static EndUser NewEndUser(long accountId, long projectId, long atMs)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        return new EndUser { AccountId = accountId, ProjectId = projectId, UserId = "eu_" + id, Email = $"{id}@example.com", Phone = "+8613" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture),
            PasswordHash = "AQAAAAIAAYagAAAAE-secret-hash", CreatedAtMs = atMs };
    }

    static DeviceBinding Binding(long accountId, long projectId, long deviceId, long endUserId, long atMs, bool pending) => new()
    {
        AccountId = accountId, ProjectId = projectId, DeviceId = deviceId, EndUserId = endUserId, Role = pending ? BindingRoles.Member : BindingRoles.Owner,
        OwnerDeviceId = pending ? null : deviceId, Pending = pending, CreatedAtMs = atMs,
    };

    static Alarm NewAlarm(Thingyard.Registry.Device d, long atMs, AlarmSeverity severity, AlarmState state) => new()
    {
        AccountId = d.AccountId, ProductId = d.ProductId, RuleId = 0, RuleName = "scripted", DeviceId = d.Id, ProductKey = d.ProductKey, DeviceName = d.DeviceName,
        IotId = d.IotId, Severity = severity, State = state, TriggerKind = AlarmTriggerKind.Property, Count = 1, FirstAtMs = atMs, LastAtMs = atMs,
    };
}
