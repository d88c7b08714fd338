// Webhook notifications of alarms. The shared durable webhook outbox (signed bodies, retries, dead letters) is not on
// main yet, so this is one plain POST per URL behind a small interface the outbox will replace.
namespace Thingyard.Server.Alarms;

public interface IAlarmWebhooks
{
    /// <summary>Sends <paramref name="body"/> (JSON) to <paramref name="url"/>; <paramref name="source"/> names the rule.</summary>
    Task SendAsync(long accountId, string source, string url, byte[] body, CancellationToken ct);
}

public sealed class HttpAlarmWebhooks(ILogger<HttpAlarmWebhooks> log) : IAlarmWebhooks, IDisposable
{
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task SendAsync(long accountId, string source, string url, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-Thingyard-Source", source);
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            log.LogWarning("Alarm webhook {Source} to {Url} answered {Status}", source, url, (int)response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}
