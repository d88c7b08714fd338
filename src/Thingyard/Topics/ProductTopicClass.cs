// A custom topic class of a product (CreateProductTopic): /${productKey}/${deviceName}/user/<ShortName> and what devices
// may do on it. Child data of the product: reached only through a product the caller may see.
using Thingyard.Protocol.Topics;

namespace Thingyard.Topics;

public sealed class ProductTopicClass
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    /// <summary>The levels after user/ (may hold + and # for a SUB class).</summary>
    public required string ShortName { get; set; }
    public TopicOperation Operation { get; set; }
    public string? Description { get; set; }
    /// <summary>One of the classes every product starts with (user/update, user/update/error, user/get): its name stays
    /// and it cannot be deleted, so the start-up check can give older products theirs exactly once.</summary>
    public bool IsDefault { get; set; }
    public long CreatedAtMs { get; set; }

    public TopicClassRule Rule => new(ShortName, Operation);
}
