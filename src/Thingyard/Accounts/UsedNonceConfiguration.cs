// Replay-guard nonces in the storage model: keyed by the hash, swept by expiry.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.Accounts;

sealed class UsedNonceConfiguration : IEntityTypeConfiguration<UsedNonce>
{
    public void Configure(EntityTypeBuilder<UsedNonce> e)
    {
        e.HasKey(x => x.Hash);
        e.Property(x => x.Hash).HasMaxLength(64);
        e.HasIndex(x => x.ExpiresAtMs);
    }
}
