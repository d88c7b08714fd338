// Gateways area wiring: topology, sub-device registration, and the gateway topics (topo, sub/register, combine login).
using Thingyard.Gateways;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Gateways;

public static class GatewaysSetup
{
    public static IServiceCollection AddGateways(this IServiceCollection services)
    {
        services.AddSingleton<TopologyChanges>();
        services.AddSingleton<Topology>();
        services.AddSingleton<SubDeviceRegistration>();
        services.AddSingleton<GatewayUplinks>();
        return services.AddUplinkRoutes(GatewayUplinks.Routes);
    }
}
