// Thing model revisions in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.ThingModels;

sealed class ThingModelRevisionConfiguration : IEntityTypeConfiguration<ThingModelRevision>
{
    public void Configure(EntityTypeBuilder<ThingModelRevision> e)
    {
        e.HasIndex(x => new { x.ProductId, x.FunctionBlockId, x.Version });
        e.Property(x => x.FunctionBlockId).HasMaxLength(64);
        e.Property(x => x.Version).HasMaxLength(32);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
