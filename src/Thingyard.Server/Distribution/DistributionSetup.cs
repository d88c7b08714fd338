// Distribution area wiring: the instance directory, peer client, device locator and bootstrap.
namespace Thingyard.Server.Distribution;

public static class DistributionSetup
{
    public static IServiceCollection AddDistribution(this IServiceCollection services)
    {
        services.AddSingleton<InstanceDirectory>();
        services.AddSingleton<PeerClient>();
        services.AddSingleton<DeviceLocator>();
        services.AddSingleton<BootstrapService>();
        services.AddSingleton<PeerAuthFilter>();
        return services;
    }
}
