// The lifecycle's tables in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;
using Thingyard.Registry;

namespace Thingyard.Lifecycle;

sealed class LifecycleConfiguration : IEntityTypeConfiguration<ReleaseRecord>, IEntityTypeConfiguration<ActivationQuota>,
    IEntityTypeConfiguration<ProductionBatch>, IEntityTypeConfiguration<ProductPanel>, IEntityTypeConfiguration<VirtualDevice>
{
    public void Configure(EntityTypeBuilder<ReleaseRecord> e)
    {
        e.HasIndex(x => new { x.ProductId, x.Id });
        e.Property(x => x.Action).HasMaxLength(16);
        e.Property(x => x.Actor).HasMaxLength(128);
        e.Property(x => x.Reason).HasMaxLength(500);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ActivationQuota> e)
    {
        e.HasIndex(x => x.AccountId).IsUnique();
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProductionBatch> e)
    {
        e.HasIndex(x => x.BatchId).IsUnique();
        e.HasIndex(x => new { x.ProductId, x.Id });
        e.Property(x => x.BatchId).HasMaxLength(32);
        e.Property(x => x.Source).HasMaxLength(8);
        e.Property(x => x.CreatedBy).HasMaxLength(128);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<BatchRegistration>().WithMany().HasForeignKey(x => x.ApplyId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProductPanel> e)
    {
        e.HasIndex(x => new { x.ProductId, x.Version }).IsUnique();
        e.Property(x => x.CreatedBy).HasMaxLength(128);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<VirtualDevice> e)
    {
        e.HasIndex(x => x.DeviceId).IsUnique();
        e.HasIndex(x => x.ProductId);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
