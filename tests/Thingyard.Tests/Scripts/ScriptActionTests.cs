// The script actions with Alibaba's shapes (SaveScript, CreateThingScript, UpdateThingScript, GetThingScript) and the
// test run, and every class of bad input: syntax errors with their place, an endless loop, a memory bomb, a throw,
// a wrong return type, an oversized script, a language other than JavaScript, another account's product.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Scripts;

public static class ScriptCalls
{
    /// <summary>A custom-format (DataFormat 0) product with the sample thing model.</summary>
    public static async Task<string> NewCustomProductAsync(this ThingyardServer server)
    {
        var pk = (await server.Call("CreateProduct", ("ProductName", RegistryCalls.Unique("Raw")), ("NodeType", "0"), ("DataFormat", "0"))).Str("ProductKey");
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", ConnectivityCalls.SampleTsl));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        return pk;
    }

    public static Task<JsonElement> SubmitScriptAsync(this ThingyardServer server, string pk, string script = ScriptSamples.Script) =>
        server.Call("CreateThingScript", ("ProductKey", pk), ("ScriptContent", script), ("ScriptType", "JavaScript"));

    public static async Task<JsonElement> TestRunAsync(this ThingyardServer server, string pk, string script, string direction, string payload, string? topic = null)
    {
        var p = new List<(string, string)> { ("ProductKey", pk), ("ScriptContent", script), ("Direction", direction), ("Payload", payload) };
        if (topic is not null) p.Add(("Topic", topic));
        return (await server.Call("TestThingScript", [.. p])).At("Data");
    }
}

/// <summary>Limits under which each failure has one cause whatever the machine's speed: a generous time limit (a memory
/// bomb reaches the memory limit long before it) and a statement limit an endless loop never reaches first.</summary>
public sealed class ScriptLimitsServer : ThingyardServer
{
    public ScriptLimitsServer()
    {
        Settings["Thingyard:Scripts:TimeoutMs"] = "2000";
        Settings["Thingyard:Scripts:MaxStatements"] = "2000000000";
    }
}

public sealed class ScriptActionTests(ScriptLimitsServer server) : IClassFixture<ScriptLimitsServer>
{
    [Fact]
    public async Task A_draft_is_saved_apart_from_the_submitted_script_and_GetThingScript_links_the_submitted_one()
    {
        var pk = await server.NewCustomProductAsync();
        (await server.Fails("GetThingScript", ("ProductKey", pk))).Code.ShouldBe("iot.script.NotExistedScript");

        await server.Call("SaveScript", ("ProductKey", pk), ("ScriptContent", "function rawDataToProtocol(b) { return {}; } // wip"), ("ScriptType", "JavaScript"));
        var draft = (await server.Call("GetThingScript", ("ProductKey", pk))).At("Data");
        Assert.Equal("JavaScript", draft.Str("ScriptType"));
        Assert.Equal("", draft.Str("ScriptUrl"));
        Assert.Contains("// wip", draft.Str("ScriptDraft"));
        // Updating needs a submitted script first.
        (await server.Fails("UpdateThingScript", ("ProductKey", pk), ("ScriptContent", ScriptSamples.Script), ("ScriptType", "JavaScript")))
            .Code.ShouldBe("iot.script.NotExistedScript");

        await server.SubmitScriptAsync(pk);
        var submitted = (await server.Call("GetThingScript", ("ProductKey", pk))).At("Data");
        Assert.Equal(ScriptSamples.Script, submitted.Str("ScriptContent"));
        Assert.Equal("", submitted.Str("ScriptDraft"));
        Assert.Equal(1, submitted.GetProperty("Version").GetInt32());
        using (var http = new HttpClient())
            Assert.Equal(ScriptSamples.Script, await http.GetStringAsync(submitted.Str("ScriptUrl")));
        (await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", ScriptSamples.Script), ("ScriptType", "JavaScript")))
            .Code.ShouldBe("iot.script.AlreadyExistedScript");

        var changed = ScriptSamples.Script + "\n// v2";
        await server.Call("UpdateThingScript", ("ProductKey", pk), ("ScriptContent", changed), ("ScriptType", "JavaScript"));
        var updated = (await server.Call("GetThingScript", ("ProductKey", pk))).At("Data");
        Assert.Equal(changed, updated.Str("ScriptContent"));
        Assert.Equal(2, updated.GetProperty("Version").GetInt32());
        // The old link names the old version: it no longer serves.
        using (var http = new HttpClient())
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(submitted.Str("ScriptUrl"))).StatusCode);
    }

    [Fact]
    public async Task Submissions_that_cannot_run_are_refused_with_the_reason()
    {
        var pk = await server.NewCustomProductAsync();
        var syntax = await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", "function rawDataToProtocol(b) {\n  return {;\n}"), ("ScriptType", "JavaScript"));
        syntax.Code.ShouldBe("iot.script.InvalidScript");
        Assert.Contains("Syntax at line 2", syntax.Message);

        var python = await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", "def raw_data_to_protocol(d):\n  return {}"), ("ScriptType", "Python_27"));
        python.Code.ShouldBe("iot.script.UnsupportedScriptType");
        Assert.Contains("only JavaScript", python.Message);
        (await server.Fails("SaveScript", ("ProductKey", pk), ("ScriptContent", "<?php"), ("ScriptType", "PHP_72"))).Code.ShouldBe("iot.script.UnsupportedScriptType");
        (await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", "x"), ("ScriptType", "Lua"))).Code.ShouldBe("iot.script.UnsupportedScriptType");

        var oversized = await server.Fails("SaveScript", ("ProductKey", pk), ("ScriptContent", "//" + new string('x', 200 * 1024)), ("ScriptType", "JavaScript"));
        oversized.Code.ShouldBe("iot.script.InvalidScript");
        Assert.Contains("at most 131,072", oversized.Message);

        // A custom-format product's devices need both directions.
        var half = await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", "function rawDataToProtocol(b) { return {}; }"), ("ScriptType", "JavaScript"));
        half.Code.ShouldBe("iot.script.InvalidScript");
        Assert.Contains("protocolToRawData", half.Message);
        // A top level that never ends is stopped when submitted.
        var loop = await server.Fails("CreateThingScript", ("ProductKey", pk), ("ScriptContent", "while (true) {}"), ("ScriptType", "JavaScript"));
        Assert.Contains("Timeout", loop.Message);

        var other = await server.NewAccountAsync("scripts");
        (await server.FailsAs(other, "CreateThingScript", ("ProductKey", pk), ("ScriptContent", ScriptSamples.Script), ("ScriptType", "JavaScript")))
            .Code.ShouldBe("iot.prod.NotExistedProduct");
        (await server.FailsAs(other, "GetThingScript", ("ProductKey", pk))).Code.ShouldBe("iot.prod.NotExistedProduct");
        (await server.FailsAs(other, "TestThingScript", ("ProductKey", pk), ("Payload", "00"))).Code.ShouldBe("iot.prod.NotExistedProduct");
    }

    [Fact]
    public async Task A_test_run_gives_the_output_of_each_function()
    {
        var pk = await server.NewCustomProductAsync();
        // -12.3 degrees: bytes 0xff 0x85, handed to the script as -1 and -123.
        var up = await server.TestRunAsync(pk, ScriptSamples.Script, "up", "0x" + Convert.ToHexString(ScriptSamples.Report(7, -123, 1)));
        Assert.Equal("success", up.Str("Status"));
        var alink = JsonDocument.Parse(up.Str("Output")).RootElement;
        Assert.Equal("thing.event.property.post", alink.Str("method"));
        Assert.Equal("7", alink.Str("id"));
        Assert.Equal(-12.3, alink.GetProperty("params").GetProperty("temperature").GetDouble());

        var down = await server.TestRunAsync(pk, ScriptSamples.Script, "down", """{"id":"9","version":"1.0","method":"thing.service.property.set","params":{"mode":1}}""");
        Assert.Equal("0x01000000097fff01", down.Str("OutputHex"));

        var transformed = await server.TestRunAsync(pk, ScriptSamples.Script, "up", "t=21.5;state=ok", topic: $"/{pk}/d1/user/update");
        Assert.Equal("""{"topic":"update","t":21.5,"state":"ok"}""", transformed.Str("Output"));

        // Without ScriptContent the saved draft runs.
        await server.Call("SaveScript", ("ProductKey", pk), ("ScriptContent", "function rawDataToProtocol(b) { return { n: b.length }; }"), ("ScriptType", "JavaScript"));
        var saved = (await server.Call("TestThingScript", ("ProductKey", pk), ("Direction", "up"), ("Payload", "01 02 03"))).At("Data");
        Assert.Equal("""{"n":3}""", saved.Str("Output"));
    }

    [Theory]
    [InlineData("function rawDataToProtocol(b) {\n  var x = ;\n}", "Syntax", 2)]
    [InlineData("function rawDataToProtocol(b) {\n  while (true) {}\n}", "Timeout", 0)]
    [InlineData("function rawDataToProtocol(b) {\n  var s = 'xxxxxxxx';\n  while (true) s = s + s;\n}", "Memory", 0)]
    [InlineData("function rawDataToProtocol(b) {\n  return f(b);\n}\nfunction f(b) { return f(b); }", "Limit", 0)]
    [InlineData("function rawDataToProtocol(b) {\n\n  throw new Error('bad frame');\n}", "Runtime", 3)]
    [InlineData("function rawDataToProtocol(b) {\n  return 'not an object';\n}", "Shape", 0)]
    [InlineData("function protocolToRawData(j) { return []; }", "Missing", 0)]
    public async Task A_failing_test_run_names_the_failure_and_where_it_happened(string script, string type, int line)
    {
        var pk = await server.NewCustomProductAsync();
        var run = await server.TestRunAsync(pk, script, "up", "00");
        Assert.Equal("failure", run.Str("Status"));
        Assert.Equal(type, run.Str("ErrorType"));
        Assert.NotEqual("", run.Str("ErrorMessage"));
        if (line > 0) Assert.Equal(line, run.GetProperty("Line").GetInt32());
        if (type == "Runtime") Assert.Contains("bad frame", run.Str("ErrorMessage"));
    }

    [Fact]
    public async Task A_down_run_that_returns_no_bytes_is_a_shape_failure_and_bad_test_input_is_refused()
    {
        var pk = await server.NewCustomProductAsync();
        var run = await server.TestRunAsync(pk, "function protocolToRawData(j) { return [1, 300]; }", "down", "{}");
        Assert.Equal("Shape", run.Str("ErrorType"));
        Assert.Contains("item 1", run.Str("ErrorMessage"));
        (await server.Fails("TestThingScript", ("ProductKey", pk), ("ScriptContent", "x"), ("Direction", "up"), ("Payload", "zz"))).Code.ShouldBe("InvalidParameter");
        (await server.Fails("TestThingScript", ("ProductKey", pk), ("ScriptContent", "x"), ("Direction", "down"), ("Payload", "{not json"))).Code.ShouldBe("InvalidParameter");
        (await server.Fails("TestThingScript", ("ProductKey", pk), ("ScriptContent", "x"), ("Direction", "sideways"), ("Payload", "00"))).Code.ShouldBe("InvalidParameter");
    }
}

static class Should
{
    public static void ShouldBe(this string actual, string expected) => Assert.Equal(expected, actual);
}
