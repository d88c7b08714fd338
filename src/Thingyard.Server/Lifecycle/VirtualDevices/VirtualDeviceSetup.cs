// Virtual devices' services: one host per instance (it owns the clients), the per-request service beside it.
namespace Thingyard.Server.Lifecycle.VirtualDevices;

public static class VirtualDeviceSetup
{
    public static IServiceCollection AddVirtualDevices(this IServiceCollection services)
    {
        services.AddSingleton<VirtualDeviceHost>();
        // After the broker's hosted service (AddConnectivity runs first): started after it, stopped before it.
        services.AddHostedService(sp => sp.GetRequiredService<VirtualDeviceHost>());
        services.AddScoped<VirtualDeviceService>();
        return services;
    }
}
