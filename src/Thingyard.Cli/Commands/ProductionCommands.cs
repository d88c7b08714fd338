// `thingyard production quota|allocate|batch|list|show|credentials`: mass production over RPC (GetActivationCodeQuota,
// AllocateActivationCodes, CreateProductionBatch, QueryProductionBatchList, QueryProductionBatch); credentials come from
// the signed link GetProductionBatchCredentialsUrl gives, fetched without credentials. A names file is sent as it is
// (DeviceNamesCsv), so rejected names are reported with the file's own line numbers.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ProductionCommands
{
    public static Command Build(CliContext cli) => new("production", "Mass production: activation codes and production batches of released products")
    {
        Quota(cli), Allocate(cli), Batch(cli), List(cli), Show(cli), Credentials(cli),
    };

    static Command Quota(CliContext cli)
    {
        var account = new Option<string>("--account") { Description = "Another account's uid (the platform operator only)" };
        var command = new Command("quota", "Show the account's activation codes: allocated, used, remaining") { account };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("GetActivationCodeQuota", new RpcParams { { "AccountUid", r.GetValue(account) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "Allocated", "Used", "Remaining")));
        return command;
    }

    static Command Allocate(CliContext cli)
    {
        var uid = new Argument<string>("UID") { Description = "The account's uid" };
        var count = new Argument<int>("COUNT") { Description = "Activation codes to add (1 to 1,000,000)" };
        var command = new Command("allocate", "Allocate activation codes to an account (the platform operator only)") { uid, count };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("AllocateActivationCodes", new RpcParams { { "AccountUid", r.GetValue(uid) }, { "Count", r.GetValue(count) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "AccountUid", "Allocated", "Used", "Remaining")));
        return command;
    }

    static Command Batch(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey of a released product" };
        var count = new Option<int?>("--count") { Description = "Devices with generated names (1 to 10,000)" };
        var namesFile = new Option<string>("--names-file")
        {
            Description = "CSV of DeviceNames, one per line under an optional DeviceName header (at most 10,000 names and 1 MB), or - for standard input",
        };
        var command = new Command("batch", "Start a production batch: one activation code per device; the devices are created in the background")
        {
            productKey, count, namesFile,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(count) is not null) == (result.GetValue(namesFile) is not null))
                result.AddError("Give either --count or --names-file.");
        });
        command.SetAction((r, ct) => cli.CallAsync(r, async rpc =>
        {
            var parameters = new RpcParams { { "ProductKey", r.GetValue(productKey) }, { "Count", r.GetValue(count) } };
            if (r.GetValue(namesFile) is { } file) parameters.Add("DeviceNamesCsv", await InputFile.ReadTextAsync(file, ct));
            return await rpc.CallAsync("CreateProductionBatch", parameters, ct);
        }, body => PrintBatch(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command List(CliContext cli)
    {
        var productKey = new Argument<string?>("PK") { Description = "Only this product's batches", Arity = ArgumentArity.ZeroOrOne };
        var paging = new Paging();
        var command = new Command("list", "List production batches, newest first") { productKey };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProductionBatchList", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) },
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 },
            { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            var rows = data.GetProperty("List").GetProperty("BatchInfo").EnumerateArray().Select(b => (IReadOnlyList<string>)
            [
                S(b, "BatchId"), S(b, "ProductKey"), S(b, "Source"), S(b, "Codes"), S(b, "Created"), S(b, "Activated"), S(b, "Status"),
                JsonText.UtcTime(b.GetProperty("GmtCreate")),
            ]).ToList();
            Table.Write(cli.Out, ["BATCH ID", "PRODUCT KEY", "SOURCE", "CODES", "CREATED", "ACTIVATED", "STATUS", "STARTED (UTC)"], rows);
            var total = data.GetProperty("Total").GetInt32();
            cli.Out.WriteLine($"page {data.GetProperty("CurrentPage").GetInt32()} of {Math.Max(data.GetProperty("PageCount").GetInt32(), 1)}, " +
                $"{total} {(total == 1 ? "batch" : "batches")}");
        }));
        return command;
    }

    static Command Show(CliContext cli)
    {
        var batchId = new Argument<string>("BATCH_ID") { Description = "The batch id (pb_...)" };
        var command = new Command("show", "Show a production batch: progress, activations and rejected names") { batchId };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("QueryProductionBatch", new RpcParams { { "BatchId", r.GetValue(batchId) } }, ct),
            body => PrintBatch(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command Credentials(CliContext cli)
    {
        var batchId = new Argument<string>("BATCH_ID") { Description = "The batch id (pb_...)" };
        var output = new Option<string>("--output", "-o") { Description = "Write the CSV to this file instead of standard output" };
        var command = new Command("credentials", "Download the batch's credentials CSV: ProductKey,DeviceName,DeviceSecret[,ProductSecret]")
        {
            batchId, output,
        };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            using var session = new CliSession(cli, r);
            var link = await session.CallAsync("GetProductionBatchCredentialsUrl", new RpcParams { { "BatchId", r.GetValue(batchId) } }, ct);
            var csv = await session.GetLinkAsync(link.GetProperty("Data").GetProperty("Url").GetString()!, $"the credentials of batch {r.GetValue(batchId)}", ct);
            if (r.GetValue(output) is not { } file)
            {
                await cli.Out.WriteAsync(csv);
                return;
            }
            try { await File.WriteAllTextAsync(file, csv, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"cannot write {file}: {e.Message}"); }
            var devices = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            cli.Out.WriteLine($"wrote {devices} device{(devices == 1 ? "" : "s")} to {file}");
        }));
        return command;
    }

    static void PrintBatch(CliContext cli, JsonElement batch)
    {
        Fields.Write(cli.Out, batch, "BatchId", "ProductKey", "Status", "Source", "Requested", "Codes", "Created", "Activated");
        var rejected = batch.GetProperty("Rejected");
        if (rejected.GetArrayLength() == 0) return;
        cli.Out.WriteLine();
        Table.Write(cli.Out, ["LINE", "REJECTED NAME", "REASON"], rejected.EnumerateArray()
            .Select(x => (IReadOnlyList<string>)[S(x, "Line"), S(x, "Name"), S(x, "Error")]).ToList());
    }


    static string S(JsonElement e, string name) => JsonText.Scalar(e.GetProperty(name));
}
