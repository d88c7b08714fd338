// The AliGenie skill in a real Chromium, as the project's owner: from the project page to its Tmall Genie page, the
// skill created (the secret shown once, with the URLs for the AliGenie console), a lamp product's standard mapping
// shown, a bad override refused with its reason, a good one saved (the platform has it), and the skill deleted.
using Microsoft.Playwright;
using Thingyard.Tests.AliGenie;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class AliGenieConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task The_owner_creates_the_skill_and_saves_a_mapping_in_the_browser()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var project = await Server.ProjectAsync();
        var pk = await Server.CategoryProductAsync(project, "Lamp");
        var productName = (await Server.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ProductName");
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        await page.OpenAsync($"/console/projects/{project}");
        await page.ClickAsync("#project-aligenie");
        await Assertions.Expect(page.Locator("#no-skill")).ToBeVisibleAsync();
        await page.FillAsync("#aligenie-redirect", AliGenieKit.Callback);
        await page.ClickAsync("#create-aligenie-skill");
        await Assertions.Expect(page.Locator("#aligenie-client-id")).ToHaveTextAsync("aligenie_" + project);
        await Assertions.Expect(page.Locator("#aligenie-gateway-url")).ToContainTextAsync("/aligenie/v1/gateway");
        var secret = await page.Locator("#aligenie-client-secret").InnerTextAsync();
        Assert.Equal(40, secret.Length);
        Assert.Equal(AliGenieKit.Callback, (await Server.Call("QueryAliGenieSkill", ("ProjectId", project))).At("Data.RedirectUris")[0].GetString());
        await page.ScreenshotAsync("aligenie-skill");

        // Shown once: the page opened again has no secret.
        await page.OpenAsync($"/console/projects/{project}/aligenie");
        await Assertions.Expect(page.Locator("#aligenie-client-id")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#aligenie-client-secret")).ToHaveCountAsync(0);

        await page.SelectAsync("Product", $"{productName} ({pk})");
        await Assertions.Expect(page.Locator("#aligenie-device-type")).ToContainTextAsync("light");
        await Assertions.Expect(page.Locator("[data-test=aligenie-attribute]", new() { HasTextString = "Brightness" })).ToHaveCountAsync(1);

        await page.FillAsync("#aligenie-override", """{"deviceType":"toaster"}""");
        await page.ClickAsync("#save-aligenie-mapping");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("deviceType");

        var mapping = """{"deviceType":"switch","attributes":{"brightness":null}}""";
        await page.FillAsync("#aligenie-override", mapping);
        await page.ClickAsync("#save-aligenie-mapping");
        await Assertions.Expect(page.Snackbar("Mapping saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#aligenie-device-type")).ToContainTextAsync("switch");
        await Assertions.Expect(page.Locator("[data-test=aligenie-attribute]", new() { HasTextString = "Brightness" })).ToHaveCountAsync(0);
        Assert.Equal(mapping, (await Server.Call("QueryAliGenieMapping", ("ProductKey", pk))).Str("Data.Override"));

        await page.ClickAsync("#delete-aligenie-skill");
        await Assertions.Expect(page.Locator("#no-skill")).ToBeVisibleAsync();
        Assert.Equal("iot.aligenie.NotExistedSkill", (await Server.Fails("QueryAliGenieSkill", ("ProjectId", project))).Code);
    }
}
