// Product and device tags in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.Registry;

sealed class ProductTagConfiguration : IEntityTypeConfiguration<ProductTag>
{
    public void Configure(EntityTypeBuilder<ProductTag> e)
    {
        e.HasKey(x => new { x.ProductId, x.Key });
        e.Property(x => x.Key).HasMaxLength(64);
        e.Property(x => x.Value).HasMaxLength(128);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class DeviceTagConfiguration : IEntityTypeConfiguration<DeviceTag>
{
    public void Configure(EntityTypeBuilder<DeviceTag> e)
    {
        e.HasKey(x => new { x.DeviceId, x.Key });
        e.Property(x => x.Key).HasMaxLength(64);
        e.Property(x => x.Value).HasMaxLength(128);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
