// The ID² tables in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;

namespace Thingyard.Id2;

sealed class Id2Configuration : IEntityTypeConfiguration<Id2Product>, IEntityTypeConfiguration<Id2Identity>, IEntityTypeConfiguration<Id2Batch>,
    IEntityTypeConfiguration<Id2Challenge>, IEntityTypeConfiguration<Id2Verification>
{
    public void Configure(EntityTypeBuilder<Id2Product> e)
    {
        e.HasIndex(x => x.ProductKey).IsUnique();
        e.HasIndex(x => x.ProductId).IsUnique();
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Pattern).HasMaxLength(8);
        e.Property(x => x.Carrier).HasMaxLength(8);
        e.Property(x => x.KeyType).HasMaxLength(8);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Registry.Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Id2Identity> e)
    {
        e.HasIndex(x => x.Id2).IsUnique();
        e.HasIndex(x => new { x.Id2ProductId, x.Id });
        e.HasIndex(x => new { x.Id2ProductId, x.DeviceName });
        e.HasIndex(x => x.BatchId);
        e.Property(x => x.Id2).HasMaxLength(24);
        e.Property(x => x.KeyType).HasMaxLength(8);
        e.Property(x => x.Status).HasMaxLength(12);
        e.Property(x => x.DeviceName).HasMaxLength(64);
        e.HasOne<Id2Product>().WithMany().HasForeignKey(x => x.Id2ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Id2Batch> e)
    {
        e.HasIndex(x => x.BatchId).IsUnique();
        e.HasIndex(x => new { x.Id2ProductId, x.Id });
        e.Property(x => x.BatchId).HasMaxLength(32);
        e.Property(x => x.Source).HasMaxLength(12);
        e.Property(x => x.Carrier).HasMaxLength(8);
        e.Property(x => x.KeyType).HasMaxLength(8);
        e.Property(x => x.CreatedBy).HasMaxLength(128);
        e.HasOne<Id2Product>().WithMany().HasForeignKey(x => x.Id2ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Id2Challenge> e)
    {
        e.HasIndex(x => x.Random).IsUnique();
        e.HasIndex(x => x.ExpiresAtMs);
        e.Property(x => x.Id2).HasMaxLength(24);
        e.Property(x => x.Random).HasMaxLength(32);
    }

    public void Configure(EntityTypeBuilder<Id2Verification> e)
    {
        e.HasIndex(x => new { x.Id2ProductId, x.Id });
        e.HasIndex(x => new { x.Id2, x.Id });
        e.Property(x => x.Id2).HasMaxLength(48);
        e.Property(x => x.Operation).HasMaxLength(40);
        e.Property(x => x.Message).HasMaxLength(300);
        e.HasOne<Id2Product>().WithMany().HasForeignKey(x => x.Id2ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
