// Rules engine wiring: the registry per request; the engine (a hosted service the Forwarder offers messages to) and its
// counters.
using Thingyard.Rules;

namespace Thingyard.Server.Rules;

public static class RulesSetup
{
    public static IServiceCollection AddRules(this IServiceCollection services)
    {
        services.AddSingleton<RuleChanges>();
        services.AddScoped<RuleRegistry>();
        services.AddSingleton<RuleCounters>();
        services.AddSingleton<RuleEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<RuleEngine>());
        return services;
    }
}
