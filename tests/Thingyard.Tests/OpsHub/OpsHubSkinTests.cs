// The project's skin through SetProjectBranding / QueryProjectBranding: good values are stored as given (colours in
// lower case), only the fields named change, an empty field clears; a bad colour, an oversized logo, a logo that is
// not an image (or not the image its type says) are refused and leave the skin as it was.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsHubSkinTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    public const string Png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    public static readonly string Svg = "data:image/svg+xml;base64," + Convert.ToBase64String(
        """<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><circle cx="12" cy="12" r="10" fill="#ffffff"/></svg>"""u8.ToArray());

    async Task<string> ProjectAsync() => (await server.Call("CreateProject", ("ProjectName", Unique("Skin")))).Str("Data.ProjectId");

    [Fact]
    public async Task A_skin_is_stored_changed_field_by_field_and_cleared()
    {
        var project = await ProjectAsync();
        Assert.Equal("Operations Hub", (await server.Call("QueryProjectBranding", ("ProjectId", project))).Str("Data.Name"));
        var set = await server.Call("SetProjectBranding", ("ProjectId", project), ("HubName", " Acme Care "), ("HubColor", "#8E24AA"), ("HubLogo", Svg),
            ("AppName", "Acme Home"), ("AppLogo", Png));
        Assert.Equal(("Acme Care", "#8e24aa", Svg, "Acme Home", Png), (set.Str("Data.HubName"), set.Str("Data.HubColor"), set.Str("Data.HubLogo"),
            set.Str("Data.AppName"), set.Str("Data.AppLogo")));

        await server.Call("SetProjectBranding", ("ProjectId", project), ("AppColor", "#00897b"), ("HubLogo", ""));
        var now = (await server.Call("QueryProjectBranding", ("ProjectId", project))).At("Data");
        Assert.Equal("Acme Care", now.Str("HubName"));
        Assert.Equal("#00897b", now.Str("AppColor"));
        Assert.False(now.TryGetProperty("HubLogo", out _)); // cleared (the answer leaves out what is not set)
        Assert.Equal(Png, now.Str("AppLogo"));
    }

    [Theory]
    [InlineData("HubColor", "purple", "#rrggbb")]
    [InlineData("HubColor", "#12345", "#rrggbb")]
    [InlineData("AppColor", "#1234567", "#rrggbb")]
    [InlineData("HubLogo", "https://example.com/logo.png", "data: URL")]
    [InlineData("HubLogo", "data:text/html;base64,PGgxPmhpPC9oMT4=", "data: URL")]
    [InlineData("AppLogo", "data:image/png;base64,PGgxPmhpPC9oMT4=", "not such an image")]
    [InlineData("HubLogo", "data:image/svg+xml;base64,PGgxPmhpPC9oMT4=", "not such an image")]
    [InlineData("HubLogo", "data:image/png;base64,@@@", "base64")]
    [InlineData("HubName", "\u0007bell", "control characters")]
    public async Task Bad_skin_input_is_refused_and_nothing_changes(string field, string value, string message)
    {
        var project = await ProjectAsync();
        await server.Call("SetProjectBranding", ("ProjectId", project), ("HubName", "Before"), ("HubColor", "#111111"));
        var refused = await server.Fails("SetProjectBranding", ("ProjectId", project), ("HubName", "After"), (field, value));
        Assert.Equal("iot.common.InvalidFormattedParameter", refused.Code);
        Assert.Contains(message, refused.Message);
        var now = (await server.Call("QueryProjectBranding", ("ProjectId", project))).At("Data");
        Assert.Equal(("Before", "#111111"), (now.Str("HubName"), now.Str("HubColor")));
    }

    [Fact]
    public async Task A_logo_over_48_KB_is_refused()
    {
        var project = await ProjectAsync();
        var png = Convert.FromBase64String(Png["data:image/png;base64,".Length..]);
        var big = "data:image/png;base64," + Convert.ToBase64String([.. png, .. new byte[40 * 1024]]);
        Assert.True(big.Length > 48 * 1024);
        var refused = await server.Fails("SetProjectBranding", ("ProjectId", project), ("HubLogo", big));
        Assert.Contains("at most 48 KB", refused.Message);
        var fits = "data:image/png;base64," + Convert.ToBase64String([.. png, .. new byte[30 * 1024]]);
        await server.Call("SetProjectBranding", ("ProjectId", project), ("HubLogo", fits));
    }
}
