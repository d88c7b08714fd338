// `thingyard production` in-process against a live server: the operator allocates, a developer account runs batches by
// count and from a names file (rejections shown with the file's lines), follows them, and downloads the credentials.
using Thingyard.Cli;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Lifecycle;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class ProductionCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task Codes_are_allocated_batches_run_and_credentials_are_downloaded()
    {
        var b = await server.NewAccountAsync(Unique("clifab"));
        var pk = (await server.CallAs(b, "CreateProduct", ("ProductName", Unique("CliMass")), ("NodeType", "0"))).Str("ProductKey");
        await server.ReleaseAsync(b, pk);
        var asB = CliRun.Environment(server, b);

        var allocated = await CliRun.RunAsync(server, "production", "allocate", b.AccountUid, "30");
        Assert.True(allocated.Code == 0, allocated.Err);
        Assert.Equal("30", Field(allocated.Out, "Remaining"));
        var refused = await CliRun.RunAsync(asB, "production", "allocate", b.AccountUid, "5");
        Assert.Equal(1, refused.Code);
        Assert.Contains("RamActionPermissionDeny", refused.Err);

        var byCount = await CliRun.RunAsync(asB, "production", "batch", pk, "--count", "3");
        Assert.True(byCount.Code == 0, byCount.Err);
        var countBatch = Field(byCount.Out, "BatchId");

        var dir = Directory.CreateTempSubdirectory("thingyard-production-");
        var namesFile = Path.Combine(dir.FullName, "names.csv");
        var (first, second) = (Unique("cli"), Unique("cli"));
        await File.WriteAllTextAsync(namesFile, $"DeviceName\n{first}\nbad!\n{second}\n");
        var byNames = await CliRun.RunAsync(asB, "production", "batch", pk, "--names-file", namesFile);
        Assert.True(byNames.Code == 0, byNames.Err);
        Assert.Equal("2", Field(byNames.Out, "Codes"));
        Assert.Matches(@"(?m)^3\s+bad!\s+invalid name", byNames.Out);
        var namesBatch = Field(byNames.Out, "BatchId");

        Assert.Equal("25", Field((await CliRun.RunAsync(asB, "production", "quota")).Out, "Remaining"));
        Assert.Equal("5", Field((await CliRun.RunAsync(server, "production", "quota", "--account", b.AccountUid)).Out, "Used"));

        Assert.True(await CliRun.WaitUntilAsync(async () =>
            Field((await CliRun.RunAsync(asB, "production", "show", countBatch)).Out, "Status") == "CREATE_SUCCESS"
            && Field((await CliRun.RunAsync(asB, "production", "show", namesBatch)).Out, "Status") == "CREATE_SUCCESS"));
        Assert.Equal("3", Field((await CliRun.RunAsync(asB, "production", "show", countBatch)).Out, "Created"));

        var list = await CliRun.RunAsync(asB, "production", "list", pk);
        Assert.StartsWith("BATCH ID", list.Out);
        Assert.Contains(countBatch, list.Out);
        Assert.Contains(namesBatch, list.Out);
        Assert.Contains("2 batches", list.Out);

        var csvFile = Path.Combine(dir.FullName, "credentials.csv");
        var saved = await CliRun.RunAsync(asB, "production", "credentials", countBatch, "-o", csvFile);
        Assert.True(saved.Code == 0, saved.Err);
        Assert.Equal($"wrote 3 devices to {csvFile}\n", saved.Out.Replace("\r", ""));
        var lines = (await File.ReadAllLinesAsync(csvFile)).Where(l => l.Length > 0).ToList();
        Assert.Equal("ProductKey,DeviceName,DeviceSecret", lines[0]);
        Assert.Equal(3, lines.Count - 1);

        var printed = await CliRun.RunAsync(asB, "production", "credentials", namesBatch);
        Assert.Equal([first, second], printed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]));

        Assert.Equal(CliApp.UsageError, (await CliRun.RunAsync(asB, "production", "batch", pk, "--count", "1", "--names-file", namesFile)).Code);
        var notReleased = (await server.CallAs(b, "CreateProduct", ("ProductName", Unique("Draft")), ("NodeType", "0"))).Str("ProductKey");
        var draft = await CliRun.RunAsync(asB, "production", "batch", notReleased, "--count", "1");
        Assert.Equal(1, draft.Code);
        Assert.Contains("iot.production.ProductNotReleased", draft.Err);
        dir.Delete(recursive: true);
    }
}
