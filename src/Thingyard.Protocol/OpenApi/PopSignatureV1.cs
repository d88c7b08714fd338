// Alibaba RPC signature v1 (HMAC-SHA1 over the canonicalised parameters), as pop-core and openapi-client "v2" compute it.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Protocol.OpenApi;

public static class PopSignatureV1
{
    /// <summary>RFC 3986 encoding as the SDKs do it: encodeURIComponent plus ! ' ( ) * escaped.</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    /// <summary>Sorted, encoded k=v pairs joined with '&amp;' (Signature itself excluded).</summary>
    public static string Canonicalize(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Where(p => p.Key != "Signature")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => PercentEncode(p.Key) + "=" + PercentEncode(p.Value)));

    public static string StringToSign(string httpMethod, IEnumerable<KeyValuePair<string, string>> parameters) =>
        httpMethod.ToUpperInvariant() + "&" + PercentEncode("/") + "&" + PercentEncode(Canonicalize(parameters));

    public static string Sign(string stringToSign, string accessKeySecret) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(stringToSign)));
}
