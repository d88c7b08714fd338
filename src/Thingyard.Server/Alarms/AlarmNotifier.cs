// Sends alarm notifications off the evaluator's loop: notices wait in a bounded queue (full: dropped and logged) and
// one background loop sends each by e-mail and hands each webhook to the shared durable outbox (signed with the rule's
// token, retried, dead-lettered; source "alarm:<ruleId>"). A failing target is logged and does not stop the others.
using System.Threading.Channels;
using Thingyard.Server.Settings;
using Thingyard.Server.Webhooks;

namespace Thingyard.Server.Alarms;

public sealed class AlarmNotifier(AlarmMail mail, WebhookOutbox webhooks, AlarmOptions options, ILogger<AlarmNotifier> log) : BackgroundService
{
    readonly Channel<AlarmNotice> _queue = Channel.CreateBounded<AlarmNotice>(
        new BoundedChannelOptions(options.NotificationQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public void Enqueue(AlarmNotice notice)
    {
        if (notice.EmailAddresses.Count == 0 && notice.WebhookUrls.Count == 0) return;
        if (!_queue.Writer.TryWrite(notice))
            log.LogWarning("Alarm {AlarmId} ({Event}): notification dropped, {Capacity} already waiting (Thingyard:Alarms:NotificationQueueCapacity)",
                notice.AlarmId, notice.Event, options.NotificationQueueCapacity);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await foreach (var notice in _queue.Reader.ReadAllAsync(ct))
        {
            try { await mail.SendAsync(notice, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "Alarm {AlarmId} ({Event}): e-mail failed", notice.AlarmId, notice.Event);
            }
            var body = notice.Json();
            foreach (var url in notice.WebhookUrls)
            {
                try { await webhooks.EnqueueAsync(new WebhookRequest(notice.AccountId, $"alarm:{notice.RuleId}", url, notice.WebhookToken, body), ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogError(e, "Alarm {AlarmId} ({Event}): the webhook to {Url} was not queued", notice.AlarmId, notice.Event, url);
                }
            }
        }
    }
}
