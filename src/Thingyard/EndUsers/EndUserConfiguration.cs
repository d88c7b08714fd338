// The end users' tables in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Projects;

namespace Thingyard.EndUsers;

sealed class EndUserConfiguration : IEntityTypeConfiguration<EndUser>, IEntityTypeConfiguration<EndUserSession>, IEntityTypeConfiguration<EndUserResetCode>
{
    public void Configure(EntityTypeBuilder<EndUser> e)
    {
        e.HasIndex(x => x.UserId).IsUnique();
        e.HasIndex(x => new { x.ProjectId, x.Email }).IsUnique();
        e.HasIndex(x => new { x.ProjectId, x.Phone }).IsUnique();
        e.Property(x => x.UserId).HasMaxLength(24);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Phone).HasMaxLength(20);
        e.Property(x => x.PasswordHash).HasMaxLength(200);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<EndUserSession> e)
    {
        e.HasIndex(x => x.AccessHash).IsUnique();
        e.HasIndex(x => x.RefreshHash).IsUnique();
        e.HasIndex(x => x.PreviousRefreshHash);
        e.HasIndex(x => x.EndUserId);
        e.Property(x => x.AccessHash).HasMaxLength(64);
        e.Property(x => x.RefreshHash).HasMaxLength(64);
        e.Property(x => x.PreviousRefreshHash).HasMaxLength(64);
        e.HasOne<EndUser>().WithMany().HasForeignKey(x => x.EndUserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<EndUserResetCode> e)
    {
        e.HasIndex(x => x.EndUserId);
        e.Property(x => x.CodeHash).HasMaxLength(64);
        e.HasOne<EndUser>().WithMany().HasForeignKey(x => x.EndUserId).OnDelete(DeleteBehavior.Cascade);
    }
}
