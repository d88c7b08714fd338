// The message path's side of data parsing: each product's data format and submitted script, compiled once per
// script version and cached until ScriptChanges says it changed; every run bounded by ScriptLimits. A failing run
// is logged, counted (per product, for the console, and in the thingyard.scripts.failures metric) and returns no
// result: the caller drops that message and goes on.
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Thingyard.Connectivity;
using Thingyard.Scripts;
using Thingyard.Server.Hosting;
using Thingyard.Storage;

namespace Thingyard.Server.Scripts;

/// <summary>A product as the message path needs it: custom format (0) or Alink JSON (1), and its submitted script.</summary>
public sealed record ProductScript(int DataFormat, CompiledScript? Script, int Version)
{
    public bool IsCustomFormat => DataFormat == 0;
}

/// <summary>Runs and failures of one product's script since the server started, and the last failure.</summary>
public sealed record ScriptStats(long Runs, long Failures, ScriptFailure? LastFailure, long LastFailureAtMs);

public sealed class ScriptRunner
{
    sealed class Counts
    {
        public long Runs;
        public long Failures;
        public (ScriptFailure Failure, long AtMs)? Last;
    }

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly ScriptLimits limits;
    readonly TimeProvider time;
    readonly ILogger<ScriptRunner> log;
    readonly ConcurrentDictionary<long, Lazy<Task<ProductScript>>> _products = new();
    readonly ConcurrentDictionary<long, Counts> _counts = new();
    long _failures;

    public ScriptRunner(IDbContextFactory<ThingyardDb> dbs, ScriptChanges changes, ScriptLimits limits, IMeterFactory meters, TimeProvider time,
        ILogger<ScriptRunner> log)
    {
        this.dbs = dbs;
        this.limits = limits;
        this.time = time;
        this.log = log;
        changes.Changed += productId => _products.TryRemove(productId, out _);
        meters.Create(Observability.Name).CreateObservableCounter("thingyard.scripts.failures", () => Interlocked.Read(ref _failures),
            description: "Data parsing script runs that failed (syntax, thrown, timed out, over a limit, wrong return shape).");
    }

    public ScriptLimits Limits => limits;

    /// <summary>The product's format and compiled script (loaded once, then from memory).</summary>
    public async ValueTask<ProductScript> ForProductAsync(long productId)
    {
        var lazy = _products.GetOrAdd(productId, id => new Lazy<Task<ProductScript>>(() => LoadAsync(id)));
        try { return await lazy.Value; }
        catch
        {
            _products.TryRemove(KeyValuePair.Create(productId, lazy));
            throw;
        }
    }

    async Task<ProductScript> LoadAsync(long productId)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var format = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => (int?)p.DataFormat).FirstOrDefaultAsync() ?? 1;
        var row = await db.ThingScripts.AsNoTracking().Where(s => s.ProductId == productId).Select(s => new { s.Content, s.Version }).FirstOrDefaultAsync();
        if (row?.Content is null) return new ProductScript(format, null, 0);
        try { return new ProductScript(format, ScriptSandbox.Compile(row.Content, limits), row.Version); }
        catch (ScriptFailedException e)
        {
            // Accepted when submitted, refused now: the limits were lowered since. Counted on every message it misses.
            Failed(productId, null, "compile", e.Failure);
            return new ProductScript(format, null, row.Version);
        }
    }

    /// <summary>rawDataToProtocol on a device's bytes; null when the script failed (logged and counted).</summary>
    public string? Decode(DeviceIdentity device, CompiledScript script, ReadOnlySequence<byte> payload) =>
        Run(device, ScriptSandbox.Decode, () => ScriptSandbox.RawDataToProtocol(script, payload.ToArray(), limits));

    /// <summary>protocolToRawData on an Alink message for a device; null when the script failed.</summary>
    public byte[]? Encode(DeviceIdentity device, CompiledScript script, string json) =>
        Run(device, ScriptSandbox.Encode, () => ScriptSandbox.ProtocolToRawData(script, json, limits));

    /// <summary>transformPayload on a custom topic's payload; null when the script failed.</summary>
    public string? Transform(DeviceIdentity device, CompiledScript script, string topic, ReadOnlySequence<byte> payload) =>
        Run(device, ScriptSandbox.Transform, () => ScriptSandbox.TransformPayload(script, topic, payload.ToArray(), limits));

    /// <summary>Runs one script function for a cloud-side call; the failure, if any, comes back for the caller to report.</summary>
    public (T? Result, ScriptFailure? Failure) RunForCall<T>(long productId, string deviceName, string function, Func<T> run) where T : class
    {
        var counts = _counts.GetOrAdd(productId, _ => new Counts());
        Interlocked.Increment(ref counts.Runs);
        try { return (run(), null); }
        catch (ScriptFailedException e)
        {
            Failed(productId, deviceName, function, e.Failure);
            return (null, e.Failure);
        }
    }

    T? Run<T>(DeviceIdentity device, string function, Func<T> run) where T : class =>
        RunForCall(device.ProductId, device.DeviceName, function, run).Result;

    /// <summary>Records a failure that is not a run's (a message that needs a script the product does not have).</summary>
    public void Failed(long productId, string? deviceName, string function, ScriptFailure failure)
    {
        var counts = _counts.GetOrAdd(productId, _ => new Counts());
        Interlocked.Increment(ref counts.Failures);
        Interlocked.Increment(ref _failures);
        lock (counts) counts.Last = (failure, time.GetUtcNow().ToUnixTimeMilliseconds());
        log.LogWarning("Data parsing script of product {ProductId} failed in {Function} for device {DeviceName}: {Failure}",
            productId, function, deviceName ?? "-", failure);
    }

    public ScriptStats Stats(long productId)
    {
        if (!_counts.TryGetValue(productId, out var c)) return new ScriptStats(0, 0, null, 0);
        lock (c) return new ScriptStats(Interlocked.Read(ref c.Runs), Interlocked.Read(ref c.Failures), c.Last?.Failure, c.Last?.AtMs ?? 0);
    }
}
