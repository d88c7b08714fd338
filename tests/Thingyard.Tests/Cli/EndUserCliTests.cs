// `thingyard app` and `thingyard enduser` end to end against a real server: an app created (its secret printed once),
// listed, disabled, its secret reset, deleted; bind codes printed as CSV, the code binding the device in the app;
// who has the device. And a bad AppKey refused with the platform's error.
using System.Net.Http.Json;
using Thingyard.Tests.EndUsers;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class EndUserCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Apps_bind_codes_and_bindings_from_the_command_line()
    {
        var lamp = await server.ReleasedLampAsync();
        var created = await CliRun.RunAsync(server, "app", "create", "Lamp app", "--project", lamp.ProjectId);
        Assert.Equal(0, created.Code);
        var appKey = System.Text.RegularExpressions.Regex.Match(created.Out, @"AppKey:\s+(\d{8})").Groups[1].Value;
        Assert.Matches(@"AppSecret:\s+[A-Za-z0-9]{32}", created.Out);
        Assert.Matches($@"(?m)^{appKey}\s+Lamp app\s+enabled", (await CliRun.RunAsync(server, "app", "list", "--project", lamp.ProjectId)).Out);
        Assert.Matches(@"Enabled:\s+false", (await CliRun.RunAsync(server, "app", "disable", appKey)).Out);
        Assert.Matches($@"(?m)^{appKey}\s+Lamp app\s+disabled", (await CliRun.RunAsync(server, "app", "list", "--project", lamp.ProjectId)).Out);
        var reset = await CliRun.RunAsync(server, "app", "reset-secret", appKey);
        Assert.Matches(@"AppSecret:\s+[A-Za-z0-9]{32}", reset.Out);
        Assert.Equal(0, (await CliRun.RunAsync(server, "app", "delete", appKey)).Code);
        var gone = await CliRun.RunAsync(server, "app", "delete", appKey);
        Assert.NotEqual(0, gone.Code);
        Assert.Contains("iot.app.NotExistedApp", gone.Err);

        var d = await server.NewDeviceAsync(lamp.ProductKey);
        var codes = await CliRun.RunAsync(server, "enduser", "bind-codes", "--product", lamp.ProductKey, "--device", d.Str("DeviceName"));
        var lines = codes.Out.Trim().Split('\n');
        Assert.Equal("ProductKey,DeviceName,IotId,BindCode,QrText", lines[0].Trim());
        var row = lines[1].Trim().Split(',');
        Assert.Equal((lamp.ProductKey, d.Str("DeviceName"), d.Str("IotId")), (row[0], row[1], row[2]));
        using var user = await server.SignUpAsync(lamp.ProjectId);
        await user.BindByCodeAsync(lamp.ProductKey, row[3]);

        var bindings = await CliRun.RunAsync(server, "enduser", "bindings", "--product", lamp.ProductKey, "--device", d.Str("DeviceName"));
        Assert.Matches($@"(?m)^{user.UserId}\s+{System.Text.RegularExpressions.Regex.Escape(user.Login)}\s+owner\s", bindings.Out);
    }
}
