// Devices in the storage model. Secret and token columns are sized for sealed values; ThingyardDb adds the sealing converter.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Storage;

namespace Thingyard.Registry;

sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> e)
    {
        e.HasIndex(x => new { x.ProductKey, x.DeviceName }).IsUnique();
        e.HasIndex(x => x.IotId).IsUnique();
        e.HasIndex(x => new { x.ProductId, x.Id });
        e.HasIndex(x => new { x.AccountId, x.Status });
        e.HasIndex(x => x.ApplyId);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.DeviceName).HasMaxLength(64);
        e.Property(x => x.DeviceSecret).HasMaxLength(ThingyardDb.SealedSecretLength);
        e.Property(x => x.IotId).HasMaxLength(64);
        e.Property(x => x.Nickname).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.IpAddress).HasMaxLength(64);
        e.Property(x => x.ConnectedNode).HasMaxLength(100);
        e.Property(x => x.FirmwareVersion).HasMaxLength(64);
        e.Property(x => x.DeviceToken).HasMaxLength(ThingyardDb.SealedSecretLength);
        e.Property(x => x.SourceInstanceId).HasMaxLength(64);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
