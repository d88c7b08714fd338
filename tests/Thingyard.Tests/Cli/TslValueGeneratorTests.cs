// The simulator's value generator: whatever it produces must pass the platform's own checks (TslValueChecker) and
// respect what the checker does not look at (step grid, decimal point on floats, date format).
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Simulation;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.ThingModels;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.Cli;

public sealed class TslValueGeneratorTests
{
    const int Rounds = 300;

    /// <summary>Edge specs: odd steps, negative and one-value ranges, float limits, one-character text, negative enum keys, nested arrays.</summary>
    static readonly string Edges = TslSamples.Doc(string.Join(",",
        TslSamples.Property("quarter", """{"type":"float","specs":{"min":"-1","max":"1","step":"0.25"}}"""),
        TslSamples.Property("fives", """{"type":"int","specs":{"min":"-20","max":"17","step":"5"}}"""),
        TslSamples.Property("single", """{"type":"int","specs":{"min":"7","max":"7"}}"""),
        TslSamples.Property("nostep", """{"type":"double","specs":{"min":"0.5","max":"0.75"}}"""),
        TslSamples.Property("wide", """{"type":"float","specs":{"min":"-3.4e38","max":"3.4e38","step":"1"}}"""),
        TslSamples.Property("widest", """{"type":"double","specs":{"min":"-1e300","max":"1e300"}}"""),
        TslSamples.Property("fullint", """{"type":"int","specs":{"min":"-2147483648","max":"2147483647","step":"1"}}"""),
        TslSamples.Property("letter", """{"type":"text","specs":{"length":"1"}}"""),
        TslSamples.Property("signed", """{"type":"enum","specs":{"-3":"minus three","0":"zero","42":"answer"}}"""),
        TslSamples.Property("texts", """{"type":"array","specs":{"size":"2","item":{"type":"text","specs":{"length":"3"}}}}"""),
        TslSamples.Property("doubles", """{"type":"array","specs":{"size":"512","item":{"type":"double","specs":{"min":"1","max":"2","step":"0.5"}}}}""")),
        events: """
            { "identifier": "tick", "name": "Tick", "type": "info", "method": "thing.event.tick.post",
              "outputData": [ { "identifier": "at", "name": "At", "dataType": { "type": "date", "specs": {} } },
                              { "identifier": "ok", "name": "Ok", "dataType": { "type": "bool", "specs": { "0": "no", "1": "yes" } } } ] }
            """,
        services: """
            { "identifier": "measure", "name": "Measure", "callType": "sync", "method": "thing.service.measure", "inputData": [],
              "outputData": [ { "identifier": "where", "name": "Where", "dataType": { "type": "struct", "specs": [
                { "identifier": "x", "name": "X", "dataType": { "type": "int", "specs": { "min": "0", "max": "9", "step": "3" } } },
                { "identifier": "label", "name": "Label", "dataType": { "type": "text", "specs": { "length": "4" } } } ] } } ] }
            """);

    public static TheoryData<string, string> Documents => new()
    {
        { "full sample", TslSamples.Full },
        { "connectivity sample", ConnectivityCalls.SampleTsl },
        { "edge specs", Edges },
        { "as published", TslWriter.ToTslJson(TslParser.Parse(TslSamples.Full), "a1TestProd1") },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Property_posts_pass_the_platforms_checks(string name, string tsl)
    {
        var model = TslParser.Parse(tsl);
        var generator = TslValueGenerator.Parse(tsl, new Random(42));
        Assert.Equal(model.Properties.Select(p => p.Identifier), generator.Properties.Select(p => p.Identifier));
        for (var i = 0; i < Rounds; i++)
        {
            var post = JsonDocument.Parse(generator.PropertyParams()).RootElement;
            foreach (var property in model.Properties)
            {
                Assert.True(post.TryGetProperty(property.Identifier, out var value), $"{name}: {property.Identifier} missing");
                Assert.Null(TslValueChecker.Check(property.DataType, value, property.Identifier));
                Specs(property.DataType, value, $"{name}: {property.Identifier}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Event_and_service_outputs_pass_the_platforms_checks(string name, string tsl)
    {
        var model = TslParser.Parse(tsl);
        var generator = TslValueGenerator.Parse(tsl);
        // The implicit post event is not one the simulator posts; every event of the model is.
        Assert.Equal(model.Events.Select(e => e.Identifier).Order(), generator.Events.Select(e => e.Identifier).Order());
        for (var i = 0; i < Rounds / 10; i++)
        {
            foreach (var ev in model.Events)
            {
                var outputs = JsonDocument.Parse(generator.Object(generator.Events.Single(e => e.Identifier == ev.Identifier).OutputData)).RootElement;
                Assert.Null(TslValueChecker.CheckParams(ev.OutputData, outputs, ev.Identifier));
                Assert.Equal(ev.OutputData.Count, outputs.EnumerateObject().Count());
                foreach (var o in ev.OutputData) Specs(o.DataType, outputs.GetProperty(o.Identifier), $"{name}: {ev.Identifier}.{o.Identifier}");
            }
            foreach (var service in model.Services)
            {
                var outputs = JsonDocument.Parse(generator.Object(generator.Services[service.Identifier].OutputData)).RootElement;
                Assert.Null(TslValueChecker.CheckParams(service.OutputData, outputs, service.Identifier));
                foreach (var o in service.OutputData) Specs(o.DataType, outputs.GetProperty(o.Identifier), $"{name}: {service.Identifier}.{o.Identifier}");
            }
        }
    }

    [Fact]
    public void Every_enum_and_bool_value_turns_up_and_numbers_move_across_the_range()
    {
        var generator = TslValueGenerator.Parse(Edges, new Random(7));
        var signed = new HashSet<int>();
        var fives = new HashSet<long>();
        var quarter = new HashSet<string>();
        for (var i = 0; i < 2000; i++)
        {
            var post = JsonDocument.Parse(generator.PropertyParams()).RootElement;
            signed.Add(post.GetProperty("signed").GetInt32());
            fives.Add(post.GetProperty("fives").GetInt64());
            quarter.Add(post.GetProperty("quarter").GetRawText());
            Assert.Equal(7, post.GetProperty("single").GetInt32());
        }
        Assert.Equal(new HashSet<int> { -3, 0, 42 }, signed);
        Assert.Equal(new HashSet<long> { -20, -15, -10, -5, 0, 5, 10, 15 }, fives);
        Assert.Equal(new HashSet<string> { "-1.00", "-0.75", "-0.50", "-0.25", "0.00", "0.25", "0.50", "0.75", "1.00" },
            quarter.Select(q => decimal.Parse(q, CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture)).ToHashSet());
    }

    [Fact]
    public void Values_the_cloud_set_are_kept_in_later_posts()
    {
        var generator = TslValueGenerator.Parse(ConnectivityCalls.SampleTsl);
        var post = JsonDocument.Parse(generator.PropertyParams(new Dictionary<string, string> { ["mode"] = "1", ["temperature"] = "21.5" })).RootElement;
        Assert.Equal(1, post.GetProperty("mode").GetInt32());
        Assert.Equal("21.5", post.GetProperty("temperature").GetRawText());
        Assert.Equal(JsonValueKind.String, post.GetProperty("serial").ValueKind);
    }

    [Fact]
    public void A_missing_or_empty_model_gives_nothing_to_post()
    {
        var generator = TslValueGenerator.Parse("{}");
        Assert.Empty(generator.Properties);
        Assert.Empty(generator.Events);
        Assert.Empty(generator.Services);
        Assert.Equal("{}", generator.PropertyParams());
    }

    /// <summary>What TslValueChecker leaves alone: numbers on the step grid, floats written with a decimal point, dates as ms strings.</summary>
    static void Specs(TslDataType type, JsonElement value, string what)
    {
        switch (type.Type)
        {
            case TslTypes.Int or TslTypes.Float or TslTypes.Double:
                var raw = value.GetRawText();
                if (type.Type != TslTypes.Int) Assert.True(raw.Contains('.') || raw.Contains('E'), $"{what}: {raw} has no decimal point");
                else Assert.DoesNotContain(".", raw);
                var specs = type.Numeric!;
                if (specs.Step is { } step && specs.Min is { } min && Math.Abs(min) < 1e15 && Math.Abs(specs.Max ?? 0) < 1e15)
                {
                    var steps = (decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture) - (decimal)min) / (decimal)step;
                    Assert.True(steps == decimal.Truncate(steps), $"{what}: {raw} is off the {step} step grid from {min}");
                }
                break;
            case TslTypes.Date:
                Assert.Equal(JsonValueKind.String, value.ValueKind);
                var ms = long.Parse(value.GetString()!, CultureInfo.InvariantCulture);
                Assert.InRange(ms, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
                break;
            case TslTypes.Text:
                Assert.InRange(value.GetString()!.Length, 1, type.Text!.Length);
                break;
            case TslTypes.Struct:
                Assert.Equal(type.Struct!.Members.Count, value.EnumerateObject().Count());
                foreach (var m in type.Struct.Members) Specs(m.DataType, value.GetProperty(m.Identifier), $"{what}.{m.Identifier}");
                break;
            case TslTypes.Array:
                Assert.InRange(value.GetArrayLength(), 1, type.Array!.Size);
                foreach (var item in value.EnumerateArray()) Specs(type.Array.Item, item, $"{what}[]");
                break;
        }
    }
}
