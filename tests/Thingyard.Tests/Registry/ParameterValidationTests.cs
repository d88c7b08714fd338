// How the gateway and the registry refuse bad parameters: missing ones (HTTP 400 MissingParameter naming the key),
// non-integers (HTTP 400 InvalidParameter) and out-of-range paging (iot.common.InvalidPageParams).
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class ParameterValidationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Theory]
    [InlineData("QueryProduct", "ProductKey")]
    [InlineData("DeleteProduct", "ProductKey")]
    [InlineData("CreateProduct", "ProductName")]
    [InlineData("RegisterDevice", "ProductKey")]
    [InlineData("BatchRegisterDevice", "Count")]
    [InlineData("QueryPageByApplyId", "ApplyId")]
    [InlineData("QueryDeviceByStatus", "Status")]
    [InlineData("CreateDeviceGroup", "GroupName")]
    [InlineData("QueryDeviceGroupInfo", "GroupId")]
    [InlineData("SaveDeviceProp", "Props")]
    public async Task A_missing_required_parameter_is_http_400_naming_it(string action, string missing)
    {
        var failure = await server.Fails(action);
        Assert.Equal(400, failure.Status);
        Assert.Equal("MissingParameter", failure.Code);
        Assert.Contains($"\"{missing}\"", failure.Body.Str("Message"));
        Assert.False(string.IsNullOrEmpty(failure.Body.Str("RequestId")));
    }

    [Fact]
    public async Task Create_product_without_node_type_is_missing_parameter()
    {
        var failure = await server.Fails("CreateProduct", ("ProductName", Unique("NoNode")));
        Assert.Equal(400, failure.Status);
        Assert.Equal("MissingParameter", failure.Code);
        Assert.Contains("NodeType", failure.Body.Str("Message"));
        var list = (await server.Call("QueryProductList", ("PageSize", "200"))).At("Data.List.ProductInfo");
        Assert.DoesNotContain(list.EnumerateArray(), p => p.Str("ProductName").StartsWith("NoNode_"));
    }

    [Theory]
    [InlineData("QueryProductList", "CurrentPage", "abc")]
    [InlineData("QueryProductList", "PageSize", "1.5")]
    [InlineData("CreateProduct", "NodeType", "gateway")]
    [InlineData("BatchRegisterDevice", "Count", "ten")]
    [InlineData("QueryPageByApplyId", "ApplyId", "x1")]
    public async Task A_non_integer_is_invalid_parameter(string action, string key, string value)
    {
        var failure = await server.Fails(action, (key, value), ("ProductName", Unique("Int")), ("ProductKey", "a1nosuchprd"));
        Assert.Equal(400, failure.Status);
        Assert.Equal("InvalidParameter", failure.Code);
        Assert.Contains(key, failure.Body.Str("Message"));
    }

    [Theory]
    [InlineData("QueryProductList", "CurrentPage", "0")]
    [InlineData("QueryProductList", "PageSize", "0")]
    [InlineData("QueryProductList", "PageSize", "201")]
    [InlineData("QueryDevice", "PageSize", "51")]
    [InlineData("QueryDevice", "CurrentPage", "-1")]
    [InlineData("QueryDeviceGroupList", "PageSize", "500")]
    public async Task Paging_out_of_range_is_invalid_page_params(string action, string key, string value)
    {
        var failure = await server.Fails(action, (key, value));
        Assert.Equal(200, failure.Status);
        Assert.Equal("iot.common.InvalidPageParams", failure.Code);
        Assert.False(failure.Body.At("Success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(failure.Body.Str("ErrorMessage")));
    }

    [Fact]
    public async Task Pop_core_sees_the_gateway_and_business_error_codes()
    {
        var missing = await NodeSdk.RpcAsync(server, "pop-get", "QueryProduct", new { RegionId = "cn-shanghai" });
        Assert.False(missing.GetProperty("ok").GetBoolean());
        Assert.Equal("MissingParameter", missing.Str("data.Code"));
        Assert.Contains("ProductKey", missing.Str("message"));

        var paging = await NodeSdk.RpcAsync(server, "pop-get", "QueryProductList", new { PageSize = 0 });
        Assert.False(paging.GetProperty("ok").GetBoolean());
        Assert.Equal("iot.common.InvalidPageParams", paging.Str("data.Code"));
    }

    [Fact]
    public async Task V3_sdk_reads_a_business_error_from_an_http_200_body()
    {
        var result = await NodeSdk.RpcAsync(server, "v3", "QueryDevice", new { PageSize = 1000 });
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.False(result.At("body.Success").GetBoolean());
        Assert.Equal("iot.common.InvalidPageParams", result.Str("body.Code"));
        Assert.Equal(JsonValueKind.String, result.At("body.ErrorMessage").ValueKind);
    }
}
