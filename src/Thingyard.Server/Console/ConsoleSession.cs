// Who is using the console in this circuit or request: the signed-in user's row, read again each time it is asked for
// so that a role change, a lockout or a deleted user takes effect at the next click, not at the next sign-in.
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Storage;

namespace Thingyard.Server.Console;

public sealed record ConsoleIdentity(long UserId, string UserName, long AccountId, string AccountUid, string AccountName, Role Role)
{
    public Caller Caller => Caller.User(AccountId, UserId, Role);
    public bool CanChange => Role.Allows(Need.Change);
    public bool CanManageAccess => Role.Allows(Need.ManageAccess);
}

/// <summary>The user is no longer allowed in (deleted, locked out): the console signs them out.</summary>
public sealed class SignedOutException() : Exception("Your session has ended; sign in again.");

public sealed class ConsoleSession(AuthenticationStateProvider auth, IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    public async Task<ConsoleIdentity> CurrentAsync(CancellationToken ct = default)
    {
        var principal = (await auth.GetAuthenticationStateAsync()).User;
        if (!long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) throw new SignedOutException();
        return await LoadAsync(dbs, userId, time, ct) ?? throw new SignedOutException();
    }

    internal static async Task<ConsoleIdentity?> LoadAsync(IDbContextFactory<ThingyardDb> dbs, long userId, TimeProvider time, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || user.LockoutEnd > time.GetUtcNow()) return null;
        var account = await db.Accounts.OwnerOf(user).AsNoTracking().FirstAsync(ct);
        return new ConsoleIdentity(user.Id, user.UserName ?? "", user.AccountId, account.Uid, account.Name, user.Role);
    }
}
