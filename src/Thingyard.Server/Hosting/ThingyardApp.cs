// Builds the host: options, one Add/Map per area, storage migrated and the admin key ensured before listening.
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Server.Accounts;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Distribution;
using Thingyard.Server.Registry;
using Thingyard.Server.RemoteConfig;
using Thingyard.Server.Rest;
using Thingyard.Server.Rpc;
using Thingyard.Server.Gateways;
using Thingyard.Server.Shadows;
using Thingyard.Server.Things;
using Thingyard.Server.ThingModels;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public static class ThingyardApp
{
    public const string DefaultUrl = "http://localhost:8080";

    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The default listener applies only when neither --urls, ASPNETCORE_URLS nor configuration names one
        // (an "Urls" in appsettings.json would silently win over ASPNETCORE_URLS).
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        // A cap below the descriptor limit: a socket flood is refused connection by connection instead of exhausting
        // descriptors (see ConnectionGate for MQTT).
        var maxHttp = builder.Configuration.GetValue("Thingyard:MaxHttpConnections", 1000);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = maxHttp;
            k.Limits.MaxConcurrentUpgradedConnections = maxHttp;
        });
        var options = builder.Configuration.GetSection("Thingyard").Get<ThingyardOptions>() ?? new ThingyardOptions();
        options.DataDir = Path.GetFullPath(options.DataDir);
        var folderNotice = OwnerOnly.CreateFolder(options.DataDir); // it holds the database, keys and the TLS key
        // Before anything below writes into the data folder (AddAccounts creates master.key).
        LostDatabaseCheck.ThrowIfLost(options.Storage, options.DataDir,
            ["master.key", AdminBootstrap.KeyFileName, BrokerCertificate.FileName, BrokerCertificate.PemFileName]);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Storage);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddThingyardStorage(options.Storage, options.DataDir);
        builder.Services.AddAccounts(options);
        builder.Services.AddRegistry();
        builder.Services.AddThingModels();
        builder.Services.AddConnectivity();
        builder.Services.AddThings();
        builder.Services.AddGateways();
        builder.Services.AddShadows();
        builder.Services.AddDistribution();
        builder.Services.AddRemoteConfig();
        builder.Services.AddRpc();
        builder.Services.AddRestApi();
        if (options.Mqtt.DeviceHttpsPort >= 0) DeviceHttpsServer.Add(builder.Services);
        builder.Services.AddHealth();

        var app = builder.Build();
        await StorageSetup.MigrateAsync(app.Services);
        LostDatabaseCheck.MarkUsed(options.Storage, options.DataDir);
        await app.Services.GetRequiredService<Thingyard.Accounts.NonceGuard>().LoadAsync(); // before any signed call
        var (sealedCount, resealed) = await StoredSecrets.BringUnderAsync(app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ThingyardDb>>(),
            app.Services.GetRequiredService<SecretProtector>(), MasterKeys.Previous(options));
        if (sealedCount + resealed > 0)
            app.Logger.LogWarning("Stored secrets: {Sealed} sealed that were in clear, {Resealed} sealed again with the current master key", sealedCount, resealed);
        var notice = await AdminBootstrap.EnsureAsync(app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ThingyardDb>>(),
            app.Services.GetRequiredService<AccessKeyStore>(), options.Admin, options.DataDir);
        if (notice is not null) app.Logger.LogWarning("{Notice}", notice);
        if (folderNotice is not null) app.Logger.LogWarning("Could not make the data folder {Path} owner-only (0700): {Reason}", options.DataDir, folderNotice);

        app.MapRpc();
        app.MapRestApi();
        app.MapConnectivity();
        app.MapDistribution();
        app.MapRemoteConfig();
        app.MapHealth();
        app.MapMetrics();
        return app;
    }
}
