// Topic classes in the storage model: one short name per product, removed with their product.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Thingyard.Protocol.Topics;
using Thingyard.Registry;

namespace Thingyard.Topics;

sealed class ProductTopicClassConfiguration : IEntityTypeConfiguration<ProductTopicClass>
{
    public void Configure(EntityTypeBuilder<ProductTopicClass> e)
    {
        e.HasIndex(x => new { x.ProductId, x.ShortName }).IsUnique();
        e.Property(x => x.ShortName).HasMaxLength(TopicClassNames.MaxShortNameLength);
        e.Property(x => x.Description).HasMaxLength(TopicClasses.MaxDescriptionLength);
        e.Ignore(x => x.Rule);
        e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
