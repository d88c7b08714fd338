// Page offsets do not overflow: the largest CurrentPage gives an empty page (past every row), never page 1 again.
using System.Net;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Registry;

public sealed class PagingTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string Largest = "2147483647";

    [Fact]
    public async Task The_largest_page_of_products_is_empty_over_rpc()
    {
        await server.NewProductAsync("Page");
        var first = (await server.Call("QueryProductList", ("PageSize", "10"))).At("Data");
        Assert.NotEmpty(first.At("List.ProductInfo").EnumerateArray());

        var last = (await server.Call("QueryProductList", ("CurrentPage", Largest), ("PageSize", "10"))).At("Data");
        Assert.Empty(last.At("List.ProductInfo").EnumerateArray());
        Assert.Equal(int.MaxValue, last.At("CurrentPage").GetInt32());
        Assert.Equal(first.At("Total").GetInt32(), last.At("Total").GetInt32());
    }

    [Fact]
    public async Task The_largest_page_of_devices_is_empty_over_rpc()
    {
        var pk = await server.NewProductAsync("Page");
        await server.NewDeviceAsync(pk);
        var last = await server.Call("QueryDevice", ("ProductKey", pk), ("CurrentPage", Largest), ("PageSize", "50"));
        Assert.Empty(last.At("Data.DeviceInfo").EnumerateArray());
        Assert.Equal(1, last.At("Total").GetInt32());
    }

    [Fact]
    public async Task The_largest_page_of_products_is_empty_over_rest()
    {
        await server.NewProductAsync("Page");
        using var rest = server.Rest();
        var body = await Json.JsonOf(await rest.GetAsync($"/api/v1/products?page={Largest}&pageSize=20"), HttpStatusCode.OK);
        Assert.Empty(body.At("items").EnumerateArray());
        Assert.Equal(int.MaxValue, body.At("page").GetInt32());
    }
}
