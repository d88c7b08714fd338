// A small client for the RPC OpenAPI (v1 signing, POST form), shared by the CLI and the tests.
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Thingyard.Protocol.OpenApi;

public sealed class RpcCallException(int status, string code, string message, JsonElement body) : Exception($"{code}: {message}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonElement Body { get; } = body;
}

public sealed class ThingyardRpcClient(HttpClient http, string accessKeyId, string accessKeySecret)
{
    /// <summary>Calls an action; returns the response body, or throws <see cref="RpcCallException"/> when Success is not true.</summary>
    public async Task<JsonElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>>? parameters = null, CancellationToken ct = default)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = action, ["Format"] = "JSON", ["Version"] = "2018-01-20", ["AccessKeyId"] = accessKeyId,
            ["SignatureMethod"] = "HMAC-SHA1", ["SignatureVersion"] = "1.0",
            ["SignatureNonce"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["Timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in parameters ?? []) p[k] = v;
        p["Signature"] = PopSignatureV1.Sign(PopSignatureV1.StringToSign("POST", p), accessKeySecret);

        using var response = await http.PostAsync("/", new FormUrlEncodedContent(p), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement body;
        try { body = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { throw new RpcCallException((int)response.StatusCode, "InvalidResponse", text, default); }
        if (body.TryGetProperty("Success", out var ok) && ok.ValueKind == JsonValueKind.True) return body;
        var code = body.TryGetProperty("Code", out var c) ? c.GetString() ?? "" : "";
        var message = body.TryGetProperty("ErrorMessage", out var m) || body.TryGetProperty("Message", out m) ? m.GetString() ?? "" : text;
        throw new RpcCallException((int)response.StatusCode, code, message, body);
    }

    /// <summary>Flattens a list the way the SDKs do: Name.1, Name.2, ...</summary>
    public static IEnumerable<KeyValuePair<string, string>> List(string name, IEnumerable<string> values) =>
        values.Select((v, i) => KeyValuePair.Create($"{name}.{i + 1}", v));
}
