// InvokeThingService / InvokeThingsService: async services on /thing/service/{id} with a later reply, sync services
// over RRPC with the device's answer in the API response, and the calls recorded for QueryDeviceServiceData.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Messaging;

public sealed class ServiceCallTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static readonly long Hour = 3600_000;

    static (string, string)[] Window() =>
    [
        ("StartTime", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Hour).ToString()),
        ("EndTime", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + Hour).ToString()),
    ];

    [Fact]
    public async Task An_async_service_is_delivered_and_its_reply_shows_in_the_service_data()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/reboot");
        await using var connection = device;

        var response = await server.Call("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":3}""")));
        var messageId = response.Str("Data.MessageId");
        Assert.False(response.At("Data").TryGetProperty("Result", out _));

        var request = await device.NextRequestAsync(device.Sys("thing/service/reboot"));
        Assert.Equal(messageId, request.GetProperty("id").GetString());
        Assert.Equal("thing.service.reboot", request.GetProperty("method").GetString());
        Assert.Equal(3, request.GetProperty("params").GetProperty("delay").GetInt32());

        await device.PublishAsync(device.Sys("thing/service/reboot_reply"), $$"""{"id":"{{messageId}}","code":200,"data":{"done":true} }""");

        var calls = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDeviceServiceData", d.Args([("Identifier", "reboot"), ("Asc", "1"), ("PageSize", "10"), .. Window()])),
            r => r.At("Data.List.ServiceInfo").EnumerateArray().Any(s => s.TryGetProperty("OutputData", out _)));
        var call = Assert.Single(calls.At("Data.List.ServiceInfo").EnumerateArray());
        Assert.Equal("reboot", call.Str("Identifier"));
        Assert.Equal("Reboot", call.Str("Name"));
        Assert.Equal(3, JsonDocument.Parse(call.Str("InputData")).RootElement.GetProperty("delay").GetInt32());
        Assert.True(JsonDocument.Parse(call.Str("OutputData")).RootElement.GetProperty("done").GetBoolean());
        Assert.True(long.Parse(call.Str("Time")) > 0);
        Assert.False(calls.At("Data.NextValid").GetBoolean());
    }

    [Fact]
    public async Task A_sync_service_goes_over_rrpc_and_the_device_answer_is_the_Result()
    {
        var (d, device) = await server.OnlineDeviceAsync("rrpc/request/+");
        await using var connection = device;

        var call = server.Call("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", """{"n":5}""")));
        var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/")));
        var rrpcId = request.Topic[(request.Topic.LastIndexOf('/') + 1)..];
        var body = request.Json;
        Assert.Equal("thing.service.ping", body.GetProperty("method").GetString());
        Assert.Equal(5, body.GetProperty("params").GetProperty("n").GetInt32());
        var id = body.GetProperty("id").GetString();
        Assert.Equal(rrpcId, id);

        await device.PublishAsync(device.Sys($"rrpc/response/{rrpcId}"), $$"""{"id":"{{id}}","code":200,"data":{"echo":5} }""");
        var response = await call;
        Assert.Equal(id, response.Str("Data.MessageId"));
        Assert.Equal(5, JsonDocument.Parse(response.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());

        var calls = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDeviceServiceData", d.Args([("Identifier", "ping"), .. Window()])),
            r => r.At("Data.List.ServiceInfo").EnumerateArray().Any(s => s.TryGetProperty("OutputData", out _)));
        var recorded = Assert.Single(calls.At("Data.List.ServiceInfo").EnumerateArray());
        Assert.Equal(5, JsonDocument.Parse(recorded.Str("OutputData")).RootElement.GetProperty("echo").GetInt32());
    }

    [Fact]
    public async Task Service_arguments_are_checked_against_the_model()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/reboot");
        await using var connection = device;
        var unknown = await server.Fails("InvokeThingService", d.Args(("Identifier", "selfdestruct"), ("Args", "{}")));
        Assert.Equal("iot.tsl.NotExistedIdentifier", unknown.Code);
        var outOfRange = await server.Fails("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":600}""")));
        Assert.Equal("iot.tsl.InvalidFormattedValue", outOfRange.Code);
        var notJson = await server.Fails("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", "delay=1")));
        Assert.Equal("iot.common.InvalidFormattedParameter", notJson.Code);
        var noIdentifier = await server.Fails("InvokeThingService", d.Args(("Args", "{}")));
        Assert.Equal("MissingParameter", noIdentifier.Code);
        Assert.False(await device.ReceivesAsync(r => r.Topic.Contains("/thing/service/"), 300));
    }

    [Fact]
    public async Task Calling_an_offline_device_fails()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var e = await server.Fails("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":1}""")));
        Assert.Equal("iot.device.OfflineDevice", e.Code);
    }

    [Fact]
    public async Task InvokeThingsService_calls_every_named_device()
    {
        var pk = await server.NewModelledProductAsync();
        var a = await server.NewTestDeviceAsync(pk);
        var b = await server.NewTestDeviceAsync(pk);
        var offline = await server.NewTestDeviceAsync(pk);
        await using var da = await server.ConnectOnlineAsync(a, "thing/service/reboot");
        await using var db = await server.ConnectOnlineAsync(b, "thing/service/reboot");

        var response = await server.Call("InvokeThingsService",
            RegistryCalls.List("DeviceName", a.DeviceName, b.DeviceName, offline.DeviceName)
                .With(("ProductKey", pk), ("Identifier", "reboot"), ("Args", """{"delay":2}""")));
        var results = response.At("Data.Results").EnumerateArray().ToDictionary(r => r.Str("DeviceName"));
        foreach (var (info, device) in new[] { (a, da), (b, db) })
        {
            var request = await device.NextRequestAsync(device.Sys("thing/service/reboot"));
            Assert.Equal(results[info.DeviceName].Str("MessageId"), request.GetProperty("id").GetString());
        }
        Assert.Equal("iot.device.OfflineDevice", results[offline.DeviceName].Str("Code"));

        var bad = await server.Fails("InvokeThingsService",
            RegistryCalls.List("DeviceName", a.DeviceName).With(("ProductKey", pk), ("Identifier", "reboot"), ("Args", """{"delay":-1}""")));
        Assert.Equal("iot.tsl.InvalidFormattedValue", bad.Code);
        Assert.False(await da.ReceivesAsync(r => r.Topic.EndsWith("/thing/service/reboot"), 300));
    }
}

/// <summary>Sync calls against a server that waits only briefly for devices.</summary>
public sealed class SyncTimeoutTests(ShortSyncTimeoutServer server) : IClassFixture<ShortSyncTimeoutServer>
{
    [Fact]
    public async Task A_sync_service_the_device_does_not_answer_fails()
    {
        var (d, device) = await server.OnlineDeviceAsync("rrpc/request/+");
        await using var connection = device;
        var e = await server.Fails("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", """{"n":1}""")));
        Assert.Equal("iot.device.OfflineDevice", e.Code);
        Assert.Contains("did not answer", e.Message);
        // The request did go out.
        await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/")));
    }
}
