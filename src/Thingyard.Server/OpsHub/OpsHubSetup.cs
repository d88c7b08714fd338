// Operations Hub area wiring: the figures, the skin and the lookups (per request), and regions from the locator.
using Thingyard.OpsHub;

namespace Thingyard.Server.OpsHub;

public static class OpsHubSetup
{
    public static IServiceCollection AddOpsHub(this IServiceCollection services)
    {
        services.AddSingleton<IRegionLookup, DeviceRegions>();
        services.AddScoped<ProjectFigures>();
        services.AddScoped<HubSkins>();
        services.AddScoped<HubDirectory>();
        return services;
    }
}
