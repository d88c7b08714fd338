// Looks up AccessKeys (secret unsealed) and creates accounts and keys.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed record AccessKeyCredential(string AccessKeyId, string Secret, long AccountId, string AccountUid);

public sealed class AccessKeyStore(IDbContextFactory<ThingyardDb> dbs, SecretProtector protector, TimeProvider time)
{
    public async Task<AccessKeyCredential?> FindAsync(string accessKeyId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await (from k in db.AccessKeys
                         join a in db.Accounts on k.AccountId equals a.Id
                         where k.Id == accessKeyId && k.Enabled
                         select new { k.SecretCipher, k.AccountId, a.Uid }).FirstOrDefaultAsync(ct);
        return row is null ? null : new AccessKeyCredential(accessKeyId, protector.Open(row.SecretCipher), row.AccountId, row.Uid);
    }

    public async Task<Account> CreateAccountAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var account = new Account { Uid = Ids.Uid(), Name = name, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
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
    }
}
