// Drains AlarmObserver's queue off the device path and applies each enabled rule of the device's product: a threshold
// met (ConsecutiveCount values in a row) or an alert event fires an alarm, or counts a repeat of the open one (no new
// alarm, no new notification); a threshold no longer met clears it. Once a second it clears event alarms whose quiet
// period has passed. Which (rule, device) pairs have an open alarm is kept in memory, so a value that meets nothing
// costs no query.
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Thingyard.Alarms;
using Thingyard.Connectivity;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Alarms;

public sealed class AlarmEvaluator : BackgroundService
{
    const string System = "system";
    static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(1);

    readonly AlarmObserver observer;
    readonly AlarmRuleDirectory directory;
    readonly AlarmNotifier notifier;
    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly TimeProvider time;
    readonly ILogger<AlarmEvaluator> log;
    /// <summary>(rule, device) pairs with an active or acknowledged alarm.</summary>
    readonly ConcurrentDictionary<(long Rule, long Device), byte> _open = new();
    /// <summary>Threshold values met in a row, per (rule, device); only the evaluator's loop touches it.</summary>
    readonly Dictionary<(long Rule, long Device), int> _streaks = new();
    readonly SemaphoreSlim _work = new(1, 1);

    readonly Cluster.Leadership _leadership;

    public AlarmEvaluator(AlarmObserver observer, AlarmRuleDirectory directory, AlarmNotifier notifier, AlarmChanges changes,
        IDbContextFactory<ThingyardDb> dbs, TimeProvider time, Cluster.Leadership leadership, ILogger<AlarmEvaluator> log)
    {
        _leadership = leadership;
        (this.observer, this.directory, this.notifier, this.dbs, this.time, this.log) = (observer, directory, notifier, dbs, time, log);
        changes.AlarmCleared += (rule, device) => _open.TryRemove((rule, device), out _);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
            foreach (var a in await db.Alarms.AsNoTracking().Where(a => a.State != AlarmState.Cleared).Select(a => new { a.RuleId, a.DeviceId }).ToListAsync(ct))
                _open[(a.RuleId, a.DeviceId)] = 0;
        var sweeping = SweepLoopAsync(ct);
        await foreach (var values in observer.Reader.ReadAllAsync(ct))
        {
            await _work.WaitAsync(ct);
            try { await EvaluateAsync(values, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "Alarm evaluation of {Device} failed", values.Device);
            }
            finally { _work.Release(); }
        }
        await sweeping;
    }

    async Task EvaluateAsync(ObservedValues values, CancellationToken ct)
    {
        var rules = await directory.RulesAsync(values.Device.ProductId, ct);
        if (rules.Length == 0) return;
        var d = values.Device;
        foreach (var rule in rules)
        {
            if (rule.DeviceId is { } only && only != d.DeviceId) continue;
            if (rule.DeviceGroupId is { } group && !await InGroupAsync(group, d.DeviceId, ct)) continue;
            foreach (var e in values.Entries)
            {
                if (rule.TriggerKind == AlarmTriggerKind.Property && e.Kind == TelemetryKind.Property && e.Identifier == rule.Identifier)
                    await ThresholdAsync(rule, d, e, ct);
                else if (rule.TriggerKind == AlarmTriggerKind.Event && e.Kind == TelemetryKind.Event && e.Extra == TslEvent.Alert
                         && (rule.Identifier is null || rule.Identifier == e.Identifier))
                    await TriggerAsync(rule, d, e.Identifier, e.Json, e.TimeMs, $"alert event {e.Identifier}", ct);
            }
        }
    }

    async Task ThresholdAsync(AlarmRule rule, DeviceIdentity d, TelemetryEntry e, CancellationToken ct)
    {
        if (!double.TryParse(e.Json, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return;
        var key = (rule.Id, d.DeviceId);
        if (AlarmText.Meets(value, rule.Operator!, rule.Threshold))
        {
            var streak = _streaks[key] = _streaks.GetValueOrDefault(key) + 1;
            if (streak >= rule.ConsecutiveCount)
                await TriggerAsync(rule, d, rule.Identifier, e.Json, e.TimeMs, $"{rule.Identifier} = {e.Json} {rule.Operator} {Number(rule.Threshold)}", ct);
            return;
        }
        _streaks.Remove(key);
        if (_open.ContainsKey(key))
            await ClearAsync(rule, key, $"{rule.Identifier} = {e.Json}: {rule.Operator} {Number(rule.Threshold)} no longer holds", ct);
    }

    /// <summary>Fires a new alarm, or counts a repeat of the open one (no notification then).</summary>
    async Task TriggerAsync(AlarmRule rule, DeviceIdentity d, string? identifier, string? json, long timeMs, string why, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long? autoClear = rule.TriggerKind == AlarmTriggerKind.Event && rule.ClearAfterSeconds > 0 ? now + rule.ClearAfterSeconds * 1000L : null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (_open.ContainsKey((rule.Id, d.DeviceId)))
        {
            var bumped = await db.Alarms.Where(a => a.RuleId == rule.Id && a.DeviceId == d.DeviceId && a.State != AlarmState.Cleared)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Count, a => a.Count + 1).SetProperty(a => a.LastAtMs, now)
                    .SetProperty(a => a.LastValue, json).SetProperty(a => a.Identifier, identifier).SetProperty(a => a.AutoClearAtMs, autoClear), ct);
            if (bumped > 0) return;
        }
        var alarm = new Alarm
        {
            AccountId = rule.AccountId, ProductId = rule.ProductId, RuleId = rule.Id, RuleName = rule.Name, DeviceId = d.DeviceId,
            ProductKey = d.ProductKey, DeviceName = d.DeviceName, IotId = d.IotId, Severity = rule.Severity, State = AlarmState.Active,
            TriggerKind = rule.TriggerKind, Identifier = identifier, LastValue = json, Count = 1, FirstAtMs = now, LastAtMs = now,
            AutoClearAtMs = autoClear,
        };
        // The alarm and its first history entry become visible together: a user acting on the alarm at once must find
        // its "active" entry already there, before theirs.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Alarms.Add(alarm);
            await db.SaveChangesAsync(ct);
            db.AlarmHistory.Add(new AlarmEntry { AlarmId = alarm.Id, State = AlarmState.Active, AtMs = now, By = System, Note = why });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        _open[(rule.Id, d.DeviceId)] = 0;
        log.LogInformation("Alarm {AlarmId} fired: rule {RuleId} ({Severity}) on {Device}: {Why}", alarm.Id, rule.Id, rule.Severity, d, why);
        notifier.Enqueue(AlarmNotice.Of(rule, alarm, "fired", timeMs, why));
    }

    async Task ClearAsync(AlarmRule rule, (long Rule, long Device) key, string why, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.RuleId == key.Rule && a.DeviceId == key.Device && a.State != AlarmState.Cleared, ct);
        _open.TryRemove(key, out _);
        if (alarm is null) return;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        AlarmLog.Close(db, alarm, now, System, why);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Alarm {AlarmId} cleared: {Why}", alarm.Id, why);
        notifier.Enqueue(AlarmNotice.Of(rule, alarm, "cleared", now, why));
    }

    /// <summary>Clears event alarms whose quiet period passed with no new event.</summary>
    async Task SweepLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SweepEvery, time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (!_leadership.Leads) continue; // in a cluster, one node clears quiet alarms
            await _work.WaitAsync(ct);
            try { await SweepAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "Clearing quiet alarms failed");
            }
            finally { _work.Release(); }
        }
    }

    async Task SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var quiet = await db.Alarms.Where(a => a.AutoClearAtMs != null && a.AutoClearAtMs <= now && a.State != AlarmState.Cleared).Take(500).ToListAsync(ct);
        if (quiet.Count == 0) return;
        var ruleIds = quiet.Select(a => a.RuleId).Distinct().ToList();
        var rules = await db.AlarmRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        foreach (var alarm in quiet)
        {
            var why = rules.TryGetValue(alarm.RuleId, out var r) ? $"no alert event for {r.ClearAfterSeconds} s" : "no alert event for the rule's quiet period";
            AlarmLog.Close(db, alarm, now, System, why);
            _open.TryRemove((alarm.RuleId, alarm.DeviceId), out _);
        }
        await db.SaveChangesAsync(ct);
        foreach (var alarm in quiet)
            if (rules.TryGetValue(alarm.RuleId, out var rule)) notifier.Enqueue(AlarmNotice.Of(rule, alarm, "cleared", now, alarm.ClearNote));
    }

    static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);

    async Task<bool> InGroupAsync(string groupId, long deviceId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await (from m in db.DeviceGroupMembers
                      join g in db.DeviceGroups on m.GroupId equals g.Id
                      where m.DeviceId == deviceId && g.GroupId == groupId
                      select m).AnyAsync(ct);
    }
}
