// Distribution area wiring: the instance directory, peer client, device locator and bootstrap.
namespace Thingyard.Server.Distribution;

public static class DistributionSetup
{
    public static IServiceCollection AddDistribution(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<InstanceDirectory>();
        services.AddSingleton<PeerClient>();
        services.AddSingleton<DeviceLocator>();
        services.AddSingleton<BootstrapService>();
        services.AddSingleton<PeerAuthFilter>();
        services.AddSingleton<Thingyard.Distribution.DistributionReceiver>();
        services.AddScoped<Thingyard.Distribution.DistributionJobs>();
        services.AddScoped<DistributionService>();
        services.AddSingleton<DistributionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DistributionWorker>());
        services.AddSingleton<ResultLinks>();
        services.AddSingleton<Notifications>();
        return services;
    }
}
