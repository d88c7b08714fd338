// Alibaba ACS3-HMAC-SHA256 header signing, as @alicloud/openapi-client computes it by default.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Protocol.OpenApi;

public static class Acs3Signature
{
    public const string Algorithm = "ACS3-HMAC-SHA256";

    public sealed record Authorization(string AccessKeyId, IReadOnlyList<string> SignedHeaders, string Signature);

    /// <summary>Parses "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex".</summary>
    public static Authorization? ParseAuthorization(string? header)
    {
        if (header is null || !header.StartsWith(Algorithm + " ", StringComparison.Ordinal)) return null;
        string? credential = null, signed = null, signature = null;
        foreach (var part in header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var (name, value) = (part[..eq], part[(eq + 1)..]);
            switch (name)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signed = value; break;
                case "Signature": signature = value; break;
            }
        }
        if (string.IsNullOrEmpty(credential) || signed is null || string.IsNullOrEmpty(signature)) return null;
        return new Authorization(credential, signed.Split(';', StringSplitOptions.RemoveEmptyEntries), signature);
    }

    /// <summary>Query keys sorted, values re-encoded with the RFC 3986 rule; keys as sent (the SDK never encodes them).</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> decodedQuery) =>
        string.Join('&', decodedQuery
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + PopSignatureV1.PercentEncode(p.Value)));

    public static string CanonicalRequest(string method, string path, string canonicalQuery,
        IReadOnlyList<string> signedHeaders, Func<string, IEnumerable<string>> headerValues, string hashedPayload)
    {
        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n').Append(path).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var name in signedHeaders)
        {
            var values = headerValues(name).Select(v => v.Trim()).Order(StringComparer.Ordinal);
            sb.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }
        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(hashedPayload);
        return sb.ToString();
    }

    public static string StringToSign(string canonicalRequest) =>
        Algorithm + "\n" + Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest));

    public static string Sign(string stringToSign, string accessKeySecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
