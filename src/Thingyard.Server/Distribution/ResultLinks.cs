// QueryDeviceDistributeDetail's File: a link to the job's per-device CSV, valid ten minutes, signed so it can be fetched
// without credentials (as the platform's OSS links are). The signing key lives in memory: a restart expires old links.
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Distribution;
using Thingyard.Storage;

namespace Thingyard.Server.Distribution;

public sealed class ResultLinks(TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);
    readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Link(HttpRequest request, string jobId)
    {
        var expires = time.GetUtcNow().Add(Validity).ToUnixTimeMilliseconds();
        return $"{request.Scheme}://{request.Host}/distribution/results/{Uri.EscapeDataString(jobId)}.csv?expires={expires}&signature={Sign(jobId, expires)}";
    }

    string Sign(string jobId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{jobId}\n{expires}")));

    bool Valid(string jobId, long expires, string signature) =>
        expires >= time.GetUtcNow().ToUnixTimeMilliseconds() &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(jobId, expires)), Encoding.ASCII.GetBytes(signature));

    public static async Task<IResult> DownloadAsync(string jobId, long? expires, string? signature, ResultLinks links, IDbContextFactory<ThingyardDb> dbs, CancellationToken ct)
    {
        if (expires is null || signature is null || !links.Valid(jobId, expires.Value, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link expired or invalid", detail: "Ask QueryDeviceDistributeDetail for a new link.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = await db.DistributionJobs.FirstOrDefaultAsync(j => j.JobId == jobId, ct);
        if (job is null) return Results.NotFound();
        var items = await db.DistributionItems.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Id).ToListAsync(ct);
        return Results.File(Encoding.UTF8.GetBytes(DistributionJobs.ResultCsv(items)), "text/csv", $"{jobId}.csv");
    }
}
