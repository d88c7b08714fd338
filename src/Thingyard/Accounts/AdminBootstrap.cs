// Makes a fresh server drivable: the first account gets the configured admin key, or a generated one printed once.
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Accounts;

public sealed class AdminOptions
{
    public string? AccessKeyId { get; set; }
    public string? AccessKeySecret { get; set; }
    /// <summary>The admin account's uid on first start (give every instance of a federation the same one to share the account).</summary>
    public string? AccountUid { get; set; }
    /// <summary>The first console user's name (an admin of the first account).</summary>
    public string UserName { get; set; } = "admin";
    /// <summary>That user's password on first start; generated and shown once when not set.</summary>
    public string? Password { get; set; }
}

public static class AdminBootstrap
{
    public const string KeyFileName = "admin-accesskey.txt";

    /// <summary>Returns a line to show the operator when a key was generated, otherwise null.</summary>
    public static async Task<string?> EnsureAsync(IDbContextFactory<ThingyardDb> dbs, AccessKeyStore keys, AdminOptions admin, string dataDir, CancellationToken ct = default)
    {
        OwnerOnly.Restrict(Path.Combine(dataDir, KeyFileName)); // written by an earlier version with the umask's mode
        long accountId;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            accountId = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstOrDefaultAsync(ct);
        }
        var fresh = accountId == 0;
        if (fresh) accountId = (await keys.CreateAccountAsync("admin", ct, string.IsNullOrEmpty(admin.AccountUid) ? null : admin.AccountUid)).Id;

        if (!string.IsNullOrEmpty(admin.AccessKeyId) && !string.IsNullOrEmpty(admin.AccessKeySecret))
        {
            await keys.SetKeyAsync(accountId, admin.AccessKeyId, admin.AccessKeySecret, ct);
            return null;
        }
        if (!fresh) return null;

        var id = Ids.AccessKeyId();
        var secret = Ids.AccessKeySecret();
        await keys.SetKeyAsync(accountId, id, secret, ct);
        var path = Path.Combine(dataDir, KeyFileName);
        await using (var file = new StreamWriter(path, System.Text.Encoding.UTF8, OwnerOnly.Create(FileMode.Create)))
            await file.WriteAsync($"AccessKeyId={id}\nAccessKeySecret={secret}\n");
        OwnerOnly.Restrict(path);
        return $"Generated the admin AccessKey (shown once, also saved to {path}): AccessKeyId={id} AccessKeySecret={secret}";
    }
}
