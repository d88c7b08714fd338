// The subscription bench's application: an AMQP client that receives and accepts every message of a consumer group,
// in a process of its own (this program started with --drain-child), as an application would be. In the bench's own
// process it shared the load generator's socket thread (inline completions), and the devices posted slower for it.
// The child writes its count and the first and last arrival times of the current burst of messages (arrivals with less
// than 2 s between them) to a status file five times a second, and on
// SIGTERM every message's age at arrival (ms, in arrival order) to a latency file.
using System.Globalization;
using System.Runtime.InteropServices;
using Thingyard.Protocol.Subscriptions;

namespace Thingyard.Bench;

public sealed class AmqpDrain(ChildProcess process, string statusPath, string latencyPath)
{
    public const string Flag = "--drain-child";

    public sealed record Status(long Count, DateTime First, DateTime Last)
    {
        public TimeSpan Span => Last - First;
    }

    /// <summary>Starts the child and waits until it has connected.</summary>
    public static async Task<AmqpDrain> StartAsync(string workDir, int port, string accessKeyId, string accessKeySecret, string group)
    {
        var status = Path.Combine(workDir, "amqp-client.status");
        var latencies = Path.Combine(workDir, "amqp-client.latencies");
        File.Delete(status);
        var dll = typeof(AmqpDrain).Assembly.Location;
        var child = ChildProcess.Start("amqp-client", "dotnet", [dll, Flag, status, latencies, port.ToString(CultureInfo.InvariantCulture), accessKeyId, accessKeySecret, group],
            // Its thread pool does not spin waiting for work: profiled, the idle spinning (sched_yield) was two fifths of
            // the client's CPU, taken from the server on this machine where a real application would run elsewhere.
            new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, workDir, Path.Combine(workDir, "amqp-client.log"));
        var drain = new AmqpDrain(child, status, latencies);
        for (var until = DateTime.UtcNow.AddSeconds(30); drain.Read() is null; await Task.Delay(100))
            if (DateTime.UtcNow > until || child.HasExited) throw new InvalidOperationException($"the AMQP client did not connect; see {child.LogPath}");
        return drain;
    }

    public Status Current => Read() ?? new Status(0, default, default);

    Status? Read()
    {
        try
        {
            var f = File.ReadAllText(statusPath).Split(' ');
            return new Status(long.Parse(f[0], CultureInfo.InvariantCulture), new DateTime(long.Parse(f[1], CultureInfo.InvariantCulture), DateTimeKind.Utc),
                new DateTime(long.Parse(f[2], CultureInfo.InvariantCulture), DateTimeKind.Utc));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException) { return null; }
    }

    /// <summary>Stops the child; every message's age at arrival, in arrival order.</summary>
    public double[] Stop()
    {
        process.Stop(10_000);
        return File.Exists(latencyPath) ? [.. File.ReadAllLines(latencyPath).Select(l => double.Parse(l, CultureInfo.InvariantCulture))] : [];
    }

    /// <summary>The child: receives and accepts until SIGTERM.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (statusPath, latencyPath) = (args[1], args[2]);
        var latencies = new List<long>(1 << 20);
        long count = 0, first = 0, last = 0;
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        void WriteStatus()
        {
            var tmp = statusPath + ".tmp";
            File.WriteAllText(tmp, string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Read(ref count)} {Interlocked.Read(ref first)} {Interlocked.Read(ref last)}"));
            File.Move(tmp, statusPath, overwrite: true);
        }
        // The messages come to a listener on the connection's I/O thread, as Alibaba's documented clients take them.
        // (AMQP.Net Lite, the library of Alibaba's .NET sample, was tried in this role, accepting each message as the
        // sample does: it took 18-23 % of the two cores where this client takes 14-16 %.)
        var options = new AmqpSubscriber.Options("127.0.0.1", int.Parse(args[3], CultureInfo.InvariantCulture), args[4], args[5], args[6])
        {
            Tls = false, ClientId = "bench", Prefetch = 2_000,
            OnMessage = (client, message, tag) =>
            {
                var now = DateTime.UtcNow;
                latencies.Add(new DateTimeOffset(now).ToUnixTimeMilliseconds() - message.GenerateTime);
                client.Accept(tag);
                // First is the first arrival of the current burst: the bench's phases are separated by seconds of quiet.
                if (Interlocked.Increment(ref count) == 1 || now.Ticks - Interlocked.Read(ref last) > TimeSpan.TicksPerSecond * 2) Interlocked.Exchange(ref first, now.Ticks);
                Interlocked.Exchange(ref last, now.Ticks);
            },
        };
        await using (await AmqpSubscriber.ConnectAsync(options, stop.Token))
        {
            WriteStatus();
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            try { while (await tick.WaitForNextTickAsync(stop.Token)) WriteStatus(); }
            catch (OperationCanceledException) { }
        }
        // Closed: the listener has stopped adding.
        WriteStatus();
        await File.WriteAllLinesAsync(latencyPath, latencies.Select(l => l.ToString(CultureInfo.InvariantCulture)));
        return 0;
    }
}
