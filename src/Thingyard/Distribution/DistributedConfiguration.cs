// Where devices and products were distributed to, in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Distribution;

sealed class DeviceDistributionConfiguration : IEntityTypeConfiguration<DeviceDistribution>
{
    public void Configure(EntityTypeBuilder<DeviceDistribution> e)
    {
        e.HasKey(x => x.DeviceId);
        e.Property(x => x.JobId).HasMaxLength(64);
        e.Property(x => x.TargetUid).HasMaxLength(32);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ProductDistributionConfiguration : IEntityTypeConfiguration<ProductDistribution>
{
    public void Configure(EntityTypeBuilder<ProductDistribution> e)
    {
        e.HasIndex(x => new { x.ProductId, x.TargetInstanceId, x.TargetUid }).IsUnique();
        e.Property(x => x.TargetInstanceId).HasMaxLength(64);
        e.Property(x => x.TargetUid).HasMaxLength(32);
        e.Property(x => x.JobId).HasMaxLength(64);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
