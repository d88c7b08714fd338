// `thingyard product config show|set|push` against a live server: save a file, read it back with its versions, push it
// to a connected device, and the errors a user can act on.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed class ProductConfigCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>, IDisposable
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"thingyard-config-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Set_show_and_push_a_configuration_file()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/config/push");
        await using var _ = device;
        Assert.Equal("no configuration file", (await CliRun.RunAsync(server, "product", "config", "show", d.ProductKey)).Out.Trim());

        await File.WriteAllTextAsync(_file, "interval=30\nmode=eco\n");
        var set = await CliRun.RunAsync(server, "product", "config", "set", d.ProductKey, _file, "--json");
        Assert.Equal(0, set.Code);
        var configId = set.Json.GetProperty("configId").GetString()!;

        var show = await CliRun.RunAsync(server, "product", "config", "show", d.ProductKey);
        Assert.Equal(0, show.Code);
        Assert.StartsWith("interval=30\nmode=eco\n", show.Out);
        Assert.Contains(configId, show.Out);

        var push = await CliRun.RunAsync(server, "product", "config", "push", d.ProductKey);
        Assert.Equal($"pushed {configId} to 1 connected device(s)", push.Out.Trim());
        var pushed = (await device.NextAsync(r => r.Topic == device.Sys("thing/config/push"))).Json;
        Assert.Equal(configId, pushed.GetProperty("params").GetProperty("configId").GetString());
    }

    [Fact]
    public async Task Refusals_read_as_one_error_line()
    {
        var productKey = await server.NewProductAsync();
        await File.WriteAllTextAsync(_file, new string('x', 64 * 1024 + 1));
        var tooBig = await CliRun.RunAsync(server, "product", "config", "set", productKey, _file);
        Assert.Equal(1, tooBig.Code);
        Assert.Contains("64 KB", tooBig.Err);

        var missing = await CliRun.RunAsync(server, "product", "config", "set", productKey, _file + ".absent");
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("error: cannot read", missing.Err);

        var nothing = await CliRun.RunAsync(server, "product", "config", "push", productKey);
        Assert.Equal(1, nothing.Code);
        Assert.Contains("iot.config.NotExistedConfigFile", nothing.Err);
    }
}
