// GetThingScript's ScriptUrl: the submitted script behind a signed link valid an hour, fetchable without credentials
// like the platform's OSS links (the same scheme as remote configuration files).
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Server.Hosting;
using Thingyard.Storage;

namespace Thingyard.Server.Scripts;

public sealed class ScriptDownloads(SignedLinks links, PublicUrls urls)
{
    public static readonly TimeSpan LinkValidity = TimeSpan.FromHours(1);

    public string Url(string productKey, int version) =>
        $"{urls.HttpBase}/thing-scripts/{productKey}/{version}?{links.Query(Resource(productKey, version), LinkValidity)}";

    public static async Task<IResult> DownloadAsync(string productKey, int version, long? expires, string? signature, ScriptDownloads downloads,
        ThingyardDb db, CancellationToken ct)
    {
        if (!downloads.Valid(productKey, version, expires, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link expired or invalid", detail: "Ask again with GetThingScript for a fresh link.");
        var content = await db.ThingScripts.AsNoTracking()
            .Where(s => s.Version == version && db.Products.Any(p => p.Id == s.ProductId && p.ProductKey == productKey))
            .Select(s => s.Content).FirstOrDefaultAsync(ct);
        return content is null ? Results.NotFound() : Results.File(Encoding.UTF8.GetBytes(content), "text/javascript", $"{productKey}.js");
    }

    bool Valid(string productKey, int version, long? expires, string? signature) => links.Valid(Resource(productKey, version), expires, signature);

    static string Resource(string productKey, int version) => $"script/{productKey}/{version}";
}
