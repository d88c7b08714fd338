// Property history and latest values in the storage model.
// Telemetry tables are written in batches by raw SQL (TelemetryWriter); keep their columns plain.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Telemetry;

sealed class PropertySampleConfiguration : IEntityTypeConfiguration<PropertySample>
{
    public void Configure(EntityTypeBuilder<PropertySample> e)
    {
        e.ToTable("PropertySamples");
        e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class PropertyLatestConfiguration : IEntityTypeConfiguration<PropertyLatest>
{
    public void Configure(EntityTypeBuilder<PropertyLatest> e)
    {
        e.ToTable("PropertyLatest");
        e.HasKey(x => new { x.DeviceId, x.Identifier });
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
