// The certified-module catalogue over real HTTP: ListCertifiedModules (with its NetType filter), SetProductModule and
// QueryProduct's ModuleId, refusals, another account's product, a distributed copy, and the REST routes.
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Registry;

public sealed class CertifiedModuleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task List_certified_modules_has_the_catalogue_and_filters_by_net_type()
    {
        var all = (await server.Call("ListCertifiedModules")).At("Data");

        Assert.True(all.GetArrayLength() >= 8);
        var esp = all.EnumerateArray().Single(m => m.Str("ModuleId") == "espressif-esp32-c3");
        Assert.Equal(["ModuleId", "Vendor", "Model", "NetType", "Sdk"], esp.EnumerateObject().Select(p => p.Name).ToList());
        Assert.Equal("Espressif", esp.Str("Vendor"));
        Assert.Equal("WIFI", esp.Str("NetType"));
        Assert.True(esp.At("Sdk").GetArrayLength() > 0);

        var cellular = (await server.Call("ListCertifiedModules", ("NetType", "CELLULAR"))).At("Data");
        Assert.Contains("quectel-ec200u", cellular.Pluck("ModuleId"));
        Assert.All(cellular.Pluck("NetType"), n => Assert.Equal("CELLULAR", n));
        Assert.Equal(0, (await server.Call("ListCertifiedModules", ("NetType", "LORA"))).At("Data").GetArrayLength());
    }

    [Fact]
    public async Task Set_product_module_is_reported_by_query_product()
    {
        var productKey = await server.NewProductAsync("Mod");
        var before = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.False(before.TryGetProperty("ModuleId", out _));

        await server.Call("SetProductModule", ("ProductKey", productKey), ("ModuleId", "quectel-bc260y"));

        Assert.Equal("quectel-bc260y", (await server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ModuleId"));
    }

    [Fact]
    public async Task An_unknown_module_another_accounts_product_and_a_distributed_copy_are_refused()
    {
        var productKey = await server.NewProductAsync("Mod");

        Assert.Equal("iot.prod.NotExistedModule",
            (await server.Fails("SetProductModule", ("ProductKey", productKey), ("ModuleId", "acme-x1"))).Code);
        Assert.Equal("MissingParameter", (await server.Fails("SetProductModule", ("ProductKey", productKey))).Code);

        var other = await server.NewAccountAsync(Unique("mod"));
        Assert.Equal("iot.prod.NotExistedProduct",
            (await server.FailsAs(other, "SetProductModule", ("ProductKey", productKey), ("ModuleId", "neoway-n58"))).Code);

        await using (var db = await server.DbAsync())
            await db.Products.Where(p => p.ProductKey == productKey).ExecuteUpdateAsync(u => u.SetProperty(p => p.SourceInstanceId, "iotx-source"));
        Assert.Equal("iot.distribution.ReadOnlyProduct",
            (await server.Fails("SetProductModule", ("ProductKey", productKey), ("ModuleId", "neoway-n58"))).Code);
        var data = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.False(data.TryGetProperty("ModuleId", out _));
    }

    [Fact]
    public async Task The_rest_routes_list_modules_and_set_a_products_module()
    {
        using var rest = server.Rest();
        var productKey = await server.NewProductAsync("ModRest");

        var wifi = await JsonOf(await rest.GetAsync("/api/v1/modules?netType=WIFI"), HttpStatusCode.OK);
        Assert.Contains("mxchip-emw3080", wifi.Pluck("moduleId"));
        Assert.All(wifi.Pluck("netType"), n => Assert.Equal("WIFI", n));

        var product = await JsonOf(await rest.PutAsJsonAsync($"/api/v1/products/{productKey}/module", new { moduleId = "mxchip-emw3080" }), HttpStatusCode.OK);
        Assert.Equal("mxchip-emw3080", product.Str("moduleId"));
        Assert.Equal("mxchip-emw3080", (await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}"), HttpStatusCode.OK)).Str("moduleId"));

        var unknown = await JsonOf(await rest.PutAsJsonAsync($"/api/v1/products/{productKey}/module", new { moduleId = "acme-x1" }), HttpStatusCode.NotFound);
        Assert.Equal("iot.prod.NotExistedModule", unknown.Str("title"));
    }

    [Fact]
    public async Task A_rest_product_created_with_a_category_starts_with_its_standard_features()
    {
        using var rest = server.Rest();
        var created = await JsonOf(await rest.PostAsJsonAsync("/api/v1/products", new { name = Unique("RestTpl"), categoryKey = "Outlet" }), HttpStatusCode.Created);
        Assert.Equal("Outlet", created.Str("categoryKey"));

        var tsl = await JsonOf(await rest.GetAsync($"/api/v1/products/{created.Str("productKey")}/thing-model"), HttpStatusCode.OK);
        Assert.Contains("PowerSwitch", tsl.GetProperty("properties").Pluck("identifier"));
    }
}
