// Registry area wiring: domain services per request, the batch registration worker for the process.
using Microsoft.Extensions.DependencyInjection.Extensions;
using Thingyard.Registry;

namespace Thingyard.Server.Registry;

public static class RegistrySetup
{
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton<DeviceChanges>(); // also added by the storage setup
        services.AddSingleton<DeviceCache>();
        services.AddScoped<ProductRegistry>();
        services.AddScoped<DeviceRegistry>();
        services.AddScoped<DeviceTags>();
        services.AddScoped<ProductTags>();
        services.AddScoped<BatchRegistrar>();
        services.AddScoped<GroupRegistry>();
        services.AddSingleton<BatchRegistrationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<BatchRegistrationWorker>());
        return services;
    }
}
