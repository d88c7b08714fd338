// Section Thingyard:Webhooks: how the webhook outbox (Webhooks/WebhookOutbox) posts to applications' receivers.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class WebhookOptions
{
    /// <summary>Attempts before a delivery becomes a dead letter.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>Wait before the second attempt; each later wait doubles, up to MaxRetryMs.</summary>
    public int FirstRetryMs { get; set; } = 2_000;
    public int MaxRetryMs { get; set; } = 300_000;
    /// <summary>Seconds a receiver has to answer one attempt.</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Deliveries in flight at once.</summary>
    public int Concurrency { get; set; } = 8;
    /// <summary>Also allow http:// receivers (local development); off, only https:// ones are accepted.</summary>
    public bool AllowHttp { get; set; }
}

public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var e = new SettingErrors(Sections.Webhooks);
        e.Range(nameof(o.MaxAttempts), o.MaxAttempts, 1, 100);
        e.Range(nameof(o.FirstRetryMs), o.FirstRetryMs, 10, 3_600_000, " (ms)");
        e.Range(nameof(o.MaxRetryMs), o.MaxRetryMs, o.FirstRetryMs, 86_400_000, " (ms)");
        e.Range(nameof(o.TimeoutSeconds), o.TimeoutSeconds, 1, 300, " (seconds)");
        e.Range(nameof(o.Concurrency), o.Concurrency, 1, 256);
        return e.Result;
    }
}
