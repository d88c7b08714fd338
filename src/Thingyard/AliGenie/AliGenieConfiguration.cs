// AliGenie mappings in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.AliGenie;

sealed class AliGenieConfiguration : IEntityTypeConfiguration<AliGenieMapping>
{
    public void Configure(EntityTypeBuilder<AliGenieMapping> e)
    {
        e.HasIndex(x => x.ProductId).IsUnique();
        e.Property(x => x.MappingJson).HasMaxLength(16 * 1024);
        e.HasOne<Thingyard.Registry.Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
