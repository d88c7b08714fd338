// Plain-text e-mail through MailKit with the Thingyard:Smtp settings, one connection per message. Used by alarm
// notifications and end users' password-reset codes. Without a Host nothing can be sent (Enabled is false).
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Hosting;

public sealed class Mailer(SmtpOptions smtp)
{
    public bool Enabled => !string.IsNullOrEmpty(smtp.Host);

    public async Task SendAsync(IReadOnlyList<string> to, string subject, string text, CancellationToken ct)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse(smtp.From!));
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
