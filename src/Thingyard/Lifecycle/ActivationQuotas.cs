// Activation codes per account: the platform operator allocates them, production batches spend them (one per device).
// Spending is one conditional UPDATE, so concurrent batches can never take more than was allocated.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Lifecycle;

public sealed record QuotaSummary(long Allocated, long Used)
{
    public long Remaining => Allocated - Used;
}

public sealed class ActivationQuotas(ThingyardDb db, PlatformOperator platform, TimeProvider time)
{
    public const int MaxAllocation = 1_000_000;

    /// <summary>AllocateActivationCodes: the operator adds <paramref name="count"/> codes to the account with this uid.</summary>
    public async Task<QuotaSummary> AllocateAsync(Caller caller, string accountUid, long count, CancellationToken ct = default)
    {
        await platform.RequireAsync(caller, ct);
        if (count is < 1 or > MaxAllocation) throw IotException.Invalid($"Count must be between 1 and {MaxAllocation:N0}.");
        var accountId = await AccountIdAsync(accountUid, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // The row is created on the first allocation; two first allocations racing meet at the unique index, and the
        // loser adds to the winner's row.
        for (var attempt = 0; ; attempt++)
        {
            var updated = await db.ActivationQuotas.OwnedBy(accountId)
                .ExecuteUpdateAsync(s => s.SetProperty(q => q.Allocated, q => q.Allocated + count).SetProperty(q => q.ModifiedAtMs, now), ct);
            if (updated > 0) break;
            var row = new ActivationQuota { AccountId = accountId, Allocated = count, ModifiedAtMs = now };
            db.ActivationQuotas.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }
        return await SummaryAsync(accountId, ct);
    }

    /// <summary>GetActivationCodeQuota: the caller's own account, or (for the operator) the account with this uid. Anyone
    /// else naming another account is told it does not exist.</summary>
    public async Task<QuotaSummary> GetAsync(Caller caller, string? accountUid, CancellationToken ct = default)
    {
        if (accountUid is null) return await SummaryAsync(await db.Accounts.Of(caller).Select(a => a.Id).FirstAsync(ct), ct);
        var own = await db.Accounts.Of(caller).AnyAsync(a => a.Uid == accountUid, ct);
        if (!own && !await platform.IsOperatorAsync(caller, ct)) throw AccountNotFound(accountUid);
        return await SummaryAsync(await AccountIdAsync(accountUid, ct), ct);
    }

    /// <summary>Takes <paramref name="codes"/> codes from the account if that many remain; false (nothing taken) otherwise.
    /// Call it inside the transaction that records what the codes are spent on.</summary>
    public async Task<bool> TrySpendAsync(long accountId, int codes, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var updated = await db.ActivationQuotas.OwnedBy(accountId).Where(q => q.Allocated - q.Used >= codes)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Used, q => q.Used + codes).SetProperty(q => q.ModifiedAtMs, now), ct);
        return updated == 1;
    }

    public async Task<QuotaSummary> SummaryAsync(long accountId, CancellationToken ct = default)
    {
        var row = await db.ActivationQuotas.AsNoTracking().OwnedBy(accountId).FirstOrDefaultAsync(ct);
        return new QuotaSummary(row?.Allocated ?? 0, row?.Used ?? 0);
    }

    async Task<long> AccountIdAsync(string accountUid, CancellationToken ct) =>
        await db.Accounts.Where(a => a.Uid == accountUid).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct) ?? throw AccountNotFound(accountUid);

    static IotException AccountNotFound(string uid) => new(IotErrors.AccountNotFound, $"The account '{uid}' does not exist.");
}
