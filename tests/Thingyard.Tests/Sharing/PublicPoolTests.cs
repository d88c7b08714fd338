// The public pool over real HTTP with three accounts: the owner authorizes a released product to the pool only after
// accepting the agreement, and cannot take it back; an account sees the pool only once it has been authorized a device,
// and then reads the product (no secret) and its thing model but none of its devices; the pool and distribution refuse
// each other.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Sharing;

public sealed class PublicPoolTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_public_product_is_irreversible_and_visible_only_to_accounts_with_an_authorized_device()
    {
        var viewer = await server.NewAccountAsync(Unique("viewer"));
        var pooled = await server.ReleasedLampAsync();
        var pooledDevice = (await server.NewDeviceAsync(pooled)).Str("DeviceName");
        (string, string) Pk() => ("ProductKey", pooled);

        var unread = await server.Fails("AuthorizeProductToPublicPool", Pk());
        Assert.Equal("iot.common.InvalidFormattedParameter", unread.Code);
        Assert.Contains("cannot be undone", unread.Message);
        var draft = await server.NewProductAsync("Draft");
        Assert.Equal("iot.production.ProductNotReleased", (await server.Fails("AuthorizeProductToPublicPool", ("ProductKey", draft), ("AgreementAccepted", "true"))).Code);
        var published = (await server.Call("AuthorizeProductToPublicPool", Pk(), ("AgreementAccepted", "true"))).At("Data");
        Assert.True(published.At("Irreversible").GetBoolean());
        Assert.Equal("iot.authorization.PublicPoolIrreversible", (await server.Fails("RevokeProductFromPublicPool", Pk())).Code);
        Assert.Equal("iot.authorization.ConflictWithDistribution",
            (await server.Fails("CreateProductDistributeJob", Pk(), ("TargetInstanceId", "iotx-elsewhere"), ("Strategy", "0"))).Code);

        // No authorized device yet: the pool is closed to the viewer.
        Assert.Empty((await server.CallAs(viewer, "QueryPublicProductList")).At("Data.List.ProductInfo").EnumerateArray());
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(viewer, "QueryProduct", Pk())).Code);

        // Once a device of another product is authorized to it, the pool opens: the product, its model, no secret, no devices.
        var other = await server.ReleasedLampAsync();
        var otherDevice = (await server.NewDeviceAsync(other)).Str("DeviceName");
        await server.Call("AuthorizeDevices", ("ProductKey", other), ("DeviceName.1", otherDevice), ("TargetUid", viewer.AccountUid));
        var pool = (await server.CallAs(viewer, "QueryPublicProductList")).At("Data.List.ProductInfo");
        Assert.Contains(pooled, pool.Pluck("ProductKey"));
        Assert.DoesNotContain(other, pool.Pluck("ProductKey"));
        var product = (await server.CallAs(viewer, "QueryProduct", Pk())).At("Data");
        Assert.Equal("", product.Str("ProductSecret"));
        Assert.Contains("Level", (await server.CallAs(viewer, "GetThingModelTsl", Pk())).Str("Data.TslStr"));
        Assert.Empty((await server.CallAs(viewer, "QueryDevice", Pk())).At("Data.DeviceInfo").EnumerateArray());
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(viewer, "QueryDeviceDetail", Pk(), ("DeviceName", pooledDevice))).Code);
        // Viewing only: the owner's operations are refused as such.
        Assert.Equal("iot.authorization.OwnerOnlyOperation", (await server.FailsAs(viewer, "UpdateProduct", Pk(), ("Description", "mine"))).Code);
        Assert.Equal("iot.authorization.OwnerOnlyOperation", (await server.FailsAs(viewer, "RegisterDevice", Pk(), ("DeviceName", "planted"))).Code);
        // The owner keeps full control.
        await server.Call("UpdateProduct", Pk(), ("Description", "still the owner's"));
        Assert.Equal("still the owner's", (await server.CallAs(viewer, "QueryProduct", Pk())).Str("Data.Description"));
    }
}
