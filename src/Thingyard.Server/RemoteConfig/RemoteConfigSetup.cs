// Wires remote configuration: the domain store, delivery to devices and the signed download endpoint.
using Thingyard.RemoteConfig;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.RemoteConfig;

public static class RemoteConfigSetup
{
    public static IServiceCollection AddRemoteConfig(this IServiceCollection services)
    {
        services.AddScoped<RemoteConfigs>();
        services.AddSingleton<ConfigDelivery>();
        return services;
    }

    public static void MapRemoteConfig(this WebApplication app) =>
        app.MapGet("/config-files/{configId}", ConfigDelivery.DownloadAsync).ExcludeFromDescription();
}
