// Account administration: the first (admin) account creates accounts; any account can add AccessKeys for itself.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed record NewAccessKey(string AccountUid, string AccessKeyId, string AccessKeySecret);

public sealed class AccountAdmin(ThingyardDb db, AccessKeyStore keys)
{
    public async Task<bool> IsAdminAsync(long accountId, CancellationToken ct = default) => await AdminAccountIdAsync(ct) == accountId;

    /// <summary>The admin account: the first one, which creates the others.</summary>
    public Task<long> AdminAccountIdAsync(CancellationToken ct = default) =>
        db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstOrDefaultAsync(ct);

    /// <summary>Refuses every caller but the admin account's.</summary>
    public async Task RequireAdminAsync(Caller caller, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(caller.AccountId, ct)) throw new IotException("iot.common.RamActionPermissionDeny", "Only the admin account can create accounts.");
    }

    /// <summary>The id of the account with this uid (one the caller just created).</summary>
    public Task<long> AccountIdAsync(string uid, CancellationToken ct = default) =>
        db.Accounts.Where(a => a.Uid == uid).Select(a => a.Id).FirstAsync(ct);

    public async Task<NewAccessKey> CreateAccountAsync(Caller caller, string name, CancellationToken ct = default, string? uid = null)
    {
        await RequireAdminAsync(caller, ct);
        if (name.Length is 0 or > 64) throw IotException.Invalid("Account name must be 1 to 64 characters.");
        var account = await keys.CreateAccountAsync(name, ct, uid);
        return await AddKeyAsync(account.Id, ct);
    }

    /// <summary>The caller's account's keys (owners and admins).</summary>
    public Task<List<AccessKeySummary>> ListKeysAsync(Caller caller, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        return keys.ListAsync(caller.AccountId, ct);
    }

    /// <summary>A new key for the caller's account; its secret is in the answer and nowhere else.</summary>
    public Task<NewAccessKey> AddKeyAsync(Caller caller, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        return AddKeyAsync(caller.AccountId, ct);
    }

    public Task SetKeyEnabledAsync(Caller caller, string accessKeyId, bool enabled, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        return keys.SetEnabledAsync(caller.AccountId, accessKeyId, enabled, ct);
    }

    public Task DeleteKeyAsync(Caller caller, string accessKeyId, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        return keys.DeleteAsync(caller.AccountId, accessKeyId, ct);
    }

    public async Task<NewAccessKey> AddKeyAsync(long accountId, CancellationToken ct = default)
    {
        var uid = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Uid).FirstAsync(ct);
        var (id, secret) = (Ids.AccessKeyId(), Ids.AccessKeySecret());
        await keys.SetKeyAsync(accountId, id, secret, ct);
        return new NewAccessKey(uid, id, secret);
    }
}
