// The PostgreSQL the cluster bench's nodes share: a throwaway cluster in the work dir (Debian's package, initdb and
// pg_ctl as the postgres user when the bench runs as root), loopback only, default settings (fsync and synchronous
// commit on, as in the other PostgreSQL figures) except max_connections (every node has a pool of its own); or an
// existing server given with --cluster-postgres. Also reads what the server did: its commits and its CPU.
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Thingyard.Bench;

public sealed class BenchPostgres : IAsyncDisposable
{
    readonly string? _bin, _dir;

    /// <summary>A connection string to the maintenance database ("postgres").</summary>
    public string ConnectionString { get; }

    BenchPostgres(string connectionString, string? bin, string? dir)
    {
        ConnectionString = connectionString;
        _bin = bin;
        _dir = dir;
    }

    public static async Task<BenchPostgres> StartAsync(BenchOptions o, Action<string> say)
    {
        if (o.ClusterPostgres is { } existing) return new BenchPostgres(existing, null, null);
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version())
                .LastOrDefault()
            : null;
        if (bin is null) throw new FileNotFoundException("No PostgreSQL (initdb) under /usr/lib/postgresql; apt-get install -y postgresql, or pass --cluster-postgres");
        var dir = Path.Combine(o.WorkDir, "postgres");
        Directory.CreateDirectory(dir);
        if (Environment.UserName == "root") await RunAsync("chown", ["postgres", dir]);
        var port = ChildProcess.FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", dir, "-A", "trust", "-U", "postgres"]);
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", dir, "-l", Path.Combine(dir, "log"), "-w", "-o",
            $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=400", "start"]);
        say($"PostgreSQL on 127.0.0.1:{port}, data {dir}");
        var pg = new BenchPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", bin, dir);
        // Ctrl-C and SIGTERM end the bench with Environment.Exit (ChildProcess): PostgreSQL is stopped then too.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pg.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return pg;
    }

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> NewDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Transactions committed in the database so far (the statistics lag by up to a second).</summary>
    public static async Task<long> CommitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Active nodes of the cluster in Orleans' membership table (status 3 = Active).</summary>
    public static async Task<int> ActiveNodesAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 3", connection);
        command.Parameters.AddWithValue("c", clusterId);
        try { return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture); }
        catch (PostgresException e) when (e.SqlState == "42P01") { return 0; } // not created yet
    }

    /// <summary>CPU seconds of the postmaster and its backends so far (0 for a server the bench did not start).</summary>
    public double CpuSeconds()
    {
        if (_dir is null || !int.TryParse(File.ReadLines(Path.Combine(_dir, "postmaster.pid")).First(), out var postmaster)) return 0;
        double total = 0;
        foreach (var entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || parent == postmaster) total += Proc.CpuSeconds(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        return total;
    }

    int _stopped;

    public async ValueTask DisposeAsync()
    {
        if (_bin is null || _dir is null || Interlocked.Exchange(ref _stopped, 1) == 1) return;
        try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dir, "-m", "immediate", "-w", "stop"]); }
        catch (InvalidOperationException) { }
    }

    static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(Environment.UserName == "root" && file != "chown" ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (psi.FileName == "runuser") foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await error}{await output}");
    }
}
