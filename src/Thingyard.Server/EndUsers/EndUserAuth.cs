// The signed-in end user of an `/app/v1` request: its bearer token is checked once by this filter, and the handlers
// read the user from the request. No token, or an unknown, expired or ended one, is 401 before any handler runs.
using Thingyard.EndUsers;

namespace Thingyard.Server.EndUsers;

public sealed class EndUserAuth(EndUserAccounts accounts) : IEndpointFilter
{
    const string Key = "thingyard.endUser";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await accounts.AuthenticateAsync(Bearer(http), http.RequestAborted) is not { } user)
            return TypedResults.Problem(statusCode: 401, title: EndUserErrors.InvalidToken, detail: "Sign in first: the bearer token is missing, unknown or expired.");
        // A signed request's app belongs to one project; its users are that project's only.
        if (AppSignature.ProjectOf(http) is { } projectId && projectId != user.ProjectId)
            return TypedResults.Problem(statusCode: 401, title: EndUserErrors.InvalidToken, detail: "The token is of an end user of another project than the app's.");
        http.Items[Key] = user;
        return await next(context);
    }

    public static EndUser User(HttpContext http) => http.Items[Key] as EndUser ?? throw new InvalidOperationException("EndUserAuth did not run for this endpoint.");

    public static string? Bearer(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h["Bearer ".Length..].Trim() : null;
}
