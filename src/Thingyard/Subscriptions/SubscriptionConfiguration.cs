// Consumer groups, subscriptions and the backlog in the storage model.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Accounts;
using Thingyard.Registry;

namespace Thingyard.Subscriptions;

sealed class SubscriptionConfiguration : IEntityTypeConfiguration<ConsumerGroup>, IEntityTypeConfiguration<SubscribeRelation>,
    IEntityTypeConfiguration<SubscribeRelationGroup>, IEntityTypeConfiguration<BacklogMessage>,
    IEntityTypeConfiguration<BacklogSegment>
{
    public void Configure(EntityTypeBuilder<ConsumerGroup> e)
    {
        e.HasIndex(x => new { x.AccountId, x.GroupId }).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.Property(x => x.GroupId).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.HomeNode).HasMaxLength(100);
        e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SubscribeRelation> e)
    {
        e.HasIndex(x => new { x.ProductId, x.AccountId, x.Type }).IsUnique();
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.Type).HasMaxLength(8);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SubscribeRelationGroup> e)
    {
        e.HasKey(x => new { x.RelationId, x.ConsumerGroupId });
        e.HasIndex(x => x.ConsumerGroupId);
        e.HasOne<SubscribeRelation>().WithMany().HasForeignKey(x => x.RelationId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<ConsumerGroup>().WithMany().HasForeignKey(x => x.ConsumerGroupId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<BacklogMessage> e)
    {
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasIndex(x => new { x.ConsumerGroupId, x.Id });
        e.Property(x => x.Topic).HasMaxLength(256);
        e.Ignore(x => x.Seq);
        // No foreign key: the writer inserts rows in bulk without EF, and a deleted group's rows are removed with it.
    }

    public void Configure(EntityTypeBuilder<BacklogSegment> e)
    {
        e.HasKey(x => x.Seq);
        e.Property(x => x.Seq).ValueGeneratedOnAdd();
        e.HasIndex(x => new { x.ConsumerGroupId, x.Seq });
        // No foreign key, as for BacklogMessage.
    }
}
