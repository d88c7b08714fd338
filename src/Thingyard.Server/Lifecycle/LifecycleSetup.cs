// Lifecycle area wiring (release and review, debugging, panels, mass production): one line per part.
using Thingyard.Lifecycle;
using Thingyard.Server.Lifecycle.VirtualDevices;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Lifecycle;

public static class LifecycleSetup
{
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddScoped<PlatformOperator>();
        services.AddScoped<ProductReleases>().AddScoped<DebugChecklist>().AddScoped<ProductPanels>().AddScoped<DevelopmentProgress>();
        services.AddMassProduction();
        services.AddVirtualDevices();
        return services;
    }

    public static RpcActions AddLifecycleActions(this RpcActions actions) => actions
        .AddReleaseActions()
        .AddPanelActions()
        .AddMassProductionActions()
        .AddVirtualDeviceActions();
}
