// `thingyard ops ...`: a project's Operations Hub from the command line. `ops figures` prints the totals, the daily
// series and the top errors (QueryOpsHubFigures), or one table as CSV (--csv, the REST export); `ops skin` shows the
// project's skin or changes the fields given (SetProjectBranding; a logo is read from an image file).
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class OpsCommands
{
    const long DayMs = 86_400_000;

    public static Command Build(CliContext cli) => new("ops", "A project's Operations Hub: figures, CSV tables and its skin") { Figures(cli), Skin(cli) };

    static Option<string> Project() => new("--project") { Description = "The project (prj_...)", Required = true };

    static Command Figures(CliContext cli)
    {
        var project = Project();
        var days = new Option<int?>("--days") { Description = "The last N UTC days up to today (30 unless --from says otherwise)" };
        var from = new Option<string?>("--from") { Description = "First UTC day, yyyy-MM-dd" };
        var to = new Option<string?>("--to") { Description = "Last UTC day, yyyy-MM-dd (today unless given)" };
        var csv = new Option<string?>("--csv") { Description = "Print one table as CSV: activations, active, online, endusers, bindings, alarms, products, firmware, regions, severity or errors" };
        var command = new Command("figures", "Show a project's hub figures for a range of days, or one table as CSV") { project, days, from, to, csv };
        command.SetAction((r, ct) =>
        {
            var (start, end) = Range(r.GetValue(days), r.GetValue(from), r.GetValue(to));
            if (r.GetValue(csv) is { } table)
                return cli.RunAsync(async () =>
                {
                    using var session = new CliSession(cli, r);
                    var query = string.Join('&', new[] { start is null ? null : $"start={start}", end is null ? null : $"end={end}" }.OfType<string>());
                    cli.Out.Write(await session.GetTextAsync(
                        $"/api/v1/projects/{Uri.EscapeDataString(r.GetValue(project)!)}/ops/{Uri.EscapeDataString(table)}.csv{(query.Length > 0 ? "?" + query : "")}", ct));
                });
            return cli.CallAsync(r, rpc => rpc.CallAsync("QueryOpsHubFigures", new RpcParams
            {
                { "ProjectId", r.GetValue(project) }, { "StartTime", start?.ToString(CultureInfo.InvariantCulture) }, { "EndTime", end?.ToString(CultureInfo.InvariantCulture) },
            }, ct), body => PrintFigures(cli, body.GetProperty("Data")));
        });
        return command;
    }

    static Command Skin(CliContext cli)
    {
        var project = Project();
        var fields = new (string Field, Option<string?> Option)[]
        {
            ("HubName", new("--hub-name") { Description = "The hub's name (\"\" clears it)" }),
            ("HubColor", new("--hub-color") { Description = "The hub's colour, #rrggbb" }),
            ("HubLogo", new("--hub-logo") { Description = "The hub's logo: a PNG, JPEG or SVG file of at most 48 KB (\"\" removes it)" }),
            ("AppName", new("--app-name") { Description = "The consumer app's name" }),
            ("AppColor", new("--app-color") { Description = "The consumer app's colour, #rrggbb" }),
            ("AppLogo", new("--app-logo") { Description = "The consumer app's logo file" }),
        };
        var command = new Command("skin", "Show a project's skin, or change the fields given") { project };
        foreach (var (_, option) in fields) command.Options.Add(option);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc =>
        {
            var given = fields.Where(f => r.GetValue(f.Option) is not null).ToList();
            if (given.Count == 0) return rpc.CallAsync("QueryProjectBranding", new RpcParams { { "ProjectId", r.GetValue(project) } }, ct);
            var p = new RpcParams { { "ProjectId", r.GetValue(project) } };
            foreach (var (field, option) in given)
                p.Add(field, field.EndsWith("Logo", StringComparison.Ordinal) ? LogoOf(r.GetValue(option)!) : r.GetValue(option));
            return rpc.CallAsync("SetProjectBranding", p, ct);
        }, body => PrintSkin(cli, body.GetProperty("Data"))));
        return command;
    }

    /// <summary>The skin's fields, a logo by its type and size rather than its data.</summary>
    static void PrintSkin(CliContext cli, JsonElement skin)
    {
        foreach (var field in new[] { "HubName", "HubColor", "HubLogo", "AppName", "AppColor", "AppLogo" })
        {
            var value = skin.TryGetProperty(field, out var v) ? v.GetString() : null;
            if (value is not null && field.EndsWith("Logo", StringComparison.Ordinal) && value.IndexOf(';') is > 5 and var semi)
                value = $"{value[5..semi]}, {Convert.FromBase64String(value[(value.IndexOf(',') + 1)..]).Length} bytes";
            cli.Out.WriteLine($"{field + ":",-9} {value ?? "-"}");
        }
    }

    /// <summary>An image file as a data: URL (its type from its extension); "" stays "" (remove the logo).</summary>
    static string LogoOf(string path)
    {
        if (path.Length == 0) return "";
        var type = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".svg" => "image/svg+xml",
            _ => throw new CliException($"{path}: a logo is a .png, .jpg or .svg file"),
        };
        try { return $"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}"; }
        catch (IOException e) { throw new CliException($"cannot read {path}: {e.Message}"); }
    }

    /// <summary>StartTime and EndTime (ms) for the options: --from/--to days, or the last --days days.</summary>
    static (long? Start, long? End) Range(int? days, string? from, string? to)
    {
        long? Day(string? text, string name) => text is null ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? (d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber) * DayMs
                : throw new CliException($"{name} must be a day written yyyy-MM-dd, not '{text}'");
        var start = Day(from, "--from");
        var end = Day(to, "--to") + DayMs;
        if (days is { } n)
        {
            if (n < 1) throw new CliException("--days must be at least 1");
            var last = end ?? (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / DayMs + 1) * DayMs;
            start ??= last - n * DayMs;
            end ??= last;
        }
        return (start, end);
    }

    static void PrintFigures(CliContext cli, JsonElement f)
    {
        var totals = f.GetProperty("Totals");
        cli.Out.WriteLine($"{f.GetProperty("ProjectName").GetString()} ({f.GetProperty("ProjectId").GetString()}), {f.GetProperty("From").GetString()} to {f.GetProperty("To").GetString()} (UTC)");
        Fields.Write(cli.Out, totals, "Devices", "Activated", "OnlineNow", "EndUsers", "Bindings", "OpenAlarms");
        cli.Out.WriteLine();
        string[] series = ["Activations", "ActiveDevices", "OnlineTrend", "NewEndUsers", "NewBindings", "Alarms"];
        var columns = series.Select(s => f.GetProperty(s).EnumerateArray().ToList()).ToList();
        Table.Write(cli.Out, ["DAY", "ACTIVATED", "ACTIVE", "LAST CONNECTED", "END USERS", "BINDINGS", "ALARMS"],
            columns[0].Select((d, i) => (IReadOnlyList<string>)
                [d.GetProperty("Day").GetString()!, .. columns.Select(c => c[i].GetProperty("Count").GetInt64().ToString(CultureInfo.InvariantCulture))]).ToList());
        var errors = f.GetProperty("TopErrors").EnumerateArray().ToList();
        if (errors.Count == 0) return;
        cli.Out.WriteLine();
        Table.Write(cli.Out, ["SOURCE", "IDENTIFIER", "CODE", "COUNT"], errors.Select(e => (IReadOnlyList<string>)
            [e.GetProperty("Source").GetString()!, e.GetProperty("Identifier").GetString()!, e.GetProperty("Code").GetString()!,
             e.GetProperty("Count").GetInt64().ToString(CultureInfo.InvariantCulture)]).ToList());
    }
}
