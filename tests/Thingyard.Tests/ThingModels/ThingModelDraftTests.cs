// ThingModelDraft: adding, replacing and removing features of a draft module.
using Thingyard.Common;
using Thingyard.ThingModels;
using static Thingyard.Tests.ThingModels.TslSamples;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.ThingModels;

public sealed class ThingModelDraftTests
{
    static readonly ThingModel Start = TslParser.Parse(Full);

    [Fact]
    public void Add_features_appends_and_ignores_ppk_and_product_key()
    {
        var json = $$"""
            { "_ppk": { "version": "draft" }, "productKey": "a1TestProd1",
              "properties": [ {{Property("pressure", """{ "type": "float", "specs": { "min": "0", "max": "2000", "unit": "hPa" } }""", "r")}} ],
              "events": [ { "identifier": "lowBattery", "name": "Low battery", "type": "info", "outputData": [] } ] }
            """;

        var next = ThingModelDraft.AddFeatures(Start, json);

        Assert.Equal("pressure", next.Properties[^1].Identifier);
        Assert.Equal(Start.Properties.Count + 1, next.Properties.Count);
        Assert.Equal("thing.event.lowBattery.post", next.Event("lowBattery")!.Method);
        Assert.Equal(Start.Services, next.Services);
    }

    [Fact]
    public void Adding_an_existing_identifier_is_refused()
    {
        var e = Assert.Throws<IotException>(() => ThingModelDraft.AddFeatures(Start, Doc(services: """
            { "identifier": "humidity", "name": "Humidity", "callType": "sync", "inputData": [], "outputData": [] }
            """)));
        Assert.Equal(IotErrors.TslFeatureExists, e.Code);
        Assert.Contains("'humidity'", e.Message);
    }

    [Fact]
    public void Adding_invalid_or_no_features_is_a_validation_error()
    {
        var invalid = Assert.Throws<TslValidationException>(() => ThingModelDraft.AddFeatures(Start, WithType(IntType(min: "x"))));
        Assert.Equal(["properties[0].dataType.specs.min: must be a number"], invalid.Errors);
        var empty = Assert.Throws<TslValidationException>(() => ThingModelDraft.AddFeatures(Start, """{ "_ppk": {}, "properties": [] }"""));
        Assert.Equal(["$: ThingModelJson holds no properties, events or services"], empty.Errors);
    }

    [Fact]
    public void Adding_past_the_300_feature_limit_is_refused()
    {
        var big = ThingModelDraft.AddFeatures(ThingModelDraft.Empty,
            Doc(string.Join(",", Enumerable.Range(0, 300).Select(i => Property($"p{i}", """{ "type": "date" }""")))));
        var e = Assert.Throws<TslValidationException>(() => ThingModelDraft.AddFeatures(big, Doc(Property("one_more", """{ "type": "date" }"""))));
        Assert.StartsWith("$: a thing model module holds at most 300", Assert.Single(e.Errors));
    }

    [Fact]
    public void Replace_feature_keeps_its_place_and_may_rename()
    {
        var next = ThingModelDraft.ReplaceFeature(Start, "humidity",
            Doc(Property("relHumidity", IntType(max: "99"), accessMode: "r", name: "Relative humidity")));

        Assert.Equal("relHumidity", next.Properties[1].Identifier);
        Assert.Equal(99, next.Property("relHumidity")!.DataType.Numeric!.Max);
        Assert.Null(next.Property("humidity"));
        Assert.Equal(Start.Properties.Count, next.Properties.Count);
    }

    [Fact]
    public void Replace_feature_may_change_its_kind()
    {
        var next = ThingModelDraft.ReplaceFeature(Start, "reboot",
            Doc(events: """{ "identifier": "reboot", "name": "Rebooted", "type": "info", "outputData": [] }"""));

        Assert.Null(next.Service("reboot"));
        Assert.Equal("reboot", next.Events[^1].Identifier);
    }

    [Fact]
    public void Replace_feature_refuses_unknown_clashing_and_many_features()
    {
        var unknown = Assert.Throws<IotException>(() => ThingModelDraft.ReplaceFeature(Start, "nothing", Doc(Property("nothing", IntType()))));
        Assert.Equal(IotErrors.TslFeatureNotFound, unknown.Code);

        var clash = Assert.Throws<IotException>(() => ThingModelDraft.ReplaceFeature(Start, "humidity", Doc(Property("label", IntType()))));
        Assert.Equal(IotErrors.TslFeatureExists, clash.Code);

        var two = Assert.Throws<TslValidationException>(() => ThingModelDraft.ReplaceFeature(Start, "humidity",
            Doc(string.Join(",", Property("a", IntType()), Property("b", IntType())))));
        Assert.Equal(["$: ThingModelJson must hold exactly one property, event or service to replace 'humidity' with (found 2)"], two.Errors);
    }

    [Fact]
    public void Remove_features_takes_any_kind()
    {
        var next = ThingModelDraft.RemoveFeatures(Start, ["humidity", "overheat", "reboot"]);

        Assert.Null(next.Property("humidity"));
        Assert.Empty(next.Events);
        Assert.Equal(["diagnose"], next.Services.Select(s => s.Identifier));
        Assert.Equal(Start.Properties.Count - 1, next.Properties.Count);
    }

    [Fact]
    public void Removing_an_unknown_identifier_removes_nothing()
    {
        var e = Assert.Throws<IotException>(() => ThingModelDraft.RemoveFeatures(Start, ["humidity", "ghost"]));
        Assert.Equal(IotErrors.TslFeatureNotFound, e.Code);
        Assert.Contains("'ghost'", e.Message);
    }

    [Fact]
    public void Lookups_follow_with_expressions()
    {
        var renamed = Start with { Properties = [Start.Properties[0] with { Identifier = "t2" }] };

        Assert.NotNull(Start.Property("temperature"));
        Assert.Null(renamed.Property("temperature"));
        Assert.NotNull(renamed.Property("t2"));
        Assert.True(renamed.Contains("reboot"));
    }
}
