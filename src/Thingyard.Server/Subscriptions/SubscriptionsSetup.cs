// Server-side subscription wiring: the change feed, the group registry and subscriptions per request; what the
// message path needs to forward (directory, ids, Forwarder); the groups' delivery (backlog store, DeliveryHub) and
// the AMQP endpoint.
using Thingyard.Server.Subscriptions.Amqp;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<SubscriptionChanges>();
        services.AddScoped<ConsumerGroupRegistry>();
        services.AddScoped<SubscribeRelations>();

        services.AddSingleton<SubscriptionDirectory>();
        services.AddSingleton<MessageIds>();
        services.AddSingleton<Forwarder>();
        services.AddSingleton<BacklogStore>();
        services.AddSingleton<DeliveryHub>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryHub>());
        services.AddSingleton<AmqpAuthenticator>();
        services.AddSingleton<AmqpServer>();
        services.AddHostedService(sp => sp.GetRequiredService<AmqpServer>());
        return services;
    }
}
