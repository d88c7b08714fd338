// Production batches of a released product: names checked line by line, one activation code spent per valid name in
// the same transaction that records the batch, then the devices created by a batch registration job (its resumable
// worker). Activation is counted from the devices themselves: the broker stamps ActivatedAtMs on a first connect.
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Lifecycle;

/// <summary>A batch with what its job has done so far.</summary>
public sealed record ProductionBatchSummary(ProductionBatch Batch, string ProductKey, string Status, int Created, int Activated)
{
    public IReadOnlyList<RejectedName> Rejected => ProductionBatches.RejectedOf(Batch);
}

public sealed class ProductionBatches(ThingyardDb db, ProductRegistry products, BatchRegistrar registrar, ActivationQuotas quotas, TimeProvider time)
{
    public const string FromCount = "count";
    public const string FromNames = "names";
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>CreateProductionBatch: either <paramref name="count"/> generated names or the uploaded
    /// <paramref name="names"/>; refused whole (nothing spent) when the product is not released, no name is valid or the
    /// account has fewer codes left than valid names.</summary>
    public async Task<ProductionBatch> CreateAsync(Caller caller, string productKey, int? count, IReadOnlyList<UploadedName>? names, string actor,
        CancellationToken ct = default)
    {
        if ((count is null) == (names is null)) throw IotException.Invalid("Give either Count or the device names, not both.");
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        if (product.ReleaseState != ReleaseStates.Released)
            throw new IotException(IotErrors.ProductNotReleased,
                $"The product '{productKey}' is not released (it is {product.ReleaseState}); only released products enter mass production.");

        List<string> valid;
        List<RejectedName> rejected = [];
        if (count is { } n)
        {
            if (n is < 1 or > NameUpload.MaxNames) throw IotException.Invalid($"Count must be between 1 and {NameUpload.MaxNames:N0}.");
            valid = Enumerable.Range(0, n).Select(_ => Ids.Alphanumeric(20)).ToList();
        }
        else
        {
            (valid, rejected) = await CheckAsync(product, names!, ct);
            if (valid.Count == 0)
                throw new IotException(IotErrors.NoValidName, names!.Count == 0 ? "The upload holds no device name."
                    : "No uploaded name can be used: " + string.Join("; ", rejected.Take(5).Select(r => $"line {r.Line} '{r.Name}': {r.Error}"))
                      + (rejected.Count > 5 ? $"; and {rejected.Count - 5} more" : ""));
        }

        // The codes and the batch are one transaction: a refused spend leaves nothing behind, a failed insert gives the codes back.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await quotas.TrySpendAsync(product.AccountId, valid.Count, ct))
        {
            var left = await quotas.SummaryAsync(product.AccountId, ct);
            throw new IotException(IotErrors.QuotaExceeded,
                $"The batch needs {valid.Count:N0} activation codes but only {left.Remaining:N0} remain; ask the platform operator for more.");
        }
        var job = registrar.AddQueued(product, valid);
        await db.SaveChangesAsync(ct);
        var batch = new ProductionBatch
        {
            AccountId = product.AccountId, ProductId = product.Id, BatchId = "pb_" + Ids.Alphanumeric(16), ApplyId = job.Id,
            Source = count is null ? FromNames : FromCount, Requested = count ?? names!.Count, Codes = valid.Count,
            RejectedJson = JsonSerializer.Serialize(rejected, Web), CreatedBy = actor.Length > 128 ? actor[..128] : actor,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ProductionBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch;
    }

    /// <summary>Valid names in upload order; invalid names, repeats of an earlier line and names the product already has
    /// are rejected with their line.</summary>
    async Task<(List<string> Valid, List<RejectedName> Rejected)> CheckAsync(Product product, IReadOnlyList<UploadedName> names, CancellationToken ct)
    {
        var rejected = new List<RejectedName>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<UploadedName>();
        foreach (var n in names)
        {
            if (!NameRules.IsValidDeviceName(n.Name))
                rejected.Add(new RejectedName(n.Line, Shown(n.Name), "invalid name: use 4 to 32 characters from letters, digits and - _ @ . :"));
            else if (firstLine.TryGetValue(n.Name, out var first))
                rejected.Add(new RejectedName(n.Line, n.Name, $"duplicate of line {first}"));
            else
            {
                firstLine[n.Name] = n.Line;
                candidates.Add(n);
            }
        }
        var taken = (await registrar.TakenAsync(product.ProductKey, candidates.Select(c => c.Name).ToList(), ct)).ToHashSet(StringComparer.Ordinal);
        rejected.AddRange(candidates.Where(c => taken.Contains(c.Name)).Select(c => new RejectedName(c.Line, c.Name, "already exists in the product")));
        return (candidates.Where(c => !taken.Contains(c.Name)).Select(c => c.Name).ToList(), rejected.OrderBy(r => r.Line).ToList());
    }

    static string Shown(string name) => name.Length > 64 ? name[..64] + "..." : name;

    public async Task<ProductionBatchSummary> GetAsync(Caller caller, string batchId, CancellationToken ct = default)
    {
        var batch = await db.ProductionBatches.AsNoTracking().FindVisibleAsync(caller, b => b.BatchId == batchId, () => NotFound(batchId), ct);
        return (await SummariesAsync(db.ProductionBatches.Where(b => b.Id == batch.Id), ct)).Single();
    }

    /// <summary>QueryProductionBatchList: the caller's batches, newest first, optionally of one product.</summary>
    public async Task<Page<ProductionBatchSummary>> ListAsync(Caller caller, string? productKey, Paging paging, CancellationToken ct = default)
    {
        var query = db.ProductionBatches.VisibleTo(caller);
        if (productKey is not null)
        {
            var product = await products.GetAsync(caller, productKey, ct);
            query = query.Where(b => b.ProductId == product.Id);
        }
        var total = await query.CountAsync(ct);
        var items = await SummariesAsync(query.OrderByDescending(b => b.Id).Skip(paging.Skip).Take(paging.PageSize), ct);
        return new Page<ProductionBatchSummary>(items, total, paging);
    }

    async Task<List<ProductionBatchSummary>> SummariesAsync(IQueryable<ProductionBatch> batches, CancellationToken ct)
    {
        var rows = await (
            from b in batches.AsNoTracking()
            join j in db.BatchRegistrations on b.ApplyId equals j.Id
            select new
            {
                Batch = b, j.ProductKey, j.Status,
                Created = db.Devices.Count(d => d.ApplyId == b.ApplyId),
                Activated = db.Devices.Count(d => d.ApplyId == b.ApplyId && d.ActivatedAtMs != null),
            }).ToListAsync(ct);
        return rows.Select(r => new ProductionBatchSummary(r.Batch, r.ProductKey, r.Status, r.Created, r.Activated)).OrderByDescending(s => s.Batch.Id).ToList();
    }

    /// <summary>The batch's credentials as the caller may see them.</summary>
    public async Task<string> CredentialsCsvAsync(Caller caller, string batchId, CancellationToken ct = default) =>
        await CredentialsCsvAsync(await db.ProductionBatches.AsNoTracking().FindVisibleAsync(caller, b => b.BatchId == batchId, () => NotFound(batchId), ct), ct);

    /// <summary>The batch's credentials for a signed link (the signature, checked by the caller, is the permission); null
    /// when there is no such batch.</summary>
    public async Task<string?> CredentialsCsvForLinkAsync(string batchId, CancellationToken ct = default) =>
        await db.ProductionBatches.AsNoTracking().FirstOrDefaultAsync(b => b.BatchId == batchId, ct) is { } batch
            ? await CredentialsCsvAsync(batch, ct) : null;

    /// <summary>ProductKey,DeviceName,DeviceSecret for each device created so far (and ProductSecret when the product
    /// registers devices dynamically).</summary>
    async Task<string> CredentialsCsvAsync(ProductionBatch batch, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking().FirstAsync(p => p.Id == batch.ProductId, ct);
        var devices = await db.Devices.AsNoTracking().Where(d => d.ApplyId == batch.ApplyId).OrderBy(d => d.Id)
            .Select(d => new { d.DeviceName, d.DeviceSecret }).ToListAsync(ct);
        var dynamic = product.DynamicRegistration;
        var csv = new StringBuilder(dynamic ? "ProductKey,DeviceName,DeviceSecret,ProductSecret\n" : "ProductKey,DeviceName,DeviceSecret\n");
        foreach (var d in devices)
            csv.Append(product.ProductKey).Append(',').Append(d.DeviceName).Append(',').Append(d.DeviceSecret)
                .Append(dynamic ? "," + product.ProductSecret : "").Append('\n');
        return csv.ToString();
    }

    public static IReadOnlyList<RejectedName> RejectedOf(ProductionBatch batch) =>
        JsonSerializer.Deserialize<List<RejectedName>>(batch.RejectedJson, Web) ?? [];

    static IotException NotFound(string batchId) => new(IotErrors.BatchNotFound, $"The production batch '{batchId}' does not exist.");
}
