// `thingyard release confirm|submit|cancel|progress|checklist|history` for a product's way to release, and
// `release queue|approve|reject` for the platform operator.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ReleaseCommands
{
    public static Command Build(CliContext cli) => new("release", "Take a product through release, and review releases (operator)")
    {
        Simple(cli, "confirm", "Confirm the product information (the first release check)", "ConfirmProductInfo", "product {0}: information confirmed"),
        Submit(cli),
        Simple(cli, "cancel", "Withdraw a submission, or return a released product to development", "CancelReleaseProduct", "product {0}: back in development"),
        Progress(cli), Checklist(cli), History(cli), Queue(cli),
        Simple(cli, "approve", "Approve a submitted product (platform operator)", "ApproveProductRelease", "product {0}: released"),
        Reject(cli),
    };

    static Argument<string> Pk() => new("PK") { Description = "ProductKey" };

    static Command Simple(CliContext cli, string name, string description, string action, string done)
    {
        var pk = Pk();
        var command = new Command(name, description) { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync(action, new RpcParams { { "ProductKey", r.GetValue(pk) } }, ct),
            _ => cli.Out.WriteLine(string.Format(done, r.GetValue(pk)))));
        return command;
    }

    static Command Submit(CliContext cli)
    {
        var pk = Pk();
        var waive = new Option<string>("--waive") { Description = "Waive the debugging checklist, with this reason" };
        var command = new Command("submit", "Submit a product for release (ReleaseProduct); refused with what is missing") { pk, waive };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ReleaseProduct", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "WaiveReason", r.GetValue(waive) },
        }, ct), _ => cli.Out.WriteLine($"product {r.GetValue(pk)}: submitted, waiting for review")));
        return command;
    }

    static Command Reject(CliContext cli)
    {
        var pk = Pk();
        var reason = new Option<string>("--reason") { Description = "What the developer must fix", Required = true };
        var command = new Command("reject", "Reject a submitted product with a reason (platform operator)") { pk, reason };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("RejectProductRelease", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "Reason", r.GetValue(reason) },
        }, ct), _ => cli.Out.WriteLine($"product {r.GetValue(pk)}: rejected")));
        return command;
    }

    static Command Progress(CliContext cli)
    {
        var pk = Pk();
        var command = new Command("progress", "Where the product stands in development, and what blocks its release") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetProductDevelopmentProgress", new RpcParams { { "ProductKey", r.GetValue(pk) } }, ct),
            body =>
            {
                var data = body.GetProperty("Data");
                Table.Write(cli.Out, ["STEP", "DONE", "DETAIL"], data.GetProperty("Steps").EnumerateArray()
                    .Select(s => (IReadOnlyList<string>)[s.GetProperty("Step").GetString()!, s.GetProperty("Done").GetBoolean() ? "yes" : "no", s.GetProperty("Detail").GetString()!])
                    .ToList());
                foreach (var b in data.GetProperty("Blocking").EnumerateArray()) cli.Out.WriteLine("blocking: " + b.GetString());
            }));
        return command;
    }

    static Command Checklist(CliContext cli)
    {
        var pk = Pk();
        var command = new Command("checklist", "The debugging checklist: each feature a device must show before release") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetDebugChecklist", new RpcParams { { "ProductKey", r.GetValue(pk) } }, ct),
            body => Table.Write(cli.Out, ["KIND", "IDENTIFIER", "DONE", "BY"], body.GetProperty("Data").GetProperty("Items").EnumerateArray()
                .Select(i => (IReadOnlyList<string>)
                [
                    i.GetProperty("Kind").GetString()!, i.GetProperty("Identifier").GetString()!, i.GetProperty("Done").GetBoolean() ? "yes" : "no",
                    i.TryGetProperty("DeviceName", out var by) && by.ValueKind == JsonValueKind.String ? by.GetString()! : "",
                ]).ToList())));
        return command;
    }

    static Command History(CliContext cli)
    {
        var pk = Pk();
        var command = new Command("history", "The release audit trail: who did what, when, and why") { pk };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProductReleaseHistory", new RpcParams { { "ProductKey", r.GetValue(pk) } }, ct),
            body => Table.Write(cli.Out, ["WHEN (UTC)", "ACTION", "BY", "REASON"], body.GetProperty("Data").GetProperty("List").EnumerateArray()
                .Select(h => (IReadOnlyList<string>)
                [
                    Time(h.GetProperty("GmtCreate")), h.GetProperty("Action").GetString()!, h.GetProperty("Actor").GetString()!,
                    h.TryGetProperty("Reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString()! : "",
                ]).ToList())));
        return command;
    }

    static Command Queue(CliContext cli)
    {
        var command = new Command("queue", "Products waiting for review (platform operator)");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryReleaseReviewList", new RpcParams(), ct),
            body => Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "ACCOUNT", "SUBMITTED (UTC)", "BY", "WAIVER"], body.GetProperty("Data").GetProperty("List").EnumerateArray()
                .Select(q => (IReadOnlyList<string>)
                [
                    q.GetProperty("ProductKey").GetString()!, q.GetProperty("ProductName").GetString()!, q.GetProperty("AccountUid").GetString()!,
                    Time(q.GetProperty("GmtSubmitted")), q.GetProperty("SubmittedBy").GetString()!,
                    q.TryGetProperty("WaiveReason", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString()! : "",
                ]).ToList())));
        return command;
    }

    static string Time(JsonElement ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms.GetInt64()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss");
}
