// Shadows area wiring: the stored shadow documents and the device-facing /shadow/update/{pk}/{dn} topic.
using Thingyard.Server.Connectivity;
using Thingyard.Telemetry;

namespace Thingyard.Server.Shadows;

public static class ShadowsSetup
{
    public static IServiceCollection AddShadows(this IServiceCollection services)
    {
        services.AddSingleton<ShadowStore>();
        services.AddSingleton<ShadowMessages>();
        // The shadow protocol is JSON of its own (lenient, clientToken echoed), not an Alink envelope.
        return services.AddUplinkRoutes(static (routes, sp) =>
            routes.Add("/shadow/update/+/+", UplinkPayload.Raw, sp.GetRequiredService<ShadowMessages>().HandleAsync));
    }
}
