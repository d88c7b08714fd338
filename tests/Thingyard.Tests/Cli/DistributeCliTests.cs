// `thingyard distribute` and `thingyard notifications` against three federated instances (A Shanghai, B Singapore,
// C Frankfurt): jobs created from a CSV file or names and followed to the end, exit codes 0/3/1/2, failed devices
// named with their reasons, cross-account codes read from the receiver's inbox, nearest access, and the job commands.
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed class DistributeCliTests(Federation fed) : IClassFixture<Federation>, IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "thingyard-cli-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    string WriteFile(string name, string text)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    Task<CliResult> AtA(params string[] args) => CliRun.RunAsync(fed.A, args);

    static string JobId(CliResult result) => Regex.Match(result.Out, @"\bdj_[A-Za-z0-9]+").Value;

    /// <summary>The value of a "Key: value" line of human output.</summary>
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    static async Task<string> StatusAtAsync(ThingyardServer server, TestDevice d) =>
        (await server.Call("QueryDeviceDetail", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName))).Str("Data.Status");

    [Fact]
    public async Task Devices_from_a_csv_file_or_by_name_move_to_B_and_the_command_exits_0()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d1 = await fed.A.NewTestDeviceAsync(pk);
        var d2 = await fed.A.NewTestDeviceAsync(pk);
        var d3 = await fed.A.NewTestDeviceAsync(pk);
        var csv = WriteFile("devices.csv", $"DeviceName\r\n{d1.DeviceName}\r\n\"{d2.DeviceName}\"\r\n");

        var fromCsv = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--csv", csv);
        Assert.True(fromCsv.Code == 0, fromCsv.Out + fromCsv.Err);
        Assert.StartsWith($"job {JobId(fromCsv)}: distributing 2 devices of {pk} to {Federation.BInfo.Id}", fromCsv.Out);
        Assert.Contains($"job {JobId(fromCsv)} completed in ", fromCsv.Out);
        Assert.Contains("2 of 2 devices distributed", fromCsv.Out);
        Assert.Contains("completed: 2 done, 0 failed of 2", fromCsv.Err); // progress goes to stderr when stdout is not a terminal
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.B, d1));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.B, d2));

        var byName = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", d3.DeviceName, "--json");
        Assert.True(byName.Code == 0, byName.Out + byName.Err);
        var json = byName.Json;
        Assert.Equal(2, json.At("job.status").GetInt32());
        Assert.Equal(1, json.At("job.done").GetInt32());
        var result = Assert.Single(json.GetProperty("results").EnumerateArray());
        Assert.Equal(d3.DeviceName, result.Str("deviceName"));
        Assert.Equal(200, result.At("code").GetInt32());
        Assert.Equal(Federation.BInfo.Id, result.Str("targetInstanceId"));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.B, d3));
    }

    [Fact]
    public async Task A_missing_device_exits_3_and_the_job_commands_show_retry_and_delete_it()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var real = await fed.A.NewTestDeviceAsync(pk);
        var run = await AtA("distribute", "devices", pk, "--to", Federation.CInfo.Id, "--names", $"{real.DeviceName},ghost_device");
        Assert.True(run.Code == 3, run.Out + run.Err);
        var jobId = JobId(run);
        Assert.Contains("1 of 2 devices distributed, 1 not", run.Out);
        var failedRow = Assert.Single(run.Out.Split('\n'), l => l.StartsWith("ghost_device", StringComparison.Ordinal));
        Assert.Contains("404", failedRow);
        Assert.Contains("device not found", failedRow);
        Assert.DoesNotContain(run.Out.Split('\n'), l => l.StartsWith(real.DeviceName, StringComparison.Ordinal));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.C, real));

        var status = await AtA("distribute", "status", jobId);
        Assert.True(status.Code == 0, status.Err);
        Assert.Equal("completed", Field(status.Out, "Status"));
        Assert.Equal("2", Field(status.Out, "Total"));
        Assert.Equal("1", Field(status.Out, "Done"));
        Assert.Equal("1", Field(status.Out, "Failed"));
        Assert.Equal(Federation.CInfo.Id, Field(status.Out, "Targets"));
        Assert.Equal("specified region (0)", Field(status.Out, "Strategy"));
        Assert.Equal(jobId, (await AtA("distribute", "status", jobId, "--json")).Json.Str("jobId"));

        var list = await AtA("distribute", "list", "--product", pk);
        Assert.True(list.Code == 0, list.Err);
        Assert.StartsWith("JOB ID", list.Out);
        var row = Assert.Single(list.Out.Split('\n'), l => l.StartsWith(jobId, StringComparison.Ordinal));
        Assert.Contains("completed", row);
        Assert.Contains(Federation.CInfo.Id, row);
        Assert.Contains("1 job", list.Out);

        var results = await AtA("distribute", "results", jobId);
        Assert.True(results.Code == 0, results.Err);
        Assert.StartsWith("DEVICE NAME", results.Out);
        Assert.Contains(results.Out.Split('\n'), l => l.StartsWith(real.DeviceName, StringComparison.Ordinal) && l.Contains("200") && l.Contains(Federation.CInfo.Id));
        Assert.Contains(results.Out.Split('\n'), l => l.StartsWith("ghost_device", StringComparison.Ordinal) && l.Contains("device not found"));
        var raw = await AtA("distribute", "results", jobId, "--csv");
        Assert.StartsWith("DeviceName,Code,Result,TargetInstanceId\n", raw.Out);
        Assert.Contains("ghost_device,404,device not found,", raw.Out);
        var asJson = (await AtA("distribute", "results", jobId, "--json")).Json;
        Assert.Equal(2, asJson.GetArrayLength());

        // Retry: a missing device is not retried, so it stays failed and the exit code stays 3.
        var retry = await AtA("distribute", "retry", jobId);
        Assert.True(retry.Code == 3, retry.Out + retry.Err);
        Assert.StartsWith($"job {jobId}: retrying", retry.Out);
        Assert.Contains("ghost_device", retry.Out);

        var deleted = await AtA("distribute", "delete", jobId);
        Assert.True(deleted.Code == 0, deleted.Err);
        Assert.Contains($"deleted job {jobId}", deleted.Out);
        var gone = await AtA("distribute", "status", jobId);
        Assert.Equal(1, gone.Code);
        Assert.StartsWith("error: iot.distribution.NotExistedJob: ", gone.Err);
        var again = await AtA("distribute", "delete", jobId);
        Assert.Equal(1, again.Code);
        Assert.StartsWith("error: iot.distribution.NotExistedJob: ", again.Err);
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.C, real)); // what the job distributed stays distributed
    }

    [Fact]
    public async Task Cross_account_distribution_with_a_code_requested_from_the_CLI_and_read_from_the_receivers_inbox()
    {
        var targetUid = "3" + Random.Shared.NextInt64(100000000000000, 999999999999999);
        using var admin = fed.B.Rest();
        var created = await (await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "cli-receiver", uid = targetUid })).Content.ReadFromJsonAsync<JsonElement>();
        var receiver = new TestAccount(targetUid, created.Str("accessKeyId"), created.Str("accessKeySecret"));
        var atB = CliRun.Environment(fed.B, receiver);

        var empty = await CliRun.RunAsync(atB, "notifications");
        Assert.True(empty.Code == 0, empty.Err);
        Assert.Equal("no notifications", empty.Out.Trim());

        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        var withoutCode = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", d.DeviceName, "--target-uid", targetUid);
        Assert.Equal(1, withoutCode.Code);
        Assert.StartsWith("error: ", withoutCode.Err);
        Assert.Contains("AuthCode", withoutCode.Err);

        var asked = await AtA("distribute", "request-code", "--to", Federation.BInfo.Id, "--target-uid", targetUid);
        Assert.True(asked.Code == 0, asked.Err);
        Assert.Contains($"inbox of account {targetUid} on {Federation.BInfo.Id}", asked.Out);

        var inbox = await CliRun.RunAsync(atB, "notifications");
        Assert.True(inbox.Code == 0, inbox.Err);
        Assert.StartsWith("ID", inbox.Out);
        Assert.Contains("distribution.authcode", inbox.Out);
        var code = Regex.Match(inbox.Out, @"code: (\d{8})").Groups[1].Value;
        Assert.NotEmpty(code);
        var notes = (await CliRun.RunAsync(atB, "notifications", "--json")).Json;
        Assert.Contains(code, notes[0].Str("message"));

        var run = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", d.DeviceName, "--target-uid", targetUid, "--auth-code", code);
        Assert.True(run.Code == 0, run.Out + run.Err);
        var detail = await fed.B.CallAs(receiver, "QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", d.DeviceName));
        Assert.Equal("UNACTIVE", detail.Str("Data.Status"));

        // The code is spent.
        var other = await fed.A.NewTestDeviceAsync(pk);
        var reused = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", other.DeviceName, "--target-uid", targetUid, "--auth-code", code);
        Assert.Equal(1, reused.Code);
        Assert.StartsWith("error: iot.distribution.InvalidJob: ", reused.Err);
    }

    [Fact]
    public async Task Nearest_access_with_two_targets_sends_the_device_by_its_address()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        var run = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--to", Federation.CInfo.Id, "--names", d.DeviceName, "--nearest");
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.StartsWith($"job {JobId(run)}: distributing 1 device of {pk} to the nearest of {Federation.BInfo.Id}, {Federation.CInfo.Id}", run.Out);

        var status = await AtA("distribute", "status", JobId(run));
        Assert.Equal("nearest access (1)", Field(status.Out, "Strategy"));
        Assert.Equal($"{Federation.BInfo.Id}, {Federation.CInfo.Id}", Field(status.Out, "Targets"));
        Assert.Equal(fed.B.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.1.2.3")));
        Assert.Equal(fed.C.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.2.9.9")));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.B, new TestDevice(pk, d.DeviceName, "", "")));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.C, new TestDevice(pk, d.DeviceName, "", "")));
    }

    [Fact]
    public async Task A_product_is_distributed_and_followed_and_no_wait_returns_at_once()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var run = await AtA("distribute", "product", pk, "--to", Federation.CInfo.Id);
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains($"product {pk} distributed to {Federation.CInfo.Id}", run.Out);
        Assert.Equal(pk, (await fed.C.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ProductKey"));

        var d = await fed.A.NewTestDeviceAsync(pk);
        var quick = await AtA("distribute", "devices", pk, "--to", Federation.CInfo.Id, "--names", d.DeviceName, "--no-wait");
        Assert.True(quick.Code == 0, quick.Out + quick.Err);
        var jobId = JobId(quick);
        Assert.Contains($"thingyard distribute status {jobId}", quick.Out);
        Assert.True(await CliRun.WaitUntilAsync(async () => Field((await AtA("distribute", "status", jobId)).Out, "Status") == "completed"));
        Assert.Equal("UNACTIVE", await StatusAtAsync(fed.C, d));
    }

    [Fact]
    public async Task A_job_the_target_refuses_exits_1_with_the_reason_and_its_devices_left_pending()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        // B already has a product of its own under that ProductKey, so it refuses the copy and the job fails.
        await using (var db = await fed.B.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync())
        {
            var account = await db.Accounts.FirstAsync(a => a.Uid == Federation.AdminUid);
            db.Products.Add(new Product { AccountId = account.Id, ProductKey = pk, ProductSecret = "clash", Name = RegistryCalls.Unique("Clash") });
            await db.SaveChangesAsync();
        }

        var run = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", d.DeviceName);
        Assert.Equal(1, run.Code);
        var jobId = JobId(run);
        Assert.Contains($"job {jobId} failed in ", run.Out);
        Assert.Contains(run.Out.Split('\n'), l => l.StartsWith(d.DeviceName, StringComparison.Ordinal) && l.Contains("pending"));
        Assert.StartsWith($"error: job {jobId} failed: instance {Federation.BInfo.Id} answered 409", run.Err.Split('\n').Last(l => l.StartsWith("error:")));
        Assert.Contains($"thingyard distribute retry {jobId}", run.Err);
        Assert.Equal("failed", Field((await AtA("distribute", "status", jobId)).Out, "Status"));

        var json = await AtA("distribute", "retry", jobId, "--json");
        Assert.Equal(1, json.Code);
        Assert.Equal(3, JsonDocument.Parse(json.Out).RootElement.At("job.status").GetInt32());
    }

    [Fact]
    public async Task Template_usage_errors_and_unknown_instances()
    {
        var template = await AtA("distribute", "template");
        Assert.True(template.Code == 0, template.Err);
        Assert.Equal("DeviceName\n", template.Out);

        var pk = await fed.A.NewModelledProductAsync();
        Assert.Equal(2, (await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id)).Code);                                   // no devices named
        Assert.Equal(2, (await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--names", "a", "--csv", "x.csv")).Code); // both
        Assert.Equal(2, (await AtA("distribute", "devices", pk, "--names", "a")).Code);                                                // no target
        Assert.Equal(2, (await AtA("distribute", "request-code", "--to", Federation.BInfo.Id)).Code);

        var nowhere = await AtA("distribute", "devices", pk, "--to", "iotx-nowhere", "--names", "a");
        Assert.Equal(1, nowhere.Code);
        Assert.StartsWith("error: iot.common.InvalidFormattedParameter: ", nowhere.Err);
        var unreadable = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--csv", Path.Combine(_dir, "missing.csv"));
        Assert.Equal(1, unreadable.Code);
        Assert.StartsWith("error: cannot read ", unreadable.Err);
        var headerOnly = await AtA("distribute", "devices", pk, "--to", Federation.BInfo.Id, "--csv", WriteFile("empty.csv", "DeviceName\n"));
        Assert.Equal(1, headerOnly.Code);
        Assert.Contains("names no devices", headerOnly.Err);
    }
}
