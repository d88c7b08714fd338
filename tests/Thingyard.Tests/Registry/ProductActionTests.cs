// Product actions over real HTTP: CreateProduct, UpdateProduct, QueryProduct, QueryProductList, DeleteProduct.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class ProductActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Create_product_answers_the_product_key_and_echoes_the_settings()
    {
        var name = Unique("Gateway");
        var body = await server.Call("CreateProduct", ("ProductName", name), ("NodeType", "1"), ("DataFormat", "0"),
            ("Description", "a test gateway"), ("ProtocolType", "modbus"));

        var productKey = body.Str("ProductKey");
        Assert.Matches("^a1[A-Za-z0-9]{9}$", productKey);
        var data = body.At("Data");
        Assert.Equal(productKey, data.Str("ProductKey"));
        Assert.Equal(name, data.Str("ProductName"));
        Assert.Equal(1, data.At("NodeType").GetInt32());
        Assert.Equal(0, data.At("DataFormat").GetInt32());
        Assert.Equal("a test gateway", data.Str("Description"));
        Assert.Equal("secret", data.Str("AuthType"));
        Assert.Equal("modbus", data.Str("ProtocolType"));
        Assert.False(data.At("Id2").GetBoolean());
        Assert.Equal("iothub_senior", data.Str("AliyunCommodityCode"));
        Assert.Equal(16, data.Str("ProductSecret").Length);
    }

    [Fact]
    public async Task Query_product_reports_the_stored_product_and_its_device_count()
    {
        var name = Unique("Cellular");
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        var created = await server.Call("CreateProduct", ("ProductName", name), ("NodeType", "0"), ("NetType", "CELLULAR"));
        var productKey = created.Str("ProductKey");

        var data = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.Equal(name, data.Str("ProductName"));
        Assert.Equal(productKey, data.Str("ProductKey"));
        Assert.Equal(created.Str("Data.ProductSecret"), data.Str("ProductSecret"));
        Assert.Equal(6, data.At("NetType").GetInt32()); // a number on the wire: 6 = CELLULAR
        Assert.Equal(0, data.At("NodeType").GetInt32());
        Assert.Equal(1, data.At("DataFormat").GetInt32());
        Assert.Equal(0, data.At("DeviceCount").GetInt32());
        Assert.Equal("DEVELOPMENT_STATUS", data.Str("ProductStatus"));
        Assert.True(data.At("Owner").GetBoolean());
        Assert.InRange(data.At("GmtCreate").GetInt64(), before, DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());

        await server.NewDeviceAsync(productKey, "count-dev-1");
        await server.NewDeviceAsync(productKey, "count-dev-2");
        Assert.Equal(2, (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data.DeviceCount").GetInt32());
    }

    [Fact]
    public async Task Update_product_changes_the_name_and_description()
    {
        var productKey = await server.NewProductAsync("Before");
        var newName = Unique("After");

        await server.Call("UpdateProduct", ("ProductKey", productKey), ("ProductName", newName), ("Description", "renamed"));

        var data = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.Equal(newName, data.Str("ProductName"));
        Assert.Equal("renamed", data.Str("Description"));
    }

    [Fact]
    public async Task Update_product_keeps_what_it_is_not_given()
    {
        var name = Unique("Keep");
        var productKey = (await server.Call("CreateProduct", ("ProductName", name), ("NodeType", "0"), ("Description", "original"))).Str("ProductKey");

        await server.Call("UpdateProduct", ("ProductKey", productKey), ("Description", "changed"));

        var data = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.Equal(name, data.Str("ProductName"));
        Assert.Equal("changed", data.Str("Description"));
    }

    [Fact]
    public async Task Product_names_are_unique_on_create_and_on_update()
    {
        var taken = Unique("Taken");
        await server.Call("CreateProduct", ("ProductName", taken), ("NodeType", "0"));

        var onCreate = await server.Fails("CreateProduct", ("ProductName", taken), ("NodeType", "0"));
        Assert.Equal("iot.prod.AlreadyExistedProductName", onCreate.Code);
        Assert.Equal(200, onCreate.Status);

        var other = await server.NewProductAsync("Other");
        var onUpdate = await server.Fails("UpdateProduct", ("ProductKey", other), ("ProductName", taken));
        Assert.Equal("iot.prod.AlreadyExistedProductName", onUpdate.Code);
        Assert.NotEqual(taken, (await server.Call("QueryProduct", ("ProductKey", other))).Str("Data.ProductName"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("has space")]
    [InlineData("this_product_name_is_too_long_x")]
    public async Task Create_product_refuses_a_bad_name(string name)
    {
        var failure = await server.Fails("CreateProduct", ("ProductName", name), ("NodeType", "0"));
        Assert.Equal("iot.prod.InvalidFormattedName", failure.Code);
    }

    [Fact]
    public async Task Create_product_refuses_an_unknown_node_type()
    {
        var failure = await server.Fails("CreateProduct", ("ProductName", Unique("Node")), ("NodeType", "7"));
        Assert.Equal("iot.prod.InvalidNodeType", failure.Code);
    }

    [Fact]
    public async Task Query_product_list_pages_newest_first()
    {
        var total = (await server.Call("QueryProductList", ("PageSize", "1"))).At("Data.Total").GetInt32();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++) keys.Add(await server.NewProductAsync("Listed"));
        await server.NewDeviceAsync(keys[2], "listed-dev");

        var page1 = (await server.Call("QueryProductList", ("CurrentPage", "1"), ("PageSize", "2"))).At("Data");
        Assert.Equal(total + 3, page1.At("Total").GetInt32());
        Assert.Equal(1, page1.At("CurrentPage").GetInt32());
        Assert.Equal(2, page1.At("PageSize").GetInt32());
        Assert.Equal((total + 3 + 1) / 2, page1.At("PageCount").GetInt32());
        var items = page1.At("List.ProductInfo");
        Assert.Equal(new[] { keys[2], keys[1] }, items.Pluck("ProductKey"));
        Assert.Equal(1, items[0].At("DeviceCount").GetInt32());
        Assert.Equal(0, items[1].At("DeviceCount").GetInt32());
        Assert.Equal(0, items[0].At("NodeType").GetInt32());
        Assert.Equal("secret", items[0].Str("AuthType"));
        Assert.Equal(JsonValueKind.Number, items[0].At("GmtCreate").ValueKind);

        var page2 = (await server.Call("QueryProductList", ("CurrentPage", "2"), ("PageSize", "2"))).At("Data");
        Assert.Equal(keys[0], page2.At("List.ProductInfo")[0].Str("ProductKey"));
    }

    [Fact]
    public async Task Query_product_list_with_a_product_name_keeps_the_names_containing_it_ignoring_case()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var a = (await server.Call("CreateProduct", ("ProductName", "Meter" + marker + "A"), ("NodeType", "0"))).Str("ProductKey");
        var b = (await server.Call("CreateProduct", ("ProductName", "METER" + marker.ToUpperInvariant() + "B"), ("NodeType", "0"))).Str("ProductKey");
        await server.NewProductAsync("Other");

        var data = (await server.Call("QueryProductList", ("CurrentPage", "1"), ("PageSize", "10"), ("ProductName", "meter" + marker))).At("Data");
        Assert.Equal(2, data.At("Total").GetInt32());
        Assert.Equal(new[] { b, a }, data.At("List.ProductInfo").Pluck("ProductKey"));
        // Without it the documented parameters list everything, as before.
        Assert.True((await server.Call("QueryProductList", ("PageSize", "10"))).At("Data.Total").GetInt32() >= 3);

        using var rest = server.Rest();
        var page = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products?name=meter{marker}b")).RootElement;
        Assert.Equal(1, page.At("total").GetInt32());
        Assert.Equal(b, page.At("items")[0].Str("productKey"));
    }

    [Fact]
    public async Task Delete_product_is_refused_while_it_has_devices()
    {
        var productKey = await server.NewProductAsync("Busy");
        await server.NewDeviceAsync(productKey, "busy-dev");

        var refused = await server.Fails("DeleteProduct", ("ProductKey", productKey));
        Assert.Equal("iot.prod.ProductHasDevices", refused.Code);
        Assert.Equal(1, (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data.DeviceCount").GetInt32());

        await server.Call("DeleteDevice", ("ProductKey", productKey), ("DeviceName", "busy-dev"));
        await server.Call("DeleteProduct", ("ProductKey", productKey));

        var gone = await server.Fails("QueryProduct", ("ProductKey", productKey));
        Assert.Equal("iot.prod.NotExistedProduct", gone.Code);
        var list = (await server.Call("QueryProductList", ("PageSize", "200"))).At("Data.List.ProductInfo");
        Assert.DoesNotContain(productKey, list.Pluck("ProductKey"));
    }

    [Fact]
    public async Task Unknown_product_keys_are_not_found()
    {
        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("QueryProduct", ("ProductKey", "a1nosuchprd"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("UpdateProduct", ("ProductKey", "a1nosuchprd"), ("Description", "x"))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.Fails("DeleteProduct", ("ProductKey", "a1nosuchprd"))).Code);
    }

    [Fact]
    public async Task Typed_sdk_runs_the_product_lifecycle()
    {
        var name = Unique("TypedLife");
        var created = await NodeSdk.RpcAsync(server, "typed", "CreateProduct", new { ProductName = name, NodeType = 0, NetType = "ETHERNET" });
        Assert.True(created.GetProperty("ok").GetBoolean(), created.ToString());
        var productKey = created.Str("body.ProductKey");

        var updated = await NodeSdk.RpcAsync(server, "typed", "UpdateProduct", new { ProductKey = productKey, Description = "via sdk" });
        Assert.True(updated.At("body.Success").GetBoolean(), updated.ToString());

        var queried = await NodeSdk.RpcAsync(server, "typed", "QueryProduct", new { ProductKey = productKey });
        Assert.Equal("via sdk", queried.Str("body.Data.Description"));
        Assert.Equal(7, queried.At("body.Data.NetType").GetInt32());

        var list = await NodeSdk.RpcAsync(server, "typed", "QueryProductList", new { CurrentPage = 1, PageSize = 200 });
        Assert.Contains(productKey, list.At("body.Data.List.ProductInfo").Pluck("ProductKey"));

        var deleted = await NodeSdk.RpcAsync(server, "pop-post", "DeleteProduct", new { ProductKey = productKey });
        Assert.True(deleted.At("body.Success").GetBoolean(), deleted.ToString());
        var gone = await NodeSdk.RpcAsync(server, "pop-get", "QueryProduct", new { ProductKey = productKey });
        Assert.False(gone.GetProperty("ok").GetBoolean());
        Assert.Equal("iot.prod.NotExistedProduct", gone.Str("data.Code"));
    }
}
