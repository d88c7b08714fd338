// The account's console users: the first start's admin user, and what owners and admins do on the Users page (and the
// REST API): add a user with a role, change a role, remove a user. Passwords, hashing and lockout are Identity's.
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Server.Console;

public sealed record ConsoleUserRow(long Id, string UserName, Role Role, long CreatedAtMs, bool LockedOut);

public sealed class ConsoleUsers(UserManager<ConsoleUser> users, IDbContextFactory<ThingyardDb> dbs, TimeProvider time)
{
    public const string PasswordFileName = "admin-password.txt";
    public const int MinPasswordLength = 10;

    public async Task<List<ConsoleUserRow>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = await db.Users.VisibleTo(caller).OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.UserName, u.Role, u.CreatedAtMs, u.LockoutEnd }).ToListAsync(ct);
        return rows.Select(u => new ConsoleUserRow(u.Id, u.UserName ?? "", u.Role, u.CreatedAtMs, u.LockoutEnd > now)).ToList();
    }

    public async Task<ConsoleUserRow> CreateAsync(Caller caller, string userName, string password, Role role, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        if (role == Role.Owner && caller.Role != Role.Owner) throw Forbidden("only an owner can make another owner");
        var user = new ConsoleUser { UserName = userName.Trim(), AccountId = caller.AccountId, Role = role, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        Check(await users.CreateAsync(user, password));
        return new ConsoleUserRow(user.Id, user.UserName, role, user.CreatedAtMs, false);
    }

    /// <summary>Checks a new user's name and password with Identity's rules (allowed characters, a name not taken, the
    /// password's length) without creating anything: an account's first user is checked before the account exists.</summary>
    public async Task CheckNewAsync(string userName, string password)
    {
        var user = new ConsoleUser { UserName = userName.Trim() };
        var errors = new List<IdentityError>();
        foreach (var validator in users.UserValidators) errors.AddRange((await validator.ValidateAsync(users, user)).Errors);
        foreach (var validator in users.PasswordValidators) errors.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        if (errors.Count > 0) throw new IotException(IotErrors.InvalidParameter, string.Join(" ", errors.Select(e => e.Description)));
    }

    public async Task SetRoleAsync(Caller caller, long userId, Role role, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        var user = await FindAsync(caller, userId);
        if ((user.Role == Role.Owner || role == Role.Owner) && caller.Role != Role.Owner) throw Forbidden("only an owner can make or unmake an owner");
        if (user.Role == Role.Owner && role != Role.Owner && await OwnersAsync(caller.AccountId, ct) == 1)
            throw new IotException(IotErrors.InvalidParameter, "The account's last owner cannot be given another role.");
        user.Role = role;
        Check(await users.UpdateAsync(user));
        Check(await users.UpdateSecurityStampAsync(user)); // signs the user's other sessions out at their next check
    }

    public async Task DeleteAsync(Caller caller, long userId, CancellationToken ct = default)
    {
        caller.Require(Need.ManageAccess);
        var user = await FindAsync(caller, userId);
        if (user.Role == Role.Owner && caller.Role != Role.Owner) throw Forbidden("only an owner can remove an owner");
        if (user.Id == caller.UserId) throw new IotException(IotErrors.InvalidParameter, "You cannot remove yourself.");
        Check(await users.DeleteAsync(user));
    }

    /// <summary>The signed-in user's own password; Identity checks the current one and the new one's rules.</summary>
    public async Task ChangePasswordAsync(Caller caller, string current, string next)
    {
        var user = await users.FindByIdAsync(caller.UserId?.ToString() ?? "") ?? throw new IotException(IotErrors.InvalidParameter, "No such user.");
        Check(await users.ChangePasswordAsync(user, current, next));
    }

    /// <summary>The first start's console user, an owner of the first account: named by Admin:UserName, with
    /// Admin:Password or a generated password written to the data folder and returned to be shown once.</summary>
    public async Task<string?> EnsureFirstAsync(AdminOptions admin, string dataDir, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(ct)) return null;
        var accountId = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync(ct);
        var generated = string.IsNullOrEmpty(admin.Password);
        var password = generated ? Ids.AccessKeySecret()[..20] : admin.Password!;
        var user = new ConsoleUser { UserName = admin.UserName, AccountId = accountId, Role = Role.Owner, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        Check(await users.CreateAsync(user, password));
        if (!generated) return null;
        var path = Path.Combine(dataDir, PasswordFileName);
        await using (var file = new StreamWriter(path, System.Text.Encoding.UTF8, OwnerOnly.Create(FileMode.Create)))
            await file.WriteAsync($"UserName={admin.UserName}\nPassword={password}\n");
        OwnerOnly.Restrict(path);
        return $"Generated the console user's password (shown once, also saved to {path}): sign in at /console as {admin.UserName} with {password}";
    }

    async Task<ConsoleUser> FindAsync(Caller caller, long userId)
    {
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Another account's user is "not found", as every other row is (AccessRules).
        return user.VisibleOrNotFound(caller, () => new IotException("iot.user.NotExistedUser", "The user does not exist."));
    }

    async Task<int> OwnersAsync(long accountId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.OwnedBy(accountId).CountAsync(u => u.Role == Role.Owner, ct);
    }

    static IotException Forbidden(string why) => new(Permissions.ForbiddenCode, $"User not authorized to operate on the specified resource: {why}.");

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new IotException(IotErrors.InvalidParameter, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
