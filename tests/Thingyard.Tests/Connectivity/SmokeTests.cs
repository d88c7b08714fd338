// The basic device path end to end: connect, go online, post properties and get the reply, go offline.
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Connectivity;

public sealed class SmokeTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Device_connects_posts_a_property_and_goes_offline()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using (var device = await server.ConnectAsync(d))
        {
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
            Assert.Equal("ONLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == "ONLINE"));

            var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":21.5,"mode":1}""");
            Assert.Equal(200, reply.GetProperty("code").GetInt32());
            Assert.Equal("success", reply.GetProperty("message").GetString());

            var bad = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":500}""");
            Assert.Equal(460, bad.GetProperty("code").GetInt32());
            Assert.Contains("temperature", bad.GetProperty("message").GetString());
        }
        Assert.Equal("OFFLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == "OFFLINE"));
    }
}
