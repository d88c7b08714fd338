// --gc: the server's live managed heap, measured the way dotnet-gcdump does it. Enabling the runtime's GCHeapCollect
// keyword over EventPipe makes the server run one blocking full GC; the GCHeapStats event that follows gives the size
// of every generation after it, i.e. what is really reachable. Only for .NET processes (Thingyard), not Mosquitto.
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Thingyard.Bench;

public static class GcProbe
{
    /// <summary>Live managed bytes after an induced full GC, or null when the probe failed (not .NET, timeout).</summary>
    public static async Task<long?> LiveHeapBytesAsync(int pid, TimeSpan timeout)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            var providers = new[]
            {
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational,
                    (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect)),
            };
            using var session = client.StartEventPipeSession(providers, requestRundown: false);
            using var source = new EventPipeEventSource(session.EventStream);
            var induced = false;
            long? live = null;
            source.Clr.GCStart += e => { if (e.Reason == GCReason.Induced) induced = true; };
            source.Clr.GCHeapStats += e =>
            {
                if (!induced || live is not null) return;
                live = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
                _ = Task.Run(() => { try { session.Stop(); } catch (Exception) { } });
            };
            var processing = Task.Run(() => source.Process());
            await Task.WhenAny(processing, Task.Delay(timeout));
            if (live is null) try { session.Stop(); } catch (Exception) { }
            return live;
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            return null;
        }
    }
}
