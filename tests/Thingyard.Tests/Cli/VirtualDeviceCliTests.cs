// `thingyard virtual-device create|list|start|stop|delete` against a live server.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cli;

public sealed class VirtualDeviceCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static List<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [Fact]
    public async Task Create_list_start_stop_and_delete_a_virtual_device()
    {
        var pk = await server.NewModelledProductAsync();
        var created = await CliRun.RunAsync(server, "virtual-device", "create", pk, "--name", "vd_cli", "--interval", "60",
            "--replies", """{"ping":{"code":200}}""", "--json");
        Assert.True(created.Code == 0, created.Err);
        Assert.Equal("vd_cli", created.Json.GetProperty("Data").GetProperty("DeviceName").GetString());

        var started = await CliRun.RunAsync(server, "virtual-device", "start", pk, "vd_cli");
        Assert.True(started.Code == 0, started.Err);
        Assert.Contains("started", started.Out);
        var list = await CliRun.RunAsync(server, "virtual-device", "list", pk);
        var lines = Lines(list.Out);
        Assert.StartsWith("DEVICE NAME", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("vd_cli ", StringComparison.Ordinal) && l.Contains(" yes ", StringComparison.Ordinal));

        Assert.Equal(0, (await CliRun.RunAsync(server, "virtual-device", "stop", pk, "vd_cli")).Code);
        Assert.Equal(0, (await CliRun.RunAsync(server, "virtual-device", "delete", pk, "vd_cli")).Code);
        Assert.Single(Lines((await CliRun.RunAsync(server, "virtual-device", "list", pk)).Out));

        var refused = await CliRun.RunAsync(server, "virtual-device", "start", pk, "vd_cli");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("NotExistedDevice", refused.Err);
    }
}
