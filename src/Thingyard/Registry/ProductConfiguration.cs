// Products in the storage model. The secret column is sized for a sealed value; ThingyardDb adds the sealing converter.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;
using Thingyard.Projects;
using Thingyard.Storage;

namespace Thingyard.Registry;

sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> e)
    {
        e.HasIndex(x => x.ProductKey).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.ProductSecret).HasMaxLength(ThingyardDb.SealedSecretLength);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Description).HasMaxLength(200);
        e.Property(x => x.SourceInstanceId).HasMaxLength(64);
        e.Property(x => x.SourceUid).HasMaxLength(32);
        e.Property(x => x.ModuleId).HasMaxLength(64);
        e.Property(x => x.ReleaseState).HasMaxLength(16);
        e.HasIndex(x => x.ReleaseState);
        e.Ignore(x => x.IsDistributedCopy);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
