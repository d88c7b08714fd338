// The end users' own API (`/app/v1`), what the consumer app and proprietary apps call for an end user: sign up, sign
// in, refresh, sign out, reset a forgotten password, and read or delete one's own account. Tokens go as
// "Authorization: Bearer <accessToken>". Failed sign-ins count against the address and the login (AuthThrottle), as
// failed device and API logins do.
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Server.Rest;

namespace Thingyard.Server.EndUsers;

public sealed record EndUserSignUp(string Login, string Password);
public sealed record EndUserRefresh(string RefreshToken);
public sealed record EndUserResetRequest(string Login);
public sealed record EndUserResetConfirm(string Login, string Code, string NewPassword);
public sealed record EndUserMe(string UserId, string ProjectId, string? Email, string? Phone, long CreatedAt);

public static class EndUserApi
{
    public static RouteGroupBuilder MapEndUserApi(this RouteGroupBuilder group)
    {
        group.MapPost("/projects/{projectId}/users", SignUp).WithSummary("Sign up with an e-mail address or a phone number and a password");
        group.MapPost("/projects/{projectId}/sessions", SignIn).WithSummary("Sign in: an access token (2 h) and a refresh token (30 days)");
        group.MapPost("/sessions/refresh", Refresh).WithSummary("New tokens for a refresh token (each is used once)");
        group.MapDelete("/sessions", SignOut).WithSummary("Sign out (the bearer token's session)");
        group.MapPost("/projects/{projectId}/password-reset", RequestReset).WithSummary("Send a reset code to the login's e-mail address");
        group.MapPost("/projects/{projectId}/password-reset/confirm", ConfirmReset).WithSummary("Set a new password with the code; every session ends");
        group.MapGet("/me", Me).WithSummary("The signed-in end user");
        group.MapDelete("/me", DeleteMe).WithSummary("Delete the signed-in end user's account, sessions and bindings");
        return group;
    }

    static async Task<Created<EndUserTokens>> SignUp(EndUserAccounts accounts, string projectId, EndUserSignUp body, CancellationToken ct)
    {
        var (_, tokens) = await accounts.SignUpAsync(projectId, body.Login, body.Password, ct);
        return TypedResults.Created("/app/v1/me", tokens);
    }

    static async Task<Results<Ok<EndUserTokens>, ProblemHttpResult>> SignIn(HttpContext http, EndUserAccounts accounts, AuthThrottle throttle, string projectId,
        EndUserSignUp body, CancellationToken ct)
    {
        var (address, identity) = EndUserSignInKey.Of(http, projectId, body.Login);
        if (throttle.Blocked(address, identity) is { } wait)
            return TypedResults.Problem(statusCode: 429, title: "iot.enduser.TooManyAttempts", detail: $"Too many failed sign-ins; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
        try { return TypedResults.Ok(await accounts.SignInAsync(projectId, body.Login ?? "", body.Password ?? "", ct)); }
        catch (IotException e) when (e.Code == EndUserErrors.BadCredentials)
        {
            throttle.Failed(address, identity);
            return TypedResults.Problem(statusCode: 401, title: e.Code, detail: e.Message, type: e.Code);
        }
    }

    static async Task<Results<Ok<EndUserTokens>, ProblemHttpResult>> Refresh(EndUserAccounts accounts, EndUserRefresh body, CancellationToken ct)
    {
        try { return TypedResults.Ok(await accounts.RefreshAsync(body.RefreshToken ?? "", ct)); }
        catch (IotException e) when (e.Code == EndUserErrors.InvalidToken) { return Unauthorized(e); }
    }

    static async Task<Results<NoContent, ProblemHttpResult>> SignOut(HttpContext http, EndUserAccounts accounts, CancellationToken ct)
    {
        if (await accounts.AuthenticateAsync(Bearer(http), ct) is null) return Unauthorized();
        await accounts.SignOutAsync(Bearer(http)!, ct);
        return TypedResults.NoContent();
    }

    static async Task<Accepted> RequestReset(EndUserAccounts accounts, EndUserMail mail, string projectId, EndUserResetRequest body, CancellationToken ct)
    {
        var (email, _) = EndUserAccounts.ParseLogin(body.Login);
        mail.RequireSender(email is not null);
        await accounts.RequestResetAsync(projectId, body.Login, ct);
        return TypedResults.Accepted((string?)null);
    }

    static async Task<NoContent> ConfirmReset(EndUserAccounts accounts, string projectId, EndUserResetConfirm body, CancellationToken ct)
    {
        await accounts.ResetAsync(projectId, body.Login, body.Code, body.NewPassword, ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<EndUserMe>, ProblemHttpResult>> Me(HttpContext http, EndUserAccounts accounts, Thingyard.Storage.ThingyardDb db, CancellationToken ct)
    {
        if (await accounts.AuthenticateAsync(Bearer(http), ct) is not { } user) return Unauthorized();
        var projectId = await db.Projects.Where(p => p.Id == user.ProjectId).Select(p => p.ProjectId).FirstAsync(ct);
        return TypedResults.Ok(new EndUserMe(user.UserId, projectId, user.Email, user.Phone, user.CreatedAtMs));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteMe(HttpContext http, EndUserAccounts accounts, EndUserDevices devices, CancellationToken ct)
    {
        if (await accounts.AuthenticateAsync(Bearer(http), ct) is not { } user) return Unauthorized();
        await devices.ReleaseAllAsync(user, ct);
        await accounts.DeleteAsync(user, ct);
        return TypedResults.NoContent();
    }

    static string? Bearer(HttpContext http) => EndUserAuth.Bearer(http);

    static ProblemHttpResult Unauthorized(IotException? e = null) =>
        TypedResults.Problem(statusCode: 401, title: e?.Code ?? EndUserErrors.InvalidToken, detail: e?.Message ?? "Sign in first: the bearer token is missing, unknown or expired.");
}
