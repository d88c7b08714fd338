// Proposing, accepting, declining and cancelling device transfers (DeviceTransfer). Accepting moves the devices to the
// target account in one transaction: their rows change owner (ids, credentials, telemetry and shadows stay with them),
// the authorizations the old owner gave of them end, and the product becomes visible to the new owner read-only (a
// product authorization the old owner cannot revoke while the new one owns devices of it). Connected devices are
// dropped (DeviceChangeKind.Transferred) and reconnect as the new owner's with the same credentials.
// Transfer and distribution never meet on one product or device; transfer and authorization may.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Sharing;

/// <summary>A transfer as both sides list it.</summary>
public sealed record TransferRow(DeviceTransfer Transfer, string Status, string ProductKey, string ProductName, IReadOnlyList<string> DeviceNames,
    string OtherUid, string OtherName);

public enum TransferDirection { Outgoing, Incoming }

public sealed class DeviceTransfers(ThingyardDb db, GrantDirectory grants, AuthorizationChanges authorizations, DeviceChanges devices,
    TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    /// <summary>Proposes moving the caller's named devices of its product to the target account (by uid or name).</summary>
    public async Task<TransferRow> ProposeAsync(Caller caller, string productKey, IReadOnlyList<string> deviceNames, string? targetUid, string? targetName,
        CancellationToken ct = default)
    {
        var product = await DeviceAuthorizations.OwnProductAsync(db, caller, productKey, ct);
        var names = deviceNames.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count is 0 or > DeviceAuthorizations.MaxDevicesPerCall)
            throw IotException.Invalid($"Name 1 to {DeviceAuthorizations.MaxDevicesPerCall} devices (DeviceName.N).");
        var target = await DeviceAuthorizations.TargetAsync(db, targetUid, targetName, ct);
        if (product.IsOwnedBy(target.Id)) throw IotException.Invalid("Devices cannot be transferred to their own account.");
        var found = await db.Devices.AsNoTracking().OwnedBy(caller.AccountId).Where(d => d.ProductId == product.Id && names.Contains(d.DeviceName)).ToListAsync(ct);
        if (names.FirstOrDefault(n => found.All(d => d.DeviceName != n)) is { } missing) throw IotException.DeviceNotFound($"{productKey}/{missing}");
        var ids = found.Select(d => d.Id).ToList();
        if (await DeviceAuthorizations.ConflictAsync(db, product, ids, ct) is { } conflict)
            throw new IotException(IotErrors.AuthorizationConflictsWithDistribution, $"{conflict}; transfer and distribution cannot be used on the same product or device.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var busy = await (from i in db.DeviceTransferItems
                          join t in db.DeviceTransfers on i.TransferRowId equals t.Id
                          where ids.Contains(i.DeviceId) && t.Status == TransferStatus.Pending && t.ExpiresAtMs > now
                          select i.DeviceId).ToListAsync(ct);
        if (busy.Count > 0)
            throw new IotException(IotErrors.TransferPending, $"Device {found.First(d => d.Id == busy[0]).DeviceName} is already in a pending transfer; cancel it first.");

        var transfer = new DeviceTransfer
        {
            TransferId = "dt_" + Ids.Alphanumeric(20), AccountId = caller.AccountId, ProductId = product.Id, GranteeAccountId = target.Id,
            CreatedAtMs = now, ExpiresAtMs = now + (long)Validity.TotalMilliseconds,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.DeviceTransfers.Add(transfer);
        await db.SaveChangesAsync(ct);
        db.DeviceTransferItems.AddRange(ids.Select(id => new DeviceTransferItem { TransferRowId = transfer.Id, DeviceId = id }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new TransferRow(transfer, transfer.Status, product.ProductKey, product.Name, names, target.Uid, target.Name);
    }

    /// <summary>The caller's outgoing proposals, or the transfers proposed to it (optionally of one status).</summary>
    public async Task<Page<TransferRow>> ListAsync(Caller caller, TransferDirection direction, string? status, Paging paging, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var mine = direction == TransferDirection.Outgoing
            ? db.DeviceTransfers.AsNoTracking().OwnedBy(caller.AccountId).WithGrantees(db.Accounts)
            : db.DeviceTransfers.AsNoTracking().ToGrantee(caller.AccountId).WithOwners(db.Accounts);
        var q = from x in mine join p in db.Products on x.Grant.ProductId equals p.Id select new { t = x.Grant, x.Account.Uid, x.Account.Name, p.ProductKey, ProductName = p.Name };
        q = status switch
        {
            null or "" => q,
            TransferStatus.Expired => q.Where(x => x.t.Status == TransferStatus.Pending && x.t.ExpiresAtMs <= now),
            TransferStatus.Pending => q.Where(x => x.t.Status == TransferStatus.Pending && x.t.ExpiresAtMs > now),
            _ => q.Where(x => x.t.Status == status),
        };
        var rows = await q.OrderByDescending(x => x.t.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var rowIds = rows.Select(r => r.t.Id).ToList();
        var names = (await (from i in db.DeviceTransferItems
                            join d in db.Devices on i.DeviceId equals d.Id
                            where rowIds.Contains(i.TransferRowId)
                            select new { i.TransferRowId, d.DeviceName }).ToListAsync(ct))
            .ToLookup(x => x.TransferRowId, x => x.DeviceName);
        return new(rows.Select(r => new TransferRow(r.t, r.t.StatusAt(now), r.ProductKey, r.ProductName, [.. names[r.t.Id].Order()], r.Uid, r.Name)).ToList(),
            await q.CountAsync(ct), paging);
    }

    /// <summary>The target declines a pending transfer.</summary>
    public async Task DeclineAsync(Caller caller, string transferId, CancellationToken ct = default)
    {
        var transfer = await PendingAsync(db.DeviceTransfers.ToGrantee(caller.AccountId), transferId, ct);
        transfer.Status = TransferStatus.Declined;
        transfer.DecidedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The owner withdraws its pending proposal.</summary>
    public async Task CancelAsync(Caller caller, string transferId, CancellationToken ct = default)
    {
        var transfer = await PendingAsync(db.DeviceTransfers.OwnedBy(caller.AccountId), transferId, ct);
        transfer.Status = TransferStatus.Cancelled;
        transfer.DecidedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The target accepts: the devices become its own.</summary>
    public async Task<IReadOnlyList<string>> AcceptAsync(Caller caller, string transferId, CancellationToken ct = default)
    {
        var transfer = await PendingAsync(db.DeviceTransfers.ToGrantee(caller.AccountId), transferId, ct);
        var ids = await db.DeviceTransferItems.Where(i => i.TransferRowId == transfer.Id).Select(i => i.DeviceId).ToListAsync(ct);
        // Still the proposer's, and not distributed since: otherwise nothing moves.
        var moving = await db.Devices.OwnedBy(transfer.AccountId).Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var product = await db.Products.FirstAsync(p => p.Id == transfer.ProductId, ct);
        if (moving.Count != ids.Count || await DeviceAuthorizations.ConflictAsync(db, product, ids, ct) is not null)
            throw new IotException(IotErrors.TransferPending, $"Transfer {transferId} can no longer be carried out: its devices changed since it was proposed. Ask for a new one.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ended = await db.DeviceAuthorizations.Where(g => ids.Contains(g.DeviceId)).Select(g => new { g.GranteeAccountId, g.DeviceId }).ToListAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var d in moving)
        {
            d.AccountId = caller.AccountId;
            d.ModifiedAtMs = now;
        }
        await db.DeviceAuthorizations.Where(g => ids.Contains(g.DeviceId)).ExecuteDeleteAsync(ct);
        if (!await db.ProductAuthorizations.ToGrantee(caller.AccountId).AnyAsync(g => g.ProductId == product.Id, ct))
            db.ProductAuthorizations.Add(new ProductAuthorization { AccountId = product.AccountId, ProductId = product.Id, GranteeAccountId = caller.AccountId, CreatedAtMs = now });
        transfer.Status = TransferStatus.Accepted;
        transfer.DecidedAtMs = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        grants.Forget();
        foreach (var g in ended.GroupBy(g => g.GranteeAccountId)) authorizations.Publish(g.Key, [.. g.Select(x => x.DeviceId)], authorized: false);
        foreach (var d in moving) devices.Publish(DeviceChangeKind.Transferred, d);
        return [.. moving.Select(d => d.DeviceName).Order()];
    }

    async Task<DeviceTransfer> PendingAsync(IQueryable<DeviceTransfer> side, string transferId, CancellationToken ct)
    {
        var transfer = await side.FirstOrDefaultAsync(t => t.TransferId == transferId, ct)
            ?? throw new IotException(IotErrors.TransferNotFound, $"The transfer '{transferId}' does not exist.");
        var status = transfer.StatusAt(time.GetUtcNow().ToUnixTimeMilliseconds());
        if (status != TransferStatus.Pending)
            throw new IotException(IotErrors.TransferNotPending, $"Transfer {transferId} is {status.ToLowerInvariant()}, not pending; nothing was changed.");
        return transfer;
    }
}
