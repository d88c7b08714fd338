// Devices bound to end users. A device has at most one owner (OwnerDeviceId is the device's id on the owner's row and
// null on every other, under a unique index, so a second owner cannot be written even by two binds at once); the
// owner shares it with family members by invitation. A bind needs proof of holding the device: a one-time token the
// device reported (thing.awss.enrollee.match, as the C Link SDK does after provisioning) or the bind code printed on it
// at mass production.
using Thingyard.Access;

namespace Thingyard.EndUsers;

public static class BindingRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
}

public sealed class DeviceBinding : IAccountOwned
{
    public long Id { get; set; }
    /// <summary>The account that owns the device's product (and the project).</summary>
    public long AccountId { get; set; }
    public long ProjectId { get; set; }
    public long DeviceId { get; set; }
    public long EndUserId { get; set; }
    /// <summary>owner or member.</summary>
    public required string Role { get; set; }
    /// <summary>The owner's device id on the owner's row, null on members' rows (unique: one owner per device).</summary>
    public long? OwnerDeviceId { get; set; }
    /// <summary>A member's invitation not yet accepted.</summary>
    public bool Pending { get; set; }
    /// <summary>The end user's own room for the device ("Living room"); each member files it where they like.</summary>
    public string? Room { get; set; }
    /// <summary>The end user's own name for the device.</summary>
    public string? Nickname { get; set; }
    /// <summary>Who invited a member (the owner's end-user id).</summary>
    public long? InvitedById { get; set; }
    public long CreatedAtMs { get; set; }
    public long? AcceptedAtMs { get; set; }
}

/// <summary>A bind token a device reported: valid a short while, used once.</summary>
public sealed class DeviceBindToken
{
    public long Id { get; set; }
    public long DeviceId { get; set; }
    /// <summary>SHA-256 (hex) of the token as the device sent it, upper-cased.</summary>
    public required string TokenHash { get; set; }
    public long ExpiresAtMs { get; set; }
}

/// <summary>The bind code printed on a device (in its QR code) at mass production. It stays valid for the device's
/// life, as a label does; it binds only a device that has no owner.</summary>
public sealed class DeviceBindCode : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long DeviceId { get; set; }
    /// <summary>SHA-256 (hex) of product key, ':' and code: how a scanned code finds its device.</summary>
    public required string CodeHash { get; set; }
    /// <summary>The code itself, sealed with the master key, for printing again.</summary>
    public required string Code { get; set; }
    public long CreatedAtMs { get; set; }
}
