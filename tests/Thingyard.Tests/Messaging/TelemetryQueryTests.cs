// Reading telemetry back: QueryDevicePropertyStatus, QueryDevicePropertyData / QueryDevicePropertiesData with time
// paging (NextValid / NextTime, both orders), and QueryDeviceEventData. Reports are written asynchronously, so
// every read polls until the data is there.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Messaging;

public sealed class TelemetryQueryTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>An hour ago, on a whole second: report times are base + i seconds.</summary>
    static long Base() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3600_000) / 1000 * 1000;

    /// <summary>One batch post with the given values of one property at base, base+1s, ...</summary>
    static async Task BatchPostAsync(MqttDevice device, long baseMs, params (string Identifier, string[] Values)[] series)
    {
        var properties = string.Join(",", series.Select(s =>
            $"\"{s.Identifier}\":[" + string.Join(",", s.Values.Select((v, i) => $"{{\"value\":{v},\"time\":{baseMs + i * 1000}}}")) + "]"));
        var reply = await device.RequestAsync(device.Sys("thing/event/property/batch/post"), "thing.event.property.batch.post",
            $"{{\"properties\":{{{properties}}}}}");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    static List<(long Time, string Value)> Rows(JsonElement list) =>
        list.EnumerateArray().Select(r => (long.Parse(r.GetProperty("Time").ToString()), r.Str("Value"))).ToList();

    [Fact]
    public async Task Property_status_lists_every_model_property_with_the_latest_values()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        await device.PostPropertiesAsync("""{"temperature":21.5,"serial":"SN-1"}""");
        await device.PostPropertiesAsync("""{"temperature":24.5}""");

        var status = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDevicePropertyStatus", d.Args()),
            r => r.At("Data.List.PropertyStatusInfo").EnumerateArray().Any(p => p.Str("Identifier") == "temperature" && p.TryGetProperty("Value", out var v) && v.GetString() == "24.5"));
        var byId = status.At("Data.List.PropertyStatusInfo").EnumerateArray().ToDictionary(p => p.Str("Identifier"));
        Assert.Equal(["mode", "serial", "temperature"], byId.Keys.Order());

        var temperature = byId["temperature"];
        Assert.Equal("float", temperature.Str("DataType"));
        Assert.Equal("Temperature", temperature.Str("Name"));
        Assert.Equal("°C", temperature.Str("Unit"));
        Assert.Equal("24.5", temperature.Str("Value"));
        Assert.Equal(JsonValueKind.String, temperature.GetProperty("Time").ValueKind);
        Assert.True(long.Parse(temperature.Str("Time")) > 0);

        Assert.Equal("SN-1", byId["serial"].Str("Value"));
        Assert.Equal("text", byId["serial"].Str("DataType"));
        Assert.False(byId["mode"].TryGetProperty("Value", out _));
        Assert.False(byId["mode"].TryGetProperty("Time", out _));
        Assert.Equal("enum", byId["mode"].Str("DataType"));
    }

    [Fact]
    public async Task Property_data_pages_forward_with_NextTime_as_the_next_start()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var t0 = Base();
        await BatchPostAsync(device, t0, ("temperature", ["20.0", "21.0", "22.0", "23.0", "24.0"]));

        (string, string)[] Query(long start) =>
            d.Args(("Identifier", "temperature"), ("StartTime", start.ToString()), ("EndTime", (t0 + 60_000).ToString()), ("Asc", "1"), ("PageSize", "2"));
        var first = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDevicePropertyData", Query(t0 - 1)), r => r.At("Data.List.PropertyInfo").GetArrayLength() == 2);
        Assert.Equal([(t0, "20.0"), (t0 + 1000, "21.0")], Rows(first.At("Data.List.PropertyInfo")));
        Assert.True(first.At("Data.NextValid").GetBoolean());
        Assert.Equal(JsonValueKind.Number, first.At("Data.NextTime").ValueKind);

        var second = await server.Call("QueryDevicePropertyData", Query(first.At("Data.NextTime").GetInt64()));
        Assert.Equal([(t0 + 2000, "22.0"), (t0 + 3000, "23.0")], Rows(second.At("Data.List.PropertyInfo")));
        Assert.True(second.At("Data.NextValid").GetBoolean());

        var third = await server.Call("QueryDevicePropertyData", Query(second.At("Data.NextTime").GetInt64()));
        Assert.Equal([(t0 + 4000, "24.0")], Rows(third.At("Data.List.PropertyInfo")));
        Assert.False(third.At("Data.NextValid").GetBoolean());
    }

    [Fact]
    public async Task Property_data_pages_backward_newest_first_with_NextTime_as_the_next_end()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var t0 = Base();
        await BatchPostAsync(device, t0, ("temperature", ["20.0", "21.0", "22.0", "23.0", "24.0"]));

        (string, string)[] Query(long end) =>
            d.Args(("Identifier", "temperature"), ("StartTime", (t0 - 60_000).ToString()), ("EndTime", end.ToString()), ("Asc", "0"), ("PageSize", "3"));
        var first = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDevicePropertyData", Query(t0 + 60_000)), r => r.At("Data.List.PropertyInfo").GetArrayLength() == 3);
        Assert.Equal([(t0 + 4000, "24.0"), (t0 + 3000, "23.0"), (t0 + 2000, "22.0")], Rows(first.At("Data.List.PropertyInfo")));
        Assert.True(first.At("Data.NextValid").GetBoolean());

        var second = await server.Call("QueryDevicePropertyData", Query(first.At("Data.NextTime").GetInt64()));
        Assert.Equal([(t0 + 1000, "21.0"), (t0, "20.0")], Rows(second.At("Data.List.PropertyInfo")));
        Assert.False(second.At("Data.NextValid").GetBoolean());

        // Asc defaults to newest first, and the ends may be given the other way round (QueryDevicePropertiesData's style).
        var swapped = await server.Call("QueryDevicePropertyData",
            d.Args(("Identifier", "temperature"), ("StartTime", (t0 + 60_000).ToString()), ("EndTime", (t0 + 3000).ToString()), ("PageSize", "10")));
        Assert.Equal([(t0 + 4000, "24.0"), (t0 + 3000, "23.0")], Rows(swapped.At("Data.List.PropertyInfo")));
    }

    [Fact]
    public async Task Rows_sharing_a_millisecond_are_never_split_across_pages()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var t0 = Base();
        // Two values at t0+1000 (one batch post each), so a page of 2 would cut between them.
        await BatchPostAsync(device, t0, ("temperature", ["1.0", "2.0"]));
        await BatchPostAsync(device, t0 + 1000, ("temperature", ["3.0", "4.0"]));

        var all = new List<(long, string)>();
        var start = t0 - 1;
        var expect = 4;
        var page = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDevicePropertyData", d.Args(("Identifier", "temperature"), ("StartTime", (t0 - 1).ToString()),
                ("EndTime", (t0 + 60_000).ToString()), ("Asc", "1"), ("PageSize", "50"))),
            r => r.At("Data.List.PropertyInfo").GetArrayLength() == expect);
        for (var i = 0; i < 5; i++)
        {
            page = await server.Call("QueryDevicePropertyData", d.Args(("Identifier", "temperature"), ("StartTime", start.ToString()),
                ("EndTime", (t0 + 60_000).ToString()), ("Asc", "1"), ("PageSize", "2")));
            all.AddRange(Rows(page.At("Data.List.PropertyInfo")));
            if (!page.At("Data.NextValid").GetBoolean()) break;
            start = page.At("Data.NextTime").GetInt64();
        }
        Assert.Equal(4, all.Count);
        Assert.Equal(["1.0", "2.0", "3.0", "4.0"], all.Select(r => r.Item2).Order());
    }

    [Fact]
    public async Task Properties_data_answers_at_the_top_level_and_continues_all_series_together()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var t0 = Base();
        await BatchPostAsync(device, t0, ("temperature", ["20.0", "21.0", "22.0"]), ("mode", ["0", "1", "0"]));

        (string, string)[] Query(long start) => RegistryCalls.List("Identifier", "temperature", "mode")
            .With(d.Args(("StartTime", start.ToString()), ("EndTime", (t0 + 60_000).ToString()), ("Asc", "1"), ("PageSize", "2")));
        var first = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDevicePropertiesData", Query(t0 - 1)),
            r => r.At("PropertyDataInfos.PropertyDataInfo").EnumerateArray().All(p => p.At("List.PropertyInfo").GetArrayLength() == 2));
        Assert.True(first.GetProperty("NextValid").GetBoolean());
        var series = first.At("PropertyDataInfos.PropertyDataInfo").EnumerateArray().ToDictionary(p => p.Str("Identifier"));
        Assert.Equal(2, series.Count);
        var temperature = series["temperature"].At("List.PropertyInfo").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Number, temperature[0].GetProperty("Time").ValueKind);
        Assert.Equal([t0, t0 + 1000], temperature.Select(p => p.GetProperty("Time").GetInt64()));
        Assert.Equal(["0", "1"], series["mode"].At("List.PropertyInfo").EnumerateArray().Select(p => p.Str("Value")));

        var second = await server.Call("QueryDevicePropertiesData", Query(first.GetProperty("NextTime").GetInt64()));
        Assert.False(second.GetProperty("NextValid").GetBoolean());
        var rest = second.At("PropertyDataInfos.PropertyDataInfo").EnumerateArray().ToDictionary(p => p.Str("Identifier"));
        Assert.Equal(["22.0"], rest["temperature"].At("List.PropertyInfo").EnumerateArray().Select(p => p.Str("Value")));
        Assert.Equal(["0"], rest["mode"].At("List.PropertyInfo").EnumerateArray().Select(p => p.Str("Value")));
    }

    [Fact]
    public async Task Time_queries_check_their_parameters()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var tooBig = await server.Fails("QueryDevicePropertyData", d.Args(("Identifier", "temperature"), ("StartTime", "0"), ("EndTime", "1"), ("PageSize", "51")));
        Assert.Equal("iot.common.InvalidPageParams", tooBig.Code);
        var noStart = await server.Fails("QueryDevicePropertyData", d.Args(("Identifier", "temperature"), ("EndTime", "1")));
        Assert.Equal("MissingParameter", noStart.Code);
        var badAsc = await server.Fails("QueryDeviceEventData", d.Args(("StartTime", "0"), ("EndTime", "1"), ("Asc", "2")));
        Assert.Equal("InvalidParameter", badAsc.Code);
        var noIds = await server.Fails("QueryDevicePropertiesData", d.Args(("StartTime", "0"), ("EndTime", "1")));
        Assert.Equal("MissingParameter", noIds.Code);
        var hundred = await server.Call("QueryDevicePropertiesData", RegistryCalls.List("Identifier", "temperature").With(d.Args(("StartTime", "0"), ("EndTime", "1"), ("PageSize", "100"))));
        Assert.False(hundred.GetProperty("NextValid").GetBoolean());
        var badType = await server.Fails("QueryDeviceEventData", d.Args(("StartTime", "0"), ("EndTime", "1"), ("EventType", "fatal")));
        Assert.Equal("iot.common.InvalidFormattedParameter", badType.Code);
    }

    [Fact]
    public async Task Event_data_shows_a_posted_event_with_its_type_name_and_output()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var connection = device;
        var at = Base();
        var reply = await device.RequestAsync(device.Sys("thing/event/overheat/post"), "thing.event.overheat.post", $$"""{"value":{"temp":130.5},"time":{{at}}}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());

        (string, string)[] Query(params (string, string)[] more) =>
            d.Args([("StartTime", (at - 1000).ToString()), ("EndTime", (at + 1000).ToString()), .. more]);
        var events = await ConnectivityCalls.EventuallyAsync(
            () => server.Call("QueryDeviceEventData", Query(("EventType", "alert"))), r => r.At("Data.List.EventInfo").GetArrayLength() == 1);
        var e = Assert.Single(events.At("Data.List.EventInfo").EnumerateArray());
        Assert.Equal("overheat", e.Str("Identifier"));
        Assert.Equal("Overheat", e.Str("Name"));
        Assert.Equal("alert", e.Str("EventType"));
        Assert.Equal(at.ToString(), e.Str("Time"));
        Assert.Equal(130.5, JsonDocument.Parse(e.Str("OutputData")).RootElement.GetProperty("temp").GetDouble());
        Assert.False(events.At("Data.NextValid").GetBoolean());

        var byIdentifier = await server.Call("QueryDeviceEventData", Query(("Identifier", "overheat")));
        Assert.Equal(1, byIdentifier.At("Data.List.EventInfo").GetArrayLength());
        var info = await server.Call("QueryDeviceEventData", Query(("EventType", "info")));
        Assert.Equal(0, info.At("Data.List.EventInfo").GetArrayLength());
    }
}
