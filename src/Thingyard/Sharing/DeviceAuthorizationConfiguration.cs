// Device and product authorizations in the storage model: one row per (device or product, grantee); deleting the
// device, the product or either account removes them.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;
using Thingyard.Registry;

namespace Thingyard.Sharing;

sealed class DeviceAuthorizationConfiguration : IEntityTypeConfiguration<DeviceAuthorization>, IEntityTypeConfiguration<ProductAuthorization>
{
    public void Configure(EntityTypeBuilder<DeviceAuthorization> e)
    {
        e.HasIndex(x => new { x.DeviceId, x.GranteeAccountId }).IsUnique();
        e.HasIndex(x => x.GranteeAccountId);
        e.HasIndex(x => new { x.ProductId, x.GranteeAccountId });
        e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.GranteeAccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ProductAuthorization> e)
    {
        e.HasIndex(x => new { x.ProductId, x.GranteeAccountId }).IsUnique();
        e.HasIndex(x => x.GranteeAccountId);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.GranteeAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
