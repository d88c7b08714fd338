// RPC actions for data parsing scripts, with Alibaba's parameters and shapes: SaveScript (a draft), CreateThingScript
// and UpdateThingScript (submit), GetThingScript (Data.ScriptType and Data.ScriptUrl, a signed link to the submitted
// script, plus the script and draft inline), and TestThingScript, the console's test run (Alibaba has no public one):
// a script, the saved draft or the submitted one run on a sample payload, answering the output or the failure with
// its line and column.
using System.Globalization;
using System.Text;
using Thingyard.Common;
using Thingyard.Scripts;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Scripts;

public static class ScriptRpc
{
    public static RpcActions AddScriptActions(this RpcActions actions) => actions
        .Add("SaveScript", Save)
        .Add("CreateThingScript", Create)
        .Add("UpdateThingScript", Update)
        .Add("GetThingScript", Get)
        .Add("TestThingScript", Test);

    static async Task<object> Save(RpcCall c)
    {
        await c.Service<ThingScripts>().SaveDraftAsync(c.Caller, c.Optional("ProductKey"), c.Optional("ScriptContent") ?? "", c.Optional("ScriptType"), c.Ct);
        return new { };
    }

    static async Task<object> Create(RpcCall c)
    {
        await c.Service<ThingScripts>().CreateAsync(c.Caller, c.Optional("ProductKey"), c.Optional("ScriptContent"), c.Optional("ScriptType"), c.Ct);
        return new { };
    }

    static async Task<object> Update(RpcCall c)
    {
        await c.Service<ThingScripts>().UpdateAsync(c.Caller, c.Optional("ProductKey"), c.Optional("ScriptContent"), c.Optional("ScriptType"), c.Ct);
        return new { };
    }

    static async Task<object> Get(RpcCall c)
    {
        var (product, script) = await c.Service<ThingScripts>().GetAsync(c.Caller, c.Optional("ProductKey"), c.Ct);
        if (script is null) throw new IotException(IotErrors.ScriptNotFound, $"Product {product.ProductKey} has no data parsing script.");
        var stats = c.Service<ScriptRunner>().Stats(product.Id);
        return new
        {
            Data = new
            {
                script.ScriptType,
                ScriptUrl = script.Content is null ? "" : c.Service<ScriptDownloads>().Url(product.ProductKey, script.Version),
                ScriptContent = script.Content ?? "",
                ScriptDraft = script.Draft ?? "",
                script.Version,
                ModifiedTime = script.ModifiedAtMs,
                RunCount = stats.Runs,
                FailureCount = stats.Failures,
                LastFailure = stats.LastFailure?.ToString() ?? "",
            },
        };
    }

    /// <summary>Direction up: Payload is hex bytes for rawDataToProtocol (or, with Topic, transformPayload, which also
    /// takes text); Direction down: Payload is an Alink JSON message for protocolToRawData.</summary>
    static async Task<object> Test(RpcCall c)
    {
        var scripts = c.Service<ThingScripts>();
        var (product, saved) = await scripts.GetAsync(c.Caller, c.Optional("ProductKey"), c.Ct);
        ThingScripts.CheckType(c.Optional("ScriptType") ?? ScriptTypes.JavaScript);
        var content = c.Optional("ScriptContent") ?? saved?.Draft ?? saved?.Content
            ?? throw new IotException(IotErrors.ScriptNotFound, $"Product {product.ProductKey} has no saved script to test; pass ScriptContent.");
        var direction = c.Optional("Direction") ?? "up";
        if (direction is not ("up" or "down")) throw RpcGatewayException.Invalid("Direction", "must be up or down");
        var payload = c.Optional("Payload") ?? throw RpcGatewayException.Missing("Payload");
        var topic = c.Optional("Topic");
        var limits = c.Service<ScriptRunner>().Limits;
        // The input is checked before the script runs: a bad sample is the caller's mistake, not the script's.
        byte[]? bytes = null;
        if (topic is not null) bytes = Hex(payload) ?? Encoding.UTF8.GetBytes(payload);
        else if (direction == "up")
            bytes = Hex(payload) ?? throw RpcGatewayException.Invalid("Payload", "must be hex bytes (e.g. 0x0100000001 or 01 00 00 00 01) for Direction up");
        else
        {
            try { using var _ = System.Text.Json.JsonDocument.Parse(payload); }
            catch (System.Text.Json.JsonException e) { throw RpcGatewayException.Invalid("Payload", $"must be an Alink JSON message for Direction down ({e.Message})"); }
        }
        try
        {
            var compiled = ScriptSandbox.Compile(content, limits);
            if (topic is not null) return Result(ScriptSandbox.TransformPayload(compiled, topic, bytes, limits), null);
            if (direction == "up") return Result(ScriptSandbox.RawDataToProtocol(compiled, bytes, limits), null);
            return Result(null, "0x" + Convert.ToHexStringLower(ScriptSandbox.ProtocolToRawData(compiled, payload, limits)));
        }
        catch (ScriptFailedException e)
        {
            return new
            {
                Data = new
                {
                    Status = "failure", Output = "", OutputHex = "", ErrorType = e.Failure.Kind.ToString(), ErrorMessage = e.Failure.Message,
                    Line = e.Failure.Line ?? 0, Column = e.Failure.Column ?? 0,
                },
            };
        }
    }

    static object Result(string? json, string? hex) => new
    {
        Data = new { Status = "success", Output = json ?? hex ?? "", OutputHex = hex ?? "", ErrorType = "", ErrorMessage = "", Line = 0, Column = 0 },
    };

    /// <summary>Hex as the console writes it: an optional 0x, spaces allowed; null when the text is not hex.</summary>
    public static byte[]? Hex(string text)
    {
        var s = text.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        s = s.Replace(" ", "", StringComparison.Ordinal);
        if (s.Length == 0 || s.Length % 2 != 0 || !s.All(char.IsAsciiHexDigit)) return null;
        return Convert.FromHexString(s);
    }
}
