// Server-side subscription wiring: the change feed for the process, the group registry and the subscriptions per request.
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<SubscriptionChanges>();
        services.AddScoped<ConsumerGroupRegistry>();
        services.AddScoped<SubscribeRelations>();
        return services;
    }
}
