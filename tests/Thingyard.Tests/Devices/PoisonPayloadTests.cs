// A payload with invalid UTF-8 inside a JSON string, on every uplink topic: the platform answers with an error where the
// topic has a reply, acknowledges the QoS 1 publish (else the SDK resends it for ever) and keeps the connection.
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

public sealed class PoisonPayloadTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>Every uplink topic the router handles ({pk}/{dn} filled in; a gateway device so its topics are allowed
    /// too), and whether the platform answers it on topic_reply.</summary>
    public static TheoryData<string, bool> Topics => new()
    {
        { "/sys/{pk}/{dn}/thing/event/property/post", true },
        { "/sys/{pk}/{dn}/thing/event/overheat/post", true },
        { "/sys/{pk}/{dn}/thing/event/property/batch/post", true },
        { "/sys/{pk}/{dn}/thing/service/property/set_reply", false },
        { "/sys/{pk}/{dn}/thing/service/reboot_reply", false },
        { "/sys/{pk}/{dn}/thing/deviceinfo/update", true },
        { "/sys/{pk}/{dn}/thing/deviceinfo/delete", true },
        { "/sys/{pk}/{dn}/thing/config/get", true },
        { "/sys/{pk}/{dn}/thing/config/push_reply", false },
        { "/sys/{pk}/{dn}/thing/bootstrap/notify_reply", false },
        { "/sys/{pk}/{dn}/thing/topo/add", true },
        { "/sys/{pk}/{dn}/thing/topo/delete", true },
        { "/sys/{pk}/{dn}/thing/topo/get", true },
        { "/sys/{pk}/{dn}/thing/sub/register", true },
        { "/sys/{pk}/{dn}/thing/proxy/provisioning/product_register", true },
        { "/sys/{pk}/{dn}/thing/no/such/topic", true },
        { "/ext/session/{pk}/{dn}/combine/login", true },
        { "/ext/session/{pk}/{dn}/combine/logout", true },
        { "/ext/session/{pk}/{dn}/combine/batch_login", true },
        { "/ext/session/{pk}/{dn}/combine/batch_logout", true },
        { "/sys/{pk}/{dn}/rrpc/response/123", false },
        { "/ext/rrpc/123/sys/{pk}/{dn}/thing/service/ping", false },
        { "/ext/ntp/{pk}/{dn}/request", false },
        { "/shadow/update/{pk}/{dn}", false },
        { "/{pk}/{dn}/user/update", false },
    };

    /// <summary>Valid JSON whose strings hold the bytes FF FE: the shape of every request kind at once.</summary>
    static byte[] Poison()
    {
        var bad = Encoding.Latin1.GetBytes("\u00ff\u00fe");
        var parts = """{"id":"77","version":"1.0","method":"m","deviceSendTime":"X","params":{"k":"X","proxieds":[{"productKey":"X"}],"deviceList":[{"productKey":"X"}]},"state":{"reported":{"k":"X"}},"version2":1}""".Split('X');
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            if (i < parts.Length - 1) bytes.AddRange(bad);
        }
        return [.. bytes];
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public async Task Invalid_utf8_is_answered_acknowledged_and_the_connection_stays(string template, bool replies)
    {
        var gw = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType: 1));
        await using var device = await DeviceKit.ConnectAsync(server, gw, LinkSdkTests.C3(gw));
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(gw, "ONLINE"));
        var topic = template.Replace("{pk}", gw.ProductKey).Replace("{dn}", gw.DeviceName);

        var ack = await device.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Poison())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);

        if (replies)
        {
            var reply = await device.NextAsync(r => r.Topic == topic + "_reply");
            Assert.Equal(460, reply.Json.GetProperty("code").GetInt32());
        }
        // Still connected and working: the next good message is handled.
        Assert.True(device.Client.IsConnected);
        var posted = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20}""", qos: 1, subscribe: false);
        Assert.Equal(200, posted.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_shadow_update_with_invalid_utf8_gets_error_400()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await DeviceKit.ConnectAsync(server, d, LinkSdkTests.C3(d));
        await device.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"/shadow/update/{d.ProductKey}/{d.DeviceName}")
            .WithPayload(Poison()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var reply = await device.NextAsync(r => r.Topic == $"/shadow/get/{d.ProductKey}/{d.DeviceName}");
        Assert.Equal("400", reply.Json.GetProperty("payload").GetProperty("content").GetProperty("errorcode").GetString());
    }
}
