// RPC actions for tags: device Props (SaveDeviceProp...) and product tags (CreateProductTags...).
using Thingyard.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Registry;

public static class TagRpc
{
    public static RpcActions AddTagActions(this RpcActions actions) => actions
        .Add("SaveDeviceProp", SaveDeviceProp)
        .Add("QueryDeviceProp", QueryDeviceProp)
        .Add("DeleteDeviceProp", DeleteDeviceProp)
        .Add("QueryDeviceByTags", QueryDeviceByTags)
        .Add("CreateProductTags", SaveProductTags)
        .Add("UpdateProductTags", SaveProductTags)
        .Add("DeleteProductTags", DeleteProductTags)
        .Add("ListProductTags", ListProductTags)
        .Add("ListProductByTags", ListProductByTags);

    static async Task<object> SaveDeviceProp(RpcCall c)
    {
        var props = DeviceTags.ParseProps(c.Required("Props"));
        var device = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        await c.Service<DeviceTags>().SaveAsync(device, props, c.Ct);
        return new { };
    }

    static async Task<object> QueryDeviceProp(RpcCall c)
    {
        var device = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        var props = await c.Service<DeviceTags>().GetAsync(device, c.Ct);
        return new { Props = System.Text.Json.JsonSerializer.Serialize(props) };
    }

    static async Task<object> DeleteDeviceProp(RpcCall c)
    {
        var key = c.Required("PropKey");
        var device = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        await c.Service<DeviceTags>().DeleteAsync(device, key, c.Ct);
        return new { };
    }

    static async Task<object> QueryDeviceByTags(RpcCall c)
    {
        var tag = c.Objects("Tag").FirstOrDefault() ?? throw RpcGatewayException.Missing("Tag.1.TagKey");
        var key = tag.GetValueOrDefault("TagKey") ?? throw RpcGatewayException.Missing("Tag.1.TagKey");
        var paging = c.Paging(10, 50);
        var (devices, total) = await c.Service<DeviceTags>().FindDevicesAsync(c.Caller, key, tag.GetValueOrDefault("TagValue"), paging, c.Ct);
        var productNames = await c.Service<ProductRegistry>().NamesAsync(devices.Select(d => d.ProductId), c.Ct);
        return new
        {
            Page = paging.Page, PageCount = paging.PageCount(total), PageSize = paging.PageSize, Total = total,
            Data = new { SimpleDeviceInfo = devices.Select(d => new { d.DeviceName, d.IotId, d.ProductKey, ProductName = productNames[d.ProductId] }) },
        };
    }

    static async Task<object> SaveProductTags(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var tags = c.Objects("ProductTag").Select(t => KeyValuePair.Create(t.GetValueOrDefault("TagKey") ?? "", t.GetValueOrDefault("TagValue") ?? "")).ToList();
        if (tags.Count == 0) throw RpcGatewayException.Missing("ProductTag.1.TagKey");
        var invalid = await c.Service<ProductTags>().SaveAsync(product, tags, c.Ct);
        return new { InvalidProductTags = invalid.Count > 0 ? new { ProductTag = invalid.Select(t => new { TagKey = t.Key, TagValue = t.Value }) } : null };
    }

    static async Task<object> DeleteProductTags(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        await c.Service<ProductTags>().DeleteAsync(product, c.List("ProductTagKey"), c.Ct);
        return new { };
    }

    static async Task<object> ListProductTags(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var tags = await c.Service<ProductTags>().ListAsync(product, c.Ct);
        return new { Data = new { ProductTag = tags.Select(t => new { TagKey = t.Key, TagValue = t.Value }) } };
    }

    static async Task<object> ListProductByTags(RpcCall c)
    {
        var tags = c.Objects("ProductTag").Select(t => KeyValuePair.Create(t.GetValueOrDefault("TagKey") ?? "", t.GetValueOrDefault("TagValue") ?? "")).ToList();
        var products = await c.Service<ProductTags>().FindProductsAsync(c.Caller, tags, c.Paging(10, 50), c.Ct);
        return new
        {
            ProductInfos = new
            {
                ProductInfo = products.Select(p => new { CreateTime = p.CreatedAtMs, p.Description, p.NodeType, p.ProductKey, ProductName = p.Name }),
            },
        };
    }
}
