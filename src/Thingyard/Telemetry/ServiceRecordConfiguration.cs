// Service calls in the storage model.
// Telemetry tables are written in batches by raw SQL (TelemetryWriter); keep their columns plain.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Telemetry;

sealed class ServiceRecordConfiguration : IEntityTypeConfiguration<ServiceRecord>
{
    public void Configure(EntityTypeBuilder<ServiceRecord> e)
    {
        e.ToTable("ServiceCalls");
        e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
        e.HasIndex(x => new { x.DeviceId, x.MessageId });
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.Property(x => x.MessageId).HasMaxLength(64);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
