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

sealed class DeviceBindingConfiguration : IEntityTypeConfiguration<DeviceBinding>, IEntityTypeConfiguration<DeviceBindToken>,
    IEntityTypeConfiguration<DeviceBindCode>, IEntityTypeConfiguration<ProjectBranding>, IEntityTypeConfiguration<ProprietaryApp>
{
    public void Configure(EntityTypeBuilder<DeviceBinding> e)
    {
        e.HasIndex(x => new { x.DeviceId, x.EndUserId }).IsUnique();
        e.HasIndex(x => x.OwnerDeviceId).IsUnique(); // nulls are distinct in SQLite and PostgreSQL: one owner per device
        e.HasIndex(x => x.EndUserId);
        e.HasIndex(x => new { x.ProjectId, x.CreatedAtMs });
        e.Property(x => x.Role).HasMaxLength(8);
        e.Property(x => x.Room).HasMaxLength(64);
        e.Property(x => x.Nickname).HasMaxLength(64);
        e.HasOne<EndUser>().WithMany().HasForeignKey(x => x.EndUserId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Thingyard.Registry.Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DeviceBindToken> e)
    {
        e.HasIndex(x => new { x.DeviceId, x.TokenHash });
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.HasOne<Thingyard.Registry.Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DeviceBindCode> e)
    {
        e.HasIndex(x => x.DeviceId).IsUnique();
        e.HasIndex(x => x.CodeHash).IsUnique();
        e.Property(x => x.CodeHash).HasMaxLength(64);
        e.Property(x => x.Code).HasMaxLength(Thingyard.Storage.ThingyardDb.SealedSecretLength);
        e.HasOne<Thingyard.Registry.Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProjectBranding> e)
    {
        e.HasIndex(x => x.ProjectId).IsUnique();
        e.Property(x => x.AppName).HasMaxLength(64);
        e.Property(x => x.HubName).HasMaxLength(64);
        e.Property(x => x.AppColor).HasMaxLength(7);
        e.Property(x => x.HubColor).HasMaxLength(7);
        e.Property(x => x.AppLogo).HasMaxLength(70_000);
        e.Property(x => x.HubLogo).HasMaxLength(70_000);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProprietaryApp> e)
    {
        e.HasIndex(x => x.AppKey).IsUnique();
        e.HasIndex(x => x.ProjectId);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.AppKey).HasMaxLength(16);
        e.Property(x => x.AppSecret).HasMaxLength(Thingyard.Storage.ThingyardDb.SealedSecretLength);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
