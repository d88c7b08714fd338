// Device shadows in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Telemetry;

sealed class DeviceShadowConfiguration : IEntityTypeConfiguration<DeviceShadow>
{
    public void Configure(EntityTypeBuilder<DeviceShadow> e)
    {
        e.ToTable("Shadows");
        e.HasKey(x => x.DeviceId);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
