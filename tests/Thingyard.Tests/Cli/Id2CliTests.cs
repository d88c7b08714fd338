// `thingyard id2 ...` and `thingyard simulate --id2` against a live server: an IoT product created with --auth-type
// id2, its plan and quota, a batch generated and exported (csv and the SDK emulator's .dev_key zip), two simulated
// devices connecting with exported identities, and `id2 verify` from the device's own files (csv and .dev_key) and on
// the server, passing, and failing at the stage it names (a wrong key, a suspended identity).
using System.IO.Compression;
using System.Text.RegularExpressions;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class Id2CliTests(ThingyardServer server) : IClassFixture<ThingyardServer>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("thingyard-id2-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Mqtt => $"mqtt://127.0.0.1:{server.MqttPort}";

    [Fact]
    public async Task Identities_are_made_exported_used_and_verified_from_the_command_line()
    {
        var created = await CliRun.RunAsync(server, "product", "create", Unique("id2cam"), "--auth-type", "id2");
        Assert.True(created.Code == 0, created.Err);
        var pk = Regex.Match(created.Out, @"ProductKey:\s+(\S+)").Groups[1].Value;

        var plan = await CliRun.RunAsync(server, "id2", "plan", pk, "--carrier", "tee", "--key-type", "aes");
        Assert.True(plan.Code == 0, plan.Err);
        Assert.Matches(@"Carrier:\s+tee", plan.Out);
        Assert.Contains("Quota: 0 of 0 used, 0 left", plan.Out);
        Assert.Matches(@"Remaining:\s+3", (await CliRun.RunAsync(server, "id2", "allocate", pk, "3")).Out);
        var batch = await CliRun.RunAsync(server, "id2", "batch", pk, "--count", "3");
        var batchId = Regex.Match(batch.Out, @"BatchId:\s+(id2b_\w+)").Groups[1].Value;
        Assert.NotEmpty(batchId);

        var csv = Path.Combine(_dir, "line.csv");
        Assert.Equal($"wrote 3 identities to {csv}", (await CliRun.RunAsync(server, "id2", "export", batchId, "-o", csv)).Out.Trim());
        var ids = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')[0]).ToList();
        // Not yet activated: listed with no device and no activation time.
        Assert.Matches($@"(?m)^{ids[0]}\s+aes\s+issued\s+-\s*$", (await CliRun.RunAsync(server, "id2", "list", pk)).Out);
        var zip = Path.Combine(_dir, "emulator.zip");
        Assert.Equal(0, (await CliRun.RunAsync(server, "id2", "export", batchId, "--format", "km-demo", "-o", zip)).Code);

        // Two simulated devices, each with one identity from the file, register themselves and connect.
        var run = await CliRun.RunAsync(server, "simulate", "--product", pk, "--id2", csv, "--count", "2", "--rate", "5", "--duration", "2",
            "--mqtt", Mqtt, "--json");
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal(2, run.Json.GetProperty("Connected").GetInt32());
        var activated = await CliRun.RunAsync(server, "id2", "list", pk, "--status", "activated");
        Assert.Matches($@"(?m)^{ids[0]}\s+aes\s+activated\s+sim-0001", activated.Out);
        Assert.Matches($@"(?m)^{ids[1]}\s+aes\s+activated\s+sim-0002", activated.Out);

        // The third identity verified from its csv line, as the device: every stage, one unit of quota.
        var verified = await CliRun.RunAsync(server, "id2", "verify", pk, ids[2], "--key-file", csv, "--mqtt", Mqtt);
        Assert.True(verified.Code == 0, verified.Out + verified.Err);
        foreach (var stage in new[] { "identity", "challenge", "authCode", "activation", "quota", "mqtt" })
            Assert.Matches($@"(?m)^{stage}\s+passed\s", verified.Out);
        Assert.Contains("3 of 3 used, 0 left (one by this check)", verified.Out);

        // The first identity from the SDK emulator's .dev_key file, and on the server.
        var devKey = Path.Combine(_dir, ".dev_key");
        using (var archive = ZipFile.OpenRead(zip)) archive.GetEntry($"{ids[0]}/.dev_key")!.ExtractToFile(devKey);
        var fromDevKey = await CliRun.RunAsync(server, "id2", "verify", pk, "--key-file", devKey, "--device-name", "sim-0001", "--mqtt", Mqtt);
        Assert.True(fromDevKey.Code == 0, fromDevKey.Out + fromDevKey.Err);
        Assert.Matches(@"(?m)^activation\s+passed\s+Already active", fromDevKey.Out);
        Assert.Equal(0, (await CliRun.RunAsync(server, "id2", "verify", pk, ids[1])).Code);

        // A wrong key fails at the auth code; a suspended identity too; the exit code says so.
        var wrong = Path.Combine(_dir, "wrong.csv");
        File.WriteAllText(wrong, $"{ids[1]},aes,{Id2Key.Generate(Id2KeyType.Aes).Material}\n");
        var failed = await CliRun.RunAsync(server, "id2", "verify", pk, "--key-file", wrong, "--mqtt", Mqtt);
        Assert.Equal(1, failed.Code);
        Assert.Matches(@"(?m)^authCode\s+failed\s+21:", failed.Out);
        Assert.Matches(@"(?m)^mqtt\s+skipped\s", failed.Out);
        Assert.Contains("self-verification failed at stage authCode", failed.Err);
        Assert.Matches($@"Status:\s+suspended", (await CliRun.RunAsync(server, "id2", "status", ids[1], "suspended")).Out);
        var suspended = await CliRun.RunAsync(server, "id2", "verify", pk, ids[1], "--key-file", csv, "--mqtt", Mqtt);
        Assert.Matches(@"(?m)^authCode\s+failed\s+45:", suspended.Out);

        var log = await CliRun.RunAsync(server, "id2", "log", pk);
        Assert.Matches($@"(?m)\s{ids[1]}\s+Verify\s+45\s", log.Out);
        Assert.Matches($@"(?m)\s{ids[1]}\s+Verify\s+21\s", log.Out);
        Assert.Matches($@"(?m)^{pk}\s+.+\s+iot\s+tee\s+aes\s+3\s+0\s*$", (await CliRun.RunAsync(server, "id2", "products")).Out);
    }
}
