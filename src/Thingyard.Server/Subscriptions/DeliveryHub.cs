// The consumer groups' delivery, for the process: a GroupQueue per group that has (or had) a client, fed by the
// telemetry writer's commits; a timer ticks the queues every second (overdue deliveries are sent again) and applies the
// retention every minute.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Sharing;
using Thingyard.Storage;
using Thingyard.Server.Settings;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;

namespace Thingyard.Server.Subscriptions;

public sealed class DeliveryHub : BackgroundService
{
    readonly ConcurrentDictionary<long, GroupQueue> _groups = new();
    readonly BacklogStore _store;
    readonly MessageIds _ids;
    readonly AmqpOptions _options;
    readonly TimeProvider _time;
    readonly ILogger<DeliveryHub> _log;
    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly Cluster.Leadership _leadership;

    public DeliveryHub(TelemetryPipeline telemetry, BacklogStore store, MessageIds ids, AmqpOptions options, AuthorizationChanges authorizations,
        IDbContextFactory<ThingyardDb> dbs, Cluster.Leadership leadership, TimeProvider time, ILogger<DeliveryHub> log)
    {
        _leadership = leadership;
        _dbs = dbs;
        authorizations.Changed += (grantee, devices, authorized) => _ = AuthorizationChangedAsync(grantee, devices, authorized);
        _store = store;
        _ids = ids;
        _options = options;
        _time = time;
        _log = log;
        telemetry.BacklogStored = Stored;
        telemetry.BacklogDeleted = Deleted;
    }

    /// <summary>The group's queue, made on first use.</summary>
    public GroupQueue Group(long groupId) => _groups.GetOrAdd(groupId, id =>
        new GroupQueue(id, _store, TimeSpan.FromSeconds(_options.AckTimeoutSeconds), _time) { AdmitsOutOfOrder = Homes is not null });

    /// <summary>In a cluster: the groups' home nodes (set by Cluster/ClusterGroups); null on a single node.</summary>
    public IGroupHomes? Homes { get; set; }

    /// <summary>What a client connected here attaches to.</summary>
    public IGroupFeed FeedFor(long groupId) => Homes?.FeedFor(groupId) ?? Group(groupId);

    /// <summary>The group's queue if a client ever connected to it in this process.</summary>
    public GroupQueue? Find(long groupId) => _groups.GetValueOrDefault(groupId);

    /// <summary>The group's backlog was emptied in the table (ResetConsumerGroupPosition).</summary>
    public void Reset(long groupId)
    {
        Find(groupId)?.Reload();
        Homes?.Reset(groupId);
    }

    /// <summary>What QueryConsumerGroupStatus answers: the group's backlog in the table, its connected clients, the
    /// messages accepted in the last minute and when the last one was.</summary>
    public sealed record GroupStatus(long Backlog, IReadOnlyList<IConsumer> Clients, int PerMinute, long LastConsumedAtMs);

    public async Task<GroupStatus> StatusAsync(long groupId, CancellationToken ct)
    {
        if (Homes is { } homes && (Find(groupId)?.Consumers.Count ?? 0) == 0 && await homes.StatusAsync(groupId, ct) is { } elsewhere) return elsewhere;
        var backlog = await _store.CountAsync(groupId, ct);
        // Accepted messages stay in their segment until all of it is: not waiting any more.
        return Find(groupId) is { } q
            ? new GroupStatus(Math.Max(0, backlog - q.AcceptedUndeleted), q.Consumers, q.ConsumedLastMinute, q.LastConsumedAtMs)
            : new GroupStatus(backlog, [], 0, 0);
    }

    /// <summary>Devices authorized to an account, or revoked: each of the account's groups stops (or resumes) sending
    /// their messages. A revoked device's messages still waiting in a group are dropped, not delivered.</summary>
    async Task AuthorizationChangedAsync(long granteeAccountId, IReadOnlyCollection<long> devices, bool authorized)
    {
        try
        {
            await using var db = await _dbs.CreateDbContextAsync();
            var groups = await db.ConsumerGroups.AsNoTracking().OwnedBy(granteeAccountId).Select(g => g.Id).ToListAsync();
            foreach (var id in groups)
                if (authorized) Find(id)?.Readmit(devices);
                else Group(id).Revoke(devices);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "Applying a device authorization change to account {Account}'s consumer groups failed", granteeAccountId);
        }
    }

    void Stored(List<BacklogMessage> stored)
    {
        if (_groups.IsEmpty && Homes is null) return;
        List<List<BacklogMessage>>? elsewhere = null;
        // A segment holds one group's messages: one call per segment (in commit order).
        foreach (var segment in stored.GroupBy(m => m.Seq))
            if (_groups.TryGetValue(segment.First().ConsumerGroupId, out var queue) && (Homes is null || queue.Consumers.Count > 0)) queue.Committed([.. segment]);
            else if (Homes is not null) (elsewhere ??= []).Add([.. segment]);
        if (elsewhere is not null) Homes!.Committed(elsewhere);
    }

    /// <summary>Segments another node committed for a group delivered here.</summary>
    public void CommittedElsewhere(long groupId, List<BacklogMessage> segment) => Find(groupId)?.Committed(segment);

    void Deleted(List<(long Group, long Seq)> deleted)
    {
        foreach (var byGroup in deleted.GroupBy(d => d.Group))
            if (_groups.TryGetValue(byGroup.Key, out var queue)) queue.Deleted(byGroup.Select(d => d.Seq));
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await _store.MoveLegacyRowsAsync(stopping);
        _ids.Seed(await _store.MaxIdAsync(stopping));
        var nextTrim = DateTimeOffset.MinValue;
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await tick.WaitForNextTickAsync(stopping))
            {
                foreach (var queue in _groups.Values)
                    if (queue.Tick() is { } stalled) _log.LogWarning("Consumer group {Group} is not delivering: {State}", queue.GroupId, stalled);
                if (_time.GetUtcNow() < nextTrim || !_leadership.Leads) continue; // in a cluster, one node applies the retention
                nextTrim = _time.GetUtcNow().AddMinutes(1);
                try
                {
                    var olderThan = _time.GetUtcNow().AddHours(-_options.RetentionHours).ToUnixTimeMilliseconds();
                    foreach (var group in await _store.TrimAsync(olderThan, _options.MaxBacklogPerGroup, stopping)) Reset(group);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogWarning(e, "Applying the backlog retention failed; trying again in a minute");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }
}
