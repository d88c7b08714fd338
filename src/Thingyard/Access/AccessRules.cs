// The access layer: the ONLY code that compares a row's owner (AccountId) with anything. Every read and write of
// account-owned data goes through it, so sharing, users and roles change these rules and nothing else.
//
// Account-owned rows (IAccountOwned): products, devices, device groups, batch registrations, distribution jobs,
// notifications and authorization codes. Their child data is reached only through its owner, resolved here first:
// thing models, product and device tags, telemetry, shadows, topology, group members and group tags, remote
// configuration files, distribution items and records are queried by the id of a product, device, group or job that
// the caller was allowed to see, never by an account id of their own.
//
// The rules:
//   - Visible (VisibleTo, IsVisibleTo): what a caller may see and change. Today: rows of the caller's own account.
//     Reads and writes are not told apart because nothing needs it yet; roles will add a write check here.
//   - Not yours = not found (FindVisibleAsync, VisibleOrNotFound): a lookup of a row the caller may not see fails
//     exactly like a lookup of a row that does not exist (same code, same message); lists simply leave it out. Nothing
//     ever answers "forbidden" about another account's row, which would confirm that it exists.
//   - Owned (OwnedBy, IsOwnedBy): an owner's namespace, not a permission: names unique per account, per-account quotas,
//     "do these two rows belong to the same account" (a distribution copy and its target account), and background work
//     that acts for the owner of a job or code rather than for a caller. Grants never widen it.
//   - Accounts themselves (Of, OwnerOf): the account row a caller acts for, or that owns a row (its uid travels to
//     peers).
//
// How grants will slot in: a Grant row (owner account, grantee account, product or device, rights) and the caller's
// grants loaded with the Caller. VisibleTo then becomes "owned by the caller's account, or granted to it" (a device
// is also visible when its product is granted), IsVisibleTo checks the same against Caller's grants in memory, and a
// write needs a grant with that right. Call sites do not change.
//
// Not routed through here, on purpose (OwnerFilterTests enforces this list):
//   - Code that creates a row sets its AccountId (an assignment, not a comparison): new rows belong to the caller's
//     account, copies of a device to the account of its product.
//   - src/Thingyard/Accounts: accounts and AccessKeys themselves (which account a key belongs to, which account is the
//     admin), which are what a Caller is made from, not data a Caller is checked against.
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Accounts;
using Thingyard.Common;

namespace Thingyard.Access;

/// <summary>A row that belongs to one account.</summary>
public interface IAccountOwned
{
    long AccountId { get; }
}

public static class AccessRules
{
    /// <summary>The rows the caller may see (and change).</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> rows, Caller caller) where T : class, IAccountOwned
    {
        var accountId = caller.AccountId;
        return rows.Where(r => r.AccountId == accountId);
    }

    /// <summary>The same rule for a row already in memory (a cached device, a connected device's identity).</summary>
    public static bool IsVisibleTo(this IAccountOwned row, Caller caller) => row.AccountId == caller.AccountId;

    /// <summary>The one row matching, if the caller may see it; otherwise <paramref name="notFound"/>, exactly as when
    /// no such row exists.</summary>
    public static async Task<T> FindVisibleAsync<T>(this IQueryable<T> rows, Caller caller, Expression<Func<T, bool>> match,
        Func<IotException> notFound, CancellationToken ct = default) where T : class, IAccountOwned =>
        await rows.VisibleTo(caller).FirstOrDefaultAsync(match, ct) ?? throw notFound();

    /// <summary>The row in memory if the caller may see it; otherwise <paramref name="notFound"/> (also when it is null).</summary>
    public static T VisibleOrNotFound<T>(this T? row, Caller caller, Func<IotException> notFound) where T : class, IAccountOwned =>
        row is not null && row.IsVisibleTo(caller) ? row : throw notFound();

    /// <summary>The rows owned by the account: its namespace (names, quotas), not what a caller may see.</summary>
    public static IQueryable<T> OwnedBy<T>(this IQueryable<T> rows, long accountId) where T : class, IAccountOwned =>
        rows.Where(r => r.AccountId == accountId);

    public static bool IsOwnedBy(this IAccountOwned row, long accountId) => row.AccountId == accountId;

    /// <summary>The account the caller acts for.</summary>
    public static IQueryable<Account> Of(this IQueryable<Account> accounts, Caller caller)
    {
        var accountId = caller.AccountId;
        return accounts.Where(a => a.Id == accountId);
    }

    /// <summary>The account that owns the row.</summary>
    public static IQueryable<Account> OwnerOf(this IQueryable<Account> accounts, IAccountOwned row)
    {
        var accountId = row.AccountId;
        return accounts.Where(a => a.Id == accountId);
    }
}
