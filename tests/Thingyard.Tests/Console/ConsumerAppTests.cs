// The consumer app in a real Chromium, at a phone's size, with the project's brand: an end user signs up → adds a
// simulated lamp by the code printed on it → the panel drawn from the product's HMI shows the lamp's live value →
// toggling the switch reaches the lamp → a family member is invited, accepts and switches it too → the owner removes
// the member, whose next switch is refused at once and reaches nothing → the owner unbinds the lamp.
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Thingyard.Tests.EndUsers;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class ConsumerAppTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    static async Task SignUpAsync(IPage page, string projectId, string login)
    {
        await page.GotoAsync($"/app/{projectId}/");
        await page.Locator("[data-testid=switch-mode]").ClickAsync();
        await page.FillAsync("[data-testid=login]", login);
        await page.FillAsync("[data-testid=password]", "pass-word-1");
        await page.Locator("[data-testid=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=add-device]")).ToBeVisibleAsync();
    }

    static ILocator Switch(IPage page) => page.Locator("label.switch:has(input[data-identifier=LightSwitch])");

    [Fact]
    public async Task An_end_user_adds_a_lamp_controls_it_shares_it_and_unbinds_it()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var lamp = await Server.ReleasedLampAsync();
        await Server.Call("SetProjectBranding", ("ProjectId", lamp.ProjectId), ("AppName", "Lumo Home"), ("AppColor", "#00897b"));
        var d = await Server.NewDeviceAsync(lamp.ProductKey);
        var code = await Server.BindCodeAsync(lamp.ProductKey, d.Str("DeviceName"));
        await using var device = await MqttDevice.ConnectAsync(Server, lamp.ProductKey, d.Str("DeviceName"), d.Str("DeviceSecret"));
        await device.SubscribeAsync(device.Sys("thing/service/property/set"));
        await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"Temp":21.5,"LightSwitch":0}""", qos: 1);

        // The brand: name on the page and in the installable app's manifest, colour in the bar.
        using (var http = Server.Http())
        {
            var manifest = await http.GetFromJsonAsync<JsonElement>($"/app/{lamp.ProjectId}/manifest.webmanifest");
            Assert.Equal(("Lumo Home", "standalone", "#00897b"), (manifest.Str("name"), manifest.Str("display"), manifest.Str("theme_color")));
            var pageResponse = await http.GetAsync($"/app/{lamp.ProjectId}/");
            Assert.True(pageResponse.IsSuccessStatusCode, $"{pageResponse.StatusCode}: {await pageResponse.Content.ReadAsStringAsync()}");
        }
        var owner = await console.NewPageAsync(390, 844);
        var ownerLogin = Unique("owner").ToLowerInvariant() + "@example.test";
        await SignUpAsync(owner, lamp.ProjectId, ownerLogin);
        await Assertions.Expect(owner.Locator("[data-testid=brand-name]")).ToHaveTextAsync("Lumo Home");
        Assert.Equal("rgb(0, 137, 123)", await owner.Locator("header.bar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        // Add the lamp by the code on its label; its panel shows the reported value, then a new one as it comes.
        await owner.Locator("[data-testid=add-device]").ClickAsync();
        await owner.FillAsync("[data-testid=product-key]", lamp.ProductKey);
        await owner.FillAsync("[data-testid=bind-code]", code);
        await owner.Locator("[data-testid=bind]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=device-status]")).ToHaveTextAsync("Online");
        await Assertions.Expect(owner.Locator("[data-value=Temp]").First).ToHaveTextAsync("21.5");
        await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"Temp":23.0}""", qos: 1);
        await Assertions.Expect(owner.Locator("[data-value=Temp]").First).ToHaveTextAsync("23.0");
        await owner.ScreenshotAsync("consumer-app-panel");

        // The switch reaches the lamp.
        await Switch(owner).ClickAsync();
        var on = await device.NextAsync(r => r.Topic.EndsWith("/thing/service/property/set"));
        Assert.Equal(1, on.Json.GetProperty("params").GetProperty("LightSwitch").GetInt32());

        // A family member: signs up, is invited, accepts, switches the lamp.
        var member = await console.NewPageAsync(390, 844);
        var memberLogin = Unique("kid").ToLowerInvariant() + "@example.test";
        await SignUpAsync(member, lamp.ProjectId, memberLogin);
        await owner.FillAsync("[data-testid=invitee]", memberLogin);
        await owner.Locator("[data-testid=invite]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=member]")).ToHaveCountAsync(2);
        await member.ReloadAsync();
        await member.Locator("[data-testid=accept]").ClickAsync();
        await member.Locator("[data-testid=device]").ClickAsync();
        await Assertions.Expect(member.Locator("[data-testid=device-status]")).ToHaveTextAsync("Online");
        await Switch(member).ClickAsync();
        await device.NextAsync(r => r.Topic.EndsWith("/thing/service/property/set"));

        // Removed by the owner: the member's next switch is refused at once and reaches nothing.
        await owner.Locator("[data-testid=remove-member]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=member]")).ToHaveCountAsync(1);
        await Switch(member).ClickAsync();
        await Assertions.Expect(member.Locator("[data-testid=toast]")).ToContainTextAsync("not one of yours");
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/thing/service/property/set"), 500));

        // Unbound: the owner's list is empty again.
        owner.Dialog += (_, dialog) => dialog.AcceptAsync();
        await owner.Locator("[data-testid=unbind]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=device]")).ToHaveCountAsync(0);
        await Assertions.Expect(owner.Locator("[data-testid=add-device]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_maker_manages_apps_prints_bind_codes_and_sees_who_has_a_device()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var lamp = await Server.ReleasedLampAsync();
        var d = await Server.NewDeviceAsync(lamp.ProductKey);
        using var user = await Server.SignUpAsync(lamp.ProjectId);
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenAsync($"/console/projects/{lamp.ProjectId}");
        await page.ClickAsync("#project-apps-link");
        await page.WaitForURLAsync(u => u.EndsWith("/apps"));
        await page.WaitReadyAsync();
        await Assertions.Expect(page.Locator("#consumer-app-link")).ToContainTextAsync($"/app/{lamp.ProjectId}/");

        // An app: its secret shown once, and it signs (the API accepts it: QueryProprietaryAppList lists it).
        await page.FillAsync("#new-app-name", "Lamp app");
        await page.ClickAsync("#create-app");
        await Assertions.Expect(page.Locator("[data-test=app-secret]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Za-z0-9]{32}$"));
        await Assertions.Expect(page.Locator("[data-test=app-row]")).ToHaveCountAsync(1);
        var appKey = (await Server.Call("QueryProprietaryAppList", ("ProjectId", lamp.ProjectId))).Str("Data.List.0.AppKey");
        await page.ClickAsync($"#toggle-{appKey}");
        await Assertions.Expect(page.Locator("#apps")).ToContainTextAsync("disabled");
        Assert.False((await Server.Call("QueryProprietaryAppList", ("ProjectId", lamp.ProjectId))).At("Data.List.0.Enabled").GetBoolean());

        // Bind codes: the file's code binds the device in the app.
        await page.Locator("#code-product").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new System.Text.RegularExpressions.Regex(lamp.ProductKey) }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-codes"));
        var lines = File.ReadAllLines(await download.PathAsync());
        Assert.Equal("ProductKey,DeviceName,IotId,BindCode,QrText", lines[0]);
        var row = lines[1].Split(',');
        Assert.Equal((lamp.ProductKey, d.Str("DeviceName")), (row[0], row[1]));
        Assert.EndsWith($"/app/{lamp.ProjectId}/#add?pk={lamp.ProductKey}&code={row[3]}", row[4]);
        await user.BindByCodeAsync(lamp.ProductKey, row[3]);

        // Who has the device: the end user just bound.
        await page.FillAsync("#lookup-product", lamp.ProductKey);
        await page.FillAsync("#lookup-device", d.Str("DeviceName"));
        await page.ClickAsync("#lookup-bindings");
        await Assertions.Expect(page.Locator("#bindings")).ToContainTextAsync(user.Login);
        await Assertions.Expect(page.Locator("#bindings")).ToContainTextAsync("owner");
        await page.ScreenshotAsync("console-project-apps");
    }
}
