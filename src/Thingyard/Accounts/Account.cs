// An account (tenant): owns products, devices, groups and AccessKeys. Uid is the Alibaba-style numeric account id.
namespace Thingyard.Accounts;

public sealed class Account
{
    public long Id { get; set; }
    public required string Uid { get; set; }
    public required string Name { get; set; }
    public long CreatedAtMs { get; set; }
}

public sealed class AccessKey
{
    public required string Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The secret, sealed by <see cref="SecretProtector"/>; never stored in clear.</summary>
    public required string SecretCipher { get; set; }
    public bool Enabled { get; set; } = true;
    public long CreatedAtMs { get; set; }
}
