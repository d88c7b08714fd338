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
//   - Visible (VisibleTo, IsVisibleTo): what a caller may see: rows of the caller's own account, and rows of projects
//     authorized to it. Changing a row of a granted project also passes RequireChange (the role granted there).
//   - Not yours = not found (FindVisibleAsync, VisibleOrNotFound): a lookup of a row the caller may not see fails
//     exactly like a lookup of a row that does not exist (same code, same message); lists simply leave it out. Nothing
//     ever answers "forbidden" about another account's row, which would confirm that it exists.
//   - Owned (OwnedBy, IsOwnedBy): an owner's namespace, not a permission: names unique per account, per-account quotas,
//     "do these two rows belong to the same account" (a distribution copy and its target account), and background work
//     that acts for the owner of a job or code rather than for a caller. Grants never widen it.
//   - Accounts themselves (Of, OwnerOf): the account row a caller acts for, or that owns a row (its uid travels to
//     peers).
//
// Grants: a project authorized to another account (Projects/ProjectGrant) makes the project, its products and their
// devices (and other rows of those products, IInProduct) visible to the grantee's callers (Caller.Grants, loaded by
// GrantDirectory). A change to a granted row also needs the granted role to allow it (RequireChange).
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
using Thingyard.Projects;
using Thingyard.Registry;

namespace Thingyard.Access;

/// <summary>A row that belongs to one account.</summary>
public interface IAccountOwned
{
    long AccountId { get; }
}

public static class AccessRules
{
    /// <summary>The rows the caller may see: its account's, those of projects authorized to it, and (for a request an
    /// authorized account may make) devices authorized to it with their products.</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> rows, Caller caller) where T : class, IAccountOwned
    {
        var accountId = caller.AccountId;
        var grants = caller.Grants;
        if (grants.IsEmpty) return rows.Where(r => r.AccountId == accountId);
        // r => r.AccountId == accountId || ids.Contains(r.<key>) || ..., built on T's own properties so EF Core translates it.
        var r = Expression.Parameter(typeof(T), "r");
        Expression visible = Expression.Equal(Expression.Property(r, nameof(IAccountOwned.AccountId)), Expression.Constant(accountId));
        if (grants.Projects.Count > 0 && GrantKey<T>() is { } key)
            visible = Expression.OrElse(visible, In(typeof(T) == typeof(Project) ? [.. grants.Projects.Keys] : [.. grants.Products.Keys], Expression.Property(r, key)));
        if (grants.DevicesAdmitted && AuthorizedIds<T>(grants) is { } authorized)
            visible = Expression.OrElse(visible, In(authorized, Expression.Property(r, nameof(Device.Id))));
        // The public pool: products their owners authorized to it, for an account that has been authorized a device.
        if (grants.DevicesAdmitted && typeof(T) == typeof(Product))
            visible = Expression.OrElse(visible, Expression.NotEqual(Expression.Property(r, nameof(Product.PublicSinceMs)), Expression.Constant(null, typeof(long?))));
        return rows.Where(Expression.Lambda<Func<T, bool>>(visible, r));
    }

    static MethodCallExpression In(List<long> ids, Expression id) =>
        Expression.Call(Expression.Constant(ids), typeof(List<long>).GetMethod(nameof(List<long>.Contains))!, id);

    /// <summary>The ids of T authorized to the caller's account one by one: devices, and the products they came with.</summary>
    static List<long>? AuthorizedIds<T>(Grants grants) =>
        typeof(T) == typeof(Device) ? [.. grants.Devices.Keys]
        : typeof(T) == typeof(Product) ? [.. grants.AuthorizedProducts]
        : null;

    /// <summary>The same rule for a row already in memory (a cached device, a connected device's identity).</summary>
    public static bool IsVisibleTo(this IAccountOwned row, Caller caller) =>
        row.AccountId == caller.AccountId
        || !caller.Grants.IsEmpty && (GrantedRole(caller, row) is not null || caller.Grants.DevicesAdmitted && IsAuthorizedTo(caller, row));

    /// <summary>Whether the row is a device (or product) authorized to the caller's account by device authorization.</summary>
    static bool IsAuthorizedTo(Caller caller, IAccountOwned row) => row switch
    {
        Device d => caller.Grants.Devices.ContainsKey(d.Id),
        Connectivity.DeviceIdentity d => caller.Grants.Devices.ContainsKey(d.DeviceId),
        Product p => caller.Grants.AuthorizedProducts.Contains(p.Id) || p.IsPublic && caller.Grants.HasAuthorizations,
        _ => false,
    };

    /// <summary>Whether the row is the caller's only through device authorization (not its own, not of a project
    /// authorized to it): the caller may read and command it, and keep configuration of its own about it.</summary>
    public static bool IsOnlyAuthorizedTo(this Caller caller, IAccountOwned row) =>
        row.AccountId != caller.AccountId && GrantedRole(caller, row) is null && IsAuthorizedTo(caller, row);

    /// <summary>The account whose configuration about the product (its server-side subscription) the caller works on:
    /// the product's owner, or, for a product only authorized to the caller, the caller's own account.</summary>
    public static long ConfiguringAccount(this Caller caller, Product product) =>
        caller.IsOnlyAuthorizedTo(product) ? caller.AccountId : product.AccountId;

    /// <summary>Whether the caller sees the row's secrets (DeviceSecret, ProductSecret): its own rows and those of
    /// projects authorized to it; never a device or product authorized to it on its own.</summary>
    public static bool SeesSecretsOf(this Caller caller, IAccountOwned row) => row.AccountId == caller.AccountId || GrantedRole(caller, row) is not null;

    /// <summary>The secret as the caller may see it: itself, or empty.</summary>
    public static string SecretFor(this Caller caller, IAccountOwned row, string secret) => caller.SeesSecretsOf(row) ? secret : "";

    /// <summary>Refuses to send to a device (set properties, invoke services, publish) unless the caller may: its own
    /// device (its role was checked for the action), one of a project authorized to it whose role may change things, or
    /// a device authorized to it.</summary>
    public static void RequireOperate(this Caller caller, IAccountOwned device)
    {
        if (device.AccountId == caller.AccountId || caller.Grants.DevicesAdmitted && IsAuthorizedTo(caller, device)) return;
        if (GrantedRole(caller, device) is null && IsAuthorizedTo(caller, device)) throw OwnersOnly(device);
        var role = caller.RoleOn(device);
        if (!role.Allows(Need.Operate))
            throw new IotException(Permissions.ForbiddenCode, $"User not authorized to operate on the specified resource: the {role.ToString().ToLowerInvariant()} role cannot send commands to devices here.");
    }

    /// <summary>Refuses a change to a row of a project authorized to the caller when the role granted there may not
    /// change anything (the caller's own role is checked for every action already, Permissions).</summary>
    public static void RequireChange(this Caller caller, IAccountOwned row)
    {
        if (row.AccountId != caller.AccountId && GrantedRole(caller, row) is null && IsAuthorizedTo(caller, row)) throw OwnersOnly(row);
        var role = caller.RoleOn(row);
        if (!role.Allows(Need.Change))
            throw new IotException(Permissions.ForbiddenCode, $"User not authorized to operate on the specified resource: the {role.ToString().ToLowerInvariant()} role cannot change anything here.");
    }

    /// <summary>The role the caller works in on a row: its own role in its account; on a row of a project authorized to
    /// it, the lesser of that and the role granted there.</summary>
    public static Role RoleOn(this Caller caller, IAccountOwned row) => row.AccountId == caller.AccountId
        ? caller.Role
        : Permissions.Lesser(caller.Role, GrantedRole(caller, row) ?? Role.Viewer);

    /// <summary>The role granted to the caller's account on a row of another account's project (its project, its product,
    /// or a row in its product); null when none is.</summary>
    static Role? GrantedRole(Caller caller, IAccountOwned row) => row switch
    {
        Project p => caller.Grants.RoleIn(p.Id),
        Product p => caller.Grants.Products.TryGetValue(p.Id, out var role) ? role : null,
        IInProduct x => caller.Grants.Products.TryGetValue(x.ProductId, out var role) ? role : null,
        _ => null,
    };

    /// <summary>Which property of T ties it to a granted project: a project's own id, a product's id, or the ProductId
    /// of a row in a product; null for rows that grants never admit (groups, jobs, notifications).</summary>
    static string? GrantKey<T>() =>
        typeof(T) == typeof(Project) ? nameof(Project.Id)
        : typeof(T) == typeof(Product) ? nameof(Product.Id)
        : typeof(IInProduct).IsAssignableFrom(typeof(T)) ? nameof(IInProduct.ProductId)
        : null;

    /// <summary>The one row matching, if the caller may see it; otherwise <paramref name="notFound"/>, exactly as when
    /// no such row exists.</summary>
    public static async Task<T> FindVisibleAsync<T>(this IQueryable<T> rows, Caller caller, Expression<Func<T, bool>> match,
        Func<IotException> notFound, CancellationToken ct = default) where T : class, IAccountOwned
    {
        if (await rows.VisibleTo(caller).FirstOrDefaultAsync(match, ct) is { } row) return row;
        // A device or product authorized to the caller, asked for by a request only its owner may make: said so, rather
        // than "not found" about a row the caller can list.
        if (caller.Grants.HasAuthorizations && !caller.Grants.DevicesAdmitted && AuthorizedIds<T>(caller.Grants) is not null
            && await rows.VisibleTo(Admitted(caller)).FirstOrDefaultAsync(match, ct) is { } authorized)
            throw OwnersOnly(authorized);
        throw notFound();
    }

    /// <summary>The row in memory if the caller may see it; otherwise <paramref name="notFound"/> (also when it is null),
    /// or the owner-only refusal for a device authorized to the caller that this request may not reach.</summary>
    public static T VisibleOrNotFound<T>(this T? row, Caller caller, Func<IotException> notFound) where T : class, IAccountOwned
    {
        if (row is not null && row.IsVisibleTo(caller)) return row;
        if (row is not null && !caller.Grants.DevicesAdmitted && IsAuthorizedTo(caller, row)) throw OwnersOnly(row);
        throw notFound();
    }

    /// <summary>The caller without what is authorized to it device by device (and the public pool): for the lists of
    /// an account's own things, beside which the authorized ones are listed on their own.</summary>
    public static Caller WithoutAuthorized(this Caller caller) =>
        caller.Grants.DevicesAdmitted ? caller with { Grants = caller.Grants with { DevicesAdmitted = false } } : caller;

    static Caller Admitted(Caller caller) => caller with { Grants = caller.Grants with { DevicesAdmitted = true } };

    /// <summary>The refusal of an owner's operation on a device or product authorized to the caller.</summary>
    static IotException OwnersOnly(IAccountOwned row) => new(IotErrors.AuthorizedToYou, row switch
    {
        Device d => $"Device {d.ProductKey}/{d.DeviceName} is authorized to your account by its owner: you may read it, set its properties and invoke its services; only its owner may do this.",
        Connectivity.DeviceIdentity d => $"Device {d.ProductKey}/{d.DeviceName} is authorized to your account by its owner: you may read it, set its properties and invoke its services; only its owner may do this.",
        Product p => $"Product {p.ProductKey} is authorized to your account{(p.IsPublic ? " (or to the public pool)" : "")} by its owner: you may read it; only its owner may do this.",
        _ => "This is authorized to your account by its owner; only its owner may do this.",
    });

    /// <summary>The rows owned by the account: its namespace (names, quotas), not what a caller may see.</summary>
    public static IQueryable<T> OwnedBy<T>(this IQueryable<T> rows, long accountId) where T : class, IAccountOwned =>
        rows.Where(r => r.AccountId == accountId);

    public static bool IsOwnedBy(this IAccountOwned row, long accountId) => row.AccountId == accountId;

    /// <summary>The grant of a project to one account (at most one row).</summary>
    public static IQueryable<ProjectGrant> ToAccount(this IQueryable<ProjectGrant> grants, long projectId, long granteeAccountId) =>
        grants.Where(g => g.ProjectId == projectId && g.GranteeAccountId == granteeAccountId);

    /// <summary>A project's grants with the accounts they are to.</summary>
    public static IQueryable<GrantRow> WithGrantees(this IQueryable<ProjectGrant> grants, IQueryable<Account> accounts, long projectId) =>
        from g in grants
        join a in accounts on g.GranteeAccountId equals a.Id
        where g.ProjectId == projectId
        select new GrantRow(g, a);

    /// <summary>Each row with the account that owns it (lists that name a row's source, such as the public pool).</summary>
    public static IQueryable<GrantWith<T>> WithOwnerAccounts<T>(this IQueryable<T> rows, IQueryable<Account> accounts) where T : class, IAccountOwned =>
        from r in rows join a in accounts on r.AccountId equals a.Id select new GrantWith<T> { Grant = r, Account = a };

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

/// <summary>A project grant and the account it is to.</summary>
public sealed record GrantRow(ProjectGrant Grant, Account Grantee);

/// <summary>Something of one account (AccountId) authorized to another (GranteeAccountId): a device or product
/// authorization (Sharing).</summary>
public interface IGrant : IAccountOwned
{
    long GranteeAccountId { get; }
}

/// <summary>A grant (or any owned row) and the other account in it (the grantee, or the owner it comes from). Built with an initializer,
/// not a constructor, so that EF Core can go on composing queries over it.</summary>
public sealed class GrantWith<T>
{
    public required T Grant { get; init; }
    public required Account Account { get; init; }
}

/// <summary>The comparisons of device and product authorizations with accounts.</summary>
public static class GrantRules
{
    /// <summary>The grants to one account (what it was authorized).</summary>
    public static IQueryable<T> ToGrantee<T>(this IQueryable<T> grants, long granteeAccountId) where T : class, IGrant =>
        grants.Where(g => g.GranteeAccountId == granteeAccountId);

    /// <summary>Each grant with the account it is to (the owner's lists).</summary>
    public static IQueryable<GrantWith<T>> WithGrantees<T>(this IQueryable<T> grants, IQueryable<Account> accounts) where T : class, IGrant =>
        from g in grants join a in accounts on g.GranteeAccountId equals a.Id select new GrantWith<T> { Grant = g, Account = a };

    /// <summary>Each grant with the account it comes from (the grantee's lists).</summary>
    public static IQueryable<GrantWith<T>> WithOwners<T>(this IQueryable<T> grants, IQueryable<Account> accounts) where T : class, IGrant =>
        from g in grants join a in accounts on g.AccountId equals a.Id select new GrantWith<T> { Grant = g, Account = a };

    /// <summary>Whether the grant is to this account.</summary>
    public static bool IsTo(this IGrant grant, long granteeAccountId) => grant.GranteeAccountId == granteeAccountId;
}
