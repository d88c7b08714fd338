// Batch device registrations in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.Registry;

sealed class BatchRegistrationConfiguration : IEntityTypeConfiguration<BatchRegistration>
{
    public void Configure(EntityTypeBuilder<BatchRegistration> e)
    {
        e.HasIndex(x => new { x.AccountId, x.Status });
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
