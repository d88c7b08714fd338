// REST endpoints for accounts and AccessKeys (the RPC OpenAPI has no account actions).
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Accounts;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Accounts;

/// <summary>Uid is optional: give it to create the same account on another instance of a federation.</summary>
public sealed record CreateAccountRequest(string Name, string? Uid = null);

public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder group)
    {
        group.MapPost("/", Create);
        group.MapPost("/me/access-keys", AddKey);
        return group;
    }

    /// <summary>Admin only. The new account's secret is returned once and stored only sealed.</summary>
    static async Task<Created<NewAccessKey>> Create(HttpContext http, AccountAdmin admin, CreateAccountRequest body)
    {
        var key = await admin.CreateAccountAsync(RestAuthFilter.CallerOf(http), body.Name, http.RequestAborted, body.Uid);
        return TypedResults.Created($"/api/v1/accounts/{key.AccountUid}", key);
    }

    static async Task<Created<NewAccessKey>> AddKey(HttpContext http, AccountAdmin admin) =>
        TypedResults.Created("/api/v1/accounts/me", await admin.AddKeyAsync(RestAuthFilter.CallerOf(http).AccountId, http.RequestAborted));
}
