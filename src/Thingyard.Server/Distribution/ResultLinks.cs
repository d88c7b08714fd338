// QueryDeviceDistributeDetail's File: a link to the job's per-device CSV, valid ten minutes, fetchable without
// credentials (SignedLinks).
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Distribution;
using Thingyard.Server.Hosting;
using Thingyard.Storage;

namespace Thingyard.Server.Distribution;

public sealed class ResultLinks(SignedLinks signed)
{
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);

    public string Link(HttpRequest request, string jobId) => Link($"{request.Scheme}://{request.Host}", jobId);

    /// <summary>The link under <paramref name="baseUrl"/> (the console passes the address the browser uses).</summary>
    public string Link(string baseUrl, string jobId) =>
        $"{baseUrl.TrimEnd('/')}/distribution/results/{Uri.EscapeDataString(jobId)}.csv?{signed.Query("results/" + jobId, Validity)}";

    bool Valid(string jobId, long? expires, string? signature) => signed.Valid("results/" + jobId, expires, signature);

    public static async Task<IResult> DownloadAsync(string jobId, long? expires, string? signature, ResultLinks links, IDbContextFactory<ThingyardDb> dbs, CancellationToken ct)
    {
        if (!links.Valid(jobId, expires, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link expired or invalid", detail: "Ask QueryDeviceDistributeDetail for a new link.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = await db.DistributionJobs.FirstOrDefaultAsync(j => j.JobId == jobId, ct);
        if (job is null) return Results.NotFound();
        var items = await db.DistributionItems.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Id).ToListAsync(ct);
        return Results.File(Encoding.UTF8.GetBytes(DistributionJobs.ResultCsv(items)), "text/csv", $"{jobId}.csv");
    }
}
