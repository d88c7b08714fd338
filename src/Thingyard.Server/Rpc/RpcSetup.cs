// RPC area wiring: the authenticator and the action table filled by each domain area.
using Thingyard.Server.Registry;
using Thingyard.Server.ThingModels;

namespace Thingyard.Server.Rpc;

public static class RpcSetup
{
    public static IServiceCollection AddRpc(this IServiceCollection services)
    {
        services.AddSingleton<RpcAuthenticator>();
        services.AddSingleton(_ => new RpcActions()
            .AddProductActions()
            .AddDeviceActions()
            .AddBatchActions()
            .AddGroupActions()
            .AddTagActions()
            .AddThingModelActions());
        return services;
    }
}
