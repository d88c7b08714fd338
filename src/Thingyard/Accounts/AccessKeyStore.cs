// Looks up AccessKeys (secret unsealed) and creates accounts and keys.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed record AccessKeyCredential(string AccessKeyId, string Secret, long AccountId, string AccountUid);

/// <summary>A key as its account's key list shows it: never the secret.</summary>
public sealed record AccessKeySummary(string AccessKeyId, bool Enabled, long CreatedAtMs);

public sealed class AccessKeyStore(IDbContextFactory<ThingyardDb> dbs, SecretProtector protector, TimeProvider time)
{
    /// <summary>How long a found key is served from memory: every signed API call looks its key up, and a database
    /// round trip plus an AES-GCM unseal per call was most of an API call's CPU. Changes made here drop the entry at once.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    readonly ExpiringCache<string, AccessKeyCredential> _cache = new(CacheFor, time, comparer: StringComparer.Ordinal);

    /// <summary>Raised when a key is set, disabled, enabled or deleted here (a cluster drops it on its other nodes too).</summary>
    public event Action<string>? Changed;

    /// <summary>Forgets the cached key (changed on another node of a cluster).</summary>
    public void Forget(string accessKeyId) => _cache.Remove(accessKeyId);

    void Drop(string accessKeyId)
    {
        _cache.Remove(accessKeyId);
        Changed?.Invoke(accessKeyId);
    }

    public async Task<AccessKeyCredential?> FindAsync(string accessKeyId, CancellationToken ct = default)
    {
        if (_cache.TryGet(accessKeyId, out var hit)) return hit;
        var found = await LoadAsync(accessKeyId, ct);
        if (found is null) _cache.Remove(accessKeyId);
        else _cache.Set(accessKeyId, found);
        return found;
    }

    async Task<AccessKeyCredential?> LoadAsync(string accessKeyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await (from k in db.AccessKeys
                         join a in db.Accounts on k.AccountId equals a.Id
                         where k.Id == accessKeyId && k.Enabled
                         select new { k.SecretCipher, k.AccountId, a.Uid }).FirstOrDefaultAsync(ct);
        return row is null ? null : new AccessKeyCredential(accessKeyId, protector.Open(row.SecretCipher), row.AccountId, row.Uid);
    }

    /// <summary>Creates an account; <paramref name="uid"/> lets one account exist under the same uid on several instances.</summary>
    public async Task<Account> CreateAccountAsync(string name, CancellationToken ct = default, string? uid = null)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (uid is not null && (uid.Length is 0 or > 32 || !uid.All(char.IsAsciiDigit)))
            throw IotException.Invalid("An account uid is 1 to 32 digits.");
        if (uid is not null && await db.Accounts.AnyAsync(a => a.Uid == uid, ct))
            throw new IotException("iot.account.AlreadyExistedUid", $"An account with uid {uid} already exists.");
        var account = new Account { Uid = uid ?? Ids.Uid(), Name = name, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);
        return account;
    }

    /// <summary>Creates the key, or replaces its secret when it exists (so a configured admin key can be rotated).</summary>
    public async Task SetKeyAsync(long accountId, string accessKeyId, string secret, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var key = await db.AccessKeys.FindAsync([accessKeyId], ct);
        if (key is null)
        {
            db.AccessKeys.Add(new AccessKey
            {
                Id = accessKeyId, AccountId = accountId, SecretCipher = protector.Seal(secret),
                CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
        }
        else
        {
            key.AccountId = accountId;
            key.SecretCipher = protector.Seal(secret);
            key.Enabled = true;
        }
        await db.SaveChangesAsync(ct);
        Drop(accessKeyId);
    }

    public async Task<List<AccessKeySummary>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AccessKeys.Where(k => k.AccountId == accountId).OrderBy(k => k.CreatedAtMs)
            .Select(k => new AccessKeySummary(k.Id, k.Enabled, k.CreatedAtMs)).ToListAsync(ct);
    }

    /// <summary>Enables or disables one of the account's keys; a disabled key is refused from the next call on.</summary>
    public async Task SetEnabledAsync(long accountId, string accessKeyId, bool enabled, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var key = await db.AccessKeys.FirstOrDefaultAsync(k => k.Id == accessKeyId && k.AccountId == accountId, ct) ?? throw KeyNotFound(accessKeyId);
        key.Enabled = enabled;
        await db.SaveChangesAsync(ct);
        Drop(accessKeyId);
    }

    public async Task DeleteAsync(long accountId, string accessKeyId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var deleted = await db.AccessKeys.Where(k => k.Id == accessKeyId && k.AccountId == accountId).ExecuteDeleteAsync(ct);
        Drop(accessKeyId);
        if (deleted == 0) throw KeyNotFound(accessKeyId);
    }

    static IotException KeyNotFound(string id) => new("iot.accesskey.NotExistedAccessKey", $"The AccessKey {id} does not exist.");
}
