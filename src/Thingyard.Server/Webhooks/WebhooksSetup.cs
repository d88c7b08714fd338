// The webhook outbox: one HTTP client that follows no redirects (a receiver cannot bounce a signed body elsewhere), and
// the background sender.
namespace Thingyard.Server.Webhooks;

public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookOutbox.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<WebhookOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookOutbox>());
        return services;
    }
}
