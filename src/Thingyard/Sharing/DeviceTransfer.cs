// Device transfer (beside authorization in the seed's screens: 待确认的转移, "pending transfers"): the owner proposes to
// move devices of its product to another account, which accepts or declines within 7 days. On acceptance ownership
// moves: the devices keep their credentials and their data, and the product stays where it is, read-only to the new
// owner (a product authorization) for as long as it owns devices of it.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Registry;

namespace Thingyard.Sharing;

public static class TransferStatus
{
    public const string Pending = "PENDING";
    public const string Accepted = "ACCEPTED";
    public const string Declined = "DECLINED";
    public const string Cancelled = "CANCELLED";
    /// <summary>Shown for a pending transfer past its expiry (not stored).</summary>
    public const string Expired = "EXPIRED";
}

/// <summary>A proposal from the owner (AccountId) to the target (GranteeAccountId).</summary>
public sealed class DeviceTransfer : IGrant
{
    public long Id { get; set; }
    /// <summary>The public id ("dt_" and 20 characters).</summary>
    public required string TransferId { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long GranteeAccountId { get; set; }
    public string Status { get; set; } = TransferStatus.Pending;
    public long CreatedAtMs { get; set; }
    public long ExpiresAtMs { get; set; }
    public long? DecidedAtMs { get; set; }

    /// <summary>The status as shown: a pending transfer past its expiry is EXPIRED.</summary>
    public string StatusAt(long nowMs) => Status == TransferStatus.Pending && nowMs >= ExpiresAtMs ? TransferStatus.Expired : Status;
}

/// <summary>One device of a transfer.</summary>
public sealed class DeviceTransferItem
{
    public long Id { get; set; }
    public long TransferRowId { get; set; }
    public long DeviceId { get; set; }
}

sealed class DeviceTransferConfiguration : IEntityTypeConfiguration<DeviceTransfer>, IEntityTypeConfiguration<DeviceTransferItem>
{
    public void Configure(EntityTypeBuilder<DeviceTransfer> e)
    {
        e.HasIndex(x => x.TransferId).IsUnique();
        e.HasIndex(x => x.AccountId);
        e.HasIndex(x => x.GranteeAccountId);
        e.Property(x => x.TransferId).HasMaxLength(32);
        e.Property(x => x.Status).HasMaxLength(16);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.GranteeAccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DeviceTransferItem> e)
    {
        e.HasIndex(x => x.TransferRowId);
        e.HasIndex(x => x.DeviceId);
        e.HasOne<DeviceTransfer>().WithMany().HasForeignKey(x => x.TransferRowId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
