// The sharing REST routes (/api/v1/sharing) over real HTTP, as two accounts: a device authorized and listed on both
// sides without secrets, revoked; a product published to the pool only with the agreement; a transfer proposed,
// listed as incoming and accepted.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Sharing;

public sealed class SharingRestTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Devices_are_authorized_listed_revoked_published_and_transferred_over_rest()
    {
        var partner = await server.NewAccountAsync(Unique("rest"));
        var pk = await server.ReleasedLampAsync();
        var device = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        using var owner = server.Rest();
        using var other = server.Rest(partner.AccessKeyId, partner.AccessKeySecret);

        var granted = await JsonAsync(await owner.PostAsJsonAsync("/api/v1/sharing/devices", new { productKey = pk, deviceNames = new[] { device }, targetUid = partner.AccountUid }), HttpStatusCode.Created);
        Assert.Equal(device, granted[0].Str("deviceName"));
        Assert.Equal(1, (await JsonAsync(await owner.GetAsync($"/api/v1/sharing/products?productKey={pk}"), HttpStatusCode.OK)).At("items")[0].At("deviceCount").GetInt32());
        var authorized = (await JsonAsync(await other.GetAsync("/api/v1/sharing/authorized-products"), HttpStatusCode.OK)).At("items")[0];
        Assert.Equal(pk, authorized.Str("productKey"));
        Assert.False(authorized.TryGetProperty("productSecret", out _));
        Assert.Equal("", (await JsonAsync(await other.GetAsync($"/api/v1/products/{pk}"), HttpStatusCode.OK)).Str("productSecret"));

        await JsonAsync(await owner.DeleteAsync($"/api/v1/sharing/devices/{pk}/{device}/{partner.AccountUid}"), HttpStatusCode.NoContent);
        await JsonAsync(await owner.DeleteAsync($"/api/v1/sharing/products/{pk}/{partner.AccountUid}"), HttpStatusCode.NoContent);
        await JsonAsync(await other.GetAsync($"/api/v1/products/{pk}/devices/{device}"), HttpStatusCode.NotFound);

        await JsonAsync(await owner.PostAsJsonAsync("/api/v1/sharing/public-pool", new { productKey = pk, agreementAccepted = false }), HttpStatusCode.BadRequest);
        await JsonAsync(await owner.PostAsJsonAsync("/api/v1/sharing/public-pool", new { productKey = pk, agreementAccepted = true }), HttpStatusCode.OK);

        var transfer = await JsonAsync(await owner.PostAsJsonAsync("/api/v1/sharing/transfers", new { productKey = pk, deviceNames = new[] { device }, targetUid = partner.AccountUid }), HttpStatusCode.Created);
        var incoming = (await JsonAsync(await other.GetAsync("/api/v1/sharing/transfers?status=pending"), HttpStatusCode.OK)).At("items")[0];
        Assert.Equal(transfer.Str("transferId"), incoming.Str("transferId"));
        await JsonAsync(await other.PostAsync($"/api/v1/sharing/transfers/{transfer.Str("transferId")}/accept", null), HttpStatusCode.NoContent);
        Assert.NotEqual("", (await JsonAsync(await other.GetAsync($"/api/v1/products/{pk}/devices/{device}"), HttpStatusCode.OK)).Str("deviceSecret"));
    }
}
