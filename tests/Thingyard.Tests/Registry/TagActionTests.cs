// Tag actions over real HTTP: device Props (SaveDeviceProp, QueryDeviceProp, DeleteDeviceProp, QueryDeviceByTags) and
// product tags (CreateProductTags, UpdateProductTags, DeleteProductTags, ListProductTags, ListProductByTags).
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class TagActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static (string, string)[] ProductTags(params (string Key, string Value)[] tags) =>
        tags.SelectMany((t, i) => new[] { ($"ProductTag.{i + 1}.TagKey", t.Key), ($"ProductTag.{i + 1}.TagValue", t.Value) }).ToArray();

    async Task<Dictionary<string, string>> PropsAsync(string iotId)
    {
        var body = await server.Call("QueryDeviceProp", ("IotId", iotId));
        Assert.Equal(JsonValueKind.String, body.At("Props").ValueKind); // a JSON string, not an object
        return JsonSerializer.Deserialize<Dictionary<string, string>>(body.Str("Props"))!;
    }

    async Task<Dictionary<string, string>> ProductTagsOf(string productKey)
    {
        var tags = (await server.Call("ListProductTags", ("ProductKey", productKey))).At("Data.ProductTag");
        return tags.EnumerateArray().ToDictionary(t => t.Str("TagKey"), t => t.Str("TagValue"));
    }

    [Fact]
    public async Task Save_device_prop_stores_props_that_query_device_prop_returns()
    {
        var productKey = await server.NewProductAsync();
        var device = await server.NewDeviceAsync(productKey, "prop-dev");

        Assert.Empty(await PropsAsync(device.Str("IotId")));
        await server.Call("SaveDeviceProp", ("ProductKey", productKey), ("DeviceName", "prop-dev"), ("Props", """{"color":"red","floor":3}"""));

        var props = await PropsAsync(device.Str("IotId"));
        Assert.Equal(new Dictionary<string, string> { ["color"] = "red", ["floor"] = "3" }, props);
    }

    [Fact]
    public async Task Save_device_prop_merges_into_the_existing_props()
    {
        var productKey = await server.NewProductAsync();
        var iotId = (await server.NewDeviceAsync(productKey, "merge-dev")).Str("IotId");
        await server.Call("SaveDeviceProp", ("IotId", iotId), ("Props", """{"color":"red","floor":"3"}"""));

        await server.Call("SaveDeviceProp", ("IotId", iotId), ("Props", """{"color":"blue","room":"301"}"""));

        Assert.Equal(new Dictionary<string, string> { ["color"] = "blue", ["floor"] = "3", ["room"] = "301" }, await PropsAsync(iotId));
    }

    [Fact]
    public async Task Delete_device_prop_removes_one_key()
    {
        var productKey = await server.NewProductAsync();
        var iotId = (await server.NewDeviceAsync(productKey, "del-prop-dev")).Str("IotId");
        await server.Call("SaveDeviceProp", ("IotId", iotId), ("Props", """{"a":"1","b":"2"}"""));

        await server.Call("DeleteDeviceProp", ("ProductKey", productKey), ("DeviceName", "del-prop-dev"), ("PropKey", "a"));

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, await PropsAsync(iotId));
        var missingKey = await server.Fails("DeleteDeviceProp", ("IotId", iotId));
        Assert.Equal("MissingParameter", missingKey.Code);
        Assert.Contains("PropKey", missingKey.Body.Str("Message"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("""{"fine":"1","bad key":"x"}""")]
    [InlineData("""{"fine":"1","nested":{"a":1}}""")]
    [InlineData("""{"fine":"1","empty":""}""")]
    public async Task BadPropsAreRefusedAndNothingIsSaved(string props)
    {
        var productKey = await server.NewProductAsync();
        var iotId = (await server.NewDeviceAsync(productKey, "strict-dev")).Str("IotId");
        await server.Call("SaveDeviceProp", ("IotId", iotId), ("Props", """{"keep":"yes"}"""));

        var failure = await server.Fails("SaveDeviceProp", ("IotId", iotId), ("Props", props));

        Assert.Equal("iot.device.InvalidFormattedProps", failure.Code);
        Assert.Equal(new Dictionary<string, string> { ["keep"] = "yes" }, await PropsAsync(iotId));
    }

    [Fact]
    public async Task Props_of_an_unknown_device_are_not_found()
    {
        var productKey = await server.NewProductAsync();
        Assert.Equal("iot.device.NotExistedDevice",
            (await server.Fails("SaveDeviceProp", ("ProductKey", productKey), ("DeviceName", "ghost-dev"), ("Props", """{"a":"1"}"""))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceProp", ("ProductKey", productKey), ("DeviceName", "ghost-dev"))).Code);
    }

    [Fact]
    public async Task Query_device_by_tags_finds_devices_by_key_and_by_value()
    {
        var productName = Unique("Tagged");
        var productKey = (await server.Call("CreateProduct", ("ProductName", productName), ("NodeType", "0"))).Str("ProductKey");
        var tagKey = Unique("room");
        var a = await server.NewDeviceAsync(productKey, "tag-dev-a");
        await server.NewDeviceAsync(productKey, "tag-dev-b");
        await server.NewDeviceAsync(productKey, "tag-dev-c");
        await server.Call("SaveDeviceProp", ("IotId", a.Str("IotId")), ("Props", $$"""{"{{tagKey}}":"101"}"""));
        await server.Call("SaveDeviceProp", ("ProductKey", productKey), ("DeviceName", "tag-dev-b"), ("Props", $$"""{"{{tagKey}}":"102"}"""));

        var byKey = await server.Call("QueryDeviceByTags", ("Tag.1.TagKey", tagKey));
        Assert.Equal(new[] { "tag-dev-a", "tag-dev-b" }, byKey.At("Data.SimpleDeviceInfo").Pluck("DeviceName"));
        Assert.Equal(2, byKey.At("Total").GetInt32());
        Assert.Equal(1, byKey.At("Page").GetInt32());

        var byValue = await server.Call("QueryDeviceByTags", ("Tag.1.TagKey", tagKey), ("Tag.1.TagValue", "101"));
        var only = Assert.Single(byValue.At("Data.SimpleDeviceInfo").EnumerateArray());
        Assert.Equal("tag-dev-a", only.Str("DeviceName"));
        Assert.Equal(a.Str("IotId"), only.Str("IotId"));
        Assert.Equal(productKey, only.Str("ProductKey"));
        Assert.Equal(productName, only.Str("ProductName"));

        var paged = await server.Call("QueryDeviceByTags", ("Tag.1.TagKey", tagKey), ("PageSize", "1"), ("CurrentPage", "2"));
        Assert.Equal(new[] { "tag-dev-b" }, paged.At("Data.SimpleDeviceInfo").Pluck("DeviceName"));
        Assert.Equal(2, paged.At("PageCount").GetInt32());

        var none = await server.Call("QueryDeviceByTags", ("Tag.1.TagKey", tagKey), ("Tag.1.TagValue", "999"));
        Assert.Equal(0, none.At("Data.SimpleDeviceInfo").GetArrayLength());
    }

    [Fact]
    public async Task Create_product_tags_then_list_product_tags_returns_them()
    {
        var productKey = await server.NewProductAsync();
        var created = await server.Call("CreateProductTags", ProductTags(("vendor", "acme"), ("model", "x1")).With(("ProductKey", productKey)));
        Assert.False(created.TryGetProperty("InvalidProductTags", out _));

        Assert.Equal(new Dictionary<string, string> { ["model"] = "x1", ["vendor"] = "acme" }, await ProductTagsOf(productKey));
    }

    [Fact]
    public async Task Create_product_tags_reports_the_invalid_tags_and_saves_the_rest()
    {
        var productKey = await server.NewProductAsync();
        var body = await server.Call("CreateProductTags",
            ProductTags(("good", "yes"), ("bad key", "no"), ("empty", "")).With(("ProductKey", productKey)));

        var invalid = body.At("InvalidProductTags.ProductTag");
        Assert.Equal(new[] { "bad key", "empty" }, invalid.Pluck("TagKey"));
        Assert.Equal("no", invalid[0].Str("TagValue"));
        Assert.Equal(new Dictionary<string, string> { ["good"] = "yes" }, await ProductTagsOf(productKey));
    }

    [Fact]
    public async Task Update_product_tags_changes_values()
    {
        var productKey = await server.NewProductAsync();
        await server.Call("CreateProductTags", ProductTags(("stage", "beta"), ("owner", "team_a")).With(("ProductKey", productKey)));

        var updated = await server.Call("UpdateProductTags", ProductTags(("stage", "ga")).With(("ProductKey", productKey)));
        Assert.True(updated.At("Success").GetBoolean());

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team_a", ["stage"] = "ga" }, await ProductTagsOf(productKey));
    }

    [Fact]
    public async Task Delete_product_tags_removes_the_named_keys()
    {
        var productKey = await server.NewProductAsync();
        await server.Call("CreateProductTags", ProductTags(("k1", "v1"), ("k2", "v2"), ("k3", "v3")).With(("ProductKey", productKey)));

        await server.Call("DeleteProductTags", List("ProductTagKey", "k1", "k3", "absent").With(("ProductKey", productKey)));

        Assert.Equal(new Dictionary<string, string> { ["k2"] = "v2" }, await ProductTagsOf(productKey));
    }

    [Fact]
    public async Task List_product_by_tags_finds_products_by_key_and_value()
    {
        var tagKey = Unique("line");
        var p1Name = Unique("ByTagA");
        var p1 = (await server.Call("CreateProduct", ("ProductName", p1Name), ("NodeType", "1"), ("Description", "first"))).Str("ProductKey");
        var p2 = await server.NewProductAsync("ByTagB");
        await server.NewProductAsync("ByTagC");
        await server.Call("CreateProductTags", ProductTags((tagKey, "north")).With(("ProductKey", p1)));
        await server.Call("CreateProductTags", ProductTags((tagKey, "south")).With(("ProductKey", p2)));

        var byValue = await server.Call("ListProductByTags", ("ProductTag.1.TagKey", tagKey), ("ProductTag.1.TagValue", "north"));
        var only = Assert.Single(byValue.At("ProductInfos.ProductInfo").EnumerateArray());
        Assert.Equal(p1, only.Str("ProductKey"));
        Assert.Equal(p1Name, only.Str("ProductName"));
        Assert.Equal("first", only.Str("Description"));
        Assert.Equal(1, only.At("NodeType").GetInt32());
        Assert.True(only.At("CreateTime").GetInt64() > 0);

        var byKey = await server.Call("ListProductByTags", ("ProductTag.1.TagKey", tagKey));
        Assert.Equal(new[] { p1, p2 }, byKey.At("ProductInfos.ProductInfo").Pluck("ProductKey"));
    }

    [Fact]
    public async Task Product_tags_of_an_unknown_product_are_not_found()
    {
        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("ListProductTags", ("ProductKey", "a1nosuchprd"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct",
            (await server.Fails("CreateProductTags", ProductTags(("k", "v")).With(("ProductKey", "a1nosuchprd")))).Code);
    }

    [Fact]
    public async Task Typed_sdk_reads_the_tag_responses()
    {
        var productKey = await server.NewProductAsync("TypedTag");
        var device = await server.NewDeviceAsync(productKey, "sdk-tag-dev");
        var tagKey = Unique("sdk");

        var saved = await NodeSdk.RpcAsync(server, "typed", "SaveDeviceProp",
            new { ProductKey = productKey, DeviceName = "sdk-tag-dev", Props = $$"""{"{{tagKey}}":"on"}""" });
        Assert.True(saved.At("body.Success").GetBoolean(), saved.ToString());
        var props = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceProp", new { IotId = device.Str("IotId") });
        Assert.Equal("on", JsonDocument.Parse(props.Str("body.Props")).RootElement.Str(tagKey));

        var found = await NodeSdk.RpcAsync(server, "typed", "QueryDeviceByTags", new { Tag = new[] { new { TagKey = tagKey, TagValue = "on" } } });
        Assert.Equal(new[] { "sdk-tag-dev" }, found.At("body.Data.SimpleDeviceInfo").Pluck("DeviceName"));

        var deleted = await NodeSdk.RpcAsync(server, "typed", "DeleteDeviceProp", new { IotId = device.Str("IotId"), PropKey = tagKey });
        Assert.True(deleted.At("body.Success").GetBoolean(), deleted.ToString());

        var badProps = await NodeSdk.RpcAsync(server, "typed", "SaveDeviceProp", new { IotId = device.Str("IotId"), Props = "{oops" });
        Assert.Equal("iot.device.InvalidFormattedProps", badProps.Str("body.Code"));

        var created = await NodeSdk.RpcAsync(server, "typed", "CreateProductTags",
            new { ProductKey = productKey, ProductTag = new[] { new { TagKey = tagKey, TagValue = "v1" }, new { TagKey = "bad key", TagValue = "v" } } });
        Assert.Equal("bad key", created.At("body.InvalidProductTags.ProductTag")[0].Str("TagKey"));

        var updated = await NodeSdk.RpcAsync(server, "typed", "UpdateProductTags",
            new { ProductKey = productKey, ProductTag = new[] { new { TagKey = tagKey, TagValue = "v2" } } });
        Assert.True(updated.At("body.Success").GetBoolean(), updated.ToString());

        var tags = await NodeSdk.RpcAsync(server, "typed", "ListProductTags", new { ProductKey = productKey });
        Assert.Equal("v2", tags.At("body.Data.ProductTag")[0].Str("TagValue"));

        var byTags = await NodeSdk.RpcAsync(server, "typed", "ListProductByTags",
            new { ProductTag = new[] { new { TagKey = tagKey, TagValue = "v2" } }, CurrentPage = 1, PageSize = 10 });
        var product = byTags.At("body.ProductInfos.ProductInfo")[0];
        Assert.Equal(productKey, product.Str("ProductKey"));
        Assert.True(product.At("CreateTime").GetInt64() > 0);

        var removed = await NodeSdk.RpcAsync(server, "typed", "DeleteProductTags", new { ProductKey = productKey, ProductTagKey = new[] { tagKey } });
        Assert.True(removed.At("body.Success").GetBoolean(), removed.ToString());
        var empty = await NodeSdk.RpcAsync(server, "typed", "ListProductTags", new { ProductKey = productKey });
        Assert.Equal(0, empty.At("body.Data.ProductTag").GetArrayLength());
    }
}
