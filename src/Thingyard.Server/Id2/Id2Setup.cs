// ID² area wiring: the authority and the MQTT login of ID² devices (singletons), products, identities, the log and
// self-verification (per request).
using Thingyard.Connectivity;
using Thingyard.Id2;

namespace Thingyard.Server.Id2;

public static class Id2Setup
{
    public static IServiceCollection AddId2(this IServiceCollection services)
    {
        services.AddSingleton<Id2Authority>();
        services.AddSingleton<IId2Login, Id2DeviceLogin>();
        services.AddScoped<Id2Products>();
        services.AddScoped<Id2Identities>();
        services.AddScoped<Id2Log>();
        services.AddScoped<Id2SelfVerification>();
        return services;
    }
}
