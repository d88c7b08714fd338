// Runs distribution jobs at the source: the product (info and thing model) goes to every target, then devices in chunks
// (certificates to the target or to every nearest-access candidate). Each step is idempotent, so a job interrupted by a
// crash resumes at the next start, and a failed job can be retried, without duplicates. Online devices are told on
// /sys/pk/dn/thing/bootstrap/notify and dropped.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Distribution;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Storage;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Distribution;

public sealed class DistributionWorker(IDbContextFactory<ThingyardDb> dbs, InstanceDirectory instances, PeerClient peers, Downlink downlink,
    DeviceChanges changes, StorageHealth storage, Cluster.Leadership leadership, TimeProvider time, ILogger<DistributionWorker> log) : BackgroundService
{
    public const int Chunk = 200;
    readonly SemaphoreSlim _wake = new(0);

    /// <summary>Starts work on new or retried jobs now rather than at the next poll.</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // While storage is faulted every pass would fail and log it; the fault is logged once, jobs go on after it.
                if (storage.Current is null && leadership.Leads)
                {
                    List<long> open;
                    await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
                        open = await db.DistributionJobs.Where(j => j.Status < DistributionStatus.Completed).OrderBy(j => j.Id).Select(j => j.Id).ToListAsync(stoppingToken);
                    foreach (var id in open) await RunAsync(id, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "Distribution worker pass failed"); }
            try { await _wake.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    async Task RunAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = await db.DistributionJobs.FirstAsync(j => j.Id == id, ct);
        job.Status = DistributionStatus.Running;
        job.ModifiedAtMs = Now;
        await db.SaveChangesAsync(ct);
        try
        {
            var product = await db.Products.OwnedBy(job.AccountId).FirstAsync(p => p.ProductKey == job.ProductKey, ct);
            var sourceUid = await db.Accounts.OwnerOf(job).Select(a => a.Uid).FirstAsync(ct);
            foreach (var target in job.Targets.Where(t => t != instances.SelfId))
                await SendProductAsync(db, job, product, sourceUid, target, ct);
            if (job.Kind == "device")
            {
                while (true)
                {
                    var pending = await db.DistributionItems.Where(i => i.JobId == job.Id && i.State == DistributionItemState.Pending)
                        .OrderBy(i => i.Id).Take(Chunk).ToListAsync(ct);
                    if (pending.Count == 0) break;
                    await SendDevicesAsync(db, job, product, pending, ct);
                }
            }
            job.Status = DistributionStatus.Completed;
            job.Error = null;
        }
        catch (Exception e) when (e is PeerCallException or DistributionRefusedException)
        {
            log.LogWarning("Distribution job {JobId} failed: {Message}", job.JobId, e.Message);
            job.Status = DistributionStatus.Failed;
            job.Error = e.Message;
        }
        job.ModifiedAtMs = Now;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    async Task SendProductAsync(ThingyardDb db, DistributionJob job, Product product, string sourceUid, string target, CancellationToken ct)
    {
        var peer = instances.Peer(target) ?? throw new DistributionRefusedException($"instance {target} is not configured");
        var tsl = await db.ThingModels.Where(m => m.ProductId == product.Id && m.FunctionBlockId == "")
            .OrderByDescending(m => m.Version != null).ThenByDescending(m => m.CreatedAtMs).Select(m => m.TslJson).FirstOrDefaultAsync(ct);
        var script = await db.ThingScripts.Where(s => s.ProductId == product.Id).Select(s => s.Content).FirstOrDefaultAsync(ct);
        var classes = await db.ProductTopicClasses.Where(t => t.ProductId == product.Id).OrderBy(t => t.Id)
            .Select(t => new TopicClassCopy(t.ShortName, t.Operation, t.Description, t.IsDefault)).ToListAsync(ct);
        await peers.PostAsync<object>(peer, "/internal/federation/products", new ProductCopy(instances.SelfId, sourceUid, job.TargetUid,
            product.ProductKey, product.ProductSecret, product.Name, product.Description, product.NodeType, product.DataFormat, product.AuthType,
            product.NetType, product.DynamicRegistration, tsl, script, classes), ct);
        if (!await db.ProductDistributions.AnyAsync(p => p.ProductId == product.Id && p.TargetInstanceId == target && p.TargetUid == job.TargetUid, ct))
        {
            db.ProductDistributions.Add(new ProductDistribution { ProductId = product.Id, TargetInstanceId = target, TargetUid = job.TargetUid, JobId = job.JobId, CreatedAtMs = Now });
            await db.SaveChangesAsync(ct);
        }
    }

    async Task SendDevicesAsync(ThingyardDb db, DistributionJob job, Product product, List<DistributionItem> items, CancellationToken ct)
    {
        var names = items.Select(i => i.DeviceName).ToList();
        var devices = await db.Devices.Where(d => d.ProductId == product.Id && names.Contains(d.DeviceName)).ToDictionaryAsync(d => d.DeviceName, ct);
        var ids = devices.Values.Select(d => d.Id).ToList();
        var away = await db.DeviceDistributions.Where(x => ids.Contains(x.DeviceId)).ToDictionaryAsync(x => x.DeviceId, ct);
        var recall = job.Targets.Count == 1 && job.Targets[0] == instances.SelfId;
        var toSend = new List<Device>();
        foreach (var item in items)
        {
            if (!devices.TryGetValue(item.DeviceName, out var device)) { Fail(item, DistributionFailure.NotFound, null); continue; }
            var isAway = away.TryGetValue(device.Id, out var where);
            if (recall && !isAway) { Fail(item, DistributionFailure.AlreadyDistributed, "the device is already at this instance"); continue; }
            if (!recall && isAway && where!.JobId != job.JobId)
            { Fail(item, DistributionFailure.AlreadyDistributed, $"already distributed to {where.TargetInstanceIds}; distribute it back first"); continue; }
            toSend.Add(device);
        }

        var ok = new List<Device>();
        if (recall)
        {
            foreach (var group in toSend.GroupBy(d => away[d.Id].TargetInstanceIds))
            {
                foreach (var target in group.Key.Split(',').Where(t => t != instances.SelfId))
                {
                    var peer = instances.Peer(target) ?? throw new DistributionRefusedException($"instance {target} is not configured");
                    await peers.PostAsync<object>(peer, "/internal/federation/devices/recall",
                        new DevicesRecall(instances.SelfId, product.ProductKey, group.Select(d => d.DeviceName).ToList()), ct);
                }
                ok.AddRange(group);
            }
            db.DeviceDistributions.RemoveRange(ok.Select(d => away[d.Id]));
        }
        else if (toSend.Count > 0)
        {
            var refused = new Dictionary<string, string>();
            foreach (var target in job.Targets.Where(t => t != instances.SelfId)) // the source already holds its devices
            {
                var peer = instances.Peer(target) ?? throw new DistributionRefusedException($"instance {target} is not configured");
                var results = await peers.PostAsync<List<CopyResult>>(peer, "/internal/federation/devices", new DevicesCopy(instances.SelfId, job.TargetUid,
                    product.ProductKey, toSend.Select(d => new DeviceCopy(d.DeviceName, d.DeviceSecret, d.IotId, d.Nickname)).ToList()), ct) ?? [];
                foreach (var r in results.Where(r => r.Code != 200)) refused.TryAdd(r.DeviceName, $"{target}: {r.Reason}");
            }
            foreach (var device in toSend)
            {
                var item = items.First(i => i.DeviceName == device.DeviceName);
                if (refused.TryGetValue(device.DeviceName, out var why)) { Fail(item, DistributionFailure.TargetRefused, why); continue; }
                ok.Add(device);
                if (!away.ContainsKey(device.Id))
                    db.DeviceDistributions.Add(new DeviceDistribution
                    {
                        DeviceId = device.Id, JobId = job.JobId, Strategy = job.Strategy, TargetInstanceIds = job.TargetInstanceIds,
                        TargetUid = job.TargetUid, CreatedAtMs = Now, ModifiedAtMs = Now,
                    });
            }
            // What does not move is cleared at the source: topology, tags, groups.
            var movedIds = ok.Select(d => d.Id).ToList();
            await db.GatewayLinks.Where(l => movedIds.Contains(l.SubDeviceId) || movedIds.Contains(l.GatewayDeviceId)).ExecuteDeleteAsync(ct);
            await db.DeviceTags.Where(t => movedIds.Contains(t.DeviceId)).ExecuteDeleteAsync(ct);
            await db.DeviceGroupMembers.Where(m => movedIds.Contains(m.DeviceId)).ExecuteDeleteAsync(ct);
        }
        foreach (var device in ok)
        {
            var item = items.First(i => i.DeviceName == device.DeviceName);
            item.State = DistributionItemState.Done;
            item.Code = 200;
            item.Reason = null;
            item.TargetInstanceId = recall ? instances.SelfId : job.TargetInstanceIds;
            item.ModifiedAtMs = Now;
        }
        await db.SaveChangesAsync(ct);
        if (!recall) foreach (var device in ok) await NotifyAndDropAsync(device);
        else foreach (var device in ok) changes.Publish(DeviceChangeKind.SecretChanged, device);
    }

    void Fail(DistributionItem item, int code, string? reason)
    {
        item.State = DistributionItemState.Failed;
        item.Code = code;
        item.Reason = reason ?? DistributionFailure.Describe(code);
        item.ModifiedAtMs = Now;
    }

    /// <summary>thing.bootstrap.notify {"cmd":0} to a connected device, then the connection is closed.</summary>
    async Task NotifyAndDropAsync(Device device)
    {
        var payload = AlinkReply.Request(downlink.NextId(), "thing.bootstrap.notify", w => { w.WriteStartObject(); w.WriteNumber("cmd", 0); w.WriteEndObject(); });
        // Wherever the device is connected (another node of a cluster too); the Distributed change reaches every node.
        if (await downlink.SendToDeviceAsync(device.Id, $"/sys/{device.ProductKey}/{device.DeviceName}/thing/bootstrap/notify", payload))
        {
            _ = Task.Delay(300).ContinueWith(_ => changes.Publish(DeviceChangeKind.Distributed, device), TaskScheduler.Default);
        }
        else changes.Publish(DeviceChangeKind.Distributed, device);
    }

    long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
