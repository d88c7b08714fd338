// The console's Distribution pages in a real browser, against two real instances of a federation (the console's server
// "iotx-a" in Shanghai and a peer "iotx-b" in Singapore, the same admin account on both): a job made from a CSV upload
// runs to the peer and shows what became of each device; the form shows the platform's refusals; a cross-account job
// takes a code asked for on one console and read from the other's inbox; a viewer is refused.
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Console;

/// <summary>The console's server and one peer, federated as Federation's A and B.</summary>
public sealed class ConsoleFederationFixture : ConsoleFixture, IAsyncLifetime
{
    public ThingyardServer Peer { get; } = new();

    public override async Task InitializeAsync()
    {
        var all = new[] { (Server, Federation.AInfo), (Peer, Federation.BInfo) };
        foreach (var (server, _) in all)
        {
            server.HttpPort = ThingyardServer.FreePort();
            server.Settings["Thingyard:Mqtt:Port"] = ThingyardServer.FreePort().ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (server, spec) in all) Federation.Configure(server, spec, all.Where(x => x.Item1 != server).ToArray());
        Peer.Settings["Thingyard:Admin:Password"] = AdminPassword;
        await Peer.InitializeAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Peer.DisposeAsync();
    }
}

public sealed class DistributionTests(ConsoleFederationFixture fed) : IClassFixture<ConsoleFederationFixture>
{
    ThingyardServer A => fed.Server;
    ThingyardServer B => fed.Peer;
    static readonly string ToB = Federation.BInfo.Id;

    async Task<IPage> AdminPageAsync()
    {
        var page = await fed.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        return page;
    }

    [Fact]
    public async Task A_job_from_a_csv_distributes_devices_to_the_second_instance_and_shows_each_devices_result()
    {
        var (productKey, devices) = await A.ProductWithDevicesAsync(2, "Dist");
        var page = await AdminPageAsync();
        await page.SubmitDistributionJobAsync(productKey, ToB, csv: $"DeviceName\r\n{devices[0]}\r\n\"{devices[1]}\"\r\nghost_device\r\n");
        await page.WaitForURLAsync(new Regex("/console/distribution/jobs/dj_"));
        var jobId = (await page.Locator("#job-id").TextContentAsync())!.Trim();

        Assert.Equal("completed", await page.JobFinishedAsync());
        await Assertions.Expect(page.Locator("#job-progress")).ToContainTextAsync("2 of 3 distributed, 1 failed");
        await Assertions.Expect(page.Locator("#job-targets")).ToContainTextAsync(ToB);
        foreach (var name in devices)
        {
            await Assertions.Expect(page.JobItem(name).Locator("[data-test=item-code]")).ToHaveTextAsync("200");
            await Assertions.Expect(page.JobItem(name).Locator("[data-test=item-result]")).ToHaveTextAsync("distributed");
        }
        await Assertions.Expect(page.JobItem("ghost_device").Locator("[data-test=item-code]")).ToHaveTextAsync("404");
        await Assertions.Expect(page.JobItem("ghost_device").Locator("[data-test=item-result]")).ToHaveTextAsync("device not found");

        // The devices are at B now, and the result file behind the page's link says the same as the page.
        Assert.Equal(devices[0], (await B.Call("QueryDeviceDetail", ("ProductKey", productKey), ("DeviceName", devices[0]))).Str("Data.DeviceName"));
        using (var http = new HttpClient())
        {
            var csv = await http.GetStringAsync(await page.Locator("#job-result-csv").GetAttributeAsync("href"));
            Assert.Contains($"{devices[0]},200,distributed,{ToB}", csv);
            Assert.Contains("ghost_device,404,device not found", csv);
        }

        await page.OpenAsync("/console/distribution");
        var row = page.Locator("#jobs-table tbody tr", new() { HasTextString = jobId });
        await Assertions.Expect(row.Locator("[data-test=job-status]")).ToHaveTextAsync("completed");
        await Assertions.Expect(row.Locator("[data-test=job-progress]")).ToContainTextAsync("2 of 3 distributed, 1 failed");
        await page.ScreenshotAsync("distribution");

        // A finished job's record can go; what it distributed stays at B.
        await row.Locator("[data-test=job-link]").ClickAsync();
        await page.ClickAsync("#delete-job");
        await page.ConfirmAsync("Delete");
        await page.WaitForURLAsync(u => u.EndsWith("/console/distribution", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#jobs-table [data-test=job-link]", new() { HasTextString = jobId })).ToHaveCountAsync(0);
        Assert.Equal("iot.distribution.NotExistedJob", (await A.Fails("QueryDeviceDistributeJob", ("JobId", jobId))).Code);
    }

    [Fact]
    public async Task The_new_job_form_shows_the_platforms_message_when_the_job_breaks_a_rule()
    {
        var (productKey, devices) = await A.ProductWithDevicesAsync(1, "Dist");
        var page = await AdminPageAsync();

        await page.SubmitDistributionJobAsync(productKey, null, names: devices);
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("Name the target instance");
        await page.ClickAsync("#dist-names");
        await page.FillAsync("#dist-names", "");
        await page.SelectAsync("Target instance", ToB);
        await page.ClickAsync("#create-job");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("\"DeviceName.1\" that is mandatory");
        await page.SubmitDistributionJobAsync(productKey, ToB, names: devices, targetUid: "2999999999999999");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("needs the receiving account's authorization code");
        Assert.Contains("/console/distribution/new", page.Url);

        // The CSV template is the REST API's.
        var template = await page.Locator("#dist-template").GetAttributeAsync("href");
        Assert.Equal("data:text/csv;charset=utf-8,DeviceName%0A", template);
    }

    [Fact]
    public async Task A_cross_account_job_uses_a_code_asked_for_here_and_read_in_the_other_accounts_inbox_on_its_console()
    {
        var uid = "2" + Random.Shared.NextInt64(100000000000000, 999999999999999).ToString(CultureInfo.InvariantCulture);
        var receiverUser = RegistryCalls.Unique("receiver");
        var receiver = await B.AccountWithUserAsync(receiverUser, "receiver-password-1", uid);
        var (productKey, devices) = await A.ProductWithDevicesAsync(1, "Dist");

        var page = await AdminPageAsync();
        await page.OpenAsync("/console/distribution/codes");
        await page.SelectAsync("Its instance", ToB);
        await page.FillAsync("#code-uid", uid);
        await page.ClickAsync("#request-code");
        await Assertions.Expect(page.Locator("#code-requested")).ToContainTextAsync($"Asked account {uid} on {ToB}");
        await Assertions.Expect(page.Locator("[data-test=no-codes]")).ToBeVisibleAsync(); // asked of B's account, not this one

        var atB = await fed.Browser.SignedInPageAsync(B, receiverUser, "receiver-password-1");
        await atB.OpenAsync("/console/distribution/codes");
        var codeCell = atB.Locator("#code-inbox [data-test=auth-code]").First;
        await Assertions.Expect(codeCell).ToHaveTextAsync(new Regex(@"^\d{8}$"));
        var code = (await codeCell.TextContentAsync())!;
        await Assertions.Expect(atB.Locator("#code-inbox")).ToContainTextAsync(Federation.AdminUid);

        await page.SubmitDistributionJobAsync(productKey, ToB, names: devices, targetUid: uid, authCode: code);
        await page.WaitForURLAsync(new Regex("/console/distribution/jobs/dj_"));
        Assert.Equal("completed", await page.JobFinishedAsync());
        await Assertions.Expect(page.Locator("#job-target-uid")).ToHaveTextAsync(uid);
        var detail = await B.Rpc(receiver.AccessKeyId, receiver.AccessKeySecret).CallAsync("QueryDeviceDetail",
            [KeyValuePair.Create("ProductKey", productKey), KeyValuePair.Create("DeviceName", devices[0])]);
        Assert.Equal(devices[0], detail.Str("Data.DeviceName"));

        // The code was used up: the same one again is refused with the target's word.
        var (_, more) = await A.ProductWithDevicesAsync(1, "Dist");
        await page.SubmitDistributionJobAsync(productKey, ToB, names: more, targetUid: uid, authCode: code);
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("The target refused the authorization code");
    }

    [Fact]
    public async Task A_viewer_sees_jobs_but_a_forced_create_or_retry_is_refused_with_forbidden()
    {
        await A.AddConsoleUserAsync("distviewer", "viewer-password-1", "viewer");
        var (productKey, devices) = await A.ProductWithDevicesAsync(1, "Dist");
        var jobId = await A.DistributeAsync(productKey, devices, 0, [ToB]);
        await A.FinishedAsync(jobId);

        var page = await fed.NewPageAsync();
        await page.SignInAsync("distviewer", "viewer-password-1");
        await page.OpenAsync($"/console/distribution/jobs/{jobId}");
        await Assertions.Expect(page.JobItem(devices[0]).Locator("[data-test=item-code]")).ToHaveTextAsync("200");
        await Assertions.Expect(page.Locator("[data-test=read-only]")).ToBeVisibleAsync();
        await page.ForceClickAsync("#retry-job");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");

        var (_, others) = await A.ProductWithDevicesAsync(1, "Dist");
        await page.OpenAsync("/console/distribution/new");
        await page.FillAsync("#dist-product", productKey);
        await page.SelectAsync("Target instance", ToB);
        await page.FillAsync("#dist-names", others[0]);
        await page.ForceClickAsync("#create-job");
        await Assertions.Expect(page.ErrorLine()).ToContainTextAsync("the viewer role cannot change anything");
        Assert.Contains("/console/distribution/new", page.Url);
    }

    [Fact]
    public async Task The_distribution_pages_fit_a_phone_screen()
    {
        var (productKey, devices) = await A.ProductWithDevicesAsync(1, "Dist");
        var jobId = await A.DistributeAsync(productKey, devices, 0, [ToB]);
        var page = await fed.NewPageAsync(390, 844);
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.FitsAsync("/console/distribution", "#new-job");
        await page.FitsAsync("/console/distribution/new", "#create-job");
        await page.FitsAsync("/console/distribution/codes", "#request-code");
        await page.FitsAsync($"/console/distribution/jobs/{jobId}", "#retry-job");
        await Assertions.Expect(page.JobItem(devices[0])).ToBeVisibleAsync();
    }
}
