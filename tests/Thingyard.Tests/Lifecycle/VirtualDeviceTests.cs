// Virtual devices on a real server: they connect to its broker like real devices, report valid values of the
// published thing model, fire events, answer property sets and service calls as configured, stop, come back after a
// restart, stay invisible to other accounts, and are bounded per instance. Waits are bounded polls, never timings.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Common;
using Thingyard.Protocol.OpenApi;
using Thingyard.Protocol.Tsl;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Lifecycle.VirtualDevices;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;

namespace Thingyard.Tests.Lifecycle;

public sealed class VirtualDeviceTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static readonly ThingModel Model = TslParser.Parse(ConnectivityCalls.SampleTsl);
    static readonly (string, string)[] Window =
        [("StartTime", "0"), ("EndTime", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString())];

    /// <summary>Polls (at most 150 x 100 ms) until the check passes; returns the last value.</summary>
    static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> ok)
    {
        var value = await read();
        for (var i = 0; i < 150 && !ok(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }

    static (string, string)[] Named(string pk, string name, params (string, string)[] more) => [("ProductKey", pk), ("DeviceName", name), .. more];

    async Task<(string Pk, string Name)> StartedAsync(ThingyardServer s, string? replies = null, int interval = 3600)
    {
        var pk = await s.NewModelledProductAsync();
        var p = new List<(string, string)> { ("ProductKey", pk), ("IntervalSeconds", interval.ToString()) };
        if (replies is not null) p.Add(("Replies", replies));
        var created = (await s.Call("CreateVirtualDevice", [.. p])).At("Data");
        Assert.False(created.At("Running").GetBoolean());
        var name = created.Str("DeviceName");
        Assert.True((await s.Call("StartVirtualDevice", Named(pk, name))).At("Data.Running").GetBoolean());
        Assert.Equal("ONLINE", await WaitAsync(() => StatusAsync(s, pk, name), v => v == "ONLINE"));
        return (pk, name);
    }

    static async Task<string> StatusAsync(ThingyardServer s, string pk, string name) =>
        (await s.Call("GetDeviceStatus", Named(pk, name))).Str("Data.Status");

    static JsonElement[] Properties(JsonElement status) => status.At("Data.List.PropertyStatusInfo").EnumerateArray().ToArray();

    [Fact]
    public async Task A_started_virtual_device_goes_online_reports_valid_values_for_every_property_and_fires_its_events()
    {
        var (pk, name) = await StartedAsync(server);

        var status = await WaitAsync(() => server.Call("QueryDevicePropertyStatus", Named(pk, name)),
            r => Properties(r).All(p => p.TryGetProperty("Value", out var v) && v.ValueKind == JsonValueKind.String));
        foreach (var p in Properties(status))
        {
            var property = Model.Property(p.Str("Identifier"))!;
            Assert.True(p.TryGetProperty("Value", out var value) && value.ValueKind == JsonValueKind.String, $"no value for {property.Identifier}: {status}");
            var text = value.GetString()!;
            var json = property.DataType.Type is TslTypes.Text or TslTypes.Date ? JsonSerializer.Serialize(text) : text;
            using var doc = JsonDocument.Parse(json);
            Assert.Null(TslValueChecker.Check(property.DataType, doc.RootElement, property.Identifier));
        }

        var events = await WaitAsync(() => server.Call("QueryDeviceEventData", Named(pk, name, Window)),
            r => r.At("Data.List.EventInfo").GetArrayLength() > 0);
        var overheat = Assert.Single(events.At("Data.List.EventInfo").EnumerateArray());
        Assert.Equal("overheat", overheat.Str("Identifier"));

        var device = (await server.Call("QueryDeviceDetail", Named(pk, name))).At("Data");
        Assert.False(string.IsNullOrEmpty(device.Str("GmtActive")));
        await using (var db = await server.DbAsync())
            Assert.True((await db.Devices.SingleAsync(d => d.ProductKey == pk && d.DeviceName == name)).IsTest);

        Assert.False((await server.Call("StopVirtualDevice", Named(pk, name))).At("Data.Running").GetBoolean());
        Assert.Equal("OFFLINE", await WaitAsync(() => StatusAsync(server, pk, name), v => v == "OFFLINE"));
        var listed = Assert.Single((await server.Call("QueryVirtualDeviceList", ("ProductKey", pk))).At("Data.List").EnumerateArray());
        Assert.False(listed.At("Running").GetBoolean());
        Assert.Equal(3600, listed.At("IntervalSeconds").GetInt32());
    }

    [Fact]
    public async Task A_property_set_is_answered_and_the_new_value_reported()
    {
        var (pk, name) = await StartedAsync(server);
        await server.Call("SetDeviceProperty", Named(pk, name, ("Items", """{"temperature":33.3}""")));
        var status = await WaitAsync(() => server.Call("QueryDevicePropertyStatus", Named(pk, name)),
            r => Properties(r).Any(p => p.Str("Identifier") == "temperature" && p.TryGetProperty("Value", out var v) && v.ToString() == "33.3"));
        Assert.Contains(Properties(status), p => p.Str("Identifier") == "temperature" && p.Str("Value") == "33.3");
        await server.Call("DeleteVirtualDevice", Named(pk, name));
    }

    [Fact]
    public async Task Service_calls_get_the_configured_answers_a_refusal_code_and_a_delay()
    {
        var (pk, name) = await StartedAsync(server, """{"ping":{"code":200,"output":{"echo":7}},"reboot":{"code":100002,"message":"not now","output":{}}}""");

        // Sync (RRPC): the configured output comes back to the caller.
        var ping = await server.Call("InvokeThingService", Named(pk, name, ("Identifier", "ping"), ("Args", """{"n":1}""")));
        Assert.Equal(7, JsonDocument.Parse(ping.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());

        // Async: the reply with the configured code is recorded against the call.
        var reboot = await server.Call("InvokeThingService", Named(pk, name, ("Identifier", "reboot"), ("Args", """{"delay":1}""")));
        var messageId = reboot.Str("Data.MessageId");
        var code = await WaitAsync(async () =>
        {
            await using var db = await server.DbAsync();
            // The call's row is written by the telemetry writer, so it may not be there on the first read.
            return (await db.ServiceCalls.SingleOrDefaultAsync(s => s.MessageId == messageId))?.Code;
        }, c => c is not null);
        Assert.Equal(100002, code);

        // Changed while running: a refusal code and message reach the caller of a sync service.
        await server.Call("UpdateVirtualDevice", Named(pk, name, ("Replies", """{"ping":{"code":100001,"message":"busy"}}""")));
        var refused = await server.Call("InvokeThingService", Named(pk, name, ("Identifier", "ping"), ("Args", """{"n":1}""")));
        Assert.Equal(100001, refused.At("Data.Code").GetInt32());
        Assert.Equal("busy", refused.Str("Data.Message"));

        // A delay: the answer does not come before it. Unconfigured: 200 with generated output valid for the model.
        await server.Call("UpdateVirtualDevice", Named(pk, name, ("Replies", """{"ping":{"delayMs":800}}""")));
        var watch = Stopwatch.StartNew();
        var delayed = await server.Call("InvokeThingService", Named(pk, name, ("Identifier", "ping"), ("Args", """{"n":1}""")));
        Assert.True(watch.ElapsedMilliseconds >= 750, $"answered after {watch.ElapsedMilliseconds} ms");
        using var output = JsonDocument.Parse(delayed.Str("Data.Result"));
        Assert.Null(TslValueChecker.CheckParams(Model.Service("ping")!.OutputData, output.RootElement, "ping"));
        Assert.True(output.RootElement.TryGetProperty("echo", out _));

        await server.Call("DeleteVirtualDevice", Named(pk, name));
        Assert.Equal(IotErrors.DeviceNotFound, (await server.Fails("GetDeviceStatus", Named(pk, name))).Code);
        Assert.Empty((await server.Call("QueryVirtualDeviceList", ("ProductKey", pk))).At("Data.List").EnumerateArray());
    }

    [Fact]
    public async Task Start_is_refused_without_a_published_thing_model_and_bad_settings_are_refused()
    {
        var pk = await server.NewProductAsync("Virt");
        var name = (await server.Call("CreateVirtualDevice", ("ProductKey", pk))).Str("Data.DeviceName");
        Assert.Equal(IotErrors.TslNotPublished, (await server.Fails("StartVirtualDevice", Named(pk, name))).Code);
        Assert.Equal(IotErrors.InvalidParameter, (await server.Fails("CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "0"))).Code);
        Assert.Equal(IotErrors.InvalidParameter, (await server.Fails("CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "3601"))).Code);
        Assert.Equal(IotErrors.InvalidParameter, (await server.Fails("UpdateVirtualDevice", Named(pk, name, ("Replies", "[1]")))).Code);
        // A real device of the product is not a virtual one.
        var real = await server.NewDeviceAsync(pk);
        Assert.Equal(IotErrors.DeviceNotFound, (await server.Fails("StartVirtualDevice", Named(pk, real.Str("DeviceName")))).Code);
    }

    [Fact]
    public async Task Another_accounts_product_and_virtual_device_are_not_found()
    {
        var pk = await server.NewModelledProductAsync();
        var name = (await server.Call("CreateVirtualDevice", ("ProductKey", pk))).Str("Data.DeviceName");
        var other = await server.NewAccountAsync(RegistryCalls.Unique("vd"));
        foreach (var (action, p) in new (string, (string, string)[])[]
        {
            ("CreateVirtualDevice", [("ProductKey", pk)]), ("QueryVirtualDeviceList", [("ProductKey", pk)]),
            ("StartVirtualDevice", Named(pk, name)), ("StopVirtualDevice", Named(pk, name)),
            ("UpdateVirtualDevice", Named(pk, name, ("IntervalSeconds", "5"))), ("DeleteVirtualDevice", Named(pk, name)),
        })
        {
            var refused = await server.FailsAs(other, action, p);
            Assert.Contains("NotExisted", refused.Code);
        }
        Assert.Single((await server.Call("QueryVirtualDeviceList", ("ProductKey", pk))).At("Data.List").EnumerateArray());
    }

    [Fact]
    public async Task Starts_beyond_the_instance_limit_are_refused()
    {
        var host = server.Services.GetRequiredService<VirtualDeviceHost>();
        var pk = await server.NewModelledProductAsync();
        var first = (await server.Call("CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "3600"))).Str("Data.DeviceName");
        var second = (await server.Call("CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "3600"))).Str("Data.DeviceName");
        Assert.Equal(VirtualDeviceHost.DefaultMaxRunning, host.MaxRunning);
        try
        {
            host.MaxRunning = host.Count + 1;
            await server.Call("StartVirtualDevice", Named(pk, first));
            var refused = await server.Fails("StartVirtualDevice", Named(pk, second));
            Assert.Equal(VirtualDeviceHost.LimitCode, refused.Code);
            Assert.Contains("stop one first", refused.Message);
            // Starting one that already runs is not a new one.
            await server.Call("StartVirtualDevice", Named(pk, first));
        }
        finally
        {
            host.MaxRunning = VirtualDeviceHost.DefaultMaxRunning;
            await server.Call("StopVirtualDevice", Named(pk, first));
        }
    }

    [Fact]
    public async Task A_running_virtual_device_comes_back_after_a_restart()
    {
        var own = new ThingyardServer();
        await own.InitializeAsync();
        try
        {
            var (pk, name) = await StartedAsync(own, interval: 1);
            await own.RestartAsync();
            var host = own.Services.GetRequiredService<VirtualDeviceHost>();
            var listed = await WaitAsync(() => own.Call("QueryVirtualDeviceList", ("ProductKey", pk)),
                r => r.At("Data.List").EnumerateArray().Any(v => v.At("Running").GetBoolean()));
            Assert.True(Assert.Single(listed.At("Data.List").EnumerateArray()).At("Running").GetBoolean());
            Assert.Equal(1, host.Count);
            Assert.Equal("ONLINE", await WaitAsync(() => StatusAsync(own, pk, name), v => v == "ONLINE"));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_rest_routes_create_change_start_stop_list_and_delete()
    {
        var pk = await server.NewModelledProductAsync();
        using var rest = server.Rest();
        var root = $"/api/v1/products/{pk}/virtual-devices";
        var created = await JsonOf(await rest.PostAsJsonAsync(root, new { deviceName = "vd_rest", intervalSeconds = 60, replies = new { ping = new { code = 200 } } }),
            HttpStatusCode.Created);
        Assert.Equal("vd_rest", created.Str("deviceName"));
        Assert.False(created.At("running").GetBoolean());
        var changed = await JsonOf(await rest.PatchAsJsonAsync(root + "/vd_rest", new { intervalSeconds = 30 }), HttpStatusCode.OK);
        Assert.Equal(30, changed.At("intervalSeconds").GetInt32());
        Assert.Equal(200, changed.At("replies.ping.code").GetInt32());
        Assert.True((await JsonOf(await rest.PostAsync(root + "/vd_rest/start", null), HttpStatusCode.OK)).At("running").GetBoolean());
        Assert.Equal("ONLINE", await WaitAsync(() => StatusAsync(server, pk, "vd_rest"), v => v == "ONLINE"));
        Assert.True(Assert.Single((await JsonOf(await rest.GetAsync(root), HttpStatusCode.OK)).EnumerateArray()).At("running").GetBoolean());
        Assert.False((await JsonOf(await rest.PostAsync(root + "/vd_rest/stop", null), HttpStatusCode.OK)).At("running").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await rest.DeleteAsync(root + "/vd_rest")).StatusCode);
        Assert.Empty((await JsonOf(await rest.GetAsync(root), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await rest.PostAsJsonAsync(root, new { intervalSeconds = 0 })).StatusCode);
    }

    [Fact]
    public async Task Its_traffic_appears_in_the_live_log()
    {
        var pk = await server.NewModelledProductAsync();
        var name = (await server.Call("CreateVirtualDevice", ("ProductKey", pk), ("IntervalSeconds", "1"))).Str("Data.DeviceName");
        long deviceId;
        await using (var db = await server.DbAsync())
            deviceId = (await db.Devices.SingleAsync(d => d.ProductKey == pk && d.DeviceName == name)).Id;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = Task.Run(async () =>
        {
            await foreach (var m in server.Services.GetRequiredService<MessageTap>().WatchAsync(deviceId, cts.Token))
                if (m.Direction == "up" && m.Topic.EndsWith("/thing/event/property/post", StringComparison.Ordinal)) return m;
            return null;
        });
        await server.Call("StartVirtualDevice", Named(pk, name));
        var post = await seen;
        Assert.NotNull(post);
        Assert.Contains("thing.event.property.post", System.Text.Encoding.UTF8.GetString(post.Payload));
        await server.Call("DeleteVirtualDevice", Named(pk, name));
    }
}
