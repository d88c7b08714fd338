// Topology over the RPC API after a gateway built it over MQTT: GetGatewayBySubDevice, GetThingTopo (paged),
// RemoveThingTopo (one sub-device or the whole gateway), and BatchAddThingTopo with sub-device signs.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Messaging;

public sealed class GatewayActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<(TestDevice Gateway, TestDevice[] Subs)> NewGatewayAsync(int subCount)
    {
        var gateway = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType: 1));
        var subPk = await server.NewModelledProductAsync();
        var subs = new TestDevice[subCount];
        for (var i = 0; i < subCount; i++) subs[i] = await server.NewTestDeviceAsync(subPk);
        return (gateway, subs);
    }

    Task<System.Text.Json.JsonElement> TopoAsync(TestDevice gateway, int pageNo = 1, int pageSize = 10) =>
        server.Call("GetThingTopo", gateway.Args(("PageNo", pageNo.ToString()), ("PageSize", pageSize.ToString())));

    [Fact]
    public async Task The_api_sees_the_topology_a_gateway_added_over_mqtt()
    {
        var (g, subs) = await NewGatewayAsync(3);
        await using var gateway = await server.ConnectOnlineAsync(g);
        await gateway.AddTopologyAsync(subs);

        var found = await server.Call("GetGatewayBySubDevice", subs[1].Args());
        Assert.Equal(g.IotId, found.Str("Data.iotId"));
        Assert.Equal("cn-shanghai", found.Str("Data.region"));
        Assert.Equal(g.DeviceName, found.Str("Data.DeviceName"));
        Assert.Equal(g.ProductKey, found.Str("Data.ProductKey"));
        Assert.Equal(g.DeviceSecret, found.Str("Data.DeviceSecret"));
        Assert.Equal("1", found.Str("Data.NodeType"));
        Assert.Equal("online", found.Str("Data.Status"));
        Assert.False(found.At("Data").TryGetProperty("IotId", out _));

        var byIotId = await server.Call("GetGatewayBySubDevice", ("IotId", subs[0].IotId));
        Assert.Equal(g.IotId, byIotId.Str("Data.iotId"));

        var page1 = await TopoAsync(g, 1, 2);
        Assert.Equal(3, page1.At("Data.Total").GetInt32());
        Assert.Equal(2, page1.At("Data.PageCount").GetInt32());
        Assert.Equal(1, page1.At("Data.CurrentPage").GetInt32());
        Assert.Equal(2, page1.At("Data.PageSize").GetInt32());
        var page2 = await TopoAsync(g, 2, 2);
        var listed = page1.At("Data.List.deviceInfo").EnumerateArray().Concat(page2.At("Data.List.deviceInfo").EnumerateArray()).ToList();
        Assert.Equal(subs.Select(s => s.IotId).Order(), listed.Select(x => x.Str("IotId")).Order());
        Assert.All(listed, x => Assert.Equal(subs[0].ProductKey, x.Str("ProductKey")));
        Assert.Equal(subs.Select(s => s.DeviceName).Order(), listed.Select(x => x.Str("DeviceName")).Order());
    }

    [Fact]
    public async Task A_device_without_a_gateway_has_no_Data_and_a_plain_device_has_no_sub_devices()
    {
        var (g, subs) = await NewGatewayAsync(1);
        var none = await server.Call("GetGatewayBySubDevice", subs[0].Args());
        Assert.True(none.GetProperty("Success").GetBoolean());
        Assert.False(none.TryGetProperty("Data", out _));
        var empty = await TopoAsync(g);
        Assert.Equal(0, empty.At("Data.Total").GetInt32());
        Assert.Equal(0, empty.At("Data.List.deviceInfo").GetArrayLength());
        var badPage = await server.Fails("GetThingTopo", g.Args(("PageSize", "51")));
        Assert.Equal("iot.common.InvalidPageParams", badPage.Code);
    }

    [Fact]
    public async Task RemoveThingTopo_of_a_sub_device_takes_it_out_and_offline()
    {
        var (g, subs) = await NewGatewayAsync(2);
        await using var gateway = await server.ConnectOnlineAsync(g);
        await gateway.AddTopologyAsync(subs);

        // Log the first sub-device in through the gateway; it is online and reachable through the gateway's connection.
        var (clientId, ts, sign) = MessagingKit.SubSign(subs[0]);
        var login = await gateway.RequestAsync($"/ext/session/{g.ProductKey}/{g.DeviceName}/combine/login", "",
            $$"""{"productKey":"{{subs[0].ProductKey}}","deviceName":"{{subs[0].DeviceName}}","clientId":"{{clientId}}","timestamp":"{{ts}}","signMethod":"hmacsha1","sign":"{{sign}}","cleanSession":"true"}""");
        Assert.Equal(200, login.GetProperty("code").GetInt32());
        await gateway.SubscribeAsync($"/sys/{subs[0].ProductKey}/{subs[0].DeviceName}/thing/service/property/set");
        Assert.Equal("ONLINE", await server.StatusAsync(subs[0]));
        var subTopics = (await server.Call("QueryDeviceSubTopic", subs[0].Args())).GetProperty("TopicList").EnumerateArray().Select(t => t.Str("TopicName"));
        Assert.Equal([$"/sys/{subs[0].ProductKey}/{subs[0].DeviceName}/thing/service/property/set"], subTopics);

        var set = await server.Call("SetDeviceProperty", subs[0].Args(("Items", """{"mode":1}""")));
        var request = await gateway.NextRequestAsync($"/sys/{subs[0].ProductKey}/{subs[0].DeviceName}/thing/service/property/set");
        Assert.Equal(set.Str("Data.MessageId"), request.GetProperty("id").GetString());

        var removed = await server.Call("RemoveThingTopo", subs[0].Args());
        Assert.True(removed.GetProperty("Data").GetBoolean());
        Assert.Equal("OFFLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(subs[0]), s => s == "OFFLINE"));
        Assert.False((await server.Call("GetGatewayBySubDevice", subs[0].Args())).TryGetProperty("Data", out _));
        var left = await TopoAsync(g);
        Assert.Equal([subs[1].IotId], left.At("Data.List.deviceInfo").EnumerateArray().Select(x => x.Str("IotId")));

        var again = await server.Call("RemoveThingTopo", subs[0].Args());
        Assert.False(again.GetProperty("Data").GetBoolean());
    }

    [Fact]
    public async Task RemoveThingTopo_of_a_gateway_removes_all_its_sub_devices()
    {
        var (g, subs) = await NewGatewayAsync(3);
        await using (var gateway = await server.ConnectOnlineAsync(g)) await gateway.AddTopologyAsync(subs);
        Assert.Equal(3, (await TopoAsync(g)).At("Data.Total").GetInt32());
        var removed = await server.Call("RemoveThingTopo", g.Args());
        Assert.True(removed.GetProperty("Data").GetBoolean());
        Assert.Equal(0, (await TopoAsync(g)).At("Data.Total").GetInt32());
    }

    [Fact]
    public async Task BatchAddThingTopo_adds_signed_sub_devices_all_or_nothing()
    {
        var (g, subs) = await NewGatewayAsync(2);
        (string, string)[] Item(int n, TestDevice s, string? badSign = null)
        {
            var (clientId, ts, sign) = MessagingKit.SubSign(s);
            return
            [
                ($"TopoAddItem.{n}.ProductKey", s.ProductKey), ($"TopoAddItem.{n}.DeviceName", s.DeviceName),
                ($"TopoAddItem.{n}.ClientId", clientId), ($"TopoAddItem.{n}.Timestamp", ts),
                ($"TopoAddItem.{n}.SignMethod", "hmacsha1"), ($"TopoAddItem.{n}.Sign", badSign ?? sign),
            ];
        }
        (string, string)[] Gw = [("GwProductKey", g.ProductKey), ("GwDeviceName", g.DeviceName)];

        var bad = await server.Fails("BatchAddThingTopo", [.. Gw, .. Item(1, subs[0]), .. Item(2, subs[1], badSign: new string('0', 40))]);
        Assert.Equal("iot.common.InvalidFormattedParameter", bad.Code);
        Assert.Contains(subs[1].DeviceName, bad.Message);
        Assert.Equal(0, (await TopoAsync(g)).At("Data.Total").GetInt32());

        var ok = await server.Call("BatchAddThingTopo", [.. Gw, .. Item(1, subs[0]), .. Item(2, subs[1])]);
        Assert.True(ok.GetProperty("Success").GetBoolean());
        Assert.Equal(2, (await TopoAsync(g)).At("Data.Total").GetInt32());
        Assert.Equal(g.IotId, (await server.Call("GetGatewayBySubDevice", subs[1].Args())).Str("Data.iotId"));

        var notGateway = await server.Fails("BatchAddThingTopo", [("GwProductKey", subs[0].ProductKey), ("GwDeviceName", subs[0].DeviceName), .. Item(1, subs[1])]);
        Assert.Equal("iot.common.InvalidFormattedParameter", notGateway.Code);
        var noItems = await server.Fails("BatchAddThingTopo", Gw);
        Assert.Equal("MissingParameter", noItems.Code);
    }
}
