// REST endpoints for accounts, their AccessKeys and their console users (the RPC OpenAPI has no account actions). An
// AccessKey acts as its account's owner; what the console's AccessKeys and Users pages do is here too, through the
// same services (AccountAdmin, ConsoleUsers), which check the caller's role themselves.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Server.Console;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Accounts;

/// <summary>Uid is optional: give it to create the same account on another instance of a federation. UserName and
/// Password, together, also create the account's first console user (an owner), so that people can sign in to it.</summary>
public sealed record CreateAccountRequest(string Name, string? Uid = null, string? UserName = null, string? Password = null);

public sealed record KeyChangeRequest(bool Enabled);

public sealed record NewUserRequest(string UserName, string Password, string Role);

public sealed record RoleChangeRequest(string Role);

/// <summary>A console user as the API shows it: the role in lower case (owner, admin, developer, viewer, operator).</summary>
public sealed record ConsoleUserDto(long Id, string UserName, string Role, long CreatedAt, bool LockedOut)
{
    public static ConsoleUserDto Of(ConsoleUserRow u) => new(u.Id, u.UserName, u.Role.ToString().ToLowerInvariant(), u.CreatedAtMs, u.LockedOut);
}

public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder group)
    {
        group.MapPost("/", Create).WithSummary("Create an account (the admin account only); with userName and password, also its first owner user");
        group.MapGet("/me/access-keys", ListKeys).WithSummary("The account's AccessKeys (never their secrets)");
        group.MapPost("/me/access-keys", AddKey).WithSummary("A new AccessKey; its secret is in this answer only");
        group.MapPatch("/me/access-keys/{accessKeyId}", ChangeKey).WithSummary("Enable or disable a key; a disabled key is refused from the next call on");
        group.MapDelete("/me/access-keys/{accessKeyId}", DeleteKey);
        group.MapGet("/me/users", ListUsers).WithSummary("The account's console users and their roles");
        group.MapPost("/me/users", AddUser).WithSummary("Add a console user: userName, password (10+ characters), role owner|admin|developer|viewer|operator");
        group.MapPatch("/me/users/{userId:long}", ChangeRole).WithSummary("Give a console user another role");
        group.MapDelete("/me/users/{userId:long}", RemoveUser);
        return group;
    }

    /// <summary>Admin only. The new account's secret is returned once and stored only sealed. The first user's name and
    /// password are checked before the account is created, so a refused user leaves no account behind.</summary>
    static async Task<Created<NewAccessKey>> Create(HttpContext http, AccountAdmin admin, ConsoleUsers users, CreateAccountRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var withUser = !string.IsNullOrEmpty(body.UserName) || !string.IsNullOrEmpty(body.Password);
        if (withUser)
        {
            await admin.RequireAdminAsync(caller, http.RequestAborted); // before the user name is checked, which would tell whether it exists
            if (string.IsNullOrEmpty(body.UserName) || string.IsNullOrEmpty(body.Password))
                throw IotException.Invalid("The first user needs both userName and password.");
            await users.CheckNewAsync(body.UserName, body.Password);
        }
        var key = await admin.CreateAccountAsync(caller, body.Name, http.RequestAborted, body.Uid);
        // The new account's first user is made as that account's owner would make it (its AccessKey acts as owner).
        if (withUser) await users.CreateAsync(Caller.Account(await admin.AccountIdAsync(key.AccountUid, http.RequestAborted)), body.UserName!, body.Password!, Role.Owner);
        return TypedResults.Created($"/api/v1/accounts/{key.AccountUid}", key);
    }

    static async Task<Ok<List<AccessKeySummary>>> ListKeys(HttpContext http, AccountAdmin admin) =>
        TypedResults.Ok(await admin.ListKeysAsync(RestAuthFilter.CallerOf(http), http.RequestAborted));

    static async Task<Created<NewAccessKey>> AddKey(HttpContext http, AccountAdmin admin) =>
        TypedResults.Created("/api/v1/accounts/me", await admin.AddKeyAsync(RestAuthFilter.CallerOf(http), http.RequestAborted));

    static async Task<Ok<AccessKeySummary>> ChangeKey(HttpContext http, AccountAdmin admin, string accessKeyId, KeyChangeRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        await admin.SetKeyEnabledAsync(caller, accessKeyId, body.Enabled, http.RequestAborted);
        return TypedResults.Ok((await admin.ListKeysAsync(caller, http.RequestAborted)).Single(k => k.AccessKeyId == accessKeyId));
    }

    static async Task<NoContent> DeleteKey(HttpContext http, AccountAdmin admin, string accessKeyId)
    {
        await admin.DeleteKeyAsync(RestAuthFilter.CallerOf(http), accessKeyId, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<List<ConsoleUserDto>>> ListUsers(HttpContext http, ConsoleUsers users) =>
        TypedResults.Ok((await users.ListAsync(RestAuthFilter.CallerOf(http), http.RequestAborted)).Select(ConsoleUserDto.Of).ToList());

    static async Task<Created<ConsoleUserDto>> AddUser(HttpContext http, ConsoleUsers users, NewUserRequest body)
    {
        var user = await users.CreateAsync(RestAuthFilter.CallerOf(http), body.UserName ?? "", body.Password ?? "", ParseRole(body.Role), http.RequestAborted);
        return TypedResults.Created($"/api/v1/accounts/me/users/{user.Id}", ConsoleUserDto.Of(user));
    }

    static async Task<Ok<ConsoleUserDto>> ChangeRole(HttpContext http, ConsoleUsers users, long userId, RoleChangeRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        await users.SetRoleAsync(caller, userId, ParseRole(body.Role), http.RequestAborted);
        return TypedResults.Ok(ConsoleUserDto.Of((await users.ListAsync(caller, http.RequestAborted)).Single(u => u.Id == userId)));
    }

    static async Task<NoContent> RemoveUser(HttpContext http, ConsoleUsers users, long userId)
    {
        await users.DeleteAsync(RestAuthFilter.CallerOf(http), userId, http.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>owner, admin, developer or viewer (any case); anything else is the platform's invalid-parameter error.</summary>
    public static Role ParseRole(string? role) =>
        Enum.TryParse<Role>(role, ignoreCase: true, out var r) && Enum.IsDefined(r) && !int.TryParse(role, out _)
            ? r : throw IotException.Invalid($"Role must be owner, admin, developer, viewer or operator, not '{role}'.");
}
