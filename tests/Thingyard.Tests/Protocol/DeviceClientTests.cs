// Thingyard.Protocol used as a device library on its own: a DeviceClient connects to a real server, posts, and answers
// property sets and service calls made through the OpenAPI.
using System.Text.Json;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Devices;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Protocol;

public sealed class DeviceClientTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<(TestDevice Info, DeviceClient Client)> OnlineAsync()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var client = new DeviceClient(new DeviceTriplet(d.ProductKey, d.DeviceName, d.DeviceSecret), new DeviceClientOptions { Port = server.MqttPort });
        await client.ConnectAsync();
        Assert.Equal("ONLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == "ONLINE"));
        return (d, client);
    }

    [Fact]
    public async Task Posts_are_answered_and_stored_and_bad_values_get_the_platforms_code()
    {
        var (d, client) = await OnlineAsync();
        await using var connection = client;

        var ok = await client.PostPropertiesAsync("""{"temperature":21.5,"mode":1}""");
        Assert.True(ok.Ok, ok.Message);
        var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryDevicePropertyStatus", d.Args()),
            r => r.At("Data.List.PropertyStatusInfo").EnumerateArray().Any(p => p.Str("Identifier") == "temperature" && p.TryGetProperty("Value", out _)));
        Assert.Contains(status.At("Data.List.PropertyStatusInfo").EnumerateArray(), p => p.Str("Identifier") == "temperature" && p.Str("Value") == "21.5");

        var outside = await client.PostPropertiesAsync("""{"temperature":500}""");
        Assert.Equal(AlinkCodes.BadParams, outside.Code);

        var ev = await client.PostEventAsync("overheat", """{"temp":99.5}""");
        Assert.True(ev.Ok, ev.Message);
    }

    [Fact]
    public async Task Property_sets_and_both_kinds_of_service_call_reach_the_handlers()
    {
        var (d, client) = await OnlineAsync();
        await using var connection = client;
        var set = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnPropertySet = (values, _) => { set.TrySetResult(values.GetRawText()); return Task.FromResult(AlinkCodes.Ok); };
        var rebooted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.HandleService("reboot", (args, _) => { rebooted.TrySetResult(args.GetProperty("delay").GetInt32()); return Task.FromResult(ServiceResult.Ok()); });
        client.HandleService("ping", (args, _) => Task.FromResult(ServiceResult.Ok($$"""{"echo":{{args.GetProperty("n").GetInt32()}}}""")));

        await server.Call("SetDeviceProperty", d.Args(("Items", """{"mode":0}""")));
        Assert.Equal(0, JsonDocument.Parse(await set.Task.WaitAsync(TimeSpan.FromSeconds(10))).RootElement.GetProperty("mode").GetInt32());

        await server.Call("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":7}""")));
        Assert.Equal(7, await rebooted.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        var sync = await server.Call("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", """{"n":12}""")));
        Assert.Equal(12, JsonDocument.Parse(sync.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_at_connect()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var client = new DeviceClient(new DeviceTriplet(d.ProductKey, d.DeviceName, "not-the-secret"), new DeviceClientOptions { Port = server.MqttPort });
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync());
        Assert.Contains(d.DeviceName, refused.Message);
        Assert.False(client.IsConnected);
    }
}
