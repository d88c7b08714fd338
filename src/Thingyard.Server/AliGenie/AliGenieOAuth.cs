// The OAuth 2.0 endpoints of account linking, after OpenIddict has checked the request (client, redirect URI,
// response type; at the token endpoint the client secret, the code or refresh token). Authorization: the sign-in
// page, then a code for the signed-in end user of the skill's project (throttled like /app/v1 sign-ins). Token: the
// code's or refresh token's principal signed in again, if the end user still exists.
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Server.EndUsers;
using Thingyard.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Thingyard.Server.AliGenie;

public static class AliGenieOAuth
{
    public const string AuthorizePath = "/aligenie/oauth/authorize";
    public const string TokenPath = "/aligenie/oauth/token";
    /// <summary>The claim that binds a token to the end user's project (public id).</summary>
    public const string ProjectClaim = "thingyard_project";

    public static void MapAliGenieOAuth(this IEndpointRouteBuilder app)
    {
        app.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], Authorize).ExcludeFromDescription();
        app.MapPost(TokenPath, Token).ExcludeFromDescription();
    }

    static async Task<IResult> Authorize(HttpContext http, AliGenieSkills skills, EndUserAccounts accounts, AuthThrottle throttle, IAntiforgery antiforgery,
        ThingyardDb db, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var projectId = await skills.ProjectOfClientAsync(request.ClientId ?? "", ct);
        var project = projectId is null ? null : await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.ProjectId == projectId, ct);
        if (project is null) return Forbid(Errors.AccessDenied, "The skill's project no longer exists.");
        if (!HttpMethods.IsPost(http.Request.Method)) return AliGenieSignInPage.Render(http, antiforgery, request, project.Name, null);

        if (!await antiforgery.IsRequestValidAsync(http))
            return AliGenieSignInPage.Render(http, antiforgery, request, project.Name, "The page expired; sign in again.", StatusCodes.Status400BadRequest);
        var login = (string?)request["login"] ?? "";
        var (address, identity) = EndUserSignInKey.Of(http, project.ProjectId, login);
        if (throttle.Blocked(address, identity) is { } wait)
            return AliGenieSignInPage.Render(http, antiforgery, request, project.Name,
                $"Too many failed sign-ins; try again in {Math.Ceiling(wait.TotalSeconds)} s.", StatusCodes.Status429TooManyRequests);
        EndUser user;
        try { user = await accounts.CheckPasswordAsync(project.ProjectId, login, (string?)request["password"] ?? "", ct); }
        catch (IotException e) when (e.Code == EndUserErrors.BadCredentials)
        {
            throttle.Failed(address, identity);
            return AliGenieSignInPage.Render(http, antiforgery, request, project.Name, e.Message, StatusCodes.Status401Unauthorized);
        }

        var claims = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        claims.SetClaim(Claims.Subject, user.UserId).SetClaim(ProjectClaim, project.ProjectId);
        // AliGenie asks for no scope; offline_access is what makes OpenIddict issue the refresh token it needs.
        claims.SetScopes(Scopes.OfflineAccess);
        claims.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(claims), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    static async Task<IResult> Token(HttpContext http, ThingyardDb db, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Forbid(Errors.UnsupportedGrantType, "Only authorization_code and refresh_token are accepted.");
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null || await EndUserOfAsync(db, principal, ct) is null)
            return Forbid(Errors.InvalidGrant, "The end user of this grant no longer exists.");
        return Results.SignIn(principal, null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The end user a token's principal names, in the project it names; null when either is gone.</summary>
    public static async Task<EndUser?> EndUserOfAsync(ThingyardDb db, ClaimsPrincipal principal, CancellationToken ct)
    {
        var (userId, projectId) = (principal.GetClaim(Claims.Subject), principal.GetClaim(ProjectClaim));
        if (userId is null || projectId is null) return null;
        return await db.EndUsers.AsNoTracking()
            .Where(u => u.UserId == userId && db.Projects.Any(p => p.Id == u.ProjectId && p.ProjectId == projectId)).FirstOrDefaultAsync(ct);
    }

    static IResult Forbid(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
