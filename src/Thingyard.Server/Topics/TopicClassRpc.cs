// RPC actions for custom topic classes with the platform's parameters and response shapes: CreateProductTopic,
// QueryProductTopic, UpdateProductTopic, DeleteProductTopic.
using Thingyard.Common;
using Thingyard.Protocol.Topics;
using Thingyard.Server.Rpc;
using Thingyard.Topics;

namespace Thingyard.Server.Topics;

public static class TopicClassRpc
{
    public static RpcActions AddTopicClassActions(this RpcActions actions) => actions
        .Add("CreateProductTopic", Create)
        .Add("QueryProductTopic", Query)
        .Add("UpdateProductTopic", Update)
        .Add("DeleteProductTopic", Delete);

    static async Task<object> Create(RpcCall c)
    {
        RefuseUnsupported(c);
        var row = await c.Service<TopicClasses>().CreateAsync(c.Caller, c.Required("ProductKey"), c.Required("TopicShortName"),
            c.Required("Operation"), c.Optional("Desc"), c.Ct);
        return new { TopicId = row.Id };
    }

    static async Task<object> Query(RpcCall c)
    {
        var (product, classes) = await c.Service<TopicClasses>().ListAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { Data = new { ProductTopicInfo = classes.Select(t => Info(product.ProductKey, t)) } };
    }

    static async Task<object> Update(RpcCall c)
    {
        RefuseUnsupported(c);
        await c.Service<TopicClasses>().UpdateAsync(c.Caller, c.Required("TopicId"), c.Required("TopicShortName"), c.Required("Operation"),
            c.Optional("Desc"), c.Ct);
        return new { };
    }

    static async Task<object> Delete(RpcCall c)
    {
        await c.Service<TopicClasses>().DeleteAsync(c.Caller, c.Required("TopicId"), c.Ct);
        return new { };
    }

    /// <summary>The platform's data compression (Codec, Enterprise instances only) and delegated subscription are not
    /// offered: asking for them is refused rather than silently ignored.</summary>
    static void RefuseUnsupported(RpcCall c)
    {
        if (!string.IsNullOrEmpty(c.Optional("Codec")))
            throw IotException.Invalid($"Codec '{c.Optional("Codec")}' is not supported: this instance does not compress topic data.");
        if (c.Bool("EnableProxySubscribe") == true)
            throw IotException.Invalid("EnableProxySubscribe is not supported: devices subscribe to their custom topics themselves.");
    }

    /// <summary>ProductTopicInfo: Id and Operation as strings ("0" PUB, "1" SUB, "2" ALL), the full class with ${deviceName}.</summary>
    public static object Info(string productKey, ProductTopicClass t) => new
    {
        Id = t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ProductKey = productKey,
        TopicShortName = TopicClassNames.Full(productKey, t.ShortName),
        Operation = ((int)t.Operation).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Desc = t.Description, EnableProxySubscribe = false,
    };
}
