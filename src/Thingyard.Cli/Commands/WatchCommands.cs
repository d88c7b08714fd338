// `thingyard device watch PK DN`: follows a device's live messages over the REST API's Server-Sent Events stream
// (GET /api/v1/products/{pk}/devices/{dn}/messages, HTTP Basic with the configured AccessKey).
using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Thingyard.Cli.Commands;

public static class WatchCommands
{
    static readonly JsonSerializerOptions Line = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Build(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "ProductKey" };
        var name = new Argument<string>("DN") { Description = "DeviceName" };
        var count = new Option<int?>("--count") { Description = "Stop after this many messages (default: until Ctrl-C)" };
        count.Validators.Add(result =>
        {
            if (result.GetValue(count) is < 1) result.AddError("--count must be at least 1.");
        });
        var command = new Command("watch", "Print a device's messages as they happen: up (↑), down (↓) and platform notes (•)")
        {
            productKey, name, count,
        };
        command.SetAction((r, ct) => cli.RunAsync(() => WatchAsync(cli, r, r.GetValue(productKey)!, r.GetValue(name)!, r.GetValue(count), ct)));
        return command;
    }

    static async Task WatchAsync(CliContext cli, ParseResult r, string productKey, string deviceName, int? count, CancellationToken ct)
    {
        var (endpoint, keyId, secret) = cli.Config(r).Require();
        var json = r.GetValue(cli.Json);
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/products/{Uri.EscapeDataString(productKey)}/devices/{Uri.EscapeDataString(deviceName)}/messages");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{keyId}:{secret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) throw new CliException(await ProblemAsync(response, ct));
            if (!json) await cli.Err.WriteLineAsync($"watching {productKey}/{deviceName}{(count is null ? "; Ctrl-C to stop" : "")}");
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var seen = 0;
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (item.EventType != SseParser.EventTypeDefault) continue;
                using var doc = JsonDocument.Parse(item.Data);
                await cli.Out.WriteLineAsync(json ? JsonSerializer.Serialize(doc.RootElement, Line) : Format(doc.RootElement));
                await cli.Out.FlushAsync(ct);
                if (++seen == count) return;
            }
            throw new CliException("the server ended the stream");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C: a normal way to stop watching.
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {endpoint}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw new CliException($"the message stream from {endpoint} broke: {e.Message}");
        }
    }

    /// <summary>"time arrow topic payload" on one line; the time is local, with milliseconds.</summary>
    public static string Format(JsonElement e)
    {
        var time = e.TryGetProperty("time", out var t) && t.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : "--:--:--.---";
        var direction = e.TryGetProperty("direction", out var d) ? d.GetString() : null;
        var arrow = direction switch { "up" => "↑", "down" => "↓", "note" => "•", _ => "?" };
        var topic = e.TryGetProperty("topic", out var tp) ? tp.GetString() : "";
        var payload = e.TryGetProperty("payload", out var p) ? p.GetString() ?? "" : "";
        if (e.TryGetProperty("encoding", out var enc) && enc.GetString() is { Length: > 0 } encoding) payload = $"({encoding}) {payload}";
        // One message, one line: line breaks inside a payload are shown escaped.
        payload = payload.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return payload.Length == 0 ? $"{time} {arrow} {topic}" : $"{time} {arrow} {topic} {payload}";
    }

    /// <summary>A ProblemDetails body as "title: detail", the way RPC errors read ("Code: message").</summary>
    static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null) return detail is null ? title : $"{title}: {detail}";
        }
        catch (JsonException) { }
        return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
