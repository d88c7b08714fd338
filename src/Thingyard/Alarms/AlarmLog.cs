// Alarms as users see them: query (by state, severity, product, device; paged), acknowledge (who, when, a note),
// clear by hand, and the history of state changes. Alarms are reached through the access layer: another account's
// alarm is not found, exactly like a missing one; history is reached through its alarm.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Alarms;

public sealed record AlarmFilter(AlarmState? State = null, AlarmSeverity? Severity = null, string? ProductKey = null, string? DeviceName = null,
    long? RuleId = null, bool OpenOnly = false);

/// <summary>A history entry with its alarm's names, for lists that span alarms.</summary>
public sealed record AlarmHistoryRow(AlarmEntry Entry, Alarm Alarm);

public sealed class AlarmLog(ThingyardDb db, AlarmChanges changes, TimeProvider time)
{
    public const int MaxNote = 256;

    public async Task<Alarm> GetAsync(Caller caller, long? alarmId, CancellationToken ct = default)
    {
        if (alarmId is null) throw IotException.Invalid("AlarmId is required.");
        return await db.Alarms.FindVisibleAsync(caller, a => a.Id == alarmId, () => NotFound(alarmId.Value), ct);
    }

    /// <summary>A page of the caller's alarms, newest first.</summary>
    public async Task<Page<Alarm>> QueryAsync(Caller caller, AlarmFilter filter, Paging paging, CancellationToken ct = default)
    {
        var query = db.Alarms.VisibleTo(caller);
        if (filter.State is { } state) query = query.Where(a => a.State == state);
        if (filter.OpenOnly) query = query.Where(a => a.State != AlarmState.Cleared);
        if (filter.Severity is { } severity) query = query.Where(a => a.Severity == severity);
        if (!string.IsNullOrEmpty(filter.ProductKey)) query = query.Where(a => a.ProductKey == filter.ProductKey);
        if (!string.IsNullOrEmpty(filter.DeviceName)) query = query.Where(a => a.DeviceName == filter.DeviceName);
        if (filter.RuleId is { } ruleId) query = query.Where(a => a.RuleId == ruleId);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<Alarm>(rows, total, paging);
    }

    /// <summary>Marks an active alarm as seen; it stays open (repeats still count) until it clears.</summary>
    public async Task<Alarm> AcknowledgeAsync(Caller caller, long? alarmId, string actor, string? note, CancellationToken ct = default)
    {
        var alarm = await GetAsync(caller, alarmId, ct);
        caller.RequireChange(alarm);
        CheckNote(note);
        switch (alarm.State)
        {
            case AlarmState.Cleared: throw Cleared(alarm);
            case AlarmState.Acknowledged: return alarm; // acknowledging twice changes nothing
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        (alarm.State, alarm.AcknowledgedBy, alarm.AcknowledgedAtMs, alarm.AcknowledgeNote) = (AlarmState.Acknowledged, Cut(actor), now, note);
        db.AlarmHistory.Add(new AlarmEntry { AlarmId = alarm.Id, State = AlarmState.Acknowledged, AtMs = now, By = Cut(actor), Note = note });
        await db.SaveChangesAsync(ct);
        return alarm;
    }

    /// <summary>Clears an open alarm by hand; the rule's next trigger opens a new one.</summary>
    public async Task<Alarm> ClearAsync(Caller caller, long? alarmId, string actor, string? note, CancellationToken ct = default)
    {
        var alarm = await GetAsync(caller, alarmId, ct);
        caller.RequireChange(alarm);
        CheckNote(note);
        if (alarm.State == AlarmState.Cleared) throw Cleared(alarm);
        Close(db, alarm, time.GetUtcNow().ToUnixTimeMilliseconds(), Cut(actor), note);
        await db.SaveChangesAsync(ct);
        changes.Cleared(alarm.RuleId, alarm.DeviceId);
        return alarm;
    }

    /// <summary>The state changes of one alarm (oldest first), or without an alarm, the caller's latest changes.</summary>
    public async Task<Page<AlarmHistoryRow>> HistoryAsync(Caller caller, long? alarmId, Paging paging, CancellationToken ct = default)
    {
        var alarms = db.Alarms.VisibleTo(caller);
        if (alarmId is { } id)
        {
            var alarm = await GetAsync(caller, id, ct);
            alarms = alarms.Where(a => a.Id == alarm.Id);
        }
        var query = from e in db.AlarmHistory join a in alarms on e.AlarmId equals a.Id select new { e, a };
        var total = await query.CountAsync(ct);
        var ordered = alarmId is null ? query.OrderByDescending(x => x.e.Id) : query.OrderBy(x => x.e.Id);
        var rows = await ordered.Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<AlarmHistoryRow>(rows.Select(x => new AlarmHistoryRow(x.e, x.a)).ToList(), total, paging);
    }

    /// <summary>Sets an alarm cleared with its history entry (not saved): by a user, its condition or its quiet period.</summary>
    public static void Close(ThingyardDb db, Alarm alarm, long nowMs, string by, string? note)
    {
        (alarm.State, alarm.ClearedBy, alarm.ClearedAtMs, alarm.ClearNote, alarm.AutoClearAtMs) = (AlarmState.Cleared, by, nowMs, note, null);
        db.AlarmHistory.Add(new AlarmEntry { AlarmId = alarm.Id, State = AlarmState.Cleared, AtMs = nowMs, By = by, Note = note });
    }

    public static IotException NotFound(long alarmId) => new(IotErrors.AlarmNotFound, $"The alarm {alarmId} does not exist.");

    static IotException Cleared(Alarm alarm) => new(IotErrors.AlarmCleared, $"The alarm {alarm.Id} is already cleared.");

    static void CheckNote(string? note)
    {
        if (note is { Length: > MaxNote }) throw IotException.Invalid($"Note must be at most {MaxNote} characters.");
    }

    static string Cut(string actor) => actor.Length > 128 ? actor[..128] : actor;
}
