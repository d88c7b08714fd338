// Thing model actions over real HTTP RPC: editing the draft, importing, publishing and reading TSL back.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;
using static Thingyard.Tests.ThingModels.TslSamples;

namespace Thingyard.Tests.ThingModels;

public sealed class ThingModelActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<JsonElement> DraftAsync(string productKey) =>
        JsonDocument.Parse((await server.Call("GetThingModelTsl", ("ProductKey", productKey))).Str("Data.TslStr")).RootElement;

    async Task<JsonElement> PublishedAsync(string productKey, string? version = null)
    {
        var p = new List<(string, string)> { ("ProductKey", productKey) };
        if (version is not null) p.Add(("ModelVersion", version));
        return JsonDocument.Parse((await server.Call("GetThingModelTslPublished", [.. p])).Str("Data.TslStr")).RootElement;
    }

    static List<string> Ids(JsonElement tsl, string list) => tsl.GetProperty(list).Pluck("identifier");

    Task<JsonElement> Create(string productKey, string json) =>
        server.Call("CreateThingModel", ("ProductKey", productKey), ("ThingModelJson", json));

    [Fact]
    public async Task Create_thing_model_adds_features_that_get_thing_model_tsl_shows()
    {
        var productKey = await server.NewProductAsync("Tsl");

        await Create(productKey, Doc(Property("temperature", """{ "type": "float", "specs": { "min": "-40", "max": "120", "step": "0.1", "unit": "°C" } }""", "r")));
        await Create(productKey, $$"""
            { "_ppk": { "version": "draft" }, "productKey": "{{productKey}}",
              "properties": [ {{Property("target", IntType(max: "30"))}} ],
              "services": [ { "identifier": "reboot", "name": "Reboot", "callType": "async", "inputData": [], "outputData": [] } ] }
            """);

        var tsl = await DraftAsync(productKey);
        Assert.Equal(productKey, tsl.Str("profile.productKey"));
        Assert.Equal(["temperature", "target"], Ids(tsl, "properties"));
        Assert.Equal("-40", tsl.GetProperty("properties")[0].Str("dataType.specs.min"));
        Assert.Equal(["post"], Ids(tsl, "events"));
        Assert.Equal(["temperature", "target"], tsl.GetProperty("events")[0].GetProperty("outputData").Pluck("identifier"));
        Assert.Equal(["set", "get", "reboot"], Ids(tsl, "services"));
        Assert.Equal(["target"], tsl.GetProperty("services")[0].GetProperty("inputData").Pluck("identifier"));
        Assert.Equal("thing.service.reboot", tsl.GetProperty("services")[2].Str("method"));
    }

    [Fact]
    public async Task A_duplicate_identifier_is_refused()
    {
        var productKey = await server.NewProductAsync("TslDup");
        await Create(productKey, Doc(Property("speed", IntType())));

        var e = await server.Fails("CreateThingModel", ("ProductKey", productKey),
            ("ThingModelJson", Doc(events: """{ "identifier": "speed", "name": "Speeding", "type": "alert", "outputData": [] }""")));

        Assert.Equal("iot.tsl.AlreadyExistedIdentifier", e.Code);
        Assert.Equal(["post"], Ids(await DraftAsync(productKey), "events"));
    }

    [Fact]
    public async Task An_invalid_model_is_refused_with_the_path_and_the_draft_stays_as_it_was()
    {
        var productKey = await server.NewProductAsync("TslBad");
        await Create(productKey, Doc(Property("speed", IntType())));
        var before = (await DraftAsync(productKey)).GetRawText();

        var e = await server.Fails("CreateThingModel", ("ProductKey", productKey),
            ("ThingModelJson", Doc(string.Join(",", Property("ok", IntType()), Property("bad", IntType(min: "50", max: "10"))))));

        Assert.Equal("iot.tsl.InvalidTsl", e.Code);
        Assert.Contains("properties[1].dataType.specs.min: must not be greater than max (10)", e.Message);
        Assert.Equal(before, (await DraftAsync(productKey)).GetRawText());
    }

    [Fact]
    public async Task Import_thing_model_tsl_replaces_the_draft()
    {
        var productKey = await server.NewProductAsync("TslImport");
        await Create(productKey, Doc(Property("old", IntType())));

        await server.Call("ImportThingModelTsl", ("ProductKey", productKey), ("TslStr", Full));

        var tsl = await DraftAsync(productKey);
        Assert.Equal(["temperature", "humidity", "energy", "label", "installedAt", "power", "mode", "position", "samples", "readings"], Ids(tsl, "properties"));
        Assert.Equal(["post", "overheat"], Ids(tsl, "events"));
        Assert.Equal(["set", "get", "reboot", "diagnose"], Ids(tsl, "services"));

        var bad = await server.Fails("ImportThingModelTsl", ("ProductKey", productKey), ("TslStr", WithType("""{ "type": "text", "specs": { "length": "20000" } }""")));
        Assert.Equal("iot.tsl.InvalidTsl", bad.Code);
        Assert.Contains("properties[0].dataType.specs.length", bad.Message);
        Assert.Equal(10, Ids(await DraftAsync(productKey), "properties").Count);

        // Over the platform's 512 KB import limit (padding a valid document): refused before parsing, draft kept.
        var padded = Full.TrimEnd()[..^1] + ", \"description\": \"" + new string('x', 512 * 1024) + "\" }";
        var huge = await server.Fails("ImportThingModelTsl", ("ProductKey", productKey), ("TslStr", padded));
        Assert.Equal("iot.tsl.InvalidTsl", huge.Code);
        Assert.Contains("512 KB", huge.Message);
        Assert.Equal(10, Ids(await DraftAsync(productKey), "properties").Count);
    }

    [Fact]
    public async Task Published_versions_are_read_back_by_version()
    {
        var productKey = await server.NewProductAsync("TslPub");
        var notYet = await server.Fails("GetThingModelTslPublished", ("ProductKey", productKey));
        Assert.Equal("iot.tsl.NotPublishedTsl", notYet.Code);

        await Create(productKey, Doc(Property("v1prop", IntType())));
        await server.Call("PublishThingModel", ("ProductKey", productKey), ("ModelVersion", "1.0"), ("Description", "first"));
        await Create(productKey, Doc(Property("v2prop", IntType())));
        await server.Call("PublishThingModel", ("ProductKey", productKey), ("ModelVersion", "2.0"));
        await Create(productKey, Doc(Property("draftOnly", IntType())));

        Assert.Equal(["v1prop", "v2prop"], Ids(await PublishedAsync(productKey), "properties"));
        Assert.Equal(["v1prop"], Ids(await PublishedAsync(productKey, "1.0"), "properties"));
        Assert.Equal(["v1prop", "v2prop", "draftOnly"], Ids(await DraftAsync(productKey), "properties"));

        var query = await server.Call("QueryThingModelPublished", ("ProductKey", productKey), ("ModelVersion", "1.0"));
        var model = JsonDocument.Parse(query.Str("Data.ThingModelJson")).RootElement;
        Assert.Equal("1.0", model.Str("_ppk.version"));
        Assert.Equal(productKey, model.Str("productKey"));
        Assert.Equal(["v1prop"], model.GetProperty("properties").Pluck("identifier"));

        var draft = JsonDocument.Parse((await server.Call("QueryThingModel", ("ProductKey", productKey))).Str("Data.ThingModelJson")).RootElement;
        Assert.Equal("draft", draft.Str("_ppk.version"));
        Assert.Equal(["v1prop", "v2prop", "draftOnly"], draft.GetProperty("properties").Pluck("identifier"));

        var versions = (await server.Call("ListThingModelVersion", ("ProductKey", productKey))).At("Data.ModelVersions");
        Assert.Equal(["2.0", "1.0"], versions.Pluck("ModelVersion"));

        var missing = await server.Fails("GetThingModelTslPublished", ("ProductKey", productKey), ("ModelVersion", "9.9"));
        Assert.Equal("iot.tsl.NotExistedVersion", missing.Code);
    }

    [Fact]
    public async Task Update_thing_model_replaces_a_feature()
    {
        var productKey = await server.NewProductAsync("TslUpd");
        await Create(productKey, Doc(string.Join(",", Property("a", IntType()), Property("b", IntType()))));

        await server.Call("UpdateThingModel", ("ProductKey", productKey), ("Identifier", "a"),
            ("ThingModelJson", Doc(Property("a2", """{ "type": "text", "specs": { "length": "32" } }""", "r"))));

        var tsl = await DraftAsync(productKey);
        Assert.Equal(["a2", "b"], Ids(tsl, "properties"));
        Assert.Equal("text", tsl.GetProperty("properties")[0].Str("dataType.type"));

        var unknown = await server.Fails("UpdateThingModel", ("ProductKey", productKey), ("Identifier", "zzz"), ("ThingModelJson", Doc(Property("zzz", IntType()))));
        Assert.Equal("iot.tsl.NotExistedIdentifier", unknown.Code);
        var clash = await server.Fails("UpdateThingModel", ("ProductKey", productKey), ("Identifier", "a2"), ("ThingModelJson", Doc(Property("b", IntType()))));
        Assert.Equal("iot.tsl.AlreadyExistedIdentifier", clash.Code);
    }

    [Fact]
    public async Task Delete_thing_model_removes_features_of_each_kind()
    {
        var productKey = await server.NewProductAsync("TslDel");
        await Create(productKey, Doc(
            string.Join(",", Property("keep", IntType()), Property("drop", IntType())),
            """{ "identifier": "alarm", "name": "Alarm", "type": "alert", "outputData": [] }""",
            """{ "identifier": "reset", "name": "Reset", "callType": "sync", "inputData": [], "outputData": [] }"""));

        await server.Call("DeleteThingModel", List("PropertyIdentifier", "drop").With(("ProductKey", productKey)).With(List("EventIdentifier", "alarm")));

        var tsl = await DraftAsync(productKey);
        Assert.Equal(["keep"], Ids(tsl, "properties"));
        Assert.Equal(["post"], Ids(tsl, "events"));
        Assert.Equal(["set", "get", "reset"], Ids(tsl, "services"));

        var unknown = await server.Fails("DeleteThingModel", List("ServiceIdentifier", "reset", "ghost").With(("ProductKey", productKey)));
        Assert.Equal("iot.tsl.NotExistedIdentifier", unknown.Code);
        Assert.Equal(["set", "get", "reset"], Ids(await DraftAsync(productKey), "services"));
    }
}
