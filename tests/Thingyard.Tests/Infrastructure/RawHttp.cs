// HTTP/1.1 written and read by hand, as the C device SDKs do: the answer's framing (Content-Length or chunked) is seen
// as sent, which HttpClient hides (it de-chunks and reports a length for what it buffered).
using System.Net.Sockets;
using System.Text;

namespace Thingyard.Tests.Infrastructure;

public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

public static class RawHttp
{
    /// <summary>A request over a new TCP connection to 127.0.0.1.</summary>
    public static async Task<RawHttpResponse> SendAsync(int port, string method, string path, IDictionary<string, string>? form = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return await SendAsync(tcp.GetStream(), method, path, form);
    }

    /// <summary>One request with Connection: close over the stream (plain or TLS); the answer is read to the end and
    /// its body returned raw (not de-chunked).</summary>
    public static async Task<RawHttpResponse> SendAsync(Stream stream, string method, string path, IDictionary<string, string>? form = null)
    {
        var body = form is null ? [] : Encoding.UTF8.GetBytes(string.Join("&", form.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")));
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (form is not null) head.Append($"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()).Concat(body).ToArray());
        await stream.FlushAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, timeout.Token);
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, $"no complete answer: {Encoding.UTF8.GetString(bytes)}");
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new RawHttpResponse(int.Parse(lines[0].Split(' ')[1]), headers, bytes[(end + 4)..]);
    }

    /// <summary>The answer is framed by a Content-Length equal to its body and not chunked, as the C SDKs need.</summary>
    public static void AssertContentLength(RawHttpResponse response)
    {
        Assert.False(response.Headers.ContainsKey("Transfer-Encoding"), $"Transfer-Encoding: {response.Headers.GetValueOrDefault("Transfer-Encoding")}");
        Assert.True(response.Headers.TryGetValue("Content-Length", out var length), "no Content-Length");
        Assert.Equal(response.Body.Length, int.Parse(length!));
    }
}
