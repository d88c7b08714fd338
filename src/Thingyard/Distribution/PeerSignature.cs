// Peers call each other with a signed shared secret: HMAC-SHA256 over method, path and query, the caller's instance id,
// a timestamp (within 5 minutes), a one-time nonce and the SHA-256 of the body. Unsigned or badly signed peer calls are
// refused, and so is a nonce seen before (the receiver keeps them past the window), so a captured call cannot be replayed.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Distribution;

public static class PeerSignature
{
    public const string InstanceHeader = "X-Thingyard-Instance";
    public const string TimestampHeader = "X-Thingyard-Timestamp";
    public const string SignatureHeader = "X-Thingyard-Signature";
    public const string NonceHeader = "X-Thingyard-Nonce";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Sign(string secret, string method, string pathAndQuery, string instanceId, long timestampMs, string nonce,
        ReadOnlySpan<byte> body)
    {
        var content = $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{instanceId}\n{timestampMs}\n{nonce}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Null when the signature is genuine, else why the call is refused (whether the nonce is new is the caller's check).</summary>
    public static string? Check(string secret, string method, string pathAndQuery, string? instanceId, string? timestamp, string? nonce,
        string? signature, ReadOnlySpan<byte> body, long nowMs)
    {
        if (string.IsNullOrEmpty(secret)) return "this instance has no federation secret configured";
        if (string.IsNullOrEmpty(instanceId) || string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, out var ts))
            return "peer call without instance, timestamp or signature";
        if (nonce is not { Length: >= 16 and <= 64 }) return "peer call without a nonce of 16 to 64 characters";
        if (Math.Abs(nowMs - ts) > Window.TotalMilliseconds) return "peer call timestamp outside the 5-minute window";
        var expected = Sign(secret, method, pathAndQuery, instanceId, ts, nonce, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()))
            ? null : "peer signature does not match";
    }
}
