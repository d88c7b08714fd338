// The Feature definition tab in a real browser: a float property with a range and an async service with parameters,
// the platform's TSL messages shown at the field they concern, publishing and the draft-against-published diff, TSL
// import and export. ThingModelFormTests checks the editor's pieces without a browser: the feature form writes TSL the
// parser reads back unchanged, parser paths map to fields, and the diff; ProductTopicTests the topic list against the
// device ACL and the server's uplink routes.
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Thingyard.Protocol.Topics;
using Thingyard.Protocol.Tsl;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Console.Products;
using Thingyard.Server.Registry;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class ThingModelEditorTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    async Task<(IPage Page, string ProductKey)> FeaturesAsync()
    {
        var productKey = await Server.NewProductAsync("Model");
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenProductAsync(productKey, "features");
        return (page, productKey);
    }

    async Task<ThingModel> DraftAsync(string productKey) =>
        TslParser.Parse((await Server.Call("GetThingModelTsl", ("ProductKey", productKey))).Str("Data.TslStr"));

    [Fact]
    public async Task A_float_property_with_a_range_and_an_async_service_with_one_input_and_one_output_are_saved_to_the_draft()
    {
        var (page, productKey) = await FeaturesAsync();
        await page.AddFloatPropertyAsync("temperature", "Temperature", "-40", "120", step: "0.5", unit: "°C");
        await page.AddAsyncServiceAsync("calibrate", "Calibrate",
            [new ParamSpec("offset", "Offset", "float", "-5", "5")], [new ParamSpec("result", "Result", "int", "0", "1")]);
        await page.AddEventAsync("overheat", "Overheat", "alert", [new ParamSpec("peak", "Peak", "double", "0", "500", "°C")]);

        var row = page.Locator("#feature-table tbody tr", new() { Has = page.GetByText("temperature", new() { Exact = true }) });
        await Assertions.Expect(row.Locator("[data-test=feature-definition]")).ToHaveTextAsync("rw · float, -40 to 120 °C");
        var service = page.Locator("#feature-table tbody tr", new() { Has = page.GetByText("calibrate", new() { Exact = true }) });
        await Assertions.Expect(service.Locator("[data-test=feature-definition]")).ToHaveTextAsync("async · 1 input, 1 output");

        var draft = await DraftAsync(productKey);
        var property = Assert.Single(draft.Properties);
        Assert.Equal(new TslProperty("temperature", "Temperature", "rw", false, null, TslDataType.Float(-40, 120, 0.5, "°C")), property);
        var calibrate = Assert.Single(draft.Services);
        Assert.Equal(TslService.Async, calibrate.CallType);
        Assert.Equal(new TslParam("offset", "Offset", TslDataType.Float(-5, 5)), Assert.Single(calibrate.InputData));
        Assert.Equal(new TslParam("result", "Result", TslDataType.Int(0, 1)), Assert.Single(calibrate.OutputData));
        var overheat = Assert.Single(draft.Events);
        Assert.Equal(TslEvent.Alert, overheat.Type);
        Assert.Equal(new TslParam("peak", "Peak", TslDataType.Double(0, 500, unit: "°C")), Assert.Single(overheat.OutputData));

        // Editing keeps the identifier's place and changes only what was changed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit temperature" }).ClickAsync();
        await Assertions.Expect(page.FieldInput("dataType.specs.max")).ToHaveValueAsync("120");
        await page.FieldInput("dataType.specs.max").FillAsync("150");
        await page.ClickAsync("#save-feature");
        await Assertions.Expect(row.Locator("[data-test=feature-definition]")).ToHaveTextAsync("rw · float, -40 to 150 °C");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit calibrate" }).ClickAsync();
        await Assertions.Expect(page.FieldInput("inputData[0].identifier")).ToHaveValueAsync("offset");
        await page.ScreenshotAsync("product-features");
    }

    [Fact]
    public async Task Bad_specs_show_the_platforms_message_next_to_their_field_and_nothing_is_saved()
    {
        var (page, productKey) = await FeaturesAsync();
        await page.ClickAsync("#add-property");
        await page.FieldInput("identifier").FillAsync("room temp");
        await page.FieldInput("name").FillAsync("Room temperature");
        await page.SetNumericTypeAsync("dataType", "float", "50", "10");
        await page.ClickAsync("#save-feature");

        await Assertions.Expect(page.Field("identifier")).ToContainTextAsync("'room temp' must be 1 to 50 characters from letters, digits and _");
        await Assertions.Expect(page.Field("dataType.specs.min")).ToContainTextAsync("must not be greater than max (10)");
        await Assertions.Expect(page.Field("dataType.specs.max")).Not.ToContainTextAsync("must");
        await Assertions.Expect(page.Locator("[data-test=feature-errors]")).ToContainTextAsync("2 problems");
        Assert.Equal(0, (await DraftAsync(productKey)).FeatureCount);

        // A parameter's problem sits at the parameter: a service input whose text length is not a number.
        await page.ClickAsync("#cancel-feature");
        await page.ClickAsync("#add-service");
        await page.FieldInput("identifier").FillAsync("send");
        await page.FieldInput("name").FillAsync("Send");
        await page.AddParamsAsync("inputData", [new ParamSpec("message", "Message", "text")]);
        await page.FieldInput("inputData[0].dataType.specs.length").FillAsync("lots");
        await page.ClickAsync("#save-feature");
        await Assertions.Expect(page.Field("inputData[0].dataType.specs.length")).ToContainTextAsync("must be an integer from 1 to 10240");

        // Fixed, it saves; the same identifier again is refused by the platform at the identifier.
        await page.FieldInput("inputData[0].dataType.specs.length").FillAsync("64");
        await page.ClickAsync("#save-feature");
        await page.ExpectFeatureAsync("send");
        await page.ClickAsync("#add-event");
        await page.FieldInput("identifier").FillAsync("send");
        await page.FieldInput("name").FillAsync("Sent");
        await page.ClickAsync("#save-feature");
        await Assertions.Expect(page.Field("identifier")).ToContainTextAsync("The identifier 'send' already exists");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("already exists");
        Assert.Empty((await DraftAsync(productKey)).Events);
    }

    [Fact]
    public async Task A_published_version_is_listed_and_the_diff_shows_what_the_draft_changes_since()
    {
        var (page, productKey) = await FeaturesAsync();
        await Assertions.Expect(page.Locator("#versions-table")).ToContainTextAsync("None yet.");
        await page.AddFloatPropertyAsync("humidity", "Humidity", "0", "100", unit: "%");
        var added = page.Locator("#model-diff [data-test=diff-item][data-identifier=humidity]");
        await Assertions.Expect(added).ToHaveAttributeAsync("data-change", "added");

        await page.PublishAsync("1.0", "first release");
        await Assertions.Expect(page.Locator("#model-diff [data-test=diff-empty]")).ToHaveTextAsync("The draft is the same as version 1.0.");
        await Assertions.Expect(page.Locator("#model-diff [data-test=diff-item]")).ToHaveCountAsync(0);
        var versions = (await Server.Call("ListThingModelVersion", ("ProductKey", productKey))).At("Data.ModelVersions");
        Assert.Equal("1.0", versions[0].Str("ModelVersion"));
        Assert.Equal("first release", versions[0].Str("Description"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit humidity" }).ClickAsync();
        await page.FieldInput("dataType.specs.max").FillAsync("90");
        await page.ClickAsync("#save-feature");
        var changed = page.Locator("#model-diff [data-test=diff-item][data-identifier=humidity]");
        await Assertions.Expect(changed).ToHaveAttributeAsync("data-change", "changed");
        await Assertions.Expect(changed).ToContainTextAsync("dataType.specs.max: 100 → 90");

        await page.PublishAsync("1.0");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("ModelVersion '1.0' was already published.");
        await page.PublishAsync("1.1");
        await Assertions.Expect(page.Locator("#versions-table [data-test=version]")).ToHaveTextAsync(new[] { "1.1", "1.0" });
        await Assertions.Expect(page.Locator("#model-diff [data-test=diff-empty]")).ToHaveTextAsync("The draft is the same as version 1.1.");
    }

    [Fact]
    public async Task Imported_tsl_replaces_the_draft_and_the_export_downloads_it_back()
    {
        var (page, productKey) = await FeaturesAsync();
        const string tsl = """
            {"properties":[{"identifier":"mode","name":"Mode","accessMode":"rw","dataType":{"type":"enum","specs":{"0":"off","1":"eco","2":"boost"}}},
                           {"identifier":"door","name":"Door","accessMode":"r","dataType":{"type":"bool","specs":{"0":"closed","1":"open"}}},
                           {"identifier":"samples","name":"Samples","accessMode":"r","dataType":{"type":"array","specs":{"size":"8","item":{"type":"struct","specs":[
                               {"identifier":"at","name":"At","dataType":{"type":"date","specs":{}}},
                               {"identifier":"label","name":"Label","dataType":{"type":"text","specs":{"length":"32"}}}]}}}}],
             "events":[{"identifier":"fault","name":"Fault","type":"error","outputData":[{"identifier":"code","name":"Code","dataType":{"type":"int","specs":{"min":"0","max":"255"}}}]}],
             "services":[]}
            """;
        await page.ImportTslAsync(tsl);
        await page.ExpectFeatureAsync("mode");
        await page.ExpectFeatureAsync("fault");
        await Assertions.Expect(page.Locator("#feature-table [data-test=feature-identifier]")).ToHaveTextAsync(new[] { "mode", "door", "samples", "fault" });

        var exported = await page.ExportTslAsync();
        Assert.Equal(TslParser.Parse(tsl), TslParser.Parse(exported));
        Assert.Equal(productKey, JsonDocument.Parse(exported).RootElement.GetProperty("profile").Str("productKey"));

        // Every imported type opens in the editor with its specs.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit samples" }).ClickAsync();
        await Assertions.Expect(page.FieldInput("dataType.specs.size")).ToHaveValueAsync("8");
        await Assertions.Expect(page.FieldInput("dataType.specs.item.specs[1].dataType.specs.length")).ToHaveValueAsync("32");
        await page.ClickAsync("#save-feature");
        await Assertions.Expect(page.Locator("#feature-editor")).ToHaveCountAsync(0);
        Assert.Equal(TslParser.Parse(tsl), await DraftAsync(productKey));

        // A bad document changes nothing and says why.
        await page.ImportTslAsync("""{"properties":[{"identifier":"x","name":"X","accessMode":"rw","dataType":{"type":"int","specs":{"min":"9","max":"1"}}}]}""");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("properties[0].dataType.specs.min: must not be greater than max (1)");
        Assert.Equal(TslParser.Parse(tsl), await DraftAsync(productKey));
    }

    [Fact]
    public async Task A_tsl_file_chosen_in_the_import_panel_is_read_into_it()
    {
        var (page, productKey) = await FeaturesAsync();
        const string tsl = """{"properties":[{"identifier":"level","name":"Level","accessMode":"r","dataType":{"type":"double","specs":{"min":"0","max":"1"}}}]}""";
        await page.ClickAsync("#open-import");
        // Blazor's InputFile listens for the file only once its script has run after the panel rendered: a file set
        // before that is not read (seen once in CI), so it is set again until the text shows it.
        var text = page.Locator("#import-text");
        for (var attempt = 0; attempt < 5 && await text.InputValueAsync() != tsl; attempt++)
        {
            await page.Locator("#import-panel input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = "model.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(tsl),
            });
            try { await Assertions.Expect(text).ToHaveValueAsync(tsl, new() { Timeout = 3_000 }); }
            catch (PlaywrightException) when (attempt < 4) { }
        }
        await Assertions.Expect(text).ToHaveValueAsync(tsl);
        await page.ClickAsync("#import-tsl");
        await page.ExpectFeatureAsync("level");
        Assert.Equal("level", Assert.Single((await DraftAsync(productKey)).Properties).Identifier);
    }
}

public sealed class ThingModelFormTests
{
    const string Model = """
        {"properties":[
            {"identifier":"t","name":"T","accessMode":"rw","required":false,"desc":"a temperature","dataType":{"type":"float","specs":{"min":"-40","max":"120","step":"0.5","unit":"°C","unitName":"Celsius"}}},
            {"identifier":"n","name":"N","accessMode":"r","dataType":{"type":"text","specs":{"length":"64"}}},
            {"identifier":"on","name":"On","accessMode":"rw","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
            {"identifier":"m","name":"M","accessMode":"rw","dataType":{"type":"enum","specs":{"1":"low","2":"high"}}},
            {"identifier":"d","name":"D","accessMode":"r","dataType":{"type":"date","specs":{}}},
            {"identifier":"s","name":"S","accessMode":"r","dataType":{"type":"struct","specs":[{"identifier":"a","name":"A","dataType":{"type":"int","specs":{"min":"0","max":"9"}}}]}},
            {"identifier":"arr","name":"Arr","accessMode":"r","dataType":{"type":"array","specs":{"size":"4","item":{"type":"double"}}}}],
         "events":[{"identifier":"e","name":"E","type":"alert","outputData":[{"identifier":"c","name":"C","dataType":{"type":"int","specs":{"min":"0","max":"9"}}}]}],
         "services":[{"identifier":"svc","name":"Svc","callType":"sync","inputData":[{"identifier":"i","name":"I","dataType":{"type":"text","specs":{"length":"8"}}}],
                      "outputData":[{"identifier":"o","name":"O","dataType":{"type":"bool","specs":{"0":"no","1":"yes"}}}]}]}
        """;

    [Fact]
    public void Every_feature_and_data_type_reads_into_the_form_and_writes_back_the_same_feature()
    {
        var model = TslParser.Parse(Model);
        foreach (var p in model.Properties)
            Assert.Equal(p, Assert.Single(TslParser.ParseFeatures(FeatureForm.From(p).ToThingModelJson()).Properties));
        foreach (var e in model.Events)
            Assert.Equal(e, Assert.Single(TslParser.ParseFeatures(FeatureForm.From(e).ToThingModelJson()).Events));
        foreach (var s in model.Services)
            Assert.Equal(s, Assert.Single(TslParser.ParseFeatures(FeatureForm.From(s).ToThingModelJson()).Services));
    }

    [Fact]
    public void The_parsers_problems_are_keyed_by_the_field_of_the_feature_they_concern()
    {
        var form = new FeatureForm
        {
            Kind = FeatureKind.Service, Identifier = "ok", Name = "Ok",
            Inputs = [new ParamForm { Identifier = "bad id", Name = "In", DataType = new TypeForm { Type = "enum", EnumItems = [new EnumItemForm { Value = "x", Name = "X" }] } }],
            Outputs = [new ParamForm { Identifier = "out", Name = "Out", DataType = new TypeForm { Type = "array", Size = "0", Item = new TypeForm { Type = "text", Length = "" } } }],
        };
        var errors = form.Validate();
        Assert.Contains("must be 1 to 50 characters", errors.For("inputData[0].identifier"));
        Assert.Equal("an enum value must be an integer", errors.For("inputData[0].dataType.specs.x"));
        Assert.Equal("must be an integer from 1 to 512", errors.For("outputData[0].dataType.specs.size"));
        Assert.Null(errors.For("identifier"));
        Assert.Equal("tsl-inputData-0-dataType-specs-min", FieldErrors.Id("inputData[0].dataType.specs.min"));
        Assert.False(new FeatureForm { Identifier = "fine", Name = "Fine", DataType = new TypeForm { Type = "int", Min = "0", Max = "1" } }.Validate().Any);
    }

    [Fact]
    public void The_diff_lists_added_removed_and_changed_features_with_their_changed_lines()
    {
        var published = TslParser.Parse(Model);
        var draft = published with
        {
            Properties = [.. published.Properties.Where(p => p.Identifier != "n").Select(p => p.Identifier == "t" ? p with { DataType = TslDataType.Float(-40, 100, 0.5, "°C", "Celsius") } : p),
                new TslProperty("new1", "New", "r", false, null, TslDataType.Date())],
        };
        var changes = ThingModelDiff.Compare(published, draft);
        Assert.Equal(new[] { ("t", ChangeKind.Changed), ("new1", ChangeKind.Added), ("n", ChangeKind.Removed) }, changes.Select(c => (c.Identifier, c.Change)));
        Assert.Equal(new[] { "dataType.specs.max: 120 → 100" }, changes[0].Lines);
        Assert.Empty(ThingModelDiff.Compare(published, published));
        Assert.Equal(published.FeatureCount, ThingModelDiff.Compare(null, published).Count(c => c.Change == ChangeKind.Added));
    }
}

public sealed class ProductTopicTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public void Every_listed_topic_is_in_the_devices_namespace_and_every_published_one_has_a_handler()
    {
        var model = TslParser.Parse("""
            {"events":[{"identifier":"e","name":"E","type":"alert","outputData":[]}],
             "services":[{"identifier":"svc","name":"Svc","callType":"sync","inputData":[],"outputData":[]}]}
            """);
        var topics = ProductTopics.For("a1product01", gateway: true, model, "dev-1");
        Assert.Contains(topics, t => t.Topic == "/sys/a1product01/dev-1/thing/service/svc" && t.Direction == TopicDirection.Subscribe);
        Assert.Contains(topics, t => t.Topic == "/sys/a1product01/dev-1/thing/service/svc_reply" && t.Direction == TopicDirection.Publish);
        Assert.Contains(topics, t => t.Topic == "/sys/a1product01/dev-1/thing/event/e/post" && t.Direction == TopicDirection.Publish);
        Assert.DoesNotContain(ProductTopics.For("a1product01", gateway: false, model, "dev-1"), t => t.Topic.Contains("/topo/"));
        var routes = server.Services.GetRequiredService<UplinkRoutes>();
        foreach (var t in topics)
        {
            Assert.True(TopicAcl.IsInNamespace(t.Topic, "a1product01", "dev-1"), $"{t.Topic} is outside the device's namespace");
            if (t.Direction == TopicDirection.Publish && t.Category != "User topics")
            {
                var route = routes.Match(t.Topic.Split('/'));
                Assert.True(route is not null && route.Pattern != "/sys/+/+/thing/+/#", $"{t.Topic} has no handler");
            }
        }
    }

    [Fact]
    public async Task The_rest_route_lists_the_topics_of_the_draft_until_a_version_is_published()
    {
        var productKey = await server.NewProductAsync("RestTopics");
        await server.Call("CreateThingModel", ("ProductKey", productKey), ("ThingModelJson",
            """{"services":[{"identifier":"ping","name":"Ping","callType":"async","inputData":[],"outputData":[]}]}"""));
        using var rest = server.Rest();
        var draft = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products/{productKey}/topics")).RootElement;
        Assert.Equal("draft", draft.Str("model"));
        var ping = draft.GetProperty("topics").EnumerateArray().Single(t => t.Str("topic") == $"/sys/{productKey}/${{deviceName}}/thing/service/ping");
        Assert.Equal("subscribe", ping.Str("direction"));

        await server.Call("PublishThingModel", ("ProductKey", productKey));
        await server.Call("DeleteThingModel", ("ProductKey", productKey), ("ServiceIdentifier.1", "ping"));
        var published = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products/{productKey}/topics")).RootElement;
        Assert.Equal("published", published.Str("model"));
        Assert.Contains(published.GetProperty("topics").EnumerateArray(), t => t.Str("topic").EndsWith("/thing/service/ping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_topics_show_the_products_topic_classes_with_what_devices_may_do_on_them()
    {
        var productKey = await server.NewProductAsync("ClassTopics");
        await server.Call("CreateProductTopic", ("ProductKey", productKey), ("TopicShortName", "cmd/+"), ("Operation", "SUB"), ("Desc", "commands"));
        await server.Call("CreateProductTopic", ("ProductKey", productKey), ("TopicShortName", "both"), ("Operation", "ALL"));
        using var rest = server.Rest();
        var topics = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products/{productKey}/topics")).RootElement.GetProperty("topics").EnumerateArray()
            .Where(t => t.Str("category") == "User topics").Select(t => (t.Str("topic"), t.Str("direction"))).ToList();
        var user = $"/{productKey}/${{deviceName}}/user/";
        Assert.Equal([(user + "update", "publish"), (user + "update/error", "publish"), (user + "get", "subscribe"),
            (user + "cmd/+", "subscribe"), (user + "both", "publish"), (user + "both", "subscribe")], topics);
    }
}
