// RPC actions for the webhook outbox's dead letters (Thingyard's own; the platform has no webhooks): list them, send
// them again, delete them. Source narrows to one rule ("rule:12"), one of its actions ("rule:12/action:40") or an
// alarm rule ("alarm:7"). Only the caller's own account's deliveries are ever seen.
using Microsoft.EntityFrameworkCore;
using Thingyard.Server.Rpc;
using Thingyard.Storage;
using Thingyard.Webhooks;

namespace Thingyard.Server.Webhooks;

public static class WebhookRpc
{
    public static RpcActions AddWebhookActions(this RpcActions actions) => actions
        .Add("ListWebhookDeadLetters", List)
        .Add("ReplayWebhookDeadLetters", Replay)
        .Add("DeleteWebhookDeadLetters", Delete);

    static async Task<object> List(RpcCall c)
    {
        var paging = c.Paging(10, 100);
        var source = c.Optional("Source");
        var db = c.Service<ThingyardDb>();
        var q = db.WebhookDeliveries.AsNoTracking().Where(d => d.AccountId == c.Caller.AccountId && d.State == WebhookState.Dead);
        if (source is not null) q = q.Where(d => d.Source == source || d.Source.StartsWith(source + "/"));
        var total = await q.CountAsync(c.Ct);
        var rows = await q.OrderByDescending(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(c.Ct);
        return new
        {
            CurrentPage = paging.Page, paging.PageSize, Total = total,
            Data = new
            {
                DeadLetter = rows.Select(d => new
                {
                    d.Id, d.Source, d.Url, d.Attempts, d.LastStatus, d.LastError, GmtCreate = d.CreatedAtMs,
                    Body = System.Text.Encoding.UTF8.GetString(d.Body),
                }),
            },
        };
    }

    static async Task<object> Replay(RpcCall c) =>
        new { Count = await c.Service<WebhookOutbox>().ReplayAsync(c.Caller.AccountId, c.Optional("Source"), Ids(c), c.Ct) };

    static async Task<object> Delete(RpcCall c) =>
        new { Count = await c.Service<WebhookOutbox>().DeleteDeadAsync(c.Caller.AccountId, c.Optional("Source"), Ids(c), c.Ct) };

    static List<long> Ids(RpcCall c) => c.List("Ids").Select(s => long.TryParse(s, out var id) ? id : throw Common.IotException.Invalid($"Ids: '{s}' is not a dead letter id.")).ToList();
}
