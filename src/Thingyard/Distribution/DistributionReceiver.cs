// The receiving side of distribution: read-only copies of products, device certificates (UNACTIVE until they connect),
// recalls when devices are distributed back, and the one-time codes a receiving account issues for cross-account jobs.
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.ThingModels;
using Thingyard.Topics;
using Thingyard.Protocol.Topics;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Distribution;

public sealed class DistributionRefusedException(string message) : Exception(message);

public sealed class DistributionReceiver(IDbContextFactory<ThingyardDb> dbs, DeviceChanges changes, ThingModelChanges models, Scripts.ScriptChanges scripts,
    TopicClassChanges topics, TimeProvider time)
{
    public async Task ReceiveProductAsync(ProductCopy copy, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Uid == copy.TargetUid, ct)
            ?? throw new DistributionRefusedException($"no account with uid {copy.TargetUid} on this instance");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == copy.ProductKey, ct);
        if (product is null)
        {
            var name = copy.Name;
            if (await db.Products.OwnedBy(account.Id).AnyAsync(p => p.Name == name, ct)) name = $"{copy.Name}_{copy.ProductKey}";
            product = new Product
            {
                AccountId = account.Id, ProductKey = copy.ProductKey, ProductSecret = copy.ProductSecret, Name = name,
                CreatedAtMs = now,
            };
            db.Products.Add(product);
        }
        else if (product.SourceInstanceId != copy.SourceInstanceId || !product.IsOwnedBy(account.Id))
            throw new DistributionRefusedException($"product {copy.ProductKey} already exists here and was not distributed from {copy.SourceInstanceId} to this account");
        product.Description = copy.Description;
        product.NodeType = copy.NodeType;
        product.DataFormat = copy.DataFormat;
        product.AuthType = copy.AuthType;
        product.NetType = copy.NetType;
        product.DynamicRegistration = copy.DynamicRegistration;
        product.SourceInstanceId = copy.SourceInstanceId;
        product.SourceUid = copy.SourceUid;
        product.ModifiedAtMs = now;
        await db.SaveChangesAsync(ct);

        if (copy.PublishedTsl is { } tsl)
        {
            TslParser.Parse(tsl); // a copy that does not parse is refused before it replaces anything
            await db.ThingModels.Where(m => m.ProductId == product.Id).ExecuteDeleteAsync(ct);
            db.ThingModels.Add(new ThingModelRevision { ProductId = product.Id, Version = "distributed", TslJson = tsl, CreatedAtMs = now, Description = $"from {copy.SourceInstanceId}" });
            db.ThingModels.Add(new ThingModelRevision { ProductId = product.Id, TslJson = tsl, CreatedAtMs = now });
            await db.SaveChangesAsync(ct);
            models.Publish(product.Id);
        }

        // The submitted data parsing script travels with the product (a custom-format product's devices need it); a copy
        // whose source has none loses the one it had. Drafts stay at the source.
        var script = await db.ThingScripts.FirstOrDefaultAsync(x => x.ProductId == product.Id, ct);
        if (copy.Script is null && script is not null) db.ThingScripts.Remove(script);
        else if (copy.Script is not null && script?.Content != copy.Script)
        {
            if (script is null) db.ThingScripts.Add(script = new Scripts.ThingScript { ProductId = product.Id });
            script.Content = copy.Script;
            script.Version++;
            script.ModifiedAtMs = now;
        }
        await db.SaveChangesAsync(ct);
        scripts.Publish(product.Id);
        await ReplaceTopicClassesAsync(db, product.Id, copy.TopicClasses, now, ct);
    }

    /// <summary>The copy's topic classes replace the ones here (checked first: a class that breaks the rules is refused).</summary>
    async Task ReplaceTopicClassesAsync(ThingyardDb db, long productId, IReadOnlyList<TopicClassCopy>? classes, long now, CancellationToken ct)
    {
        var rows = classes is null
            ? TopicClasses.Defaults(productId, now).ToList()
            : classes.Select(c => new ProductTopicClass
            {
                ProductId = productId, ShortName = c.ShortName, Operation = c.Operation, Description = c.Description, IsDefault = c.IsDefault, CreatedAtMs = now,
            }).ToList();
        foreach (var c in rows)
            if (TopicClassNames.Check("", c.ShortName, c.Operation, out var name) is not null || name != c.ShortName)
                throw new DistributionRefusedException($"topic class user/{c.ShortName} is not valid");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ProductTopicClasses.Where(t => t.ProductId == productId).ExecuteDeleteAsync(ct);
        db.ProductTopicClasses.AddRange(rows);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        topics.Publish(productId);
    }

    public async Task<List<CopyResult>> ReceiveDevicesAsync(DevicesCopy copy, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == copy.ProductKey && p.SourceInstanceId == copy.SourceInstanceId, ct)
            ?? throw new DistributionRefusedException($"product {copy.ProductKey} has not been distributed here from {copy.SourceInstanceId}");
        var names = copy.Devices.Select(d => d.DeviceName).ToList();
        var existing = await db.Devices.Where(d => d.ProductKey == copy.ProductKey && names.Contains(d.DeviceName)).ToDictionaryAsync(d => d.DeviceName, ct);
        var results = new List<CopyResult>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var d in copy.Devices)
        {
            if (existing.TryGetValue(d.DeviceName, out var here))
            {
                if (here.SourceInstanceId != copy.SourceInstanceId)
                {
                    results.Add(new CopyResult(d.DeviceName, DistributionFailure.TargetRefused, "a device of that name already exists at the target"));
                    continue;
                }
                here.DeviceSecret = d.DeviceSecret; // retries and re-distribution are idempotent
                results.Add(new CopyResult(d.DeviceName, 200, null));
                continue;
            }
            db.Devices.Add(new Device
            {
                AccountId = product.AccountId, ProductId = product.Id, ProductKey = copy.ProductKey, DeviceName = d.DeviceName,
                DeviceSecret = d.DeviceSecret, IotId = d.IotId, Nickname = d.Nickname, CreatedAtMs = now, ModifiedAtMs = now,
                SourceInstanceId = copy.SourceInstanceId,
            });
            results.Add(new CopyResult(d.DeviceName, 200, null));
        }
        await db.SaveChangesAsync(ct);
        foreach (var d in copy.Devices) changes.Publish(new DeviceChange(DeviceChangeKind.SecretChanged, 0, copy.ProductKey, d.DeviceName));
        return results;
    }

    /// <summary>Devices distributed back to their source: the copies here go (their runtime data with them).</summary>
    public async Task<int> RecallDevicesAsync(DevicesRecall recall, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var devices = await db.Devices.Where(d => d.ProductKey == recall.ProductKey && d.SourceInstanceId == recall.SourceInstanceId
                                                  && recall.DeviceNames.Contains(d.DeviceName)).ToListAsync(ct);
        db.Devices.RemoveRange(devices);
        await db.SaveChangesAsync(ct);
        foreach (var d in devices) changes.Publish(DeviceChangeKind.Deleted, d);
        return devices.Count;
    }

    /// <summary>Issues a one-time code of the receiving account for a distributor, delivered to its inbox.</summary>
    public async Task<(long AccountId, string Code)> IssueCodeAsync(AuthCodeRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Uid == request.TargetUid, ct)
            ?? throw new DistributionRefusedException($"no account with uid {request.TargetUid} on this instance");
        var code = RandomNumberGenerator.GetString("0123456789", 8);
        var now = time.GetUtcNow();
        db.AuthorizationCodes.Add(new AuthorizationCode
        {
            AccountId = account.Id, Code = code, ForUid = request.ForUid,
            ExpiresAtMs = now.Add(AuthorizationCode.Validity).ToUnixTimeMilliseconds(),
        });
        db.Notifications.Add(new Notification
        {
            AccountId = account.Id, Kind = Notification.AuthCodeKind, CreatedAtMs = now.ToUnixTimeMilliseconds(),
            Message = $"Account {request.ForUid} (instance {request.SourceInstanceId}) asks to distribute devices to you. " +
                      $"Authorization code: {code} (valid 5 minutes, usable once). Give it to them only if you agree.",
        });
        await db.SaveChangesAsync(ct);
        return (account.Id, code);
    }

    /// <summary>Consumes a code: valid only once, within five minutes, for the distributor it was issued to.</summary>
    public async Task ConsumeCodeAsync(AuthCodeUse use, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Uid == use.TargetUid, ct);
        var code = account is null ? null : await db.AuthorizationCodes.OwnedBy(account.Id).FirstOrDefaultAsync(c => c.Code == use.Code, ct);
        if (code is null || code.ForUid != use.ForUid) throw new DistributionRefusedException("the authorization code is not valid for this account");
        if (code.UsedAtMs is not null) throw new DistributionRefusedException("the authorization code was already used");
        if (code.ExpiresAtMs < now) throw new DistributionRefusedException("the authorization code has expired");
        // Compare-and-set, so two jobs racing with one code cannot both use it.
        var taken = await db.AuthorizationCodes.Where(c => c.Id == code.Id && c.UsedAtMs == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAtMs, now), ct);
        if (taken == 0) throw new DistributionRefusedException("the authorization code was already used");
    }
}
