// Section Thingyard:Amqp: the server-side subscription listeners (AMQP 1.0, Subscriptions/Amqp) and the consumer
// groups' backlog limits.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class AmqpOptions
{
    /// <summary>Plain AMQP port for local development; 0 picks a free one (tests), -1 (default) turns it off. Alibaba's
    /// endpoint is TLS only.</summary>
    public int Port { get; set; } = -1;
    /// <summary>AMQP over TLS (amqps), with the MQTT TLS port's certificate; 0 a free port, -1 off.</summary>
    public int TlsPort { get; set; } = 5671;
    /// <summary>Address the AMQP listeners bind to.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";
    /// <summary>Hours an unconsumed message is kept in a group's backlog (the platform keeps them a day).</summary>
    public int RetentionHours { get; set; } = 24;
    /// <summary>Messages kept per consumer group; beyond it the oldest are dropped and counted.</summary>
    public int MaxBacklogPerGroup { get; set; } = 1_000_000;
    /// <summary>Seconds a client has to settle a delivery before it is sent again.</summary>
    public int AckTimeoutSeconds { get; set; } = 30;
}

public sealed class AmqpOptionsValidator : IValidateOptions<AmqpOptions>
{
    public ValidateOptionsResult Validate(string? name, AmqpOptions o)
    {
        var e = new SettingErrors(Sections.Amqp);
        foreach (var (key, port) in new[] { (nameof(o.Port), o.Port), (nameof(o.TlsPort), o.TlsPort) })
            if (port is < -1 or > 65535) e.Add(key, $"{port} is not a port; use 1 to 65535, 0 for a free port or -1 to turn the listener off");
        if (o.Port > 0 && o.Port == o.TlsPort) e.Add(nameof(o.TlsPort), $"{o.TlsPort} is also {e.Key(nameof(o.Port))}; give each listener its own port");
        if (!IpText.TryParseAddress(o.BindAddress, out _))
            e.Add(nameof(o.BindAddress), $"{SettingErrors.Quote(o.BindAddress)} is not an IP address; use e.g. 0.0.0.0 (every interface), 127.0.0.1 or ::");
        e.Range(nameof(o.RetentionHours), o.RetentionHours, 1, 24 * 30, " (hours)");
        e.AtLeast(nameof(o.MaxBacklogPerGroup), o.MaxBacklogPerGroup, 1);
        e.Range(nameof(o.AckTimeoutSeconds), o.AckTimeoutSeconds, 1, 3600, " (seconds)");
        return e.Result;
    }
}
