// One command's connection to the server: signed RPC, REST with HTTP Basic, and plain GETs for signed links; failures a
// user can act on become CliException ("cannot reach", ProblemDetails as "title: detail").
using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Thingyard.Cli.Commands;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli;

/// <summary>One command's connection to the server: signed RPC, REST with HTTP Basic, and plain GETs for result links.</summary>
public sealed class CliSession : IDisposable
{
    readonly Uri _endpoint;
    readonly HttpClient _http;
    readonly ThingyardRpcClient _rpc;
    readonly AuthenticationHeaderValue _basic;

    public CliSession(CliContext cli, ParseResult r)
    {
        var (endpoint, keyId, secret) = cli.Config(r).Require();
        _endpoint = endpoint;
        _http = new HttpClient { BaseAddress = endpoint };
        _rpc = new ThingyardRpcClient(_http, keyId, secret);
        _basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{keyId}:{secret}")));
    }

    public void Dispose() => _http.Dispose();

    public Task<JsonElement> CallAsync(string action, RpcParams parameters, CancellationToken ct) =>
        Reach(() => _rpc.CallAsync(action, parameters, ct), ct);

    public Task<JsonElement> JobAsync(string jobId, CancellationToken ct) =>
        GetJsonAsync($"/api/v1/distribution/jobs/{Uri.EscapeDataString(jobId)}", ct);

    public Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) => SendJsonAsync(HttpMethod.Get, path, null, ct);

    /// <summary>A REST call with a JSON body (or none) and a JSON answer.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var text = await SendAsync(method, path, body, ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"{path} did not answer JSON");
        }
    }

    public Task<string> GetTextAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>A REST call whose answer may be empty (204); returns the body's text.</summary>
    public Task<string> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct) => Reach(async () =>
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = _basic;
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? text : throw new CliException(Problem(response, text));
    }, ct);

    /// <summary>The job's per-device CSV, through the link QueryDeviceDistributeDetail gives (no credentials: the link is signed).</summary>
    public async Task<string> ResultCsvAsync(string jobId, CancellationToken ct)
    {
        var detail = await CallAsync("QueryDeviceDistributeDetail", new RpcParams { { "JobId", jobId } }, ct);
        var link = detail.GetProperty("File").GetString() ?? throw new CliException($"the server gave no result file for job {jobId}");
        return await GetLinkAsync(link, $"the result file of job {jobId}", ct);
    }

    /// <summary>A signed link's content, fetched without credentials; <paramref name="what"/> names it in a failure.</summary>
    public Task<string> GetLinkAsync(string link, string what, CancellationToken ct) => Reach(async () =>
    {
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(link, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? text : throw new CliException($"{what}: {Problem(response, text)}");
    }, ct);

    async Task<T> Reach<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {_endpoint}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"{_endpoint} did not answer in time");
        }
    }

    /// <summary>A ProblemDetails body as "title: detail", the way RPC errors read ("Code: message").</summary>
    static string Problem(HttpResponseMessage response, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var title = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null) return detail is null ? title : $"{title}: {detail}";
        }
        catch (JsonException) { }
        return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
