// Distribution jobs at the source: creating them (with every rule checked up front), reading them back, retrying and
// deleting. The work itself is done by the server's DistributionWorker.
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Distribution;

public sealed record NewDistribution(string Kind, string ProductKey, IReadOnlyList<string> DeviceNames, int Strategy,
    IReadOnlyList<string> TargetInstanceIds, string? TargetUid, string? TargetAliyunId, string? AuthCode);

public sealed class DistributionJobs(ThingyardDb db, TimeProvider time)
{
    public const int MaxDevicesPerJob = 1000;
    public const int MaxOpenJobsPerAccount = 10;

    public const string JobNotFound = "iot.distribution.NotExistedJob";
    public const string InvalidJob = "iot.distribution.InvalidJob";
    public const string TooManyJobs = "iot.distribution.TooManyJobs";
    public const string CopyReadOnly = "iot.distribution.ReadOnlyCopy";
    public const string DistributedAway = "iot.distribution.DeviceDistributed";

    /// <summary>Checks the request and records the job with one pending item per device. <paramref name="knownInstance"/>
    /// says whether an instance id is this instance or a peer; <paramref name="consumeCode"/> uses a cross-account code.</summary>
    public async Task<DistributionJob> CreateAsync(Caller caller, string selfInstanceId, NewDistribution request, Func<string, bool> knownInstance,
        Func<string, string, string, Task> consumeCode, CancellationToken ct = default)
    {
        var account = await db.Accounts.Of(caller).FirstAsync(ct);
        var product = await db.Products.FindVisibleAsync(caller, p => p.ProductKey == request.ProductKey, () => IotException.ProductNotFound(request.ProductKey), ct);
        if (product.IsDistributedCopy)
            throw new IotException(CopyReadOnly, $"Product {product.ProductKey} was distributed to this instance from {product.SourceInstanceId}; distribute it from there.");
        caller.RequireChange(product);
        if (await db.DeviceTransfers.AnyAsync(t => t.ProductId == product.Id && (t.Status == Sharing.TransferStatus.Pending || t.Status == Sharing.TransferStatus.Accepted), ct))
            throw new IotException(IotErrors.AuthorizationConflictsWithDistribution,
                $"Devices of product {product.ProductKey} are being (or were) transferred to another account; transfer and distribution cannot be used on the same product or device.");
        if (product.IsPublic || await db.ProductAuthorizations.AnyAsync(g => g.ProductId == product.Id, ct))
            throw new IotException(IotErrors.AuthorizationConflictsWithDistribution,
                $"Product {product.ProductKey} (or devices of it) is authorized to another account{(product.IsPublic ? " or to the public pool" : "")}; authorization and distribution cannot be used on the same product or device.");
        if (request.Strategy is not (0 or 1)) throw IotException.Invalid("Strategy must be 0 (specified region) or 1 (nearest access).");
        var targets = request.TargetInstanceIds.Where(t => t.Length > 0).Distinct().ToList();
        if (targets.Count == 0) throw IotException.Invalid("Name the target instance (TargetInstanceId / TargetInstanceConfig.N.TargetInstanceId).");
        if (targets.FirstOrDefault(t => !knownInstance(t)) is { } unknown) throw IotException.Invalid($"Instance {unknown} is not part of this federation.");
        if (request.Strategy == 0 && targets.Count != 1) throw IotException.Invalid("The specified-region strategy takes exactly one target instance.");
        // The source may be a nearest-access candidate (its devices near it stay), but not the only one.
        if (request.Strategy == 1 && targets.All(t => t == selfInstanceId))
            throw IotException.Invalid("Nearest access needs at least one candidate besides this (the source) instance.");
        if (request.Kind == "product" && targets.Contains(selfInstanceId)) throw IotException.Invalid("A product is already at its source instance.");
        if (request.Kind == "product" && request.Strategy == 1) throw IotException.Invalid("Nearest access cannot distribute a product alone; distribute its devices.");
        var targetUid = request.TargetUid ?? request.TargetAliyunId ?? account.Uid;
        var crossAccount = targetUid != account.Uid;
        if (crossAccount && request.Strategy == 1) throw IotException.Invalid("Nearest access is not available across accounts.");
        if (crossAccount && targets.Contains(selfInstanceId)) throw IotException.Invalid("Cross-account distribution within one instance is not supported.");
        var names = request.DeviceNames.Where(n => n.Length > 0).Distinct().ToList();
        if (request.Kind == "device" && names.Count is 0 or > MaxDevicesPerJob)
            throw IotException.Invalid($"A job distributes 1 to {MaxDevicesPerJob} devices.");
        var open = await db.DistributionJobs.OwnedBy(caller.AccountId).CountAsync(j => j.Status < DistributionStatus.Completed, ct);
        if (open >= MaxOpenJobsPerAccount) throw new IotException(TooManyJobs, $"An account runs at most {MaxOpenJobsPerAccount} distribution jobs at a time.");
        if (crossAccount)
        {
            if (string.IsNullOrEmpty(request.AuthCode))
                throw IotException.Invalid("Cross-account distribution needs the receiving account's authorization code (AuthCode).");
            await consumeCode(targets[0], targetUid, request.AuthCode);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var job = new DistributionJob
        {
            JobId = "dj_" + Ids.Alphanumeric(20), AccountId = caller.AccountId, Kind = request.Kind, ProductKey = product.ProductKey,
            SourceInstanceId = selfInstanceId, TargetUid = targetUid, TargetAliyunId = request.TargetAliyunId, Strategy = request.Strategy,
            TargetInstanceIds = string.Join(',', targets), Total = names.Count, AuthCode = crossAccount ? "used" : null,
            CreatedAtMs = now, ModifiedAtMs = now,
        };
        db.DistributionJobs.Add(job);
        await db.SaveChangesAsync(ct);
        db.DistributionItems.AddRange(names.Select(n => new DistributionItem { JobId = job.Id, DeviceName = n, ModifiedAtMs = now }));
        await db.SaveChangesAsync(ct);
        return job;
    }

    public Task<DistributionJob> GetAsync(Caller caller, string jobId, CancellationToken ct = default) =>
        db.DistributionJobs.AsNoTracking().FindVisibleAsync(caller, j => j.JobId == jobId, () => NotFound(jobId), ct);

    static IotException NotFound(string jobId) => new(JobNotFound, $"The distribution job '{jobId}' does not exist.");

    public async Task<(List<DistributionJob> Jobs, int Total)> ListAsync(Caller caller, string? productKey, int? status, string? targetUid, string? jobId,
        Paging paging, CancellationToken ct = default)
    {
        var q = db.DistributionJobs.AsNoTracking().VisibleTo(caller).Where(j => j.Kind == "device");
        if (!string.IsNullOrEmpty(productKey)) q = q.Where(j => j.ProductKey == productKey);
        if (status is { } s) q = q.Where(j => j.Status == s);
        if (!string.IsNullOrEmpty(targetUid)) q = q.Where(j => j.TargetUid == targetUid);
        if (!string.IsNullOrEmpty(jobId)) q = q.Where(j => j.JobId == jobId);
        return (await q.OrderByDescending(j => j.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await q.CountAsync(ct));
    }

    /// <summary>Failed devices (other than missing ones) go back to pending and the job runs again; done devices are not redone.</summary>
    public async Task<DistributionJob> RetryAsync(Caller caller, string jobId, CancellationToken ct = default)
    {
        var job = await db.DistributionJobs.FindVisibleAsync(caller, j => j.JobId == jobId, () => NotFound(jobId), ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.DistributionItems.Where(i => i.JobId == job.Id && i.State == DistributionItemState.Failed && i.Code != DistributionFailure.NotFound)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, DistributionItemState.Pending).SetProperty(i => i.ModifiedAtMs, now), ct);
        job.Status = DistributionStatus.Initialising;
        job.Error = null;
        job.ModifiedAtMs = now;
        await db.SaveChangesAsync(ct);
        return job;
    }

    /// <summary>Deletes the job's record; what it distributed stays distributed.</summary>
    public async Task DeleteAsync(Caller caller, string jobId, CancellationToken ct = default)
    {
        var job = await db.DistributionJobs.FindVisibleAsync(caller, j => j.JobId == jobId, () => NotFound(jobId), ct);
        if (job.Status < DistributionStatus.Completed) throw new IotException(InvalidJob, "A job that is still running cannot be deleted.");
        db.DistributionJobs.Remove(job);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Done and failed devices of each job (the console's progress column), counted in the database.</summary>
    public async Task<Dictionary<long, (int Done, int Failed)>> ProgressAsync(IReadOnlyCollection<DistributionJob> jobs, CancellationToken ct = default)
    {
        var ids = jobs.Select(j => j.Id).ToList();
        var counts = await db.DistributionItems.Where(i => ids.Contains(i.JobId) && i.State != DistributionItemState.Pending)
            .GroupBy(i => new { i.JobId, i.State }).Select(g => new { g.Key.JobId, g.Key.State, Count = g.Count() }).ToListAsync(ct);
        return ids.ToDictionary(id => id, id => (
            counts.Where(c => c.JobId == id && c.State == DistributionItemState.Done).Sum(c => c.Count),
            counts.Where(c => c.JobId == id && c.State == DistributionItemState.Failed).Sum(c => c.Count)));
    }

    /// <summary>One page of a job's per-device results, the job found through the access layer first.</summary>
    public async Task<(List<DistributionItem> Items, int Total)> ItemsAsync(Caller caller, string jobId, Paging paging, CancellationToken ct = default)
    {
        var job = await GetAsync(caller, jobId, ct);
        var q = db.DistributionItems.AsNoTracking().Where(i => i.JobId == job.Id);
        return (await q.OrderBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await q.CountAsync(ct));
    }

    public Task<List<DistributionItem>> ItemsAsync(long jobId, CancellationToken ct = default) =>
        db.DistributionItems.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Id).ToListAsync(ct);

    /// <summary>The per-device result file: DeviceName,Code,Result,TargetInstanceId.</summary>
    public static string ResultCsv(IEnumerable<DistributionItem> items)
    {
        var csv = new StringBuilder("DeviceName,Code,Result,TargetInstanceId\n");
        foreach (var i in items)
        {
            var code = i.State == DistributionItemState.Pending ? 0 : i.Code;
            var result = ResultOf(i);
            csv.Append(Csv(i.DeviceName)).Append(',').Append(code).Append(',').Append(Csv(result)).Append(',').Append(Csv(i.TargetInstanceId ?? "")).Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>What became of one device, in words: "pending", "distributed", or why not.</summary>
    public static string ResultOf(DistributionItem i) =>
        i.State == DistributionItemState.Pending ? "pending" : i.Reason ?? DistributionFailure.Describe(i.Code);

    static string Csv(string v) => v.IndexOfAny([',', '"', '\n', '\r']) < 0 ? v : "\"" + v.Replace("\"", "\"\"") + "\"";
}
