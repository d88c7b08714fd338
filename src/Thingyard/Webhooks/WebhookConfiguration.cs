// The webhook outbox in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;

namespace Thingyard.Webhooks;

sealed class WebhookConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> e)
    {
        // The sender's query: what is due, oldest first.
        e.HasIndex(x => new { x.State, x.NextAttemptMs });
        e.HasIndex(x => new { x.AccountId, x.State, x.Source });
        e.Property(x => x.Source).HasMaxLength(64);
        e.Property(x => x.Url).HasMaxLength(1024);
        e.Property(x => x.Token).HasMaxLength(Storage.ThingyardDb.SealedSecretLength);
        e.Property(x => x.LastError).HasMaxLength(512);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
