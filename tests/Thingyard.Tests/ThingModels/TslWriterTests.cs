// TslWriter: the canonical TSL with the implicit post/set/get features, and parse(write(model)) == model.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.ThingModels;

public sealed class TslWriterTests
{
    [Fact]
    public void A_full_document_round_trips()
    {
        var model = TslParser.Parse(TslSamples.Full);

        var json = TslWriter.ToTslJson(model, "a1TestProd1");
        var again = TslParser.Parse(json);

        Assert.Equal(model, again);
        Assert.Equal(json, TslWriter.ToTslJson(again, "a1TestProd1"));
    }

    [Fact]
    public void A_built_model_round_trips()
    {
        var model = new ThingModel(
            [
                new TslProperty("level", "Level", "rw", false, null, TslDataType.Int(0, 10, 1, "%", "percent")),
                new TslProperty("ratio", "Ratio", "r", true, "a ratio", TslDataType.Double(-0.5, 1e20, 0.01)),
                new TslProperty("state", "State", "rw", false, null, TslDataType.EnumOf(new Dictionary<int, string> { [2] = "b", [1] = "a" })),
                new TslProperty("tags", "Tags", "r", false, null, TslDataType.ArrayOf(5, TslDataType.TextOf(16))),
                new TslProperty("floats", "Floats", "r", false, null, TslDataType.ArrayOf(2, TslDataType.Float(null, null))),
            ],
            [new TslEvent("fault", "Fault", TslEvent.Error, TslEvent.MethodFor("fault"),
                [new TslParam("code", "Code", TslDataType.StructOf(new TslParam("on", "On", TslDataType.Bool("no", "yes")), new TslParam("at", "At", TslDataType.Date())))])],
            [new TslService("calibrate", "Calibrate", TslService.Sync, TslService.MethodFor("calibrate"), [], [], Required: true, Description: "zero it")]);

        Assert.Equal(model, TslParser.Parse(TslWriter.ToTslJson(model, "a1Built")));
        // Equality looks inside the lists, so a change deep in a struct member is a different model.
        var changed = model with { Events = [model.Events[0] with { OutputData = [new TslParam("code", "Code", TslDataType.StructOf(
            new TslParam("on", "On", TslDataType.Bool("no", "YES")), new TslParam("at", "At", TslDataType.Date())))] }] };
        Assert.NotEqual(model, changed);
        Assert.NotEqual(TslWriter.ToTslJson(model, "a1Built"), TslWriter.ToTslJson(changed, "a1Built"));
    }

    [Fact]
    public void The_document_carries_schema_profile_and_spec_numbers_as_strings()
    {
        var tsl = Write(TslSamples.Full);

        Assert.Equal("https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json", tsl.Str("schema"));
        Assert.Equal("a1TestProd1", tsl.Str("profile.productKey"));
        var temperature = tsl.GetProperty("properties")[0];
        Assert.Equal("temperature", temperature.Str("identifier"));
        Assert.Equal("r", temperature.Str("accessMode"));
        Assert.True(temperature.At("required").GetBoolean());
        Assert.Equal("room temperature", temperature.Str("desc"));
        var specs = temperature.At("dataType.specs");
        Assert.Equal(JsonValueKind.String, specs.At("min").ValueKind);
        Assert.Equal("-40", specs.Str("min"));
        Assert.Equal("120", specs.Str("max"));
        Assert.Equal("0.1", specs.Str("step"));
        Assert.Equal("°C", specs.Str("unit"));
        Assert.Equal("摄氏度", specs.Str("unitName"));
        // Chinese text and units are written as they are, not \u-escaped.
        Assert.Contains("\"unit\":\"°C\"", TslWriter.ToTslJson(TslParser.Parse(TslSamples.Full), "a1TestProd1"));
        Assert.Equal(JsonValueKind.Array, tsl.GetProperty("properties")[7].At("dataType.specs").ValueKind); // struct members
        Assert.Equal("3", tsl.GetProperty("properties")[8].Str("dataType.specs.size"));
        Assert.Equal("int", tsl.GetProperty("properties")[8].Str("dataType.specs.item.type"));
    }

    [Fact]
    public void The_implicit_post_event_lists_every_property()
    {
        var tsl = Write(TslSamples.Full);
        var events = tsl.GetProperty("events");

        Assert.Equal(["post", "overheat"], Identifiers(events));
        var post = events[0];
        Assert.Equal("thing.event.property.post", post.Str("method"));
        Assert.Equal("info", post.Str("type"));
        Assert.True(post.At("required").GetBoolean());
        Assert.Equal(Identifiers(tsl.GetProperty("properties")), Identifiers(post.GetProperty("outputData")));
        Assert.Equal("float", post.GetProperty("outputData")[0].Str("dataType.type"));
        Assert.Equal("thing.event.overheat.post", events[1].Str("method"));
    }

    [Fact]
    public void The_implicit_set_and_get_services_cover_the_properties()
    {
        var tsl = Write(TslSamples.Full);
        var services = tsl.GetProperty("services");

        Assert.Equal(["set", "get", "reboot", "diagnose"], Identifiers(services));
        var set = services[0];
        Assert.Equal("thing.service.property.set", set.Str("method"));
        Assert.Equal("async", set.Str("callType"));
        Assert.Equal(["humidity", "label", "power", "mode"], Identifiers(set.GetProperty("inputData")));
        Assert.Empty(set.GetProperty("outputData").EnumerateArray());
        var get = services[1];
        Assert.Equal("thing.service.property.get", get.Str("method"));
        var allProperties = Identifiers(tsl.GetProperty("properties"));
        Assert.Equal(allProperties, get.GetProperty("inputData").EnumerateArray().Select(e => e.GetString()!).ToList());
        Assert.Equal(allProperties, Identifiers(get.GetProperty("outputData")));
        Assert.Equal("thing.service.reboot", services[2].Str("method"));
    }

    [Fact]
    public void Implicit_features_are_not_duplicated_when_read_back()
    {
        var once = TslWriter.ToTslJson(TslParser.Parse(TslSamples.Full), "a1TestProd1");
        var twice = JsonDocument.Parse(TslWriter.ToTslJson(TslParser.Parse(once), "a1TestProd1")).RootElement;

        Assert.Single(twice.GetProperty("events").EnumerateArray(), e => e.Str("identifier") == "post");
        Assert.Single(twice.GetProperty("services").EnumerateArray(), e => e.Str("identifier") == "set");
        Assert.Single(twice.GetProperty("services").EnumerateArray(), e => e.Str("identifier") == "get");
    }

    [Fact]
    public void An_empty_model_still_has_post_set_and_get()
    {
        var tsl = JsonDocument.Parse(TslWriter.ToTslJson(ThingModelDraft.Empty, "a1Empty")).RootElement;

        Assert.Empty(tsl.GetProperty("properties").EnumerateArray());
        Assert.Equal(["post"], Identifiers(tsl.GetProperty("events")));
        Assert.Equal(["set", "get"], Identifiers(tsl.GetProperty("services")));
        Assert.Equal(ThingModelDraft.Empty, TslParser.Parse(tsl.GetRawText()));
    }

    static JsonElement Write(string tsl) => JsonDocument.Parse(TslWriter.ToTslJson(TslParser.Parse(tsl), "a1TestProd1")).RootElement;

    static List<string> Identifiers(JsonElement array) => array.EnumerateArray().Select(e => e.Str("identifier")).ToList();
}
