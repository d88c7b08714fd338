// The headers a receiver checks a delivery with: HMAC-SHA256 over "timestamp.body" keyed by the webhook's token
// (the scheme Stripe and GitHub receivers already know), the timestamp to refuse replays, and the delivery id to drop
// duplicates (delivery is at least once).
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Server.Webhooks;

public static class WebhookSignature
{
    public const string SignatureHeader = "X-Thingyard-Signature";
    public const string TimestampHeader = "X-Thingyard-Timestamp";
    public const string DeliveryHeader = "X-Thingyard-Delivery";
    public const string SourceHeader = "X-Thingyard-Source";

    /// <summary>"v1=" and the lowercase hex HMAC-SHA256 of "{timestampMs}.{body}".</summary>
    public static string Sign(string token, long timestampMs, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestampMs + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), data));
    }
}
