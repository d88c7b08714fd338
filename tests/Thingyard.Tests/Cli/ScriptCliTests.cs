// `thingyard script save|get|test` in-process against a live server: a draft and a submission, the test run's output,
// a failing run's place in the script, and a refusal.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Scripts;

namespace Thingyard.Tests.Cli;

public sealed class ScriptCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_script_is_saved_read_back_and_test_run_from_the_command_line()
    {
        var env = CliRun.Environment(server);
        var pk = await server.NewCustomProductAsync();
        var file = Path.Combine(Path.GetTempPath(), RegistryCalls.Unique("parser") + ".js");
        await File.WriteAllTextAsync(file, ScriptSamples.Script);
        try
        {
            var draft = await CliRun.RunAsync(env, "script", "save", pk, file, "--draft");
            Assert.True(draft.Code == 0, draft.Err);
            Assert.Equal(ScriptSamples.Script, (await CliRun.RunAsync(env, "script", "get", pk, "--draft")).Out);
            Assert.Equal("", (await CliRun.RunAsync(env, "script", "get", pk)).Out);

            var submitted = await CliRun.RunAsync(env, "script", "save", pk, file);
            Assert.True(submitted.Code == 0, submitted.Err);
            Assert.Contains("submitted", submitted.Out);
            Assert.Equal(0, (await CliRun.RunAsync(env, "script", "save", pk, file)).Code); // the second save updates it
            Assert.Equal(ScriptSamples.Script, (await CliRun.RunAsync(env, "script", "get", pk)).Out);

            var up = await CliRun.RunAsync(env, "script", "test", pk, "--payload", "0x" + Convert.ToHexString(ScriptSamples.Report(3, 215, 0)));
            Assert.True(up.Code == 0, up.Err);
            Assert.Contains("\"temperature\":21.5", up.Out);
            var down = await CliRun.RunAsync(env, "script", "test", pk, "--direction", "down", "--payload", """{"id":"1","method":"thing.service.property.set","params":{"mode":1}}""");
            Assert.Equal("0x01000000017fff01", down.Out.Trim());

            await File.WriteAllTextAsync(file, "function rawDataToProtocol(b) {\n  return b.nothing.here;\n}");
            var failing = await CliRun.RunAsync(env, "script", "test", pk, "--payload", "00", "--file", file);
            Assert.Equal(1, failing.Code);
            Assert.Contains("error: Runtime at line 2", failing.Err);

            var missing = await CliRun.RunAsync(env, "script", "save", "nosuchproduct", file);
            Assert.Equal(1, missing.Code);
            Assert.Contains("iot.prod.NotExistedProduct", missing.Err);
        }
        finally { File.Delete(file); }
    }
}
