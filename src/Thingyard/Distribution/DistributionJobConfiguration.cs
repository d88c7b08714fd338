// Distribution jobs and their per-device items in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;

namespace Thingyard.Distribution;

sealed class DistributionJobConfiguration : IEntityTypeConfiguration<DistributionJob>
{
    public void Configure(EntityTypeBuilder<DistributionJob> e)
    {
        e.HasIndex(x => x.JobId).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.Status });
        e.Property(x => x.JobId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.SourceInstanceId).HasMaxLength(64);
        e.Property(x => x.TargetUid).HasMaxLength(32);
        e.Property(x => x.AuthCode).HasMaxLength(64);
        e.Ignore(x => x.Targets);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class DistributionItemConfiguration : IEntityTypeConfiguration<DistributionItem>
{
    public void Configure(EntityTypeBuilder<DistributionItem> e)
    {
        e.HasIndex(x => new { x.JobId, x.DeviceName }).IsUnique();
        e.HasIndex(x => new { x.JobId, x.State });
        e.Property(x => x.DeviceName).HasMaxLength(64);
        e.Property(x => x.TargetInstanceId).HasMaxLength(64);
        e.HasOne<DistributionJob>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
