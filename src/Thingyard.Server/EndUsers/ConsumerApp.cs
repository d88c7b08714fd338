// The consumer app (the Cloud Intelligence app's role) as an installable web app: one page and script for every project
// (EndUsers/Web, wwwroot/app), served at /app/{projectId}/ with that project's brand: its name, colour and logo in the web manifest,
// the icon and the page. The page talks to `/app/v1` like any app.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Server.EndUsers;

public sealed record AppBrand(string ProjectId, string Name, string Color, string? Logo);

public static class ConsumerApp
{
    const string DefaultColor = "#1565c0";

    public static void MapConsumerApp(this WebApplication app)
    {
        app.MapGet("/app/{projectId}/", Page).ExcludeFromDescription();
        app.MapGet("/app/{projectId}/sw.js", () => File("app/sw.js", "text/javascript")).ExcludeFromDescription();
        app.MapGet("/app/{projectId}/manifest.webmanifest", Manifest).ExcludeFromDescription();
        app.MapGet("/app/{projectId}/icon", Icon).ExcludeFromDescription();
        app.MapGet("/app/v1/projects/{projectId}/brand", async (ThingyardDb db, string projectId, CancellationToken ct) =>
            await BrandAsync(db, projectId, ct) is { } brand ? Results.Ok(brand) : Results.NotFound())
            .WithTags("End users").WithSummary("The project's app brand: name, colour and logo (no sign-in needed)");
    }

    public static async Task<AppBrand?> BrandAsync(ThingyardDb db, string projectId, CancellationToken ct)
    {
        var row = await (from p in db.Projects.AsNoTracking()
                         where p.ProjectId == projectId
                         join b in db.ProjectBrandings.AsNoTracking() on p.Id equals b.ProjectId into brands
                         from b in brands.DefaultIfEmpty()
                         select new { p.Name, b.AppName, b.AppColor, b.AppLogo }).FirstOrDefaultAsync(ct);
        return row is null ? null : new AppBrand(projectId, row.AppName ?? row.Name, IsColor(row.AppColor) ? row.AppColor! : DefaultColor, row.AppLogo);
    }

    static bool IsColor(string? c) => c is { Length: 7 } && c[0] == '#' && c[1..].All(char.IsAsciiHexDigit);

    /// <summary>The page, at the address with the trailing slash (routing matches both) so its relative links resolve.</summary>
    static async Task<IResult> Page(HttpContext http, ThingyardDb db, string projectId, CancellationToken ct)
    {
        if (await BrandAsync(db, projectId, ct) is null) return Results.NotFound("No such project.");
        if (!http.Request.Path.Value!.EndsWith('/')) return Results.Redirect($"/app/{Uri.EscapeDataString(projectId)}/");
        return File("app/index.html", "text/html; charset=utf-8");
    }

    static async Task<IResult> Manifest(ThingyardDb db, string projectId, CancellationToken ct)
    {
        if (await BrandAsync(db, projectId, ct) is not { } brand) return Results.NotFound();
        return Results.Json(new
        {
            name = brand.Name, short_name = brand.Name.Length > 12 ? brand.Name[..12] : brand.Name, start_url = $"/app/{projectId}/", scope = $"/app/{projectId}/",
            display = "standalone", theme_color = brand.Color, background_color = "#ffffff",
            icons = new[] { new { src = $"/app/{projectId}/icon", sizes = "any", type = IconType(brand.Logo) } },
        }, contentType: "application/manifest+json");
    }

    /// <summary>The brand's logo (a data: URL) as an image, or a plain mark in the brand's colour.</summary>
    static async Task<IResult> Icon(ThingyardDb db, string projectId, CancellationToken ct)
    {
        if (await BrandAsync(db, projectId, ct) is not { } brand) return Results.NotFound();
        if (brand.Logo is { } logo && logo.StartsWith("data:", StringComparison.Ordinal) && logo.IndexOf(";base64,", StringComparison.Ordinal) is > 5 and var comma)
        {
            try { return Results.Bytes(Convert.FromBase64String(logo[(comma + 8)..]), logo[5..comma]); }
            catch (FormatException) { }
        }
        var letter = System.Net.WebUtility.HtmlEncode(brand.Name[..1].ToUpperInvariant());
        return Results.Text($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 96\"><rect width=\"96\" height=\"96\" rx=\"20\" fill=\"{brand.Color}\"/>" +
            $"<text x=\"48\" y=\"64\" font-size=\"52\" text-anchor=\"middle\" fill=\"#fff\" font-family=\"sans-serif\">{letter}</text></svg>", "image/svg+xml");
    }

    static string IconType(string? logo) => logo is not null && logo.StartsWith("data:", StringComparison.Ordinal) && logo.IndexOf(';') is > 5 and var semi
        ? logo[5..semi] : "image/svg+xml";

    /// <summary>A file embedded in the server (EndUsers/Web), so the page is there however the server is deployed.</summary>
    static IResult File(string name, string type) =>
        typeof(ConsumerApp).Assembly.GetManifestResourceStream(name) is { } stream ? Results.Stream(stream, type) : Results.NotFound();
}
