// Projects and project grants in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;

namespace Thingyard.Projects;

sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>, IEntityTypeConfiguration<ProjectGrant>
{
    public void Configure(EntityTypeBuilder<Project> e)
    {
        e.HasIndex(x => x.ProjectId).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.Property(x => x.ProjectId).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Description).HasMaxLength(200);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProjectGrant> e)
    {
        e.HasIndex(x => new { x.ProjectId, x.GranteeAccountId }).IsUnique();
        e.HasIndex(x => x.GranteeAccountId);
        e.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.GranteeAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
