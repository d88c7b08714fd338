// Calls other instances of the federation with signed requests (PeerSignature); JSON in and out. Remembers which
// peers did not answer their last call, for /health/ready.
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Thingyard.Distribution;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Distribution;

public sealed class PeerCallException(string message) : Exception(message);

/// <summary>A peer's calls get no answer: why (the latest), and since when.</summary>
public sealed record PeerOutage(string Problem, DateTimeOffset Since);

public sealed class PeerClient(InstanceOptions instance, FederationOptions federation, TimeProvider time)
{
    static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    long _calls;
    readonly ConcurrentDictionary<string, PeerOutage> _unreachable = new(StringComparer.Ordinal);

    /// <summary>Calls made to peers since start.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Peers (by instance id) whose last call got no answer; any answer, an error status too, clears the entry.</summary>
    public IReadOnlyDictionary<string, PeerOutage> Unreachable => _unreachable;

    public Task<T?> GetAsync<T>(InstanceInfo peer, string pathAndQuery, CancellationToken ct = default) =>
        SendAsync<T>(peer, HttpMethod.Get, pathAndQuery, null, ct);

    public Task<T?> PostAsync<T>(InstanceInfo peer, string path, object body, CancellationToken ct = default) =>
        SendAsync<T>(peer, HttpMethod.Post, path, JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web), ct);

    async Task<T?> SendAsync<T>(InstanceInfo peer, HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken ct)
    {
        var secret = federation.SharedSecret;
        if (string.IsNullOrEmpty(secret)) throw new PeerCallException("federation is not configured (Thingyard:Federation:SharedSecret)");
        if (string.IsNullOrEmpty(peer.HttpUrl)) throw new PeerCallException($"instance {peer.InstanceId} has no HttpUrl");
        Interlocked.Increment(ref _calls);
        using var request = new HttpRequestMessage(method, peer.HttpUrl + pathAndQuery);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        request.Headers.Add(PeerSignature.InstanceHeader, instance.InstanceId);
        request.Headers.Add(PeerSignature.TimestampHeader, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var nonce = PeerSignature.NewNonce();
        request.Headers.Add(PeerSignature.NonceHeader, nonce);
        request.Headers.Add(PeerSignature.SignatureHeader, PeerSignature.Sign(secret, method.Method, pathAndQuery, instance.InstanceId, now, nonce, body ?? []));
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        HttpResponseMessage response;
        try { response = await Http.SendAsync(request, ct); }
        catch (HttpRequestException e) { throw Unanswered(peer, $"instance {peer.InstanceId} unreachable: {e.Message}"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw Unanswered(peer, $"instance {peer.InstanceId} did not answer in time"); }
        _unreachable.TryRemove(peer.InstanceId, out _);
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return default;
            if (!response.IsSuccessStatusCode)
                throw new PeerCallException($"instance {peer.InstanceId} answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(ct))}");
            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct);
        }
    }

    PeerCallException Unanswered(InstanceInfo peer, string problem)
    {
        _unreachable.AddOrUpdate(peer.InstanceId, new PeerOutage(problem, time.GetUtcNow()), (_, was) => was with { Problem = problem });
        return new PeerCallException(problem);
    }

    static string Truncate(string s) => s.Length > 300 ? s[..300] : s;
}
