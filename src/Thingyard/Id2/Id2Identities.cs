// ID² identities of a product: generated in batches for a production line (keys made here, sealed under the master key)
// or imported for chips provisioned elsewhere; exported as a provisioning file; suspended, resumed or revoked.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Protocol.Id2;
using Thingyard.Storage;

namespace Thingyard.Id2;

public sealed record Id2ImportRejection(int Line, string Id2, string Error);

public sealed record Id2Export(string FileName, string ContentType, byte[] Content, int Count);

public sealed class Id2Identities(ThingyardDb db, Id2Products products, SecretProtector secrets, TimeProvider time)
{
    public const int MaxBatch = 10_000;
    /// <summary>RSA and SM2 keys take milliseconds each to make; their batches are smaller.</summary>
    public const int MaxAsymmetricBatch = 1_000;
    public const int MaxImportLines = 10_000;

    /// <summary>CreateId2Batch: <paramref name="count"/> new identities with keys of the product's key type (or
    /// <paramref name="keyType"/>).</summary>
    public async Task<Id2Batch> GenerateAsync(Caller caller, string productKey, int count, string? keyType, string actor, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        caller.RequireChange(product);
        if (!Id2KeyTypes.TryParse(keyType ?? product.KeyType, out var type)) throw IotException.Invalid("KeyType must be aes, 3des, sm4, rsa or sm2.");
        var max = type.IsSymmetric() ? MaxBatch : MaxAsymmetricBatch;
        if (count < 1 || count > max) throw IotException.Invalid($"Count must be between 1 and {max:N0} for {type.Name()} keys.");
        var batch = NewBatch(product, "generated", type, actor);
        batch.Count = count;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Id2Batches.Add(batch);
        await db.SaveChangesAsync(ct);
        var made = new HashSet<string>();
        while (made.Count < count)
        {
            var id2 = Id2Identifier.New();
            if (made.Add(id2)) db.Id2Identities.Add(NewIdentity(product, batch, id2, Id2Key.Generate(type), now));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch;
    }

    /// <summary>ImportId2Identities: lines "id2,key" (a header line and blank lines are skipped); a bad line is refused
    /// with its reason and the rest imported. Keys are hex (AES, 3DES, SM4, SM2) or base64 DER (RSA); an asymmetric key
    /// may be the public key alone.</summary>
    public async Task<(Id2Batch Batch, List<Id2ImportRejection> Rejected)> ImportAsync(Caller caller, string productKey, string keyType, string csv,
        string actor, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        caller.RequireChange(product);
        if (!Id2KeyTypes.TryParse(keyType, out var type)) throw IotException.Invalid("KeyType must be aes, 3des, sm4, rsa or sm2.");
        var lines = csv.Replace("\r\n", "\n").Split('\n');
        if (lines.Length > MaxImportLines + 1) throw IotException.Invalid($"At most {MaxImportLines:N0} identities per import.");
        var parsed = new List<(int Line, string Id2, Id2Key Key)>();
        var rejected = new List<Id2ImportRejection>();
        var seen = new HashSet<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || i == 0 && line.StartsWith("id2", StringComparison.OrdinalIgnoreCase)) continue;
            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            var id2 = Id2Identifier.Normalize(cells[0]);
            if (id2 is null) { rejected.Add(new(i + 1, Clip(cells[0]), "not an ID² (24 hexadecimal characters)")); continue; }
            if (cells.Length < 2 || cells[^1].Length == 0) { rejected.Add(new(i + 1, id2, "no key")); continue; }
            if (!seen.Add(id2)) { rejected.Add(new(i + 1, id2, "listed twice")); continue; }
            try { parsed.Add((i + 1, id2, Id2Key.Parse(type, cells[^1]))); }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
            { rejected.Add(new(i + 1, id2, $"not a {type.Name()} key: {e.Message}")); }
        }
        var ids = parsed.Select(p => p.Id2).ToList();
        var existing = (await db.Id2Identities.Where(x => ids.Contains(x.Id2)).Select(x => x.Id2).ToListAsync(ct)).ToHashSet();
        foreach (var p in parsed.Where(p => existing.Contains(p.Id2))) rejected.Add(new(p.Line, p.Id2, "this ID² already exists"));
        parsed.RemoveAll(p => existing.Contains(p.Id2));
        if (parsed.Count == 0) throw IotException.Invalid($"No identity could be imported: {string.Join("; ", rejected.Take(5).Select(r => $"line {r.Line}: {r.Error}"))}.");

        var batch = NewBatch(product, "imported", type, actor);
        batch.Count = parsed.Count;
        batch.RejectedJson = JsonSerializer.Serialize(rejected.OrderBy(r => r.Line));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Id2Batches.Add(batch);
        await db.SaveChangesAsync(ct);
        foreach (var p in parsed) db.Id2Identities.Add(NewIdentity(product, batch, p.Id2, p.Key, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (batch, rejected.OrderBy(r => r.Line).ToList());
    }

    /// <summary>ExportId2Batch: the batch's provisioning file; every export is counted on the batch.</summary>
    public async Task<Id2Export> ExportAsync(Caller caller, string batchId, string format, CancellationToken ct = default)
    {
        var batch = await db.Id2Batches.VisibleTo(caller).FirstOrDefaultAsync(b => b.BatchId == batchId, ct) ?? throw BatchNotFound(batchId);
        caller.RequireChange(batch);
        if (!Id2Provisioning.Formats.Contains(format)) throw IotException.Invalid("Format must be csv or km-demo.");
        var rows = await db.Id2Identities.AsNoTracking().Where(i => i.BatchId == batch.Id && i.HasPrivateKey).OrderBy(i => i.Id)
            .Select(i => new { i.Id2, i.KeyType, i.KeyMaterial }).ToListAsync(ct);
        if (rows.Count == 0) throw IotException.Invalid("This batch has no identity whose private key is known here (imported public keys stay with their chips).");
        var identities = rows.Select(r =>
        {
            Id2KeyTypes.TryParse(r.KeyType, out var type);
            return (r.Id2, Id2Key.Parse(type, secrets.OpenValue(r.KeyMaterial)));
        }).ToList();
        Id2Export export;
        try
        {
            export = format == Id2Provisioning.Csv
                ? new($"{batch.BatchId}.csv", "text/csv", System.Text.Encoding.UTF8.GetBytes(Id2Provisioning.CsvOf(identities)), identities.Count)
                : new($"{batch.BatchId}-km-demo.zip", "application/zip", Id2Provisioning.KmDemoZip(identities), identities.Count);
        }
        catch (InvalidOperationException e) { throw IotException.Invalid(e.Message); }
        batch.ExportCount++;
        batch.LastExportAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return export;
    }

    public async Task<Page<Id2Batch>> ListBatchesAsync(Caller caller, string productKey, Paging paging, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var rows = db.Id2Batches.AsNoTracking().VisibleTo(caller).Where(b => b.Id2ProductId == product.Id);
        return new(await rows.OrderByDescending(b => b.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await rows.CountAsync(ct), paging);
    }

    public async Task<Page<Id2Identity>> ListAsync(Caller caller, string productKey, string? batchId, string? status, Paging paging, CancellationToken ct = default,
        string? id2 = null)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var rows = db.Id2Identities.AsNoTracking().VisibleTo(caller).Where(i => i.Id2ProductId == product.Id);
        if (id2 is not null) rows = rows.Where(i => i.Id2 == id2.ToUpperInvariant());
        if (batchId is not null)
        {
            var batch = await db.Id2Batches.VisibleTo(caller).FirstOrDefaultAsync(b => b.BatchId == batchId, ct) ?? throw BatchNotFound(batchId);
            rows = rows.Where(i => i.BatchId == batch.Id);
        }
        if (status is not null) rows = rows.Where(i => i.Status == status);
        return new(await rows.OrderBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await rows.CountAsync(ct), paging);
    }

    /// <summary>The identity with this ID² in the caller's account.</summary>
    public async Task<Id2Identity> GetAsync(Caller caller, string id2, CancellationToken ct = default)
    {
        var normal = Id2Identifier.Normalize(id2);
        return await db.Id2Identities.VisibleTo(caller).FirstOrDefaultAsync(i => i.Id2 == normal, ct)
            ?? throw new IotException(IotErrors.Id2NotFound, $"ID² {id2} does not exist.");
    }

    /// <summary>SetId2Status: "suspended" (verification answers 45), back to "active", or "revoked" for good (46).</summary>
    public async Task<Id2Identity> SetStatusAsync(Caller caller, string id2, string status, CancellationToken ct = default)
    {
        var identity = await GetAsync(caller, id2, ct);
        caller.RequireChange(identity);
        if (identity.Status == Id2Status.Revoked) throw IotException.Invalid($"ID² {identity.Id2} is revoked for good.");
        identity.Status = status switch
        {
            Id2Status.Suspended => Id2Status.Suspended,
            "active" => identity.ActivatedAtMs is null ? Id2Status.Issued : Id2Status.Activated,
            Id2Status.Revoked => Id2Status.Revoked,
            _ => throw IotException.Invalid("Status must be suspended, active or revoked."),
        };
        await db.SaveChangesAsync(ct);
        return identity;
    }

    public static IotException BatchNotFound(string batchId) => new(IotErrors.Id2BatchNotFound, $"The ID² batch '{batchId}' does not exist.");

    Id2Batch NewBatch(Id2Product product, string source, Id2KeyType type, string actor) => new()
    {
        AccountId = product.AccountId, Id2ProductId = product.Id, BatchId = "id2b_" + Ids.Alphanumeric(16), Source = source,
        Carrier = product.Carrier, KeyType = type.Name(), CreatedBy = actor, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    Id2Identity NewIdentity(Id2Product product, Id2Batch batch, string id2, Id2Key key, long now) => new()
    {
        AccountId = product.AccountId, Id2ProductId = product.Id, Id2 = id2, KeyType = key.Type.Name(), KeyMaterial = secrets.SealValue(key.Material),
        HasPrivateKey = key.HasPrivate, BatchId = batch.Id, CreatedAtMs = now,
    };

    static string Clip(string s) => s.Length > 48 ? s[..48] : s;
}
