// Peers call each other with a signed shared secret: HMAC-SHA256 over method, path and query, the caller's instance id,
// a timestamp (within 5 minutes) and the SHA-256 of the body. Unsigned or badly signed peer calls are refused.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Distribution;

public static class PeerSignature
{
    public const string InstanceHeader = "X-Thingyard-Instance";
    public const string TimestampHeader = "X-Thingyard-Timestamp";
    public const string SignatureHeader = "X-Thingyard-Signature";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string method, string pathAndQuery, string instanceId, long timestampMs, ReadOnlySpan<byte> body)
    {
        var content = $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{instanceId}\n{timestampMs}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Null when the call is genuine, else why it is refused.</summary>
    public static string? Check(string secret, string method, string pathAndQuery, string? instanceId, string? timestamp, string? signature,
        ReadOnlySpan<byte> body, long nowMs)
    {
        if (string.IsNullOrEmpty(secret)) return "this instance has no federation secret configured";
        if (string.IsNullOrEmpty(instanceId) || string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, out var ts))
            return "peer call without instance, timestamp or signature";
        if (Math.Abs(nowMs - ts) > Window.TotalMilliseconds) return "peer call timestamp outside the 5-minute window";
        var expected = Sign(secret, method, pathAndQuery, instanceId, ts, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()))
            ? null : "peer signature does not match";
    }
}
