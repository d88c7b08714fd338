// Raised after a subscription or consumer group is created, changed or deleted, so the message path's
// SubscriptionDirectory drops what it cached for that account at once.
namespace Thingyard.Subscriptions;

public sealed class SubscriptionChanges
{
    public event Action<long>? Changed;

    /// <summary>Something of <paramref name="accountId"/>'s subscriptions or groups changed.</summary>
    public void Publish(long accountId) => Changed?.Invoke(accountId);
}
