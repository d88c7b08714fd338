// Data parsing scripts in the storage model: one row per product, removed with it.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Scripts;

sealed class ThingScriptConfiguration : IEntityTypeConfiguration<ThingScript>
{
    public void Configure(EntityTypeBuilder<ThingScript> e)
    {
        e.HasIndex(x => x.ProductId).IsUnique();
        e.Property(x => x.ScriptType).HasMaxLength(16);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
