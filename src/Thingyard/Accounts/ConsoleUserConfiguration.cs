// Console users and Identity's per-user tables, named for what they are here rather than Identity's AspNet* defaults.
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Thingyard.Accounts;

sealed class ConsoleUserConfiguration : IEntityTypeConfiguration<ConsoleUser>,
    IEntityTypeConfiguration<IdentityUserClaim<long>>, IEntityTypeConfiguration<IdentityUserLogin<long>>, IEntityTypeConfiguration<IdentityUserToken<long>>
{
    public void Configure(EntityTypeBuilder<ConsoleUser> e)
    {
        e.ToTable("ConsoleUsers");
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IdentityUserClaim<long>> e) => e.ToTable("ConsoleUserClaims");
    public void Configure(EntityTypeBuilder<IdentityUserLogin<long>> e) => e.ToTable("ConsoleUserLogins");
    public void Configure(EntityTypeBuilder<IdentityUserToken<long>> e) => e.ToTable("ConsoleUserTokens");
}
