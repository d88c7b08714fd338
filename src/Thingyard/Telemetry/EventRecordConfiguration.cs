// Device events in the storage model.
// Telemetry tables are written in batches by raw SQL (TelemetryWriter); keep their columns plain.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Telemetry;

sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> e)
    {
        e.ToTable("Events");
        e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
        e.HasIndex(x => new { x.DeviceId, x.EventType, x.TimeMs });
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.Property(x => x.EventType).HasMaxLength(16);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
