// Guards /internal/federation: only calls signed by a configured peer with the shared secret get through.
using Thingyard.Accounts;
using Thingyard.Distribution;

namespace Thingyard.Server.Distribution;

public static class PeerBodies
{
    /// <summary>Buffers peer request bodies before endpoint parameters are bound, so the signature check sees the same bytes.</summary>
    public static void BufferPeerBodies(this WebApplication app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/internal/federation")) http.Request.EnableBuffering();
        return next(http);
    });
}

public sealed class PeerAuthFilter(FederationOptions federation, InstanceDirectory instances, NonceGuard nonces, TimeProvider time,
    ILogger<PeerAuthFilter> log) : IEndpointFilter
{
    public const string PeerItem = "thingyard.peer";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // The body was buffered before model binding read it (BufferPeerBodies), so it can be read again here.
        using var buffer = new MemoryStream();
        if (http.Request.Body.CanSeek)
        {
            http.Request.Body.Position = 0;
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            http.Request.Body.Position = 0;
        }
        var peerId = http.Request.Headers[PeerSignature.InstanceHeader].ToString();
        var nonce = http.Request.Headers[PeerSignature.NonceHeader].ToString();
        var why = instances.Peer(peerId) is null
            ? $"'{peerId}' is not a configured peer"
            : PeerSignature.Check(federation.SharedSecret ?? "", http.Request.Method, http.Request.Path + http.Request.QueryString, peerId,
                http.Request.Headers[PeerSignature.TimestampHeader], nonce, http.Request.Headers[PeerSignature.SignatureHeader],
                buffer.GetBuffer().AsSpan(0, (int)buffer.Length), time.GetUtcNow().ToUnixTimeMilliseconds());
        // Only a genuine call spends its nonce, so forged calls cannot burn the nonces of real ones.
        if (why is null && !await nonces.TryUseAsync("peer " + peerId, nonce, http.RequestAborted)) why = "peer call replayed (nonce seen before)";
        if (why is not null)
        {
            log.LogWarning("Refused peer call {Path} from {Remote}: {Why}", http.Request.Path, http.Connection.RemoteIpAddress, why);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Peer authentication failed", detail: why);
        }
        http.Items[PeerItem] = instances.Peer(peerId);
        return await next(context);
    }
}
