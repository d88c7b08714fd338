// The console's Mass production and Release review pages in a real browser: the operator (the first admin) allocates
// codes to its own account, makes batches of a released product by count and from an uploaded CSV (a bad line shown
// with its line number), follows a batch and downloads its credentials; rejects another account's submission with a
// reason; a viewer sees the buttons disabled and a forced click refused; an unreleased product is refused.
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public sealed class ProductionConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => fixture.Server;

    async Task<IPage> AdminPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    [Fact]
    public async Task The_operator_allocates_codes_makes_batches_by_count_and_from_a_csv_and_downloads_the_credentials()
    {
        var (pk, name) = await Server.ReleasedProductAsync();
        var page = await AdminPageAsync();
        await page.OpenAsync("/console/production");
        await Assertions.Expect(page.Locator("#allocate-panel")).ToBeVisibleAsync();
        var allocated = await page.QuotaShownAsync("allocated");
        var remaining = await page.QuotaShownAsync("remaining");

        // Codes to the admin account itself (the uid left empty means one's own).
        await page.FillAsync("#alloc-count", "20");
        await page.Locator("#alloc-count").BlurAsync();
        await page.ClickAsync("#allocate-codes");
        await Assertions.Expect(page.Locator("#quota-allocated")).ToHaveTextAsync((allocated + 20).ToString());
        await Assertions.Expect(page.Locator("#quota-remaining")).ToHaveTextAsync((remaining + 20).ToString());
        remaining += 20;

        // Five devices by count: five codes spent.
        await page.CreateBatchByCountAsync(name, 5);
        var batchId = await page.CreatedBatchIdAsync();
        await Assertions.Expect(page.Locator("#quota-remaining")).ToHaveTextAsync((remaining - 5).ToString());
        remaining -= 5;
        await Assertions.Expect(page.Locator("#batches-table [data-test=batch-link]", new() { HasTextString = batchId })).ToBeVisibleAsync();

        // From a CSV: line 3 breaks the name rule and is shown with its line; the two good names cost two codes.
        var (good1, good2) = (RegistryCalls.Unique("csv"), RegistryCalls.Unique("csv"));
        await page.CreateBatchFromCsvAsync(name, $"DeviceName\n{good1}\nbad name!\n{good2}\n");
        var csvBatch = await page.CreatedBatchIdAsync(previous: batchId);
        var rejected = page.Locator("#batch-rejected [data-test=rejected-line]");
        await Assertions.Expect(rejected).ToHaveCountAsync(1);
        await Assertions.Expect(rejected.Locator("[data-test=rejected-line-no]")).ToHaveTextAsync("3");
        await Assertions.Expect(rejected.Locator("[data-test=rejected-name]")).ToHaveTextAsync("bad name!");
        await Assertions.Expect(page.Locator("#quota-remaining")).ToHaveTextAsync((remaining - 2).ToString());
        Assert.Equal(2, (await Server.Call("QueryProductionBatch", ("BatchId", csvBatch))).At("Data.Codes").GetInt32());

        // The batch's page: its numbers until all five exist, then the credentials through the signed link.
        await page.Locator("#batches-table [data-test=batch-link]", new() { HasTextString = batchId }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/console/production/batches/{batchId}$"));
        await Assertions.Expect(page.Locator("#batch-created")).ToHaveTextAsync("5", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#batch-status")).ToHaveAttributeAsync("data-status", "CREATE_SUCCESS");
        await Assertions.Expect(page.Locator("#batch-product")).ToHaveTextAsync(pk);
        await Assertions.Expect(page.Locator("#batch-activated")).ToHaveTextAsync("0");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#batch-credentials"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("ProductKey,DeviceName,DeviceSecret", lines[0]);
        Assert.Equal(5, lines.Length - 1);
        Assert.All(lines.Skip(1), l =>
        {
            var cells = l.Split(',');
            Assert.Equal(pk, cells[0]);
            Assert.False(string.IsNullOrWhiteSpace(cells[2]), l);
        });

        // The CSV batch's page lists its rejected line too.
        await page.OpenAsync($"/console/production/batches/{csvBatch}");
        await Assertions.Expect(page.Locator("#batch-rejected [data-test=rejected-line-no]")).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task A_batch_for_an_unreleased_product_shows_the_platforms_refusal()
    {
        var name = RegistryCalls.Unique("Dev");
        await Server.Call("CreateProduct", ("ProductName", name), ("NodeType", "0"));
        var page = await AdminPageAsync();
        await page.OpenAsync("/console/production");
        await page.CreateBatchByCountAsync(name, 3);
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("is not released");
        await Assertions.Expect(page.Locator("#new-batch-result")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_operator_rejects_another_accounts_submission_with_a_reason_and_it_leaves_the_queue()
    {
        var maker = await Server.NewAccountAsync(RegistryCalls.Unique("maker"));
        var (pk, name) = await Server.SubmittedProductAsync(maker);
        var page = await AdminPageAsync();
        await page.OpenAsync("/console/releases");
        var row = page.ReleaseRow(pk);
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("[data-test=release-product]")).ToContainTextAsync(name);
        await Assertions.Expect(row.Locator("[data-test=release-account]")).ToContainTextAsync(maker.AccountUid);
        await Assertions.Expect(row.Locator("[data-test=release-waiver]")).ToContainTextAsync("prototype devices at the factory");
        await Assertions.Expect(row.Locator("[data-test=history]")).ToHaveCountAsync(0); // another account's history is not the operator's to read

        // Without a reason the platform refuses; with one the product goes back to development.
        await row.Locator("[data-test=reject]").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.Locator("#reject-submit").ClickAsync();
        await Assertions.Expect(dialog.Locator("[data-test=error]")).ToContainTextAsync("needs a Reason");
        await page.FillAsync("#reject-reason", "The panel needs a chart of Temp");
        await page.Locator("#reject-reason").BlurAsync();
        await dialog.Locator("#reject-submit").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.ReleaseRow(pk)).ToHaveCountAsync(0);

        var product = (await Server.CallAs(maker, "QueryProduct", ("ProductKey", pk))).At("Data");
        Assert.Equal("rejected", product.Str("ReleaseState"));
        var history = (await Server.CallAs(maker, "QueryProductReleaseHistory", ("ProductKey", pk))).At("Data.List");
        Assert.Equal("The panel needs a chart of Temp", history[0].Str("Reason"));
    }

    [Fact]
    public async Task A_viewer_sees_disabled_buttons_a_forced_batch_refused_and_no_release_queue()
    {
        var (_, name) = await Server.ReleasedProductAsync();
        await Server.AddConsoleUserAsync("prodviewer", "viewer-password-1", "viewer");
        var page = await fixture.NewPageAsync();
        await page.SignInAsync("prodviewer", "viewer-password-1");

        await page.OpenAsync("/console/production");
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#allocate-panel")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#create-batch")).ToBeDisabledAsync();
        await page.ChooseBatchProductAsync(name);
        await page.ForceClickAsync("#create-batch");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");

        await page.OpenAsync("/console/releases");
        await Assertions.Expect(page.Locator("#not-operator")).ToContainTextAsync("Only the platform operator");
        await Assertions.Expect(page.Locator("#release-queue")).ToHaveCountAsync(0);
    }
}
