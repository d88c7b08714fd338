// REST export of the Operations Hub's tables: GET /api/v1/projects/{projectId}/ops/{table}.csv?start=&end= (UTC
// milliseconds, as the RPC action takes them; the last 30 days by default), for spreadsheets and scheduled scripts.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.OpsHub;
using Thingyard.Server.Rest;

namespace Thingyard.Server.OpsHub;

public static class OpsHubApi
{
    public static RouteGroupBuilder MapOpsHubApi(this RouteGroupBuilder group)
    {
        group.MapGet("/{table}.csv", Export).WithSummary("One table of the project's Operations Hub as CSV: " + string.Join(", ", OpsCsv.Tables));
        return group;
    }

    static async Task<FileContentHttpResult> Export(HttpContext http, ProjectFigures figures, string projectId, string table, long? start, long? end)
    {
        var f = await figures.ComputeAsync(RestAuthFilter.CallerOf(http), projectId, start, end, http.RequestAborted);
        var csv = OpsCsv.Write(f, table);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", OpsCsv.FileName(f, table));
    }
}
