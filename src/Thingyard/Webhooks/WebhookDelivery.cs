// One HTTP POST owed to an application's webhook (a rule's WEBHOOK action, an alarm's notification): kept until the
// receiver answers 2xx, retried with back-off, and after the last attempt kept as a dead letter to inspect and replay.
using Thingyard.Access;

namespace Thingyard.Webhooks;

public enum WebhookState
{
    /// <summary>Waiting for its next attempt (NextAttemptMs).</summary>
    Pending = 0,
    /// <summary>Every attempt failed: kept for inspection until replayed or deleted.</summary>
    Dead = 1,
}

public sealed class WebhookDelivery : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>What produced it, for listing and replay: "rule:12/action:40", "alarm:7".</summary>
    public required string Source { get; set; }
    public required string Url { get; set; }
    /// <summary>The HMAC key of the signature header; null sends the body unsigned.</summary>
    public string? Token { get; set; }
    public required byte[] Body { get; set; }
    public WebhookState State { get; set; }
    public int Attempts { get; set; }
    public long CreatedAtMs { get; set; }
    public long NextAttemptMs { get; set; }
    /// <summary>The last attempt's HTTP status (0: no answer) and what went wrong.</summary>
    public int LastStatus { get; set; }
    public string? LastError { get; set; }
}
