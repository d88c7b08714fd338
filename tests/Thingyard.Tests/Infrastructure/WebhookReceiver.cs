// An application's webhook endpoint on loopback (HttpListener): records every POST with its headers, and answers 500 to
// the first FailFirst requests (a receiver that is down), 200 after that.
using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Thingyard.Tests.Infrastructure;

public sealed class WebhookReceiver : IDisposable
{
    public sealed record Received(string Path, Dictionary<string, string> Headers, byte[] Body, int AnsweredStatus)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    readonly HttpListener _listener = new();
    int _seen;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string Url { get; }
    /// <summary>Requests answered 500 before the receiver "comes up".</summary>
    public int FailFirst { get; set; }

    public WebhookReceiver(string path = "/hook")
    {
        var port = ThingyardServer.FreePort();
        Url = $"http://127.0.0.1:{port}{path}";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var status = Interlocked.Increment(ref _seen) <= FailFirst ? 500 : 200;
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Received(context.Request.Url!.AbsolutePath, headers, body.ToArray(), status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    /// <summary>The requests answered 200, waited for (bounded, 15 s) until there are at least <paramref name="count"/>.</summary>
    public async Task<List<Received>> DeliveredAsync(int count = 1)
    {
        for (var i = 0; i < 150; i++)
        {
            var ok = Requests.Where(r => r.AnsweredStatus == 200).ToList();
            if (ok.Count >= count) return ok;
            await Task.Delay(100);
        }
        return Requests.Where(r => r.AnsweredStatus == 200).ToList();
    }

    public void Dispose() => _listener.Close();
}
