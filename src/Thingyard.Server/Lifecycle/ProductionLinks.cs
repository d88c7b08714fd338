// GetProductionBatchCredentialsUrl: a link to a batch's credentials CSV, valid ten minutes, fetchable without credentials
// (SignedLinks), so a factory line can download it with a plain GET.
using System.Text;
using Thingyard.Lifecycle;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Lifecycle;

public sealed class ProductionLinks(SignedLinks signed, TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);
    public const string Route = "/production/batches/{batchId}/credentials.csv";

    /// <summary>The link under <paramref name="baseUrl"/> and when it expires (Unix ms).</summary>
    public (string Url, long ExpiresAt) Link(string baseUrl, string batchId) =>
        ($"{baseUrl.TrimEnd('/')}/production/batches/{Uri.EscapeDataString(batchId)}/credentials.csv?{signed.Query(Resource(batchId), Validity)}",
            time.GetUtcNow().Add(Validity).ToUnixTimeMilliseconds());

    static string Resource(string batchId) => "production/" + batchId;

    bool Valid(string batchId, long? expires, string? signature) => signed.Valid(Resource(batchId), expires, signature);

    /// <summary>The CSV for a valid signature; 403 for a wrong or expired one (nothing is read), 404 for a batch gone since.</summary>
    public static async Task<IResult> DownloadAsync(string batchId, long? expires, string? signature, ProductionLinks links, ProductionBatches batches,
        CancellationToken ct)
    {
        if (!links.Valid(batchId, expires, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link expired or invalid",
                detail: "Ask GetProductionBatchCredentialsUrl for a new link.");
        return await batches.CredentialsCsvForLinkAsync(batchId, ct) is { } csv
            ? Results.File(Encoding.UTF8.GetBytes(csv), "text/csv", $"{batchId}.csv")
            : Results.NotFound();
    }
}
