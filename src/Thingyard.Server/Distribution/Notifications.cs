// An account's inbox (GET /api/v1/notifications) and, when Thingyard:Federation:NotificationWebhook is set, a copy of
// each new notification POSTed there as JSON. Authorization codes reach the receiving account this way.
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Storage;

namespace Thingyard.Server.Distribution;

public sealed record NotificationDto(long Id, string Kind, string Message, long CreatedAt, bool Read);

public sealed class Notifications(IDbContextFactory<ThingyardDb> dbs, FederationOptions federation, ILogger<Notifications> log)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Posts the account's latest notification to the webhook (for the account a peer just issued a code of).</summary>
    public async Task DeliverPendingAsync(long ownerAccountId, CancellationToken ct = default)
    {
        var url = federation.NotificationWebhook;
        if (string.IsNullOrEmpty(url)) return;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var latest = await db.Notifications.OwnedBy(ownerAccountId).OrderByDescending(n => n.Id).FirstOrDefaultAsync(ct);
        if (latest is null) return;
        var uid = await db.Accounts.OwnerOf(latest).Select(a => a.Uid).FirstAsync(ct);
        try
        {
            using var response = await Http.PostAsJsonAsync(url, new { accountUid = uid, kind = latest.Kind, message = latest.Message, createdAt = latest.CreatedAtMs }, ct);
            if (!response.IsSuccessStatusCode) log.LogWarning("Notification webhook answered {Status}", (int)response.StatusCode);
        }
        catch (HttpRequestException e) { log.LogWarning("Notification webhook unreachable: {Message}", e.Message); }
    }

    /// <summary>One page of the account's notifications of one kind (or all), newest first; reading marks nothing.</summary>
    public async Task<(List<NotificationDto> Items, int Total)> PageAsync(Caller caller, string? kind, Common.Paging paging, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.Notifications.AsNoTracking().VisibleTo(caller);
        if (!string.IsNullOrEmpty(kind)) q = q.Where(n => n.Kind == kind);
        var rows = await q.OrderByDescending(n => n.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(n => new NotificationDto(n.Id, n.Kind, n.Message, n.CreatedAtMs, n.Read)).ToListAsync(ct);
        return (rows, await q.CountAsync(ct));
    }

    public async Task<List<NotificationDto>> InboxAsync(Caller caller, bool markRead, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Notifications.VisibleTo(caller).OrderByDescending(n => n.Id).Take(100).ToListAsync(ct);
        var result = rows.Select(n => new NotificationDto(n.Id, n.Kind, n.Message, n.CreatedAtMs, n.Read)).ToList();
        if (markRead && rows.Any(n => !n.Read))
        {
            foreach (var n in rows) n.Read = true;
            await db.SaveChangesAsync(ct);
        }
        return result;
    }
}
