// Batch registration: check names into a job (ApplyId), then create its devices in chunks; safe to resume after a crash.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class BatchRegistrar(ThingyardDb db, ProductRegistry products, DeviceRegistry devices, TimeProvider time)
{
    public const int MaxPerJob = 10_000;
    const int Chunk = 500;

    /// <summary>BatchCheckDeviceNames: validates the names and records a job; invalid or taken names make it CHECK_FAILED.</summary>
    public async Task<BatchRegistration> CheckNamesAsync(Caller caller, string productKey, IReadOnlyList<string> names, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        if (names.Count is 0 or > MaxPerJob) throw IotException.Invalid($"Give 1 to {MaxPerJob} device names.");
        var invalid = names.Where(n => !NameRules.IsValidDeviceName(n)).ToList();
        invalid.AddRange(names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key));
        invalid.AddRange(await TakenAsync(product.ProductKey, names, ct));
        var job = NewJob(product, names.Distinct().ToList(), invalid.Distinct().ToList(),
            invalid.Count == 0 ? BatchStatus.CheckSuccess : BatchStatus.CheckFailed);
        db.BatchRegistrations.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }

    /// <summary>BatchRegisterDevice: Count generated names, queued for creation at once.</summary>
    public async Task<BatchRegistration> GenerateAsync(Caller caller, string productKey, int count, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        if (count is < 1 or > MaxPerJob) throw IotException.Invalid($"Count must be between 1 and {MaxPerJob}.");
        var names = Enumerable.Range(0, count).Select(_ => Ids.Alphanumeric(20)).ToList();
        var job = NewJob(product, names, [], BatchStatus.Create);
        db.BatchRegistrations.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }

    /// <summary>BatchRegisterDeviceWithApplyId: moves a checked job to creation.</summary>
    public async Task<BatchRegistration> StartAsync(Caller caller, string productKey, long applyId, CancellationToken ct = default)
    {
        var job = await GetAsync(caller, applyId, ct);
        if (job.ProductKey != productKey) throw new IotException(IotErrors.ApplyNotFound, $"ApplyId {applyId} does not belong to product '{productKey}'.");
        if (job.Status == BatchStatus.CheckFailed)
            throw new IotException(IotErrors.ApplyNotReady, $"ApplyId {applyId} failed its name check: {job.InvalidNamesJson}");
        if (job.Status != BatchStatus.CheckSuccess) return job;
        job.Status = BatchStatus.Create;
        await db.SaveChangesAsync(ct);
        return job;
    }

    public Task<BatchRegistration> GetAsync(Caller caller, long applyId, CancellationToken ct = default) =>
        db.BatchRegistrations.FindVisibleAsync(caller, j => j.Id == applyId,
            () => new IotException(IotErrors.ApplyNotFound, $"ApplyId {applyId} does not exist."), ct);

    public Task<List<long>> PendingAsync(CancellationToken ct = default) =>
        db.BatchRegistrations.Where(j => j.Status == BatchStatus.Create).OrderBy(j => j.Id).Select(j => j.Id).ToListAsync(ct);

    /// <summary>Creates the job's devices chunk by chunk, skipping names already created, then marks it done.</summary>
    public async Task RunAsync(long applyId, CancellationToken ct = default)
    {
        var job = await db.BatchRegistrations.FirstAsync(j => j.Id == applyId, ct);
        if (job.Status != BatchStatus.Create) return;
        var product = await db.Products.FirstAsync(p => p.Id == job.ProductId, ct);
        var names = JsonSerializer.Deserialize<List<string>>(job.NamesJson) ?? [];
        var invalid = JsonSerializer.Deserialize<List<string>>(job.InvalidNamesJson) ?? [];
        var pending = names.Except(invalid).ToList();
        foreach (var chunk in pending.Chunk(Chunk))
        {
            var ours = await db.Devices.Where(d => d.ApplyId == job.Id && chunk.Contains(d.DeviceName)).Select(d => d.DeviceName).ToListAsync(ct);
            var taken = (await TakenAsync(product.ProductKey, chunk, ct)).Except(ours).ToList();
            invalid.AddRange(taken);
            foreach (var name in chunk.Except(ours).Except(taken))
                db.Devices.Add(devices.NewDevice(product, name, null, job.Id));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.BatchRegistrations.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, BatchStatus.CreateSuccess)
            .SetProperty(j => j.InvalidNamesJson, JsonSerializer.Serialize(invalid.Distinct()))
            .SetProperty(j => j.FinishedAtMs, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    public async Task<(List<Device> Devices, int Total)> DevicesAsync(Caller caller, long applyId, Paging paging, CancellationToken ct = default)
    {
        var job = await GetAsync(caller, applyId, ct);
        var query = db.Devices.VisibleTo(caller).Where(d => d.ApplyId == job.Id);
        return (await query.OrderBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await query.CountAsync(ct));
    }

    public static (List<string> Valid, List<string> Invalid) Lists(BatchRegistration job)
    {
        var names = JsonSerializer.Deserialize<List<string>>(job.NamesJson) ?? [];
        var invalid = JsonSerializer.Deserialize<List<string>>(job.InvalidNamesJson) ?? [];
        return (names.Except(invalid).ToList(), invalid);
    }

    /// <summary>A job for names already checked (a production batch's), ready for the worker; added, not saved.</summary>
    public BatchRegistration AddQueued(Product product, List<string> names)
    {
        var job = NewJob(product, names, [], BatchStatus.Create);
        db.BatchRegistrations.Add(job);
        return job;
    }

    /// <summary>Which of the names the product already has.</summary>
    public async Task<List<string>> TakenAsync(string productKey, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var taken = new List<string>();
        foreach (var chunk in names.Chunk(Chunk))
            taken.AddRange(await db.Devices.Where(d => d.ProductKey == productKey && chunk.Contains(d.DeviceName)).Select(d => d.DeviceName).ToListAsync(ct));
        return taken;
    }

    BatchRegistration NewJob(Product product, List<string> names, List<string> invalid, string status) => new()
    {
        AccountId = product.AccountId, ProductId = product.Id, ProductKey = product.ProductKey, Count = names.Count,
        Status = status, NamesJson = JsonSerializer.Serialize(names), InvalidNamesJson = JsonSerializer.Serialize(invalid),
        CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };
}
