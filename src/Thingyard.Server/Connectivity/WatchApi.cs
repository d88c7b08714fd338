// GET /api/v1/products/{productKey}/devices/{deviceName}/messages: one device's live traffic (`thingyard device watch`) as
// Server-Sent Events, fed by the MessageTap. Each event's data is a WatchEvent; a comment line every 15 s keeps proxies open.
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Connectivity;

/// <summary>
/// One message: UTC ms, "up" (device to cloud), "down" (cloud to device) or "note" (platform status, the topic holds the text),
/// the topic, and the payload as UTF-8 text, or as base64 with encoding "base64" when the bytes are not valid UTF-8.
/// </summary>
public sealed record WatchEvent(
    long Time, string Direction, string Topic, string Payload,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Encoding = null)
{
    public static WatchEvent Of(TappedMessage m) => Utf8.IsValid(m.Payload)
        ? new(m.TimeMs, m.Direction, m.Topic, System.Text.Encoding.UTF8.GetString(m.Payload))
        : new(m.TimeMs, m.Direction, m.Topic, Convert.ToBase64String(m.Payload), "base64");
}

public static class WatchApi
{
    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web);
    static readonly byte[] Comment = ": keep-alive\n\n"u8.ToArray();
    static readonly byte[] DataField = "data: "u8.ToArray();
    static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public static RouteGroupBuilder MapWatchApi(this RouteGroupBuilder group)
    {
        group.MapGet("/{deviceName}/messages", Watch)
            .WithSummary("Stream a device's live messages")
            .WithDescription("Server-Sent Events: each event's data is a JSON object {time, direction (up, down or note), topic, payload, " +
                "encoding (\"base64\" when the payload is not UTF-8 text)}. The stream stays open until the client leaves.")
            .Produces<WatchEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    static async Task<EmptyHttpResult> Watch(HttpContext http, DeviceRegistry devices, MessageTap tap, WatchAccess access, IHostApplicationLifetime lifetime,
        string productKey, string deviceName)
    {
        // Looked up in the caller's account before anything is written, so another account's device is a plain 404.
        var caller = RestAuthFilter.CallerOf(http);
        var device = await devices.GetAsync(caller, new DeviceRef(null, productKey, deviceName), http.RequestAborted);
        // The stream ends when the client leaves, the server stops (a watcher must not hold up shutdown), or the caller
        // loses sight of the device (an authorization revoked).
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        using var stop = access.Guard(caller, device, leaving.Token);
        var messages = tap.WatchAsync(device.Id, stop.Token).GetAsyncEnumerator(stop.Token);
        // The first MoveNext registers the watcher before it waits, so the watch is in place once the headers are out.
        var next = messages.MoveNextAsync().AsTask();
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await http.Response.StartAsync(stop.Token);
            await http.Response.Body.FlushAsync(stop.Token);
            Task? beat = null;
            while (true)
            {
                beat ??= Task.Delay(KeepAlive, stop.Token);
                if (await Task.WhenAny(next, beat) == beat)
                {
                    if (stop.IsCancellationRequested) break;
                    beat = null;
                    await http.Response.Body.WriteAsync(Comment, stop.Token);
                    await http.Response.Body.FlushAsync(stop.Token);
                    continue;
                }
                if (!await next) break;
                var data = JsonSerializer.SerializeToUtf8Bytes(WatchEvent.Of(messages.Current), Format);
                next = messages.MoveNextAsync().AsTask();
                await http.Response.Body.WriteAsync(DataField, stop.Token);
                await http.Response.Body.WriteAsync(data, stop.Token);
                await http.Response.Body.WriteAsync(EventEnd, stop.Token);
                await http.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left or the server is stopping: nothing more to send.
        }
        finally
        {
            // The watcher must stop waiting before its enumerator can be disposed.
            await stop.CancelAsync();
            try { await next; } catch (OperationCanceledException) { }
            await messages.DisposeAsync();
        }
        return TypedResults.Empty;
    }
}
