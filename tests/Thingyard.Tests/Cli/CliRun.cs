// Runs the thingyard CLI in-process against a live server, for the watch and simulate tests.
using System.Text.Json;
using Thingyard.Cli;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Cli;

public sealed record CliResult(int Code, string Out, string Err)
{
    /// <summary>Each non-empty stdout line parsed as JSON (watch --json prints one event per line).</summary>
    public List<JsonElement> JsonLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(l => JsonDocument.Parse(l).RootElement).ToList();

    public JsonElement Json => JsonDocument.Parse(Out).RootElement;
}

public static class CliRun
{
    /// <summary>The server's endpoint with the admin key (or another account's), and a config file that does not exist.</summary>
    public static Dictionary<string, string?> Environment(ThingyardServer server, TestAccount? account = null) => new()
    {
        ["THINGYARD_CONFIG"] = Path.Combine(Path.GetTempPath(), "thingyard-cli-tests", Guid.NewGuid().ToString("N"), "config.json"),
        ["THINGYARD_ENDPOINT"] = server.BaseAddress.ToString(),
        ["THINGYARD_ACCESS_KEY_ID"] = account?.AccessKeyId ?? ThingyardServer.AdminKeyId,
        ["THINGYARD_ACCESS_KEY_SECRET"] = account?.AccessKeySecret ?? ThingyardServer.AdminSecret,
    };

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, environment);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(ThingyardServer server, params string[] args) => RunAsync(Environment(server), args);

    /// <summary>Polls every 100 ms until the check passes or the time is up; calls that fail count as "not yet".</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> check, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            try
            {
                if (await check()) return true;
            }
            catch (RpcCallException) { }
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(100);
        }
    }
}
