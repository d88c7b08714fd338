// Shorthands for distribution tests: create a device job, wait for it to finish, read its result file.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Distribution;

public static class DistributionCalls
{
    public static async Task<string> DistributeAsync(this ThingyardServer source, string pk, IEnumerable<string> names, int strategy,
        IEnumerable<string> targets, string? targetUid = null, string? authCode = null)
    {
        var p = new List<(string, string)> { ("ProductKey", pk), ("Strategy", strategy.ToString()) };
        p.AddRange(RegistryCalls.List("DeviceName", names.ToArray()));
        p.AddRange(targets.Select((t, i) => ($"TargetInstanceConfig.{i + 1}.TargetInstanceId", t)));
        if (targetUid is not null) p.Add(("TargetUid", targetUid));
        if (authCode is not null) p.Add(("AuthCode", authCode));
        return (await source.Call("CreateDeviceDistributeJob", [.. p])).Str("JobId");
    }

    /// <summary>Polls QueryDeviceDistributeJob (at most 100 x 100 ms) until the job is completed (2) or failed (3).</summary>
    public static Task<JsonElement> FinishedAsync(this ThingyardServer source, string jobId) =>
        ConnectivityCalls.EventuallyAsync(async () => (await source.Call("QueryDeviceDistributeJob", ("JobId", jobId))).At("Data"),
            d => d.GetProperty("Status").GetInt32() >= 2);

    /// <summary>The per-device result file, fetched through the link QueryDeviceDistributeDetail gives (no credentials).</summary>
    public static async Task<Dictionary<string, (int Code, string Result)>> ResultsAsync(this ThingyardServer source, string jobId)
    {
        var link = (await source.Call("QueryDeviceDistributeDetail", ("JobId", jobId))).Str("File");
        using var http = new HttpClient();
        var csv = await http.GetStringAsync(link);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => (int.Parse(f[1]), f[2]));
    }
}
