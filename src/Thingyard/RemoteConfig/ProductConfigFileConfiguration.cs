// Remote configuration files in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.RemoteConfig;

sealed class ProductConfigFileConfiguration : IEntityTypeConfiguration<ProductConfigFile>
{
    public void Configure(EntityTypeBuilder<ProductConfigFile> e)
    {
        e.HasIndex(x => x.ConfigId).IsUnique();
        e.HasIndex(x => new { x.ProductId, x.Id });
        e.Property(x => x.ConfigId).HasMaxLength(32);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
