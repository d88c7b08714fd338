// Rules and their actions in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;
using Thingyard.Registry;

namespace Thingyard.Rules;

sealed class RuleConfiguration : IEntityTypeConfiguration<Rule>, IEntityTypeConfiguration<RuleAction>
{
    public void Configure(EntityTypeBuilder<Rule> e)
    {
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.HasIndex(x => x.ProductId);
        e.Ignore(x => x.Sql);
        e.Property(x => x.ProductKey).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Description).HasMaxLength(256);
        e.Property(x => x.ShortTopic).HasMaxLength(256);
        e.Property(x => x.Topic).HasMaxLength(320);
        e.Property(x => x.Select).HasMaxLength(RuleLimits.MaxSqlPart);
        e.Property(x => x.Where).HasMaxLength(RuleLimits.MaxSqlPart);
        e.Property(x => x.DataType).HasMaxLength(8);
        e.Property(x => x.LastError).HasMaxLength(512);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<RuleAction> e)
    {
        e.HasIndex(x => x.RuleId);
        e.Property(x => x.Type).HasMaxLength(16);
        // Sealed with the master key (ThingyardDb): a webhook's configuration carries its signing token.
        e.Property(x => x.Configuration).HasMaxLength(RuleLimits.MaxSealedConfiguration);
        e.HasOne<Rule>().WithMany().HasForeignKey(x => x.RuleId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class RuleLimits
{
    public const int MaxSqlPart = 2048;
    public const int MaxConfiguration = 2048;
    /// <summary>The column: a sealed configuration of 2,048 characters of up to 3 UTF-8 bytes each (prefix, then
    /// base64 of nonce, tag and text).</summary>
    public const int MaxSealedConfiguration = 8_300;
    /// <summary>The platform's limits: rules per account, actions per rule (the error action apart).</summary>
    public const int MaxRulesPerAccount = 1000;
    public const int MaxActionsPerRule = 10;
}
