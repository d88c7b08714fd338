// The real server as a separate process (the built Thingyard.Server.dll), configured through environment variables the way
// an operator would, so a test can kill it with SIGKILL and start it again on the same data.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Thingyard.Tests.Infrastructure;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Devices;

public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    public int HttpPort { get; }
    public int MqttPort { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");

    ServerProcess(Process process, int httpPort, int mqttPort)
    {
        _process = process;
        HttpPort = httpPort;
        MqttPort = mqttPort;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) { if (_output.Length < 200_000) _output.AppendLine(line); }
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the server on fresh loopback ports with the data folder and storage settings ("Thingyard:Storage:Provider" style keys).</summary>
    /// <summary>Ports may be fixed in advance (peers of a federation must know them); by default free ones are picked.</summary>
    /// <summary><paramref name="openFileLimit"/> runs it under that RLIMIT_NOFILE (soft and hard), as `ulimit -n` would.</summary>
    /// <summary><paramref name="startWithin"/>: how long it may take to serve (default 60 s); one that does not is killed.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> settings, int? http = null, int? mqtt = null,
        int? openFileLimit = null, TimeSpan? startWithin = null)
    {
        var (httpPort, mqttPort) = (http ?? ThingyardServer.FreePort(), mqtt ?? ThingyardServer.FreePort());
        var psi = new ProcessStartInfo(openFileLimit is null ? "dotnet" : "/bin/sh")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (openFileLimit is { } limit)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -n {limit} && exec dotnet \"$0\"");
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Thingyard.Server.dll"));
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        psi.Environment["Thingyard__DataDir"] = dataDir;
        psi.Environment["Thingyard__Admin__AccessKeyId"] = ThingyardServer.AdminKeyId;
        psi.Environment["Thingyard__Admin__AccessKeySecret"] = ThingyardServer.AdminSecret;
        psi.Environment["Thingyard__Mqtt__BindAddress"] = "127.0.0.1";
        psi.Environment["Thingyard__Mqtt__Port"] = mqttPort.ToString();
        psi.Environment["Thingyard__Mqtt__TlsPort"] = "-1";
        psi.Environment["Thingyard__Amqp__TlsPort"] = "-1";
        psi.Environment["Thingyard__Amqp__BindAddress"] = "127.0.0.1";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__")] = value;

        var server = new ServerProcess(Process.Start(psi)!, httpPort, mqttPort);
        try { await server.WaitUntilServingAsync(startWithin ?? TimeSpan.FromSeconds(60)); }
        catch
        {
            await server.DisposeAsync(); // not left running behind the failed test
            throw;
        }
        return server;
    }

    /// <summary>Waits for /health to answer and the MQTT port to accept connections.</summary>
    async Task WaitUntilServingAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < within.TotalMilliseconds / 200; i++)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // until its output has been read to the end
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, MqttPort);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server did not start serving within {within.TotalSeconds} s:\n{Output}");
    }

    public bool HasExited => _process.HasExited;

    public ThingyardRpcClient Rpc() => new(new HttpClient { BaseAddress = BaseAddress }, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret);

    /// <summary>SIGKILL: no shutdown hooks, no draining, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
