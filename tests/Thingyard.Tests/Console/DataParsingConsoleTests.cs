// The product's "Data parsing" tab in a real browser: a script that does not parse is refused with its line, a draft
// is saved, a sample payload is test-run to its Alink output (and a failing run shows where it failed), and the
// submitted script then decodes a real device's bytes.
using Microsoft.Playwright;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Scripts;

namespace Thingyard.Tests.Console;

public sealed class DataParsingConsoleTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task A_script_is_written_test_run_and_submitted_from_the_data_parsing_tab()
    {
        var server = console.Server;
        var pk = await server.NewCustomProductAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(ConsoleFixture.AdminUser, ConsoleFixture.AdminPassword);
        await page.OpenProductAsync(pk, "parsing");
        await Assertions.Expect(page.Locator("#script-state")).ToHaveTextAsync("No script yet.");

        await page.FillAsync("#script-content", "function rawDataToProtocol(b) {\n  return {;\n}");
        await page.ClickAsync("#submit-script");
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("Syntax at line 2");

        await page.FillAsync("#script-content", ScriptSamples.Script);
        await page.ClickAsync("#save-script-draft");
        await Assertions.Expect(page.Locator("#script-state")).ToHaveTextAsync("Showing the saved draft (not yet submitted).");

        await page.FillAsync("#test-payload", "0x" + Convert.ToHexString(ScriptSamples.Report(5, 215, 1)));
        await page.ClickAsync("#run-script-test");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("\"temperature\":21.5");
        await Assertions.Expect(page.Locator("#test-result")).ToHaveAttributeAsync("data-status", "success");
        await page.FillAsync("#test-payload", "09");
        await page.ClickAsync("#run-script-test");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("Runtime at line");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("unknown command 9");

        await page.ClickAsync("#submit-script");
        await Assertions.Expect(page.Locator("#script-state")).ToHaveTextAsync("Submitted: version 1.");

        // The submitted script is the one devices get.
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync(device.Sys("thing/model/up_raw_reply"));
        await device.PublishAsync(device.Sys("thing/model/up_raw"), ScriptSamples.Report(6, 215, 1), qos: 1);
        var reply = await device.NextAsync(r => r.Topic == device.Sys("thing/model/up_raw_reply"));
        Assert.Equal(new byte[] { 0x02, 0, 0, 0, 6, 0xc8 }, reply.Bytes);
    }
}
