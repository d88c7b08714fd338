// Proprietary apps sign their requests to `/app/v1` as Alibaba's API Gateway requires of its apps, so that an app built
// with the gateway's SDKs works unchanged: X-Ca-Key (the AppKey), X-Ca-Timestamp (ms, within 15 minutes of the server's
// clock), X-Ca-Nonce (once per 15 minutes), X-Ca-Signature-Method (HmacSHA256 or HmacSHA1), X-Ca-Signature-Headers
// (the X-Ca-/custom headers signed) and X-Ca-Signature: Base64(HMAC(AppSecret, StringToSign)), where StringToSign is
//   METHOD \n Accept \n Content-MD5 \n Content-Type \n Date \n (name:value \n for each signed header, sorted) PathAndQuery
// and PathAndQuery is the path, then "?" and the query and form parameters sorted by name, "k=v" (or "k") joined by '&'.
// A refused request gets 400 and the gateway's X-Ca-Error-Message. A request without X-Ca-Key is the consumer app's.
using System.Security.Cryptography;
using System.Text;
using Thingyard.Accounts;
using Thingyard.EndUsers;

namespace Thingyard.Server.EndUsers;

/// <summary>Middleware on `/app/v1` (not an endpoint filter: the signature covers the body, which must be read before
/// the endpoint's parameters are bound from it).</summary>
public sealed class AppSignature(ProprietaryApps apps, NonceGuard nonces, TimeProvider time, ILogger<AppSignature> logger)
{
    readonly ILogger log = logger;
    const string ProjectKey = "thingyard.appProject";
    static readonly TimeSpan Window = NonceGuard.Window;

    public static void Use(WebApplication app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/app/v1") && c.Request.Headers.ContainsKey("X-Ca-Key"), branch => branch.Use(async (http, next) =>
        {
            var key = http.Request.Headers["X-Ca-Key"].ToString();
            var signature = http.RequestServices.GetRequiredService<AppSignature>();
            var problem = await signature.CheckAsync(http, key);
            if (problem is null)
            {
                await next(http);
                return;
            }
            signature.log.LogInformation("Refused a signed app request to {Path} (AppKey {AppKey}): {Problem}", http.Request.Path, key, problem);
            // As the gateway does: the message in a header, its new lines as '#' (and anything not printable ASCII as '?').
            http.Response.Headers["X-Ca-Error-Message"] = new string(problem.Select(c => c == '\n' ? '#' : c is < ' ' or > '~' ? '?' : c).ToArray());
            await Results.Problem(statusCode: 400, title: "iot.app.InvalidSignature", detail: problem).ExecuteAsync(http);
        }));

    /// <summary>The project of the app that signed the request, or null for an unsigned (consumer-app) request.</summary>
    public static long? ProjectOf(HttpContext http) => http.Items[ProjectKey] as long?;

    async Task<string?> CheckAsync(HttpContext http, string appKey)
    {
        var h = http.Request.Headers;
        if (await apps.SignerAsync(appKey, http.RequestAborted) is not var (app, projectId)) return "Invalid AppKey";
        var method = h["X-Ca-Signature-Method"].ToString();
        if (method.Length == 0) method = "HmacSHA256";
        if (method is not ("HmacSHA256" or "HmacSHA1")) return "Invalid Signature Method";
        if (!long.TryParse(h["X-Ca-Timestamp"].ToString(), out var stamp)) return "Invalid Timestamp";
        if (Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - stamp) > Window.TotalMilliseconds) return "Invalid Timestamp";
        var nonce = h["X-Ca-Nonce"].ToString();
        if (nonce.Length is 0 or > 64) return "Invalid Nonce";

        var body = await BodyAsync(http.Request);
        if (h.TryGetValue("Content-MD5", out var md5) && md5.ToString() != Convert.ToBase64String(MD5.HashData(body))) return "Invalid Content-MD5";
        var stringToSign = StringToSign(http.Request, body);
        var secret = Encoding.UTF8.GetBytes(app.AppSecret);
        var data = Encoding.UTF8.GetBytes(stringToSign);
        var expected = method == "HmacSHA1" ? HMACSHA1.HashData(secret, data) : HMACSHA256.HashData(secret, data);
        byte[] given;
        try { given = Convert.FromBase64String(h["X-Ca-Signature"].ToString()); }
        catch (FormatException) { given = []; }
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return "Invalid Signature, Server StringToSign:`" + stringToSign + "`";
        // The nonce is spent only by a correctly signed request, so nobody can burn another app's nonces.
        if (!await nonces.TryUseAsync("app " + app.AppKey, nonce, http.RequestAborted)) return "Nonce Used";
        // An app serves its own project's end users only.
        if (http.Request.RouteValues.TryGetValue("projectId", out var named) && named as string != projectId) return "Invalid AppKey for this project";
        http.Items[ProjectKey] = app.ProjectId;
        return null;
    }

    public static string StringToSign(HttpRequest request, byte[] body)
    {
        var h = request.Headers;
        var sb = new StringBuilder();
        sb.Append(request.Method.ToUpperInvariant()).Append('\n')
            .Append(h.Accept.ToString()).Append('\n')
            .Append(h["Content-MD5"].ToString()).Append('\n')
            .Append(h.ContentType.ToString()).Append('\n')
            .Append(h.Date.ToString()).Append('\n');
        var signed = h["X-Ca-Signature-Headers"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(n => !Excluded(n)).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.Ordinal);
        foreach (var name in signed) sb.Append(name).Append(':').Append(h[name].ToString()).Append('\n');
        sb.Append(request.Path.Value);
        var parameters = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Query) parameters[k] = v.FirstOrDefault();
        if (request.HasFormContentType)
            foreach (var (k, v) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))) parameters[k] = v.FirstOrDefault();
        if (parameters.Count > 0)
            sb.Append('?').Append(string.Join('&', parameters.Select(p => string.IsNullOrEmpty(p.Value) ? p.Key : p.Key + "=" + p.Value)));
        return sb.ToString();
    }

    static bool Excluded(string header) => header.Equals("X-Ca-Signature", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-Ca-Signature-Headers", StringComparison.OrdinalIgnoreCase) || header.Equals("Accept", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase) || header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Date", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body, read once and left readable for the endpoint (at most 1 MB is signed).</summary>
    static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))) return [];
        request.EnableBuffering(1024 * 1024);
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return ms.ToArray();
    }
}
