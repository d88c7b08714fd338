// Authenticates REST calls with HTTP Basic (AccessKeyId:AccessKeySecret) and remembers the caller's account.
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Thingyard.Accounts;

namespace Thingyard.Server.Rest;

public sealed class RestAuthFilter(AccessKeyStore keys, ILogger<RestAuthFilter> log) : IEndpointFilter
{
    const string AccountKey = "thingyard.account";

    public static long AccountId(HttpContext http) => (long)http.Items[AccountKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)); }
            catch (FormatException) { decoded = ""; }
            var colon = decoded.IndexOf(':');
            if (colon > 0)
            {
                var credential = await keys.FindAsync(decoded[..colon], http.RequestAborted);
                if (credential is not null && CryptographicOperations.FixedTimeEquals(
                        Encoding.UTF8.GetBytes(credential.Secret), Encoding.UTF8.GetBytes(decoded[(colon + 1)..])))
                {
                    http.Items[AccountKey] = credential.AccountId;
                    return await next(context);
                }
            }
        }
        log.LogWarning("REST {Method} {Path} refused: missing or wrong AccessKey", http.Request.Method, http.Request.Path);
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"thingyard\"";
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
            detail: "Authenticate with HTTP Basic: AccessKeyId as the user name, AccessKeySecret as the password.");
    }
}
