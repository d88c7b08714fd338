// Alarm rules, alarms and their history in the storage model. Enums are stored by name so the tables read plainly.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Registry;

namespace Thingyard.Alarms;

sealed class AlarmConfiguration : IEntityTypeConfiguration<AlarmRule>, IEntityTypeConfiguration<Alarm>, IEntityTypeConfiguration<AlarmEntry>
{
    public void Configure(EntityTypeBuilder<AlarmRule> e)
    {
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.HasIndex(x => x.ProductId);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Description).HasMaxLength(256);
        e.Property(x => x.DeviceName).HasMaxLength(64);
        e.Property(x => x.DeviceGroupId).HasMaxLength(64);
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.Property(x => x.Operator).HasMaxLength(2);
        e.Property(x => x.WebhookToken).HasMaxLength(Storage.ThingyardDb.SealedSecretLength); // sealed (ThingyardDb)
        e.Property(x => x.Severity).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.TriggerKind).HasConversion<string>().HasMaxLength(16);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Alarm> e)
    {
        e.HasIndex(x => new { x.RuleId, x.DeviceId, x.State });
        e.HasIndex(x => new { x.AccountId, x.State, x.Id });
        e.HasIndex(x => x.AutoClearAtMs);
        e.Property(x => x.RuleName).HasMaxLength(64);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.DeviceName).HasMaxLength(64);
        e.Property(x => x.IotId).HasMaxLength(64);
        e.Property(x => x.Identifier).HasMaxLength(64);
        e.Property(x => x.AcknowledgedBy).HasMaxLength(128);
        e.Property(x => x.AcknowledgeNote).HasMaxLength(256);
        e.Property(x => x.ClearedBy).HasMaxLength(128);
        e.Property(x => x.ClearNote).HasMaxLength(256);
        e.Property(x => x.Severity).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.TriggerKind).HasConversion<string>().HasMaxLength(16);
        // An alarm outlives a deleted rule (its history stays readable); it goes with its product or device.
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<AlarmEntry> e)
    {
        e.HasIndex(x => new { x.AlarmId, x.Id });
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.By).HasMaxLength(128);
        e.Property(x => x.Note).HasMaxLength(256);
        e.HasOne<Alarm>().WithMany().HasForeignKey(x => x.AlarmId).OnDelete(DeleteBehavior.Cascade);
    }
}
