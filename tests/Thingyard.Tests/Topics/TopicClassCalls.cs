// Test helper: add a custom topic class to a product, for tests whose devices use their own /pk/dn/user/... topics.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Topics;

public static class TopicClassCalls
{
    /// <summary>CreateProductTopic; returns the TopicId.</summary>
    public static async Task<long> AddTopicClassAsync(this ThingyardServer server, string productKey, string shortName, string operation) =>
        (await server.Call("CreateProductTopic", ("ProductKey", productKey), ("TopicShortName", shortName), ("Operation", operation)))
            .GetProperty("TopicId").GetInt64();
}
