// Section Thingyard:Alarms: the evaluator's queue between the message path and the alarm rules.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class AlarmOptions
{
    /// <summary>Values waiting for evaluation; when full, new ones are dropped and counted so devices never wait.</summary>
    public int QueueCapacity { get; set; } = 10_000;
    /// <summary>Notifications (e-mails, webhooks) waiting to be sent; when full, new ones are dropped and logged.</summary>
    public int NotificationQueueCapacity { get; set; } = 1_000;
}

public sealed class AlarmOptionsValidator : IValidateOptions<AlarmOptions>
{
    public ValidateOptionsResult Validate(string? name, AlarmOptions o)
    {
        var e = new SettingErrors(Sections.Alarms);
        e.Range(nameof(o.QueueCapacity), o.QueueCapacity, 1, 10_000_000);
        e.Range(nameof(o.NotificationQueueCapacity), o.NotificationQueueCapacity, 1, 1_000_000);
        return e.Result;
    }
}
