// An account and its AccessKeys in the storage model (ThingyardDb applies every configuration in this assembly).
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.Accounts;

sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> e)
    {
        e.HasIndex(x => x.Uid).IsUnique();
        e.Property(x => x.Uid).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
    }
}

sealed class AccessKeyConfiguration : IEntityTypeConfiguration<AccessKey>
{
    public void Configure(EntityTypeBuilder<AccessKey> e)
    {
        e.Property(x => x.Id).HasMaxLength(64);
        e.HasIndex(x => x.AccountId);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
