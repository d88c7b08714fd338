// `thingyard distribute devices|product|status|list|results|retry|delete|template|request-code` and `thingyard notifications`:
// device distribution between the instances of a federation. Jobs are created, retried, listed and deleted over RPC
// (CreateDeviceDistributeJob, CreateProductDistributeJob, RetryDeviceDistributeJob, ListDeviceDistributeJob,
// DeleteDeviceDistributeJob, RequestDistributeAuthCode); a job is followed through the REST API's job view
// (GET /api/v1/distribution/jobs/{jobId}, HTTP Basic), which counts done and failed devices; per-device results come
// from the CSV link QueryDeviceDistributeDetail gives, fetched without credentials.
// Exit codes of the commands that follow a job: 0 all distributed, 3 some devices failed, 1 the job failed or a call did.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class DistributeCommands
{
    public const int SomeDevicesFailed = 3;
    public const int Interrupted = 130;
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    public static Command Build(CliContext cli) => new("distribute", "Distribute products and devices to other instances of the federation")
    {
        Devices(cli), Product(cli), Status(cli), List(cli), Results(cli), Retry(cli), Delete(cli), Template(cli), RequestCode(cli),
    };

    /// <summary>`thingyard notifications`: the account's inbox, where authorization codes for cross-account distribution arrive.</summary>
    public static Command Notifications(CliContext cli)
    {
        var markRead = new Option<bool>("--mark-read") { Description = "Mark the notifications shown as read" };
        var command = new Command("notifications", "Show the account's inbox (authorization codes for cross-account distribution arrive here)")
        {
            markRead,
        };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            var notes = await session.GetJsonAsync("/api/v1/notifications" + (r.GetValue(markRead) ? "?markRead=true" : ""), ct);
            if (r.GetValue(cli.Json))
            {
                JsonText.Write(cli.Out, notes);
                return;
            }
            if (notes.GetArrayLength() == 0)
            {
                cli.Out.WriteLine("no notifications");
                return;
            }
            Table.Write(cli.Out, ["ID", "TIME (UTC)", "KIND", "NEW", "MESSAGE"], notes.EnumerateArray().Select(n => (IReadOnlyList<string>)
            [
                JsonText.Scalar(n.GetProperty("id")), JsonText.UtcTime(n.GetProperty("createdAt")), JsonText.Scalar(n.GetProperty("kind")),
                n.GetProperty("read").GetBoolean() ? "" : "*", JsonText.Scalar(n.GetProperty("message")),
            ]).ToList());
        }));
        return command;
    }

    static Option<string[]> ListOption(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false };

    static Option<string> TargetUid() => new("--target-uid")
    {
        Description = "The receiving account's uid, when it is not your own (needs --auth-code)",
    };

    static Option<string> AuthCode() => new("--auth-code")
    {
        Description = "The receiving account's one-time authorization code (see `thingyard distribute request-code`)",
    };

    static Option<bool> NoWait() => new("--no-wait") { Description = "Print the job id and return without following the job" };

    static Command Devices(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey of the devices" };
        var to = ListOption("--to", "Target instance id; with --nearest, the candidates (comma-separated or repeated)");
        to.Required = true;
        var names = ListOption("--names", "DeviceNames (comma-separated or repeated)");
        var csv = new Option<string>("--csv")
        {
            Description = "CSV file of DeviceNames, one per line under a DeviceName header (`thingyard distribute template`), or - for standard input",
        };
        var nearest = new Option<bool>("--nearest")
        {
            Description = "Nearest access: each device is sent to the --to candidate closest to the address it bootstraps from",
        };
        var targetUid = TargetUid();
        var authCode = AuthCode();
        var noWait = NoWait();
        var command = new Command("devices", "Distribute up to 1,000 devices of a product to another instance, and follow the job")
        {
            productKey, to, names, csv, nearest, targetUid, authCode, noWait,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(names) is { Length: > 0 }) == (result.GetValue(csv) is not null))
                result.AddError("Name the devices with either --names or --csv.");
        });
        command.SetAction((r, ct) => RunJobAsync(cli, async () =>
        {
            using var session = new CliSession(cli, r);
            var devices = r.GetValue(csv) is { } file ? await ReadNamesAsync(file, ct) : Split(r.GetValue(names));
            var targets = Split(r.GetValue(to));
            var parameters = new RpcParams
            {
                { "ProductKey", r.GetValue(productKey) },
                { "Strategy", r.GetValue(nearest) ? 1 : 0 },
                { "TargetUid", r.GetValue(targetUid) },
                { "AuthCode", r.GetValue(authCode) },
            };
            for (var i = 0; i < devices.Count; i++) parameters.Add($"DeviceName.{i + 1}", devices[i]);
            for (var i = 0; i < targets.Count; i++) parameters.Add($"TargetInstanceConfig.{i + 1}.TargetInstanceId", targets[i]);
            var created = await session.CallAsync("CreateDeviceDistributeJob", parameters, ct);
            var jobId = created.GetProperty("JobId").GetString()!;
            var where = r.GetValue(nearest) ? "the nearest of " + string.Join(", ", targets) : string.Join(", ", targets);
            return await StartedAsync(cli, r, session, created, jobId,
                $"job {jobId}: distributing {Count(devices.Count, "device")} of {r.GetValue(productKey)} to {where}", r.GetValue(noWait), ct);
        }));
        return command;
    }

    static Command Product(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var to = new Option<string>("--to") { Description = "Target instance id", Required = true };
        var targetUid = TargetUid();
        var authCode = AuthCode();
        var noWait = NoWait();
        var command = new Command("product", "Copy a product (its information and thing model) to another instance, and follow the job")
        {
            productKey, to, targetUid, authCode, noWait,
        };
        command.SetAction((r, ct) => RunJobAsync(cli, async () =>
        {
            using var session = new CliSession(cli, r);
            var created = await session.CallAsync("CreateProductDistributeJob", new RpcParams
            {
                { "ProductKey", r.GetValue(productKey) },
                { "TargetInstanceId", r.GetValue(to) },
                { "TargetUid", r.GetValue(targetUid) },
                { "AuthCode", r.GetValue(authCode) },
            }, ct);
            var jobId = created.GetProperty("JobId").GetString()!;
            return await StartedAsync(cli, r, session, created, jobId,
                $"job {jobId}: distributing product {r.GetValue(productKey)} to {r.GetValue(to)}", r.GetValue(noWait), ct);
        }));
        return command;
    }

    static Command Retry(CliContext cli)
    {
        var jobId = new Argument<string>("JOBID") { Description = "Distribution job id" };
        var noWait = NoWait();
        var command = new Command("retry", "Run a job's failed devices again (missing devices stay failed), and follow it") { jobId, noWait };
        command.SetAction((r, ct) => RunJobAsync(cli, async () =>
        {
            using var session = new CliSession(cli, r);
            var id = r.GetValue(jobId)!;
            var body = await session.CallAsync("RetryDeviceDistributeJob", new RpcParams { { "JobId", id } }, ct);
            return await StartedAsync(cli, r, session, body, id, $"job {id}: retrying", r.GetValue(noWait), ct);
        }));
        return command;
    }

    static Command Status(CliContext cli)
    {
        var jobId = new Argument<string>("JOBID") { Description = "Distribution job id" };
        var command = new Command("status", "Show a job: its state and how many devices are done and failed") { jobId };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            var job = await session.JobAsync(r.GetValue(jobId)!, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, job);
            else Fields.Write(cli.Out, JsonSerializer.SerializeToElement(new
            {
                JobId = job.GetProperty("jobId").GetString(),
                Kind = job.GetProperty("kind").GetString(),
                ProductKey = job.GetProperty("productKey").GetString(),
                Status = job.GetProperty("statusName").GetString(),
                Strategy = StrategyName(job.GetProperty("strategy").GetInt32()),
                Targets = string.Join(", ", job.GetProperty("targetInstanceIds").EnumerateArray().Select(t => t.GetString())),
                TargetUid = job.GetProperty("targetUid").GetString(),
                Total = job.GetProperty("total").GetInt32(),
                Done = job.GetProperty("done").GetInt32(),
                Failed = job.GetProperty("failed").GetInt32(),
                Error = job.GetProperty("error").ValueKind == JsonValueKind.String ? job.GetProperty("error").GetString() : null,
                Created = JsonText.UtcTime(job.GetProperty("createdAt")) + " UTC",
            }));
        }));
        return command;
    }

    static Command List(CliContext cli)
    {
        var product = new Option<string>("--product") { Description = "Only the jobs of this ProductKey" };
        var paging = new Paging();
        var command = new Command("list", "List the account's device distribution jobs, newest first") { product };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            var page = r.GetValue(paging.Page) ?? 1;
            var body = await session.CallAsync("ListDeviceDistributeJob", new RpcParams
            {
                { "ProductKey", r.GetValue(product) },
                { "CurrentPage", page },
                { "PageSize", r.GetValue(paging.PageSize) },
            }, ct);
            if (r.GetValue(cli.Json))
            {
                JsonText.Write(cli.Out, body);
                return;
            }
            var data = body.GetProperty("Data");
            var items = data.GetProperty("JobInfo").GetProperty("items").EnumerateArray().ToList();
            Table.Write(cli.Out, ["JOB ID", "PRODUCT KEY", "STATUS", "STRATEGY", "TARGETS", "DEVICES", "CREATED (UTC)"], items.Select(j => (IReadOnlyList<string>)
            [
                j.GetProperty("JobId").GetString()!, j.GetProperty("ProductKey").GetString()!, StatusName(j.GetProperty("Status").GetInt32()),
                j.GetProperty("Strategy").GetInt32() == 1 ? "nearest" : "specified",
                string.Join(",", j.GetProperty("TargetInstanceConfigs").GetProperty("targetInstanceConfigs").EnumerateArray()
                    .Select(t => t.GetProperty("TargetInstanceId").GetString())),
                JsonText.Scalar(j.GetProperty("Total")), JsonText.UtcTime(j.GetProperty("GmtCreate")),
            ]).ToList());
            var total = data.GetProperty("Total").GetInt32();
            var pageSize = r.GetValue(paging.PageSize) ?? 10; // the server's default
            cli.Out.WriteLine(Paging.Footer(page, (total + pageSize - 1) / pageSize, total, "job"));
        }));
        return command;
    }

    static Command Results(CliContext cli)
    {
        var jobId = new Argument<string>("JOBID") { Description = "Distribution job id" };
        var raw = new Option<bool>("--csv") { Description = "Print the result file as the server gives it (DeviceName,Code,Result,TargetInstanceId)" };
        var command = new Command("results", "Show what became of each device of a job") { jobId, raw };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            var text = await session.ResultCsvAsync(r.GetValue(jobId)!, ct);
            if (r.GetValue(raw)) cli.Out.Write(text);
            else if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, JsonSerializer.SerializeToElement(ParseResults(text), JsonSerializerOptions.Web));
            else ResultTable(cli.Out, ParseResults(text));
        }));
        return command;
    }

    static Command Delete(CliContext cli)
    {
        var jobId = new Argument<string>("JOBID") { Description = "Distribution job id" };
        var command = new Command("delete", "Delete a finished job's record (what it distributed stays distributed)") { jobId };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("DeleteDeviceDistributeJob", new RpcParams { { "JobId", r.GetValue(jobId) } }, ct),
            _ => cli.Out.WriteLine($"deleted job {r.GetValue(jobId)}; what it distributed stays distributed")));
        return command;
    }

    static Command Template(CliContext cli)
    {
        var command = new Command("template", "Print the CSV template for --csv device lists");
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            cli.Out.Write(await session.GetTextAsync("/api/v1/distribution/template.csv", ct));
        }));
        return command;
    }

    static Command RequestCode(CliContext cli)
    {
        var to = new Option<string>("--to") { Description = "The instance the receiving account is on", Required = true };
        var targetUid = new Option<string>("--target-uid") { Description = "The receiving account's uid", Required = true };
        var command = new Command("request-code", "Ask a receiving account for the one-time code a cross-account distribution needs")
        {
            to, targetUid,
        };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("RequestDistributeAuthCode", new RpcParams
        {
            { "TargetInstanceId", r.GetValue(to) },
            { "TargetUid", r.GetValue(targetUid) },
        }, ct), _ =>
        {
            cli.Out.WriteLine($"an authorization code was sent to the inbox of account {r.GetValue(targetUid)} on {r.GetValue(to)}.");
            cli.Out.WriteLine("Its owner reads it with `thingyard notifications` against that instance and gives it to you; it is valid 5 minutes, once.");
            cli.Out.WriteLine($"Then: thingyard distribute devices PK --to {r.GetValue(to)} --target-uid {r.GetValue(targetUid)} --auth-code CODE (--names or --csv)");
        }));
        return command;
    }

    // ---- Following a job

    /// <summary>Runs a job command: errors are reported as by <see cref="CliContext.RunAsync"/>, otherwise the job's exit code.</summary>
    static async Task<int> RunJobAsync(CliContext cli, Func<Task<int>> body)
    {
        var code = 0;
        var failed = await cli.RunAsync(async () => { code = await body(); });
        return failed != 0 ? failed : code;
    }

    static async Task<int> StartedAsync(CliContext cli, ParseResult r, CliSession session, JsonElement created, string jobId, string what, bool noWait,
        CancellationToken ct)
    {
        var json = r.GetValue(cli.Json);
        if (noWait)
        {
            if (json) JsonText.Write(cli.Out, created);
            else cli.Out.WriteLine($"{what}; follow it with `thingyard distribute status {jobId}`");
            return 0;
        }
        if (!json) cli.Out.WriteLine(what);
        return await FollowAsync(cli, session, jobId, json, ct);
    }

    /// <summary>Polls the job until it completes or fails, showing progress: a line redrawn in place on a terminal, else a line
    /// on stderr at each change. Then prints the outcome and the devices that failed.</summary>
    static async Task<int> FollowAsync(CliContext cli, CliSession session, string jobId, bool json, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var terminal = !json && ReferenceEquals(cli.Out, Console.Out) && !Console.IsOutputRedirected;
        string? shown = null;
        JsonElement job;
        try
        {
            while (true)
            {
                job = await session.JobAsync(jobId, ct);
                var progress = Progress(job);
                if (terminal)
                {
                    cli.Out.Write($"\r\e[K{progress} ({Elapsed(clock.Elapsed)})");
                    await cli.Out.FlushAsync(ct);
                }
                else if (!json && progress != shown) await cli.Err.WriteLineAsync(progress);
                shown = progress;
                if (job.GetProperty("status").GetInt32() >= 2) break;
                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (terminal) cli.Out.WriteLine();
            await cli.Err.WriteLineAsync($"stopped following job {jobId}; it goes on at the server: `thingyard distribute status {jobId}`");
            return Interrupted;
        }
        if (terminal) cli.Out.WriteLine();

        var device = job.GetProperty("kind").GetString() == "device";
        var results = device ? ParseResults(await session.ResultCsvAsync(jobId, ct)) : [];
        var failures = results.Where(x => x.Code != 200).ToList();
        var failed = job.GetProperty("status").GetInt32() != 2;
        var error = job.GetProperty("error").ValueKind == JsonValueKind.String ? job.GetProperty("error").GetString() : null;
        if (json)
        {
            JsonText.Write(cli.Out, JsonSerializer.SerializeToElement(new { job, results }, JsonSerializerOptions.Web));
        }
        else
        {
            var took = Elapsed(clock.Elapsed);
            if (!device)
                cli.Out.WriteLine(failed
                    ? $"job {jobId} failed after {took}"
                    : $"product {job.GetProperty("productKey").GetString()} distributed to {string.Join(", ", job.GetProperty("targetInstanceIds").EnumerateArray().Select(t => t.GetString()))} in {took}");
            else
                cli.Out.WriteLine($"job {jobId} {(failed ? "failed" : "completed")} in {took}: {results.Count(x => x.Code == 200)} of {Count(results.Count, "device")} distributed"
                    + (failures.Count > 0 ? $", {failures.Count} not" : ""));
            if (failures.Count > 0)
            {
                cli.Out.WriteLine();
                ResultTable(cli.Out, failures);
            }
        }
        if (failed)
            throw new CliException($"job {jobId} failed: {error ?? "no reason given"}; `thingyard distribute retry {jobId}` runs it again");
        return failures.Count > 0 ? SomeDevicesFailed : 0;
    }

    static string Progress(JsonElement job)
    {
        var state = job.GetProperty("statusName").GetString();
        var total = job.GetProperty("total").GetInt32();
        return job.GetProperty("kind").GetString() == "device"
            ? $"{state}: {job.GetProperty("done").GetInt32()} done, {job.GetProperty("failed").GetInt32()} failed of {total}"
            : $"{state}";
    }

    static string Elapsed(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
        : $"{(int)t.TotalMinutes}m{t.Seconds:00}s";

    // ---- Results and names

    public sealed record ResultRow(string DeviceName, int Code, string Result, string TargetInstanceId);

    static void ResultTable(TextWriter output, IReadOnlyList<ResultRow> rows) =>
        Table.Write(output, ["DEVICE NAME", "CODE", "RESULT", "TARGET"], rows.Select(x => (IReadOnlyList<string>)
        [
            x.DeviceName, x.Code == 0 ? "-" : x.Code.ToString(CultureInfo.InvariantCulture), x.Result, x.TargetInstanceId.Length == 0 ? "-" : x.TargetInstanceId,
        ]).ToList());

    /// <summary>The result file: a DeviceName,Code,Result,TargetInstanceId header, then one row per device.</summary>
    public static List<ResultRow> ParseResults(string csv) => Csv.Parse(csv).Skip(1).Where(f => f.Count >= 3)
        .Select(f => new ResultRow(f[0], int.TryParse(f[1], CultureInfo.InvariantCulture, out var code) ? code : 0, f[2], f.Count > 3 ? f[3] : ""))
        .ToList();

    static async Task<List<string>> ReadNamesAsync(string file, CancellationToken ct)
    {
        string text;
        try
        {
            text = file == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(file, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file}: {e.Message}");
        }
        var names = Csv.Parse(text).Select(f => f.Count > 0 ? f[0].Trim() : "").Where(n => n.Length > 0).ToList();
        if (names.Count > 0 && names[0].Equals("DeviceName", StringComparison.OrdinalIgnoreCase)) names.RemoveAt(0);
        return names.Count > 0 ? names : throw new CliException($"{file} names no devices (one DeviceName per line, under a DeviceName header)");
    }

    static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    static string StatusName(int status) => status switch { 0 => "initialising", 1 => "running", 2 => "completed", 3 => "failed", _ => status.ToString(CultureInfo.InvariantCulture) };

    static string StrategyName(int strategy) => strategy == 1 ? "nearest access (1)" : "specified region (0)";

    /// <summary>RFC 4180 fields: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    static class Csv
    {
        public static List<List<string>> Parse(string text)
        {
            var rows = new List<List<string>>();
            var row = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var any = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                    continue;
                }
                switch (c)
                {
                    case '"':
                        quoted = true;
                        any = true;
                        break;
                    case ',':
                        row.Add(field.ToString());
                        field.Clear();
                        any = true;
                        break;
                    case '\r':
                        break;
                    case '\n':
                        if (any || field.Length > 0) { row.Add(field.ToString()); rows.Add(row); }
                        row = [];
                        field.Clear();
                        any = false;
                        break;
                    default:
                        field.Append(c);
                        any = true;
                        break;
                }
            }
            if (any || field.Length > 0) { row.Add(field.ToString()); rows.Add(row); }
            return rows;
        }
    }
}
