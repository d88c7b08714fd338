// Accounts area wiring: secret sealing, AccessKey lookup, nonce replay guard (in memory and in the database), the
// failed-credential throttle every door shares.
using Thingyard.Accounts;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Accounts;

public static class AccountsSetup
{
    /// <summary>The master key is read (or its file created) now, from the settings as validated before the build.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, SecurityOptions security, string dataDir)
    {
        services.AddSingleton(MasterKeys.Current(security, dataDir));
        services.AddSingleton<AccessKeyStore>();
        services.AddSingleton(sp => new AuthThrottle(sp.GetRequiredService<AuthThrottleOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NonceLedger>();
        services.AddSingleton<NonceGuard>();
        services.AddHostedService<NoncePruner>();
        services.AddScoped<AccountAdmin>();
        return services;
    }
}
