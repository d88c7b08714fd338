// Steps on the console's Mass production and Release review pages, and the products those tests need, made through the
// OpenAPI as a developer would: a thing model, a panel, the information confirmed, submitted with the checklist waived
// (and, for a released product, approved by the operator's key).
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Lifecycle;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

public static class ProductionConsoleSteps
{
    /// <summary>A product of the admin account, released: submitted and approved through the API.</summary>
    public static async Task<(string ProductKey, string Name)> ReleasedProductAsync(this ThingyardServer server)
    {
        var (pk, name) = await server.SubmittedProductAsync(null);
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        return (pk, name);
    }

    /// <summary>A product waiting for review, of the admin account (null) or of <paramref name="account"/>.</summary>
    public static async Task<(string ProductKey, string Name)> SubmittedProductAsync(this ThingyardServer server, TestAccount? account)
    {
        var name = RegistryCalls.Unique("Line");
        var create = new[] { ("ProductName", name), ("NodeType", "0") };
        var pk = (await (account is null ? server.Call("CreateProduct", create) : server.CallAs(account, "CreateProduct", create))).Str("ProductKey");
        await server.SubmitForReleaseAsync(account, pk);
        return (pk, name);
    }

    /// <summary>A figure of the activation codes shown (allocated, used, remaining).</summary>
    public static async Task<long> QuotaShownAsync(this IPage page, string which) =>
        long.Parse((await page.Locator($"#quota-{which}").TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Chooses the product of a new batch on the Mass production page and waits until the circuit has it.</summary>
    public static async Task ChooseBatchProductAsync(this IPage page, string productName)
    {
        await page.SelectAsync("Product", productName);
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Product", Exact = true })).ToContainTextAsync(productName);
    }

    /// <summary>Starts a batch of <paramref name="count"/> generated names; the caller checks the answer.</summary>
    public static async Task CreateBatchByCountAsync(this IPage page, string productName, int count)
    {
        await page.ChooseBatchProductAsync(productName);
        await page.ClickAsync("#batch-mode-count");
        await page.FillAsync("#batch-count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#batch-count").BlurAsync();
        await page.ClickAsync("#create-batch");
    }

    /// <summary>Starts a batch from an uploaded CSV of names; the caller checks the answer.</summary>
    public static async Task CreateBatchFromCsvAsync(this IPage page, string productName, string csv)
    {
        await page.ChooseBatchProductAsync(productName);
        await page.ClickAsync("#batch-mode-csv");
        var file = new FilePayload { Name = "names.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) };
        // The file input is wired to the circuit by a script once rendered; a file chosen the moment it appears can come
        // before that, so it is chosen again, as a person would.
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("#batch-csv-upload input[type=file]").SetInputFilesAsync(file);
            try
            {
                await Assertions.Expect(page.Locator("#batch-csv-read")).ToContainTextAsync("names.csv", new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
        await page.ClickAsync("#create-batch");
    }

    /// <summary>The batch id of the batch just created on the Mass production page.</summary>
    /// <param name="previous">the batch created before on this page, still shown until the circuit renders the answer</param>
    public static async Task<string> CreatedBatchIdAsync(this IPage page, string? previous = null)
    {
        var link = page.Locator("#new-batch-result-link");
        await Assertions.Expect(link).ToHaveTextAsync(new Regex("^pb_"));
        if (previous is not null) await Assertions.Expect(link).Not.ToHaveTextAsync(previous);
        return (await link.TextContentAsync())!.Trim();
    }

    /// <summary>The row of one product in the release queue.</summary>
    public static ILocator ReleaseRow(this IPage page, string productKey) =>
        page.Locator("#release-queue tbody tr", new() { HasTextString = productKey });
}
