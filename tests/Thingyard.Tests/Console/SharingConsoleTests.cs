// Sharing between accounts in a real Chromium, as the owner's console user (the admin) and a partner account's, side by
// side: the owner authorizes a device by account ID on the Device authorization page → the partner finds the product
// on its Authorized products tab and opens the device from the product's Authorized devices tab, its secret withheld → the owner revokes → the partner's
// open device page says its access was revoked, and then that it does not exist → the owner proposes a transfer of another device → the partner accepts it on
// Pending transfers → the device is the partner's own, secret and all.
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Sharing;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class SharingConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task A_device_is_authorized_viewed_revoked_and_transferred_in_the_browser()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var partnerUser = Unique("partner");
        var partner = await Server.AccountWithUserAsync(partnerUser, "partner-password-1");
        var pk = await Server.ReleasedLampAsync();
        var shared = (await Server.NewDeviceAsync(pk)).Str("DeviceName");
        var moving = await Server.NewDeviceAsync(pk);

        var owner = await console.NewPageAsync();
        await owner.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        var other = await console.NewPageAsync();
        await other.SignInAsync(partnerUser, "partner-password-1");

        // Before: the partner's tab says when it opens.
        await other.OpenAsync("/console/products/authorized");
        await Assertions.Expect(other.Locator("[data-test=no-authorized-products]")).ToBeVisibleAsync();

        // The owner authorizes one device by account ID.
        await owner.OpenAsync("/console/sharing");
        await ChooseProductAsync(owner, "Product (released)", pk);
        await owner.FillAsync("#share-devices", shared);
        await owner.ClickAsync("#share-by-id");
        await owner.FillAsync("#share-target", partner.AccountUid);
        await owner.ClickAsync("#share-authorize");
        await Assertions.Expect(owner.Locator("[data-test=authorized-device]")).ToContainTextAsync(shared);
        await Assertions.Expect(owner.Locator("[data-test=authorized-product]")).ToContainTextAsync(pk);
        await owner.ScreenshotAsync("device-authorization");

        // The partner: the product on its tab, from the owner; the device without its secret.
        await other.OpenAsync("/console/products/authorized");
        var row = other.Locator("[data-test=authorized-product-row]");
        await Assertions.Expect(row).ToContainTextAsync(pk);
        await other.ScreenshotAsync("authorized-products");
        await other.OpenAsync($"/console/products/{pk}?tab=authorized");
        await Assertions.Expect(other.Locator("#product-authorized-banner")).ToBeVisibleAsync();
        // The owner-only tabs are off (MudBlazor marks a disabled tab with its class, not aria-disabled).
        await Assertions.Expect(other.GetByRole(AriaRole.Tab, new() { Name = "Release", Exact = true })).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-disabled"));
        await Assertions.Expect(other.Locator("[data-test=product-authorized-device]")).ToHaveCountAsync(1);
        await other.Locator("[data-test=product-authorized-device] a").ClickAsync();
        await other.WaitForURLAsync(u => u.EndsWith($"/console/devices/{pk}/{shared}"));
        await Assertions.Expect(other.Locator("#device-secret-withheld")).ToBeVisibleAsync();
        await Assertions.Expect(other.Locator("#device-iotid")).Not.ToBeEmptyAsync();

        // Revoked: the partner's open page says so at once, and its next look finds nothing.
        await owner.Locator("[data-test=revoke-device]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-test=no-authorized-devices]")).ToBeVisibleAsync();
        await Assertions.Expect(other.Locator("#device-not-found")).ToContainTextAsync("revoked", new() { Timeout = 3_000 });
        await other.OpenAsync($"/console/devices/{pk}/{shared}");
        await Assertions.Expect(other.Locator("#device-not-found")).ToBeVisibleAsync();

        // A transfer of the other device: proposed by the owner, accepted on the partner's pending transfers.
        await owner.FillAsync("#share-devices", moving.Str("DeviceName"));
        await owner.ClickAsync("#share-transfer");
        await Assertions.Expect(owner.Locator("[data-test=outgoing-transfer] [data-test=transfer-status]")).ToHaveTextAsync("PENDING");
        await other.OpenAsync("/console/products/authorized");
        await other.ClickAsync("#tab-pending-transfers");
        await Assertions.Expect(other.Locator("[data-test=pending-transfer]")).ToContainTextAsync(moving.Str("DeviceName"));
        await other.Locator("[data-test=accept-transfer]").ClickAsync();
        await Assertions.Expect(other.Locator("[data-test=no-pending-transfers]")).ToBeVisibleAsync();
        await other.OpenAsync($"/console/devices/{pk}/{moving.Str("DeviceName")}");
        await other.ClickAsync("#reveal-secret");
        await Assertions.Expect(other.Locator("#device-secret")).ToHaveTextAsync(moving.Str("DeviceSecret"));
        await owner.OpenAsync("/console/sharing");
        await Assertions.Expect(owner.Locator("[data-test=outgoing-transfer] [data-test=transfer-status]")).ToHaveTextAsync("ACCEPTED");
    }

    static async Task ChooseProductAsync(IPage page, string label, string pk)
    {
        var select = page.GetByRole(AriaRole.Combobox, new() { Name = label });
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = pk }).ClickAsync();
        await Assertions.Expect(select).ToContainTextAsync(pk);
    }
}
