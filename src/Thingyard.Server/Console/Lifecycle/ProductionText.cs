// What the mass production pages read from the OpenAPI's answers (QueryProductionBatch, QueryProductionBatchList,
// GetActivationCodeQuota), as typed rows.
using System.Text.Json.Nodes;

namespace Thingyard.Server.Console.Lifecycle;

public sealed record RejectedLine(int Line, string Name, string Error);

public sealed record BatchRow(string BatchId, string ProductKey, string Source, int Requested, int Codes, int Created, int Activated,
    string Status, IReadOnlyList<RejectedLine> Rejected, string CreatedBy, long GmtCreate)
{
    /// <summary>Devices are still being created (the registration job's CREATE).</summary>
    public bool Creating => Status == "CREATE";

    public static BatchRow From(JsonNode n) => new(
        (string)n["BatchId"]!, (string)n["ProductKey"]!, (string?)n["Source"] ?? "", (int)n["Requested"]!, (int)n["Codes"]!,
        (int)n["Created"]!, (int)n["Activated"]!, (string?)n["Status"] ?? "",
        n["Rejected"]?.AsArray().Select(r => new RejectedLine((int)r!["Line"]!, (string?)r["Name"] ?? "", (string?)r["Error"] ?? "")).ToList() ?? [],
        (string?)n["CreatedBy"] ?? "", (long?)n["GmtCreate"] ?? 0);
}

public sealed record Quota(long Allocated, long Used, long Remaining)
{
    public static Quota From(JsonNode n) => new((long)n["Allocated"]!, (long)n["Used"]!, (long)n["Remaining"]!);
}

public static class ProductionText
{
    public static string Source(string source) => source switch { "count" => "generated names", "names" => "uploaded names", _ => source };

    public static string Status(string status) => status switch
    {
        "CREATE" => "creating",
        "CREATE_SUCCESS" => "created",
        "CREATE_FAILED" => "failed",
        _ => status.ToLowerInvariant().Replace('_', ' '),
    };

    /// <summary>The signed credentials link where this browser reaches the server: the action builds it from the
    /// request's host, which a console circuit does not have, so its path and query are put under the console's base.</summary>
    public static string Local(string baseUri, string url)
    {
        var pathAndQuery = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : url;
        return new Uri(new Uri(baseUri), pathAndQuery).ToString();
    }
}
