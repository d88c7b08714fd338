// What an end user's failed sign-in counts against in AuthThrottle: the caller's address and the project's login. The
// app's sign-in (`/app/v1`) and AliGenie's account-linking page share it, so failures on either lock both.
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.EndUsers;

public static class EndUserSignInKey
{
    public static (string? Address, string Identity) Of(HttpContext http, string projectId, string? login) =>
        (http.Connection.RemoteIpAddress is { } ip ? RemoteAddress.Unmapped(ip).ToString() : null,
         $"end user {projectId}/{login?.Trim().ToLowerInvariant()}");
}
