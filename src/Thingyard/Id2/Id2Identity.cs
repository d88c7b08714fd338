// One ID² identity: the 24-character ID², its key (sealed under the master key; it leaves the server only in a
// provisioning export), and its life: issued, activated on first verification (spending a unit of quota), suspended or
// revoked.
using Thingyard.Access;

namespace Thingyard.Id2;

public sealed class Id2Identity : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long Id2ProductId { get; set; }
    public required string Id2 { get; set; }
    /// <summary>aes, 3des, sm4, rsa or sm2.</summary>
    public required string KeyType { get; set; }
    /// <summary>The key material (SecretProtector.SealValue of Id2Key.Material); the public key only for an asymmetric
    /// identity imported without its private key.</summary>
    public required string KeyMaterial { get; set; }
    /// <summary>False when only the public key is known (an imported chip's identity).</summary>
    public bool HasPrivateKey { get; set; }
    public long BatchId { get; set; }
    public string Status { get; set; } = Id2Status.Issued;
    /// <summary>The device it activated (IoT pattern: the device name it connected as).</summary>
    public string? DeviceName { get; set; }
    public long? ActivatedAtMs { get; set; }
    public long CreatedAtMs { get; set; }
}

public static class Id2Status
{
    public const string Issued = "issued";
    public const string Activated = "activated";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public static readonly string[] All = [Issued, Activated, Suspended, Revoked];
}

/// <summary>A set of identities generated for a production line or imported from a chip supplier.</summary>
public sealed class Id2Batch : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long Id2ProductId { get; set; }
    /// <summary>The public id ("id2b_" and 16 characters).</summary>
    public required string BatchId { get; set; }
    /// <summary>"generated" or "imported".</summary>
    public required string Source { get; set; }
    public required string Carrier { get; set; }
    public required string KeyType { get; set; }
    public int Count { get; set; }
    /// <summary>JSON array of {line, id2, error} for imported lines that were refused.</summary>
    public string RejectedJson { get; set; } = "[]";
    public int ExportCount { get; set; }
    public long? LastExportAtMs { get; set; }
    public required string CreatedBy { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>A server random handed out by GetServerRandom: valid once, until it expires.</summary>
public sealed class Id2Challenge
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Id2 { get; set; }
    public required string Random { get; set; }
    public long ExpiresAtMs { get; set; }
    public long? UsedAtMs { get; set; }
}

/// <summary>The verification log: every check of an ID² (server API, MQTT connect, self-verification) and its outcome.</summary>
public sealed class Id2Verification : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long Id2ProductId { get; set; }
    public required string Id2 { get; set; }
    /// <summary>Verify, VerifyAndEncrypt, GetServerAuthCodeAndEncryptData, Connect or SelfVerification.</summary>
    public required string Operation { get; set; }
    /// <summary>200, or the ID² error code.</summary>
    public int Code { get; set; }
    public required string Message { get; set; }
    public long AtMs { get; set; }
}
