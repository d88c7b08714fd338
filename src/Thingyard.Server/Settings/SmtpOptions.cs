// Section Thingyard:Smtp: the mail server alarm e-mails go through (Alarms/AlarmMail). Unset Host: no e-mail is sent
// (a rule's addresses are kept, and each skipped notification is logged).
using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class SmtpOptions
{
    /// <summary>The SMTP server's host name or address; unset turns e-mail off.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>TLS on connect (port 465) or STARTTLS (others); false sends in clear (a local relay).</summary>
    public bool UseTls { get; set; } = true;
    /// <summary>User name to authenticate with; unset sends without authentication.</summary>
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>The sender address (thingyard@example.com, or "Thingyard &lt;thingyard@example.com&gt;").</summary>
    public string? From { get; set; }
}

public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions o)
    {
        var e = new SettingErrors(Sections.Smtp);
        e.Range(nameof(o.Port), o.Port, 1, 65535);
        if (!string.IsNullOrEmpty(o.Host))
        {
            if (string.IsNullOrEmpty(o.From)) e.Add(nameof(o.From), "(not set) is required when Host is set; use e.g. thingyard@example.com");
            else if (!MailAddress.TryCreate(o.From, out _)) e.Add(nameof(o.From), $"{SettingErrors.Quote(o.From)} is not an e-mail address; use e.g. thingyard@example.com");
        }
        if (!string.IsNullOrEmpty(o.User) && o.Password is null) e.Add(nameof(o.Password), "(not set) is required when User is set");
        return e.Result;
    }
}
