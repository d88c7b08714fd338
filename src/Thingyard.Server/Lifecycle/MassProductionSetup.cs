// Mass production's services: activation quotas, production batches and their signed credential links.
using Thingyard.Lifecycle;

namespace Thingyard.Server.Lifecycle;

public static class MassProductionSetup
{
    public static IServiceCollection AddMassProduction(this IServiceCollection services)
    {
        services.AddScoped<ActivationQuotas>();
        services.AddScoped<ProductionBatches>();
        services.AddSingleton<ProductionLinks>();
        return services;
    }
}
