// The hub's tables as CSV files, one per table name (the same names in the console, the REST export and the CLI).
using System.Globalization;
using System.Text;
using Thingyard.Common;

namespace Thingyard.OpsHub;

public static class OpsCsv
{
    /// <summary>Every table the hub exports, in the order the console shows them.</summary>
    public static readonly IReadOnlyList<string> Tables =
        ["activations", "active", "online", "endusers", "bindings", "alarms", "products", "firmware", "regions", "severity", "errors"];

    public static string Write(OpsFigures f, string table)
    {
        var csv = new StringBuilder();
        switch (table)
        {
            case "errors":
                csv.Append("source,identifier,code,count\n");
                foreach (var e in f.TopErrors) Line(csv, e.Source, e.Identifier, e.Code, Num(e.Count));
                break;
            case "products" or "firmware" or "regions" or "severity":
                csv.Append(KeyHeader(table)).Append(",count\n");
                foreach (var k in Breakdown(f, table)) Line(csv, k.Key, Num(k.Count));
                break;
            default:
                csv.Append("day,count\n");
                foreach (var d in Series(f, table)) Line(csv, d.Day, Num(d.Count));
                break;
        }
        return csv.ToString();
    }

    public static IReadOnlyList<DayCount> Series(OpsFigures f, string table) => table switch
    {
        "activations" => f.Activations,
        "active" => f.ActiveDevices,
        "online" => f.OnlineTrend,
        "endusers" => f.NewEndUsers,
        "bindings" => f.NewBindings,
        "alarms" => f.Alarms,
        _ => throw Unknown(table),
    };

    public static IReadOnlyList<KeyCount> Breakdown(OpsFigures f, string table) => table switch
    {
        "products" => f.ByProduct,
        "firmware" => f.ByFirmware,
        "regions" => f.ByRegion,
        "severity" => f.AlarmsBySeverity,
        _ => throw Unknown(table),
    };

    public static string FileName(OpsFigures f, string table) => $"{f.ProjectId}-{table}-{f.From}-{f.To}.csv";

    static string KeyHeader(string table) => table switch { "products" => "product", "firmware" => "firmware", "regions" => "region", _ => "severity" };

    static IotException Unknown(string table) => IotException.Invalid($"There is no table '{table}'; the tables are {string.Join(", ", Tables)}.");

    static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    static void Line(StringBuilder csv, params string[] cells) => csv.AppendJoin(',', cells.Select(Cell)).Append('\n');

    /// <summary>A cell quoted when it holds a comma, quote or line break; one that a spreadsheet would run as a formula
    /// (=, +, -, @ first) is prefixed with a quote mark.</summary>
    static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !double.TryParse(value, CultureInfo.InvariantCulture, out _)) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
