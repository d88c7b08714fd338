// Reads an RPC request and proves who sent it: v1 HMAC-SHA1 parameter signing or ACS3-HMAC-SHA256 header signing,
// both with a timestamp window and a one-time nonce. Unknown keys and bad signatures count against the caller's address
// and the AccessKey (AuthThrottle); past the limits a call is refused before any signature is computed.
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Thingyard.Accounts;
using Thingyard.Server.Distribution;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Server.Rpc;

public sealed class RpcAuthenticator(AccessKeyStore keys, NonceGuard nonces, AuthThrottle throttle, DeviceLocator locator, TimeProvider time)
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public async Task<RpcRequest> AuthenticateAsync(HttpRequest http, string requestId, CancellationToken ct)
    {
        var body = await ReadBodyAsync(http, ct);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in http.Query) parameters[k] = v.ToString();
        var isForm = http.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        if (isForm && body.Length > 0)
            foreach (var (k, v) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))) parameters[k] = v.ToString();

        var wantsXml = parameters.TryGetValue("Format", out var format)
            ? format.Equals("XML", StringComparison.OrdinalIgnoreCase)
            : false;
        var authorization = http.Headers.Authorization.ToString();
        return authorization.StartsWith(Acs3Signature.Algorithm, StringComparison.Ordinal)
            ? await VerifyAcs3Async(http, authorization, body, parameters, requestId, ct)
            : await VerifyV1Async(http, parameters, requestId, wantsXml, ct);
    }

    async Task<RpcRequest> VerifyV1Async(HttpRequest http, Dictionary<string, string> p, string requestId, bool wantsXml, CancellationToken ct)
    {
        var action = Param(p, "Action");
        var accessKeyId = Param(p, "AccessKeyId");
        var signature = Param(p, "Signature");
        var nonce = Param(p, "SignatureNonce");
        var timestamp = Param(p, "Timestamp");
        if (p.TryGetValue("SignatureMethod", out var method) && method != "HMAC-SHA1")
            throw new RpcGatewayException(400, "InvalidSignatureMethod.Malformed", $"SignatureMethod '{method}' is not supported; use HMAC-SHA1.");
        CheckTimestamp(timestamp, "Timestamp");

        var credential = await FindKeyAsync(http, accessKeyId, ct);
        var stringToSign = PopSignatureV1.StringToSign(http.Method, p);
        if (!FixedEquals(PopSignatureV1.Sign(stringToSign, credential.Secret), signature))
            throw SignatureMismatch(http, accessKeyId, stringToSign);
        await UseNonceAsync(accessKeyId, nonce, ct);
        p.Remove("Signature");
        return new RpcRequest(action, p.GetValueOrDefault("Version"), p, accessKeyId, credential.AccountId, credential.AccountUid, requestId, wantsXml);
    }

    async Task<RpcRequest> VerifyAcs3Async(HttpRequest http, string header, byte[] body, Dictionary<string, string> p, string requestId, CancellationToken ct)
    {
        var auth = Acs3Signature.ParseAuthorization(header)
            ?? throw new RpcGatewayException(400, "InvalidAuthorization", "The Authorization header is malformed; expected ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..");
        var action = Header(http, "x-acs-action");
        var date = Header(http, "x-acs-date");
        var nonce = Header(http, "x-acs-signature-nonce");
        CheckTimestamp(date, "x-acs-date");
        foreach (var required in new[] { "host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256" })
            if (!auth.SignedHeaders.Contains(required))
                throw new RpcGatewayException(400, "InvalidAuthorization", $"SignedHeaders must include {required}.");

        var hashed = Acs3Signature.Sha256Hex(body);
        if (!string.Equals(Header(http, "x-acs-content-sha256"), hashed, StringComparison.OrdinalIgnoreCase))
            throw new RpcGatewayException(400, "ContentSHA256NotMatch", "x-acs-content-sha256 does not match the body that was received.");

        var credential = await FindKeyAsync(http, auth.AccessKeyId, ct);
        var query = http.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()));
        var canonical = Acs3Signature.CanonicalRequest(http.Method, http.Path.HasValue ? http.Path.Value! : "/",
            Acs3Signature.CanonicalQuery(query), auth.SignedHeaders, name => http.Headers[name].Select(v => v ?? ""), hashed);
        var stringToSign = Acs3Signature.StringToSign(canonical);
        if (!FixedEquals(Acs3Signature.Sign(stringToSign, credential.Secret), auth.Signature.ToLowerInvariant()))
            throw SignatureMismatch(http, auth.AccessKeyId, stringToSign);
        await UseNonceAsync(auth.AccessKeyId, nonce, ct);
        return new RpcRequest(action, http.Headers["x-acs-version"].ToString(), p, auth.AccessKeyId, credential.AccountId,
            credential.AccountUid, requestId, false);
    }

    /// <summary>The key, once the caller is not locked out; an unknown key counts as a failure.</summary>
    async Task<AccessKeyCredential> FindKeyAsync(HttpRequest http, string accessKeyId, CancellationToken ct)
    {
        if (throttle.Blocked(Address(http), "key " + accessKeyId) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            throw new RpcGatewayException(429, "Throttling.User",
                $"Request was denied: too many failed signature checks from this address or for this AccessKey; retry after {seconds} s.");
        }
        if (await keys.FindAsync(accessKeyId, ct) is { } credential) return credential;
        throttle.Failed(Address(http), "key " + accessKeyId);
        throw new RpcGatewayException(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    }

    RpcGatewayException SignatureMismatch(HttpRequest http, string accessKeyId, string stringToSign)
    {
        throttle.Failed(Address(http), "key " + accessKeyId);
        return new RpcGatewayException(400, "SignatureDoesNotMatch",
            $"Specified signature is not matched with our calculation. server string to sign is:{stringToSign}");
    }

    string? Address(HttpRequest http) => locator.ClientAddress(http.HttpContext)?.ToString();

    async Task UseNonceAsync(string accessKeyId, string nonce, CancellationToken ct)
    {
        if (!await nonces.TryUseAsync(accessKeyId, nonce, ct))
            throw new RpcGatewayException(400, "SignatureNonceUsed", "The request signature nonce has been used.");
    }

    void CheckTimestamp(string value, string name)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw new RpcGatewayException(400, "InvalidTimeStamp.Format", $"Specified {name} is not in the ISO 8601 UTC format (yyyy-MM-ddTHH:mm:ssZ).");
        if ((time.GetUtcNow() - at).Duration() > NonceGuard.Window)
            throw new RpcGatewayException(400, "InvalidTimeStamp.Expired", $"Specified {name} is more than 15 minutes away from the server time.");
    }

    static string Param(Dictionary<string, string> p, string name) =>
        p.TryGetValue(name, out var v) && v.Length > 0 ? v : throw RpcGatewayException.Missing(name);

    static string Header(HttpRequest http, string name) =>
        http.Headers[name].ToString() is { Length: > 0 } v ? v : throw new RpcGatewayException(400, "MissingParameter", $"The header \"{name}\" is required for ACS3-HMAC-SHA256 requests.");

    static bool FixedEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Reads the whole body (chunked or not), refusing more than <see cref="MaxBodyBytes"/>.</summary>
    static async Task<byte[]> ReadBodyAsync(HttpRequest http, CancellationToken ct)
    {
        if (http.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    static RpcGatewayException TooLarge() =>
        new(413, "RequestEntityTooLarge", $"The request body is larger than {MaxBodyBytes / 1024 / 1024} MB.");
}
