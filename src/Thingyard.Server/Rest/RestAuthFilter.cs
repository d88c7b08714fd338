// Authenticates REST calls with HTTP Basic (AccessKeyId:AccessKeySecret) and remembers who is calling. Failures
// count against the caller's address and the AccessKey (AuthThrottle); past the limits calls get 429 unchecked.
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Server.Distribution;

namespace Thingyard.Server.Rest;

public sealed class RestAuthFilter(AccessKeyStore keys, AuthThrottle throttle, DeviceLocator locator, GrantDirectory grants,
    ILogger<RestAuthFilter> log) : IEndpointFilter
{
    const string CallerKey = "thingyard.caller";

    /// <summary>Who is calling (set once the AccessKey is verified): handlers pass it to every registry and service.</summary>
    public static Caller CallerOf(HttpContext http) => (Caller)http.Items[CallerKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (keyId, secret) = Credentials(http.Request);
        var address = locator.ClientAddress(http)?.ToString();
        var identity = keyId is null ? null : "key " + keyId;
        if (throttle.Blocked(address, identity) is { } wait)
        {
            log.LogWarning("REST {Method} {Path} refused unchecked: too many failed attempts from {Address} or for the key", http.Request.Method,
                http.Request.Path, address);
            return TooMany(http, wait);
        }
        if (keyId is not null)
        {
            var credential = await keys.FindAsync(keyId, http.RequestAborted);
            if (credential is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential.Secret), Encoding.UTF8.GetBytes(secret!)))
            {
                // Authorized devices answer reads (GET) only; changes through REST stay the owner's.
                http.Items[CallerKey] = await grants.WithGrantsAsync(Caller.Account(credential.AccountId), HttpMethods.IsGet(http.Request.Method), http.RequestAborted);
                return await next(context);
            }
        }
        throttle.Failed(address, identity);
        log.LogWarning("REST {Method} {Path} refused: missing or wrong AccessKey", http.Request.Method, http.Request.Path);
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"thingyard\"";
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
            detail: "Authenticate with HTTP Basic: AccessKeyId as the user name, AccessKeySecret as the password.");
    }

    /// <summary>The Basic credentials, or (null, null) when the header is missing or malformed.</summary>
    static (string? KeyId, string? Secret) Credentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is not { } parameter)
            return (null, null);
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)); }
        catch (FormatException) { return (null, null); }
        var colon = decoded.IndexOf(':');
        return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : (null, null);
    }

    static IResult TooMany(HttpContext http, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: 429, title: "Too many failed attempts",
            detail: $"Too many failed authentications from this address or for this AccessKey; retry after {seconds} s.");
    }
}
