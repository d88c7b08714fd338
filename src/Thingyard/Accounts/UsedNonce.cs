// A nonce a signed call has spent, kept until it can no longer be replayed (see NonceLedger).
namespace Thingyard.Accounts;

public sealed class UsedNonce
{
    /// <summary>SHA-256 (hex) of the caller and the nonce: a fixed-size key whatever the client sent, and no key ids stored.</summary>
    public required string Hash { get; set; }
    public long ExpiresAtMs { get; set; }
}
