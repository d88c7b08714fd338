// Devices authorized by their owner to another account (the seed's 设备授权), and the products that come with them.
// Ownership never changes: the grantee sees the device (never its secret) and its product, and may read its data, set
// its properties and invoke its services (GranteeActions); the owner revokes at any time. Rows are the owner's
// (AccountId); the grantee is GranteeAccountId.
using Thingyard.Access;

namespace Thingyard.Sharing;

/// <summary>One device authorized to one account. Revoking deletes the row.</summary>
public sealed class DeviceAuthorization : IGrant
{
    public long Id { get; set; }
    /// <summary>The owning (granting) account.</summary>
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long DeviceId { get; set; }
    public long GranteeAccountId { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>A product authorized to an account with its first device. It stays (the grantee keeps seeing the product's
/// information, topic classes and thing model) until the owner revokes it, which needs its devices' grants revoked
/// first, as on the platform.</summary>
public sealed class ProductAuthorization : IGrant
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long GranteeAccountId { get; set; }
    public long CreatedAtMs { get; set; }
}
