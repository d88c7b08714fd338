// Runs the official Alibaba Node SDKs (tests/compat, installed by the test set-up) against a test server.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Thingyard.Tests.Infrastructure;

public static class NodeSdk
{
    public static string CompatDir { get; } = FindCompatDir();

    /// <summary>Found from this source file's path, so it works whatever folder the build output lands in.</summary>
    static string FindCompatDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "compat"));

    /// <summary>Runs `node rpc.js mode action params` and returns its JSON outcome ({ok, body} or {ok:false, code, message, data}).</summary>
    public static async Task<JsonElement> RpcAsync(ThingyardServer server, string mode, string action, object? parameters = null,
        string keyId = ThingyardServer.AdminKeyId, string secret = ThingyardServer.AdminSecret)
    {
        if (!Directory.Exists(Path.Combine(CompatDir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/compat first (tests/run.sh does it).");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = CompatDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("rpc.js");
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(action);
        psi.ArgumentList.Add(JsonSerializer.Serialize(parameters ?? new { }));
        psi.Environment["THINGYARD_ENDPOINT"] = server.BaseAddress.ToString().TrimEnd('/');
        psi.Environment["THINGYARD_AK"] = keyId;
        psi.Environment["THINGYARD_SK"] = secret;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var output = await stdout;
        if (string.IsNullOrWhiteSpace(output)) throw new InvalidOperationException("node rpc.js printed nothing: " + await stderr);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Starts `node script scenario args-json` (camelCase) in tests/compat; its JSON output lines can be read as they come.</summary>
    public static NodeScript StartScript(string script, string scenario, object args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!Directory.Exists(Path.Combine(CompatDir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/compat first (tests/run.sh does it).");
        return NodeScript.Start(CompatDir, script, scenario, JsonSerializer.Serialize(args, JsonSerializerOptions.Web), environment);
    }

    /// <summary>Runs a script to its end (at most 60 s) and returns every JSON line it printed.</summary>
    public static async Task<IReadOnlyList<JsonElement>> RunScriptAsync(string script, string scenario, object args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var run = StartScript(script, scenario, args, environment);
        return await run.WaitForExitAsync();
    }
}
