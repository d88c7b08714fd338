// Alarm e-mails to every address of the rule, through the shared Mailer. Without an SMTP host nothing is sent
// (logged once per notice).
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Alarms;

public sealed class AlarmMail(Mailer mailer, ILogger<AlarmMail> log)
{
    public bool Enabled => mailer.Enabled;

    public async Task SendAsync(AlarmNotice notice, CancellationToken ct)
    {
        if (notice.EmailAddresses.Count == 0) return;
        if (!Enabled)
        {
            log.LogWarning("Alarm {AlarmId} ({Event}): no e-mail sent to {Count} address(es), Thingyard:Smtp:Host is not set", notice.AlarmId, notice.Event, notice.EmailAddresses.Count);
            return;
        }
        await mailer.SendAsync(notice.EmailAddresses, notice.Subject, notice.Text(), ct);
        log.LogInformation("Alarm {AlarmId} ({Event}): e-mail sent to {Count} address(es)", notice.AlarmId, notice.Event, notice.EmailAddresses.Count);
    }
}
