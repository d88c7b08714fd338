// SetDeviceProperty / SetDevicesProperty over the RPC API to devices on real MQTT connections.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Messaging;

public sealed class PropertySetTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Property_set_reaches_the_device_as_an_alink_request_and_its_reply_is_accepted()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;

        var response = await server.Call("SetDeviceProperty", d.Args(("Items", """{"temperature":22.5,"mode":1}""")));
        var messageId = response.Str("Data.MessageId");
        Assert.False(string.IsNullOrEmpty(messageId));

        var request = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(messageId, request.GetProperty("id").GetString());
        Assert.Equal("1.0", request.GetProperty("version").GetString());
        Assert.Equal("thing.service.property.set", request.GetProperty("method").GetString());
        Assert.Equal(22.5, request.GetProperty("params").GetProperty("temperature").GetDouble());
        Assert.Equal(1, request.GetProperty("params").GetProperty("mode").GetInt32());

        // The device answers on set_reply; the platform takes it without complaint and the device stays online.
        await device.PublishAsync(device.Sys("thing/service/property/set_reply"), $$"""{"id":"{{messageId}}","code":200,"data":{} }""");
        Assert.Equal("ONLINE", await server.StatusAsync(d));
    }

    [Fact]
    public async Task Property_set_addressed_by_IotId_works_too()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var response = await server.Call("SetDeviceProperty", ("IotId", d.IotId), ("Items", """{"mode":0}"""));
        var request = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(response.Str("Data.MessageId"), request.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_read_only_property_is_refused_and_nothing_is_sent()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var e = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"serial":"abc"}""")));
        Assert.Equal("iot.tsl.PropertyNotWritable", e.Code);
        Assert.Equal(200, e.Status);
        Assert.False(e.Body.GetProperty("Success").GetBoolean());
        Assert.Contains("serial", e.Message);
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("property/set"), 300));
    }

    [Fact]
    public async Task An_unknown_property_is_refused()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var e = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"humidity":40}""")));
        Assert.Equal("iot.tsl.NotExistedIdentifier", e.Code);
        Assert.Contains("humidity", e.Message);
    }

    [Fact]
    public async Task A_value_out_of_range_is_refused()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var e = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"temperature":500.0}""")));
        Assert.Equal("iot.tsl.InvalidFormattedValue", e.Code);
        Assert.Contains("temperature", e.Message);
        var badEnum = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":7}""")));
        Assert.Equal("iot.tsl.InvalidFormattedValue", badEnum.Code);
    }

    [Fact]
    public async Task An_offline_device_is_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var e = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")));
        Assert.Equal("iot.device.OfflineDevice", e.Code);
    }

    [Fact]
    public async Task A_disabled_device_is_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.Call("DisableThing", d.Args());
        var e = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")));
        Assert.Equal("iot.device.DeviceHasBeenDisabled", e.Code);
    }

    [Fact]
    public async Task Disabling_enabling_and_deleting_show_at_once_after_a_call_was_made()
    {
        // The first call puts the device in the API's device cache; each change must drop it there.
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        Assert.Equal("iot.device.OfflineDevice", (await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")))).Code);
        await server.Call("DisableThing", d.Args());
        Assert.Equal("iot.device.DeviceHasBeenDisabled", (await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")))).Code);
        await server.Call("EnableThing", d.Args());
        Assert.Equal("iot.device.OfflineDevice", (await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")))).Code);
        await server.Call("DeleteDevice", d.Args());
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")))).Code);
    }

    [Fact]
    public async Task Bad_Items_give_the_platform_error_shapes()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());

        var missing = await server.Fails("SetDeviceProperty", d.Args());
        Assert.Equal("MissingParameter", missing.Code);
        Assert.Equal(400, missing.Status);
        Assert.True(missing.Body.TryGetProperty("HostId", out _));
        Assert.Contains("Items", missing.Message);

        var notJson = await server.Fails("SetDeviceProperty", d.Args(("Items", "temperature=21")));
        Assert.Equal("iot.common.InvalidFormattedParameter", notJson.Code);
        Assert.Equal(200, notJson.Status);
        Assert.False(notJson.Body.GetProperty("Success").GetBoolean());
        Assert.True(notJson.Body.TryGetProperty("RequestId", out _));

        var array = await server.Fails("SetDeviceProperty", d.Args(("Items", "[1,2]")));
        Assert.Equal("iot.common.InvalidFormattedParameter", array.Code);

        var empty = await server.Fails("SetDeviceProperty", d.Args(("Items", "{}")));
        Assert.Equal("iot.common.InvalidFormattedParameter", empty.Code);
    }

    [Fact]
    public async Task SetDevicesProperty_sends_to_every_online_device_and_reports_the_others()
    {
        var pk = await server.NewModelledProductAsync();
        var a = await server.NewTestDeviceAsync(pk);
        var b = await server.NewTestDeviceAsync(pk);
        var offline = await server.NewTestDeviceAsync(pk);
        await using var da = await server.ConnectOnlineAsync(a, "thing/service/property/set");
        await using var db = await server.ConnectOnlineAsync(b, "thing/service/property/set");

        var response = await server.Call("SetDevicesProperty",
            RegistryCalls.List("DeviceName", a.DeviceName, b.DeviceName, offline.DeviceName).With(("ProductKey", pk), ("Items", """{"mode":1}""")));
        Assert.True(response.GetProperty("Success").GetBoolean());
        var results = response.At("Data.Results").EnumerateArray().ToDictionary(r => r.Str("DeviceName"));

        foreach (var (info, device) in new[] { (a, da), (b, db) })
        {
            var request = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
            Assert.Equal(results[info.DeviceName].Str("MessageId"), request.GetProperty("id").GetString());
            Assert.Equal(1, request.GetProperty("params").GetProperty("mode").GetInt32());
        }
        Assert.Equal("iot.device.OfflineDevice", results[offline.DeviceName].Str("Code"));
        Assert.False(results[offline.DeviceName].TryGetProperty("MessageId", out _));
    }

    [Fact]
    public async Task SetDevicesProperty_checks_the_items_and_the_names_before_sending_anything()
    {
        var pk = await server.NewModelledProductAsync();
        var a = await server.NewTestDeviceAsync(pk);
        await using var da = await server.ConnectOnlineAsync(a, "thing/service/property/set");

        var readOnly = await server.Fails("SetDevicesProperty", RegistryCalls.List("DeviceName", a.DeviceName).With(("ProductKey", pk), ("Items", """{"serial":"x"}""")));
        Assert.Equal("iot.tsl.PropertyNotWritable", readOnly.Code);

        var unknown = await server.Fails("SetDevicesProperty", RegistryCalls.List("DeviceName", a.DeviceName, "nobody_here").With(("ProductKey", pk), ("Items", """{"mode":1}""")));
        Assert.Equal("iot.device.NotExistedDevice", unknown.Code);

        var noNames = await server.Fails("SetDevicesProperty", ("ProductKey", pk), ("Items", """{"mode":1}"""));
        Assert.Equal("MissingParameter", noNames.Code);

        Assert.False(await da.ReceivesAsync(r => r.Topic.EndsWith("property/set"), 300));
    }
}
