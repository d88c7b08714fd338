// `thingyard share ...` and `thingyard transfer ...` against a live server, as two accounts: devices authorized and
// listed on both sides, revoked in the platform's order, a product published to the pool after the agreement, and a
// transfer proposed, listed as pending by the target, and accepted.
using System.Text.RegularExpressions;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Sharing;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class ShareCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Devices_are_authorized_revoked_published_and_transferred_from_the_command_line()
    {
        var name = Unique("partner");
        var partner = await server.NewAccountAsync(name);
        var asPartner = CliRun.Environment(server, partner);
        var pk = await server.ReleasedLampAsync();
        var device = (await server.NewDeviceAsync(pk)).Str("DeviceName");

        var granted = await CliRun.RunAsync(server, "share", "devices", pk, device, "--to-name", name);
        Assert.True(granted.Code == 0, granted.Err);
        Assert.Equal($"1 device(s) of {pk} authorized to {name}", granted.Out.Trim());
        Assert.Matches($@"(?m)^{pk}\s+{device}\s+{partner.AccountUid}\s+{name}", (await CliRun.RunAsync(server, "share", "list")).Out);
        Assert.Matches($@"(?m)^{pk}\s+.+\s+{partner.AccountUid}\s+1\s*$", (await CliRun.RunAsync(server, "share", "products")).Out);
        Assert.Matches($@"(?m)^{pk}\s+.+\s+\d+\s+1\s*$", (await CliRun.RunAsync(asPartner, "share", "authorized")).Out);

        var early = await CliRun.RunAsync(server, "share", "revoke-product", pk, "--to-uid", partner.AccountUid);
        Assert.NotEqual(0, early.Code);
        Assert.Contains("revoke their authorizations first", early.Err);
        Assert.Equal(0, (await CliRun.RunAsync(server, "share", "revoke", pk, device, "--to-uid", partner.AccountUid)).Code);
        Assert.Equal($"product {pk} no longer authorized to {partner.AccountUid}",
            (await CliRun.RunAsync(server, "share", "revoke-product", pk, "--to-uid", partner.AccountUid)).Out.Trim());

        var unagreed = await CliRun.RunAsync(server, "share", "publish", pk);
        Assert.NotEqual(0, unagreed.Code);
        Assert.Contains("cannot be undone", unagreed.Err);
        Assert.Equal(0, (await CliRun.RunAsync(server, "share", "publish", pk, "--accept-agreement")).Code);

        var proposed = await CliRun.RunAsync(server, "transfer", "propose", pk, device, "--to-uid", partner.AccountUid);
        Assert.True(proposed.Code == 0, proposed.Err);
        var id = Regex.Match(proposed.Out, @"transfer (dt_\w+) proposed").Groups[1].Value;
        Assert.Matches($@"(?m)^{id}\s+PENDING\s+{pk}\s+{device}\s+", (await CliRun.RunAsync(asPartner, "transfer", "list")).Out);
        Assert.Equal($"transfer {id} accepted", (await CliRun.RunAsync(asPartner, "transfer", "accept", id)).Out.Trim());
        Assert.Matches($@"(?m)^{id}\s+ACCEPTED\s+", (await CliRun.RunAsync(server, "transfer", "list", "--outgoing")).Out);
        Assert.NotEmpty((await server.CallAs(partner, "QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", device))).Str("Data.DeviceSecret"));
    }
}
