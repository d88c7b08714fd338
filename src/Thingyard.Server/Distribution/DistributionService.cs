// What the RPC actions and the REST API share: creating jobs against the federation (checking target instances,
// consuming cross-account codes at the target), asking a target account for a code, and listing what was distributed.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Distribution;
using Thingyard.Storage;

namespace Thingyard.Server.Distribution;

public sealed record DistributedDeviceRow(string DeviceName, string ProductKey, long GmtCreate, long GmtModified, string TargetInstanceIds, string TargetUid, string JobId);

public sealed record DistributedProductRow(string ProductKey, long GmtCreate, string TargetInstanceId, string TargetUid, string JobId);

public sealed class DistributionService(DistributionJobs jobs, InstanceDirectory instances, PeerClient peers, DistributionWorker worker,
    ThingyardDb db)
{
    public async Task<DistributionJob> CreateAsync(Caller caller, NewDistribution request, CancellationToken ct)
    {
        var job = await jobs.CreateAsync(caller, instances.SelfId, request,
            id => instances.Find(id) is not null,
            async (target, targetUid, code) =>
            {
                var sourceUid = await db.Accounts.Of(caller).Select(a => a.Uid).FirstAsync(ct);
                var peer = instances.Peer(target) ?? throw IotException.Invalid($"Instance {target} is not part of this federation.");
                try { await peers.PostAsync<object>(peer, "/internal/federation/auth-codes/use", new AuthCodeUse(targetUid, sourceUid, code), ct); }
                catch (PeerCallException e) { throw new IotException(DistributionJobs.InvalidJob, $"The target refused the authorization code: {e.Message}"); }
            }, ct);
        worker.Wake();
        return job;
    }

    /// <summary>Asks the target instance to issue a code to the target account's inbox (valid 5 minutes).</summary>
    public async Task RequestCodeAsync(Caller caller, string targetInstanceId, string targetUid, CancellationToken ct)
    {
        var peer = instances.Peer(targetInstanceId) ?? throw IotException.Invalid($"Instance {targetInstanceId} is not part of this federation.");
        var sourceUid = await db.Accounts.Of(caller).Select(a => a.Uid).FirstAsync(ct);
        try { await peers.PostAsync<object>(peer, "/internal/federation/auth-codes", new AuthCodeRequest(targetUid, sourceUid, instances.SelfId), ct); }
        catch (PeerCallException e) { throw new IotException(DistributionJobs.InvalidJob, $"The target could not issue a code: {e.Message}"); }
    }

    public async Task<DistributionJob> RetryAsync(Caller caller, string jobId, CancellationToken ct)
    {
        var job = await jobs.RetryAsync(caller, jobId, ct);
        worker.Wake();
        return job;
    }

    public async Task<(List<DistributedDeviceRow> Rows, int Total)> DistributedDevicesAsync(Caller caller, string? productKey, string? deviceName,
        string? targetUid, Paging paging, CancellationToken ct)
    {
        var q = from x in db.DeviceDistributions
                join d in db.Devices.VisibleTo(caller) on x.DeviceId equals d.Id
                select new { x, d };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(r => r.d.ProductKey == productKey);
        if (!string.IsNullOrEmpty(deviceName)) q = q.Where(r => r.d.DeviceName == deviceName);
        if (!string.IsNullOrEmpty(targetUid)) q = q.Where(r => r.x.TargetUid == targetUid);
        var rows = await q.OrderByDescending(r => r.x.CreatedAtMs).Skip(paging.Skip).Take(paging.PageSize)
            .Select(r => new DistributedDeviceRow(r.d.DeviceName, r.d.ProductKey, r.x.CreatedAtMs, r.x.ModifiedAtMs, r.x.TargetInstanceIds, r.x.TargetUid, r.x.JobId))
            .ToListAsync(ct);
        return (rows, await q.CountAsync(ct));
    }

    public async Task<(List<DistributedProductRow> Rows, int Total)> DistributedProductsAsync(Caller caller, string? productKey, string? targetInstanceId,
        string? targetUid, Paging paging, CancellationToken ct)
    {
        var q = from x in db.ProductDistributions
                join p in db.Products.VisibleTo(caller) on x.ProductId equals p.Id
                select new { x, p };
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(r => r.p.ProductKey == productKey);
        if (!string.IsNullOrEmpty(targetInstanceId)) q = q.Where(r => r.x.TargetInstanceId == targetInstanceId);
        if (!string.IsNullOrEmpty(targetUid)) q = q.Where(r => r.x.TargetUid == targetUid);
        var rows = await q.OrderByDescending(r => r.x.CreatedAtMs).Skip(paging.Skip).Take(paging.PageSize)
            .Select(r => new DistributedProductRow(r.p.ProductKey, r.x.CreatedAtMs, r.x.TargetInstanceId, r.x.TargetUid, r.x.JobId))
            .ToListAsync(ct);
        return (rows, await q.CountAsync(ct));
    }
}
