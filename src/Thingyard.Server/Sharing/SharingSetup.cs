// Sharing area wiring: device and product authorization between accounts (per request).
using Thingyard.Sharing;

namespace Thingyard.Server.Sharing;

public static class SharingSetup
{
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        services.AddSingleton<AuthorizationChanges>();
        services.AddScoped<DeviceAuthorizations>();
        services.AddScoped<PublicPool>();
        services.AddScoped<DeviceTransfers>();
        return services;
    }
}
