// Alarm e-mails through MailKit with the Thingyard:Smtp settings: one connection per notice, to every address of
// the rule. Without a Host nothing is sent (logged once per notice).
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Alarms;

public sealed class AlarmMail(SmtpOptions smtp, ILogger<AlarmMail> log)
{
    public bool Enabled => !string.IsNullOrEmpty(smtp.Host);

    public async Task SendAsync(AlarmNotice notice, CancellationToken ct)
    {
        if (notice.EmailAddresses.Count == 0) return;
        if (!Enabled)
        {
            log.LogWarning("Alarm {AlarmId} ({Event}): no e-mail sent to {Count} address(es), Thingyard:Smtp:Host is not set", notice.AlarmId, notice.Event, notice.EmailAddresses.Count);
            return;
        }
        var message = new MimeMessage { Subject = notice.Subject, Body = new TextPart("plain") { Text = notice.Text() } };
        message.From.Add(MailboxAddress.Parse(smtp.From!));
        foreach (var to in notice.EmailAddresses) message.To.Add(MailboxAddress.Parse(to));
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        log.LogInformation("Alarm {AlarmId} ({Event}): e-mail sent to {Count} address(es)", notice.AlarmId, notice.Event, notice.EmailAddresses.Count);
    }
}
