// Posts what rules and alarms owe to applications' webhooks. A delivery is a row (WebhookDelivery) from the moment it is
// queued, so a restart loses none; it is retried with doubling waits until the receiver answers 2xx, and after
// MaxAttempts it stays as a dead letter until replayed or deleted. Whoever queued it hears how it settled (Settled).
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Server.Settings;
using Thingyard.Storage;
using Thingyard.Webhooks;

namespace Thingyard.Server.Webhooks;

/// <summary>What to post: the body (JSON) to the URL, signed with the token when there is one. Context comes back
/// with the delivery when it settles.</summary>
public sealed record WebhookRequest(long AccountId, string Source, string Url, string? Token, byte[] Body, string? Context = null);

public sealed class WebhookOutbox(IDbContextFactory<ThingyardDb> dbs, IHttpClientFactory clients, WebhookOptions options, TimeProvider time,
    Cluster.Leadership leadership, Connectivity.IClusterSessions cluster, ILogger<WebhookOutbox> log) : BackgroundService
{
    public const string ClientName = "webhooks";
    public const int MaxTokenLength = 64;
    const int Batch = 64;

    readonly SemaphoreSlim _wake = new(0, 1);
    long _delivered, _retried, _dead;

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Retried => Interlocked.Read(ref _retried);
    public long DeadLettered => Interlocked.Read(ref _dead);

    /// <summary>A delivery delivered (true) or dead-lettered (false).</summary>
    public event Action<WebhookDelivery, bool>? Settled;

    /// <summary>Null when the URL may be posted to, else why not (for the caller's error message).</summary>
    public string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 1024 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "the URL must be an absolute https:// URL of at most 1024 characters";
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp)) return null;
        return options.AllowHttp ? "the URL must be http:// or https://" : "the URL must be https:// (Thingyard:Webhooks:AllowHttp allows http://)";
    }

    public static string? CheckToken(string? token) =>
        token is { Length: > MaxTokenLength } ? $"the token has at most {MaxTokenLength} characters" : null;

    public async Task<long> EnqueueAsync(WebhookRequest r, CancellationToken ct = default)
    {
        if (CheckUrl(r.Url) is { } bad) throw IotException.Invalid($"Webhook {r.Url}: {bad}.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = new WebhookDelivery
        {
            AccountId = r.AccountId, Source = r.Source, Url = r.Url, Token = string.IsNullOrEmpty(r.Token) ? null : r.Token, Body = r.Body, Context = r.Context,
            CreatedAtMs = now, NextAttemptMs = now,
        };
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.WebhookDeliveries.Add(row);
        await db.SaveChangesAsync(ct);
        Wake();
        return row.Id;
    }

    /// <summary>Dead letters of the account back to pending, all of a source's or the given ones (each must be one of the
    /// account's dead letters, or nothing is done: not found); returns how many.</summary>
    public async Task<int> ReplayAsync(long accountId, string? source, IReadOnlyCollection<long>? ids, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await EnsureAllAsync(db, accountId, ids, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var n = await DeadOf(db, accountId, source, ids).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, WebhookState.Pending).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptMs, now), ct);
        if (n > 0) Wake();
        return n;
    }

    public async Task<int> DeleteDeadAsync(long accountId, string? source, IReadOnlyCollection<long>? ids, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await EnsureAllAsync(db, accountId, ids, ct);
        return await DeadOf(db, accountId, source, ids).ExecuteDeleteAsync(ct);
    }

    static async Task EnsureAllAsync(ThingyardDb db, long accountId, IReadOnlyCollection<long>? ids, CancellationToken ct)
    {
        if (ids is not { Count: > 0 }) return;
        var found = await DeadOf(db, accountId, null, ids).Select(d => d.Id).ToListAsync(ct);
        if (ids.Except(found).ToList() is [var missing, ..])
            throw new IotException(IotErrors.DeadLetterNotFound, $"Dead letter {missing} does not exist.");
    }

    static IQueryable<WebhookDelivery> DeadOf(ThingyardDb db, long accountId, string? source, IReadOnlyCollection<long>? ids)
    {
        var q = db.WebhookDeliveries.OwnedBy(accountId).Where(d => d.State == WebhookState.Dead);
        if (source is not null) q = q.Where(d => d.Source == source || d.Source.StartsWith(source + "/"));
        if (ids is { Count: > 0 }) q = q.Where(d => ids.Contains(d.Id));
        return q;
    }

    void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { } // already woken
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            // In a cluster the leading node sends every node's deliveries (rows in the shared table), once each.
            try { wait = leadership.Leads ? await SendDueAsync(stopping) : TimeSpan.FromSeconds(1); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Webhook outbox: reading or updating deliveries failed; retrying in 5 s");
                wait = TimeSpan.FromSeconds(5);
            }
            if (wait <= TimeSpan.Zero) continue;
            try { await _wake.WaitAsync(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Sends one batch of due deliveries; returns how long to sleep (zero: more may be due).</summary>
    async Task<TimeSpan> SendDueAsync(CancellationToken stopping)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await dbs.CreateDbContextAsync(stopping);
        var due = await db.WebhookDeliveries.Where(d => d.State == WebhookState.Pending && d.NextAttemptMs <= now)
            .OrderBy(d => d.NextAttemptMs).Take(Batch).ToListAsync(stopping);
        if (due.Count == 0)
        {
            var next = await db.WebhookDeliveries.Where(d => d.State == WebhookState.Pending).MinAsync(d => (long?)d.NextAttemptMs, stopping);
            return TimeSpan.FromMilliseconds(Math.Clamp((next ?? long.MaxValue) - now, 1, cluster.Enabled ? 1_000 : 5_000));
        }
        var outcomes = new bool[due.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = stopping },
            async (i, ct) => outcomes[i] = await PostAsync(due[i], ct));
        var settled = new List<(WebhookDelivery, bool)>();
        for (var i = 0; i < due.Count; i++)
        {
            var d = due[i];
            if (outcomes[i])
            {
                db.WebhookDeliveries.Remove(d);
                settled.Add((d, true));
            }
            else if (d.Attempts >= options.MaxAttempts)
            {
                d.State = WebhookState.Dead;
                settled.Add((d, false));
                Interlocked.Increment(ref _dead);
                log.LogWarning("Webhook {Source} to {Url}: dead letter {Id} after {Attempts} attempts ({Error})", d.Source, d.Url, d.Id, d.Attempts, d.LastError);
            }
            else
            {
                d.NextAttemptMs = time.GetUtcNow().ToUnixTimeMilliseconds() + Backoff(d.Attempts);
                Interlocked.Increment(ref _retried);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        foreach (var (d, ok) in settled)
        {
            try { Settled?.Invoke(d, ok); }
            catch (Exception e) { log.LogError(e, "Webhook {Source}: handling its outcome failed", d.Source); }
        }
        return due.Count == Batch ? TimeSpan.Zero : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>The wait after attempt n (1-based): FirstRetryMs doubled n-1 times, at most MaxRetryMs, minus up to a
    /// fifth at random so many deliveries failing together do not retry together.</summary>
    long Backoff(int attempts)
    {
        var ms = Math.Min((double)options.MaxRetryMs, options.FirstRetryMs * Math.Pow(2, Math.Min(attempts - 1, 30)));
        return (long)(ms * (1 - Random.Shared.NextDouble() * 0.2));
    }

    async Task<bool> PostAsync(WebhookDelivery d, CancellationToken ct)
    {
        d.Attempts++;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new ByteArrayContent(d.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var stamp = time.GetUtcNow().ToUnixTimeMilliseconds();
            request.Headers.Add(WebhookSignature.DeliveryHeader, d.Id.ToString());
            request.Headers.Add(WebhookSignature.SourceHeader, d.Source);
            request.Headers.Add(WebhookSignature.TimestampHeader, stamp.ToString());
            if (d.Token is { } token) request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(token, stamp, d.Body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            d.LastStatus = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _delivered);
                return true;
            }
            d.LastError = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            d.LastStatus = 0;
            d.LastError = e is OperationCanceledException ? $"no answer within {options.TimeoutSeconds} s" : Truncate(e.Message);
        }
        log.LogInformation("Webhook {Source} to {Url}: attempt {Attempt} failed ({Error})", d.Source, d.Url, d.Attempts, d.LastError);
        return false;
    }

    static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
