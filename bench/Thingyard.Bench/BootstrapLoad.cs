// Closed-loop load on POST /auth/bootstrap: concurrent loops over keep-alive HTTP/1.1 connections, the devices taken in
// turn, each request the form the C SDK and BootstrapTests send (productKey, deviceName, clientId, resources=mqtt; the
// endpoint takes no signature). Every answer is checked: HTTP 200, under the C SDK's 192-byte buffer, code 200 and the
// expected MQTT host and port; anything else counts as an error.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Thingyard.Bench;

public static class BootstrapLoad
{
    public sealed record Result(long Ok, long Errors, string? FirstError, double Seconds, double[] LatencyMs);

    static readonly MediaTypeHeaderValue Form = new("application/x-www-form-urlencoded");

    public static async Task<Result> RunAsync(Uri server, IReadOnlyList<DeviceCred> devices, IPEndPoint expected, int concurrency, TimeSpan duration)
    {
        // Bodies built before the clock starts.
        var bodies = devices.Select(Body).ToArray();
        var host = expected.Address.ToString();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };

        long next = -1, ok = 0, errors = 0;
        string? firstError = null;
        var latencies = new List<double>[concurrency];
        var sw = Stopwatch.StartNew();
        async Task Worker(int w)
        {
            var mine = latencies[w] = new List<double>(4_096);
            while (sw.Elapsed < duration)
            {
                var i = (int)(Interlocked.Increment(ref next) % bodies.Length);
                var t0 = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/bootstrap") { Content = new ByteArrayContent(bodies[i]) };
                    request.Content.Headers.ContentType = Form;
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    error = Check(response.StatusCode, body, host, expected.Port);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                }
                if (error is null)
                {
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{devices[i].DeviceName}: {error}", null);
                    await Task.Delay(10); // a dead or refusing server must not turn this into a busy loop
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
        var seconds = sw.Elapsed.TotalSeconds;
        return new Result(ok, errors, firstError, seconds, latencies.SelectMany(l => l ?? []).ToArray());
    }

    static byte[] Body(DeviceCred d)
    {
        static string E(string v) => Uri.EscapeDataString(v);
        return Encoding.ASCII.GetBytes($"productKey={E(d.ProductKey)}&deviceName={E(d.DeviceName)}&clientId={E($"{d.ProductKey}.{d.DeviceName}")}&resources=mqtt");
    }

    /// <summary>Null when the answer is the expected endpoint, otherwise what is wrong with it.</summary>
    static string? Check(HttpStatusCode status, byte[] body, string host, int port)
    {
        if (status != HttpStatusCode.OK) return $"HTTP {(int)status}";
        if (body.Length >= 192) return $"answer is {body.Length} bytes; the C SDK reads 192";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var code = root.GetProperty("code").GetInt32();
            if (code != 200) return $"code {code}: {Encoding.UTF8.GetString(body)}";
            var mqtt = root.GetProperty("data").GetProperty("resources").GetProperty("mqtt");
            var (h, p) = (mqtt.GetProperty("host").GetString(), mqtt.GetProperty("port").GetInt32());
            return h == host && p == port ? null : $"sent to {h}:{p}, expected {host}:{port}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return $"unexpected answer: {Encoding.UTF8.GetString(body)}";
        }
    }
}
