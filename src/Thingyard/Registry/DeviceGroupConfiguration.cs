// Device groups and their members in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;

namespace Thingyard.Registry;

sealed class DeviceGroupConfiguration : IEntityTypeConfiguration<DeviceGroup>
{
    public void Configure(EntityTypeBuilder<DeviceGroup> e)
    {
        e.HasIndex(x => x.GroupId).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.Name });
        e.Property(x => x.GroupId).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class DeviceGroupMemberConfiguration : IEntityTypeConfiguration<DeviceGroupMember>
{
    public void Configure(EntityTypeBuilder<DeviceGroupMember> e)
    {
        e.HasKey(x => new { x.GroupId, x.DeviceId });
        e.HasIndex(x => x.DeviceId);
        e.HasOne<DeviceGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
