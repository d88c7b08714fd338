// ID² in a real Chromium, as the operator's console user (the admin), through the five steps: the plan page → a new
// product in the ID² area → an IoT product of AuthType id2, listed by itself: its plan saved, quota allocated →
// identities generated, imported from a supplier's file, exported (csv and the SDK emulator's .dev_key zip) → a
// device connects over MQTT with an exported identity, which the page then shows activated → self-verification fails
// at the auth code for a wrong key, then passes every stage → the verification log lists both outcomes.
using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;
using MQTTnet;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Id2.Id2Calls;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Console;

public sealed class Id2ConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    ThingyardServer Server => console.Server;

    [Fact]
    public async Task The_five_steps_in_the_browser()
    {
        DeviceSteps.UseSlowMachineTimeouts();
        var pk = (await Server.Call("CreateProduct", ("ProductName", Unique("id2lock")), ("NodeType", "0"), ("AuthType", "id2"))).Str("ProductKey");
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);

        // Steps 1 and 2: the plans explained; the IoT product listed by itself; a product in the ID² area.
        await page.OpenAsync("/console/id2");
        await Assertions.Expect(page.Locator("[data-test=carrier-se]")).ToContainTextAsync("secure element");
        await Assertions.Expect(page.Locator("#id2-products")).ToContainTextAsync(pk);
        var areaName = Unique("meter");
        await page.FillAsync("#id2-name", areaName);
        await page.ClickAsync("#create-id2-product");
        await page.WaitForURLAsync(u => u.Contains("/console/id2/a1"));
        await Assertions.Expect(page.Locator("#id2-pattern")).ToContainTextAsync("your server verifies devices");

        // The IoT product: plan, quota.
        await page.OpenAsync($"/console/id2/{pk}");
        await Assertions.Expect(page.Locator("#id2-pattern")).ToContainTextAsync("connect over MQTT");
        await page.GetByLabel("ID² whitelist").CheckAsync();
        await page.ClickAsync("#save-plan");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Plan saved");
        Assert.True((await Server.Call("QueryId2Product", ("ProductKey", pk))).At("Data.Whitelist").GetBoolean());
        await page.GetByLabel("ID² whitelist").UncheckAsync(); // back off: devices register themselves
        await page.ClickAsync("#save-plan");
        await page.FillAsync("#id2-allocate-count", "2");
        await page.ClickAsync("#id2-allocate-button");
        await Assertions.Expect(page.Locator("#quota-remaining")).ToContainTextAsync("2");

        // Identities: generate two, import one, export both ways.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Identities" }).ClickAsync();
        await page.FillAsync("#generate-count", "2");
        await page.ClickAsync("#generate-batch");
        await Assertions.Expect(page.Locator("[data-test=batch-id]")).ToHaveCountAsync(1);
        var supplied = (Id2: Id2Identifier.New(), Key: Id2Key.Generate(Id2KeyType.Aes));
        await page.SetInputFilesAsync("#import-file", new FilePayload
        {
            Name = "chips.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"id2,key\n{supplied.Id2},{supplied.Key.Material}\nbroken,00\n"),
        });
        await Assertions.Expect(page.Locator("#import-result")).ToContainTextAsync("1 imported from chips.csv; refused: line 3");
        await Assertions.Expect(page.Locator("[data-test=identity-id2]")).ToHaveCountAsync(3);
        var batchId = await page.Locator("[data-test=batch-id]").Last.InnerTextAsync();
        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync($"#export-csv-{batchId}"));
        var lines = (await File.ReadAllTextAsync((await csv.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id2,keyType,key", lines[0]);
        var identities = lines.Skip(1).Select(l => l.Split(',')).Select(c => (Id2: c[0], Key: Id2Key.Parse(Id2KeyType.Aes, c[2]))).ToList();
        Assert.Equal(2, identities.Count);
        // The emulator's files are made for every identity of the batch: on a CI machine busy with the rest of the suite
        // this once took longer than Playwright's 20 s default.
        var zip = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync($"#export-km-{batchId}"), new() { Timeout = 90_000 });
        using (var archive = ZipFile.OpenRead((await zip.PathAsync())!))
        {
            var entry = archive.GetEntry($"{identities[0].Id2}/.dev_key")!;
            using var stream = entry.Open();
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Assert.Equal((identities[0].Id2, identities[0].Key.Material), (Id2DevKeyFile.Read(bytes.ToArray()).Id2, Convert.ToHexString(Id2DevKeyFile.Read(bytes.ToArray()).Key)));
        }
        await page.ScreenshotAsync("id2-identities");

        // Step 4: a device connects with the first exported identity; the page shows it activated.
        await using (var device = await MqttDevice.ConnectAsync(Options(Server, pk, "lock-1", Device(identities[0])), pk, "lock-1"))
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        await page.OpenAsync($"/console/id2/{pk}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Identities" }).ClickAsync();
        var first = page.Locator("#id2-identities tr").Filter(new() { HasText = identities[0].Id2 });
        await Assertions.Expect(first.Locator("[data-test=identity-status]")).ToHaveTextAsync("Activated");

        // Step 5: the second identity checked with a wrong key, then with its own.
        await page.Locator("#id2-identities tr").Filter(new() { HasText = identities[1].Id2 }).Locator($"#check-{identities[1].Id2}").ClickAsync();
        await Assertions.Expect(page.Locator("#verify-id2")).ToHaveValueAsync(identities[1].Id2);
        await page.FillAsync("#verify-key", Id2Key.Generate(Id2KeyType.Aes).Material);
        await page.ClickAsync("#run-verify");
        await Assertions.Expect(page.Locator("#verify-outcome")).ToContainTextAsync("Failed at stage: authCode");
        await Assertions.Expect(page.Locator("[data-test=stage-authCode] [data-test=stage-status]")).ToHaveTextAsync("failed");
        await Assertions.Expect(page.Locator("[data-test=stage-mqtt] [data-test=stage-status]")).ToHaveTextAsync("skipped");
        await page.FillAsync("#verify-key", "");
        await page.ClickAsync("#run-verify");
        await Assertions.Expect(page.Locator("#verify-outcome")).ToContainTextAsync("Every stage passed");
        await Assertions.Expect(page.Locator("[data-test=stage-mqtt] [data-test=stage-status]")).ToHaveTextAsync("passed");
        await page.ScreenshotAsync("id2-self-verification");

        // The verification log: the wrong key's 21 among the 200s, newest first.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Verification log" }).ClickAsync();
        var codes = page.Locator("#id2-log [data-test=log-code]");
        await Assertions.Expect(codes.First).ToHaveTextAsync("200");
        await Assertions.Expect(codes.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^21$") })).ToHaveCountAsync(1);
        await page.OpenAsync("/console/id2");
        var row = page.Locator("#id2-products tr").Filter(new() { HasText = pk });
        await Assertions.Expect(row.Locator("[data-test=id2-quota-used]")).ToHaveTextAsync("2 of 2");
    }
}
