// The two systems under test as child processes (Thingyard's Release build, Mosquitto with a temp config), killed on
// exit, Ctrl-C, SIGTERM and SIGHUP; and what /proc tells about a process (RSS, CPU time, open descriptors, limits).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Thingyard.Bench;

public sealed class ChildProcess : IDisposable
{
    static readonly List<ChildProcess> Live = [];
    static string? _pidFile;
    static readonly List<PosixSignalRegistration> Signals = [];

    readonly Process _process;
    readonly StreamWriter _log;
    public string Name { get; }
    public int Pid => _process.Id;
    public string LogPath { get; }
    public bool HasExited => _process.HasExited;

    ChildProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>Kills every child on any way out of the bench; <paramref name="pidFile"/> lists their pids for bench/run.sh's trap.</summary>
    public static void InstallCleanup(string pidFile)
    {
        _pidFile = pidFile;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            Signals.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                Console.Error.WriteLine($"\n[bench] {ctx.Signal}: stopping the servers");
                KillAll();
                ctx.Cancel = false;
                Environment.Exit(130);
            }));
    }

    public static ChildProcess Start(string name, string file, IEnumerable<string> args, IDictionary<string, string> env, string workingDir, string logPath)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The bench's own runtime tuning (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, GC settings, ...) must not leak
        // into a server under test: it gets only what is passed for it explicitly.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)
                     && !k.StartsWith("DOTNET_ROOT", StringComparison.Ordinal) && !k.StartsWith("DOTNET_CLI", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = psi };
        // Lines still in the pipe when the child is killed arrive after Dispose closed the log: dropped, not a crash.
        void Write(string? line)
        {
            if (line is null) return;
            lock (log)
                try { log.WriteLine(line); }
                catch (ObjectDisposedException) { }
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(name, process, log, logPath);
        lock (Live)
        {
            Live.Add(child);
            WritePids();
        }
        return child;
    }

    static void WritePids()
    {
        if (_pidFile is null) return;
        try { File.WriteAllLines(_pidFile, Live.Select(c => c.Pid.ToString(CultureInfo.InvariantCulture))); } catch (IOException) { }
    }

    public static void KillAll()
    {
        List<ChildProcess> all;
        lock (Live) all = [.. Live];
        foreach (var c in all) c.Dispose();
    }

    /// <summary>Asks politely (SIGTERM), then kills after <paramref name="graceMs"/>.</summary>
    public void Stop(int graceMs = 5_000)
    {
        if (_process.HasExited) return;
        try
        {
            Posix.Kill(Pid, 15);
            if (!_process.WaitForExit(graceMs)) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(2_000);
        }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(3_000);
            }
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        lock (Live)
        {
            Live.Remove(this);
            WritePids();
        }
        try { lock (_log) _log.Dispose(); } catch (ObjectDisposedException) { }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:port.</summary>
    public static async Task WaitForPortAsync(int port, ChildProcess owner, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (owner.HasExited) throw new InvalidOperationException($"{owner.Name} exited early; see {owner.LogPath}");
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException($"{owner.Name} did not listen on port {port} within {timeout.TotalSeconds} s; see {owner.LogPath}");
    }
}

/// <summary>Reads a process's numbers from /proc.</summary>
public static class Proc
{
    public static long RssKb(int pid) => StatusKb(pid, "VmRSS:");
    public static long RssAnonKb(int pid) => StatusKb(pid, "RssAnon:");
    public static long Threads(int pid) => StatusKb(pid, "Threads:");

    static long StatusKb(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    /// <summary>User + system CPU seconds used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is fields[0], utime is field 14 overall -> index 11, stime index 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)ClockTicks;
    }

    static readonly long ClockTicks = Posix.ClockTicks();

    public static int OpenFds(int pid)
    {
        try { return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length; }
        catch (IOException) { return -1; }
        catch (UnauthorizedAccessException) { return -1; }
    }

    /// <summary>Soft "Max open files" of a process.</summary>
    public static long FdLimit(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/limits"))
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts[0] == "unlimited" ? long.MaxValue : long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        return -1;
    }

    public static int Self => Environment.ProcessId;

    /// <summary>CPU seconds of the process's threads whose name starts with <paramref name="prefix"/> (e.g. ".NET Tiered Com",
    /// the JIT's background tier-up thread); 0 when there is none.</summary>
    public static double ThreadCpuSeconds(int pid, string prefix)
    {
        double total = 0;
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)ClockTicks;
                }
                catch (IOException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return total;
    }

    /// <summary>Waits until the process's open descriptors settle at or below <paramref name="atMost"/> (connections closed server-side).</summary>
    public static async Task WaitFdsAtMostAsync(int pid, int atMost, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && OpenFds(pid) > atMost) await Task.Delay(200);
    }
}

static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    public static void Kill(int pid, int signal) => KillNative(pid, signal);

    /// <summary>sysconf(_SC_CLK_TCK) (2 on Linux).</summary>
    public static long ClockTicks()
    {
        var v = SysConf(2);
        return v > 0 ? v : 100;
    }
}
