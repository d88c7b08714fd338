// A running node script that prints one JSON object per line: lines are read as they come, so a test can act
// while the script waits (a service call to a device script, say), and the whole output is kept for diagnostics.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Thingyard.Tests.Infrastructure;

public sealed class NodeScript : IAsyncDisposable
{
    readonly Process _process;
    readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    readonly List<JsonElement> _all = [];
    readonly List<JsonElement> _unread = [];
    readonly StringBuilder _stderr = new();
    readonly Task _pump;

    NodeScript(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _pump = Task.Run(PumpAsync);
    }

    public static NodeScript Start(string workingDirectory, string script, string scenario, string argsJson,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(scenario);
        psi.ArgumentList.Add(argsJson);
        return new NodeScript(Process.Start(psi)!);
    }

    async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 0 || line[0] != '{') { lock (_stderr) _stderr.AppendLine("stdout: " + line); continue; }
            var json = JsonDocument.Parse(line).RootElement.Clone();
            lock (_all) _all.Add(json);
            _lines.Writer.TryWrite(json);
        }
        _lines.Writer.TryComplete();
    }

    /// <summary>The lines printed so far.</summary>
    public IReadOnlyList<JsonElement> Printed { get { lock (_all) return [.. _all]; } }

    /// <summary>Everything the script printed so far, and its stderr, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_all) lock (_stderr) return string.Join("\n", _all.Select(j => j.GetRawText())) + "\nstderr:\n" + _stderr;
        }
    }

    /// <summary>Waits for the next line of this type; lines of other types are kept for later calls.</summary>
    public async Task<JsonElement> NextAsync(string type, int timeoutMs = 20_000)
    {
        static bool Is(JsonElement j, string type) => j.TryGetProperty("type", out var t) && t.GetString() == type;
        var kept = _unread.FindIndex(j => Is(j, type));
        if (kept >= 0) { var hit = _unread[kept]; _unread.RemoveAt(kept); return hit; }
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (Is(line, type)) return line;
                _unread.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node printed no '{type}' line within {timeoutMs} ms:\n{Transcript}");
        }
        catch (ChannelClosedException)
        {
            // Its output ended: the script exited (or closed stdout) without printing one.
            throw new TimeoutException($"node's output ended without a '{type}' line{(_process.HasExited ? $" (exit code {_process.ExitCode})" : "")}:\n{Transcript}");
        }
    }

    /// <summary>Waits (at most 60 s) for the script to end and returns every line; fails unless it ended with "done".</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForExitAsync(int timeoutMs = 60_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        await _process.WaitForExitAsync(cts.Token);
        await _pump;
        List<JsonElement> all;
        lock (_all) all = [.. _all];
        if (_process.ExitCode != 0 || all.Count == 0 || all[^1].GetProperty("type").GetString() != "done")
            throw new InvalidOperationException($"node exited with {_process.ExitCode}:\n{Transcript}");
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
