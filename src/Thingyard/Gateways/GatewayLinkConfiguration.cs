// Gateway/sub-device links in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Gateways;

sealed class GatewayLinkConfiguration : IEntityTypeConfiguration<GatewayLink>
{
    public void Configure(EntityTypeBuilder<GatewayLink> e)
    {
        e.HasKey(x => x.SubDeviceId);
        e.HasIndex(x => x.GatewayDeviceId);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.SubDeviceId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.GatewayDeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
