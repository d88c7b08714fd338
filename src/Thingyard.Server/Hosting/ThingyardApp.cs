// Builds the host: settings (checked first), one Add/Map per area, storage migrated and the admin key ensured before listening.
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Server.Accounts;
using Thingyard.Server.AliGenie;
using Thingyard.Server.Cluster;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Console;
using Thingyard.Server.Lifecycle;
using Thingyard.Server.OpsHub;
using Thingyard.Server.Projects;
using Thingyard.Server.Sharing;
using Thingyard.Server.Distribution;
using Thingyard.Server.Registry;
using Thingyard.Server.RemoteConfig;
using Thingyard.Server.Rest;
using Thingyard.Server.Rpc;
using Thingyard.Server.Rules;
using Thingyard.Server.Gateways;
using Thingyard.Server.Id2;
using Thingyard.Server.EndUsers;
using Thingyard.Server.Settings;
using Thingyard.Server.Alarms;
using Thingyard.Server.Subscriptions;
using Thingyard.Server.Scripts;
using Thingyard.Server.Shadows;
using Thingyard.Server.Things;
using Thingyard.Server.Webhooks;
using Thingyard.Server.ThingModels;
using Thingyard.Server.Topics;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public static class ThingyardApp
{
    public const string DefaultUrl = "http://localhost:8080";

    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        // Content (appsettings.json) beside the server's binaries, whatever the working directory; relative settings
        // (DataDir, key and certificate paths) are taken from the working directory the server was started in.
        // ApplicationName names the static web assets manifest (the console's scripts and styles), also when the host is a
        // test runner.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(ThingyardApp).Assembly.GetName().Name,
        });
        // Serves MudBlazor's and the console's files from the build output too, not only from a published wwwroot.
        builder.WebHost.UseStaticWebAssets();
        // The default listener applies only when neither --urls, ASPNETCORE_URLS nor configuration names one
        // (an "Urls" in appsettings.json would silently win over ASPNETCORE_URLS).
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        // Every section bound and checked before anything below writes to disk (the data folder, master.key, ...);
        // the services get the same sections, checked again by the host at start (SettingsSetup).
        var settings = SettingsSetup.ReadValidated(builder.Configuration);
        var (instance, storage) = (settings.Get<InstanceOptions>(), settings.Get<StorageOptions>());
        ClusterSetup.CheckSettings(settings);
        // A cap below the descriptor limit: a socket flood is refused connection by connection instead of exhausting
        // descriptors (see ConnectionGate for MQTT).
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = instance.MaxHttpConnections;
            k.Limits.MaxConcurrentUpgradedConnections = instance.MaxHttpConnections;
        });
        var folderNotice = OwnerOnly.CreateFolder(instance.DataDir); // it holds the database, keys and the TLS key
        // Before anything below writes into the data folder (AddAccounts creates master.key).
        LostDatabaseCheck.ThrowIfLost(storage, instance.DataDir,
            ["master.key", AdminBootstrap.KeyFileName, ConsoleUsers.PasswordFileName, BrokerCertificate.FileName, BrokerCertificate.PemFileName]);

        builder.Services.AddThingyardSettings(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddThingyardStorage(storage, instance.DataDir);
        builder.Services.AddAccounts(settings.Get<SecurityOptions>(), instance.DataDir);
        builder.AddCluster(settings); // before the broker: its silo starts first, so connecting devices find the cluster up
        builder.Services.AddProjects();
        builder.Services.AddOpsHub();
        builder.Services.AddSharing();
        builder.Services.AddId2();
        builder.Services.AddEndUsers();
        builder.Services.AddAliGenie();
        builder.Services.AddRegistry();
        builder.Services.AddThingModels();
        builder.Services.AddConnectivity();
        builder.Services.AddThings();
        builder.Services.AddGateways();
        builder.Services.AddShadows();
        builder.Services.AddDistribution();
        builder.Services.AddRemoteConfig();
        builder.Services.AddLifecycle();
        builder.Services.AddSubscriptions();
        builder.Services.AddAlarms();
        builder.Services.AddWebhooks();
        builder.Services.AddRules();
        builder.Services.AddScripts();
        builder.Services.AddTopicClasses();
        builder.Services.AddRpc();
        builder.Services.AddRestApi();
        builder.Services.AddConsole(settings.Get<ConsoleOptions>(), instance.DataDir);
        if (settings.Get<MqttOptions>().DeviceHttpsPort >= 0) DeviceHttpsServer.Add(builder.Services);
        builder.Services.AddHealth();
        builder.Services.AddObservability(settings.Get<TelemetryOptions>(), builder.Configuration);

        var app = builder.Build();
        // Nodes of a cluster starting together take turns through the work done once per database (held until built).
        await using var startup = await StorageSetup.LockStartupAsync(app.Services);
        await StorageSetup.MigrateAsync(app.Services);
        LostDatabaseCheck.MarkUsed(storage, instance.DataDir);
        await app.PrepareClusterAsync(settings);
        await app.Services.GetRequiredService<Thingyard.Accounts.NonceGuard>().LoadAsync(); // before any signed call
        var (sealedCount, resealed) = await StoredSecrets.BringUnderAsync(app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ThingyardDb>>(),
            app.Services.GetRequiredService<SecretProtector>(), MasterKeys.Previous(settings.Get<SecurityOptions>()));
        if (sealedCount + resealed > 0)
            app.Logger.LogWarning("Stored secrets: {Sealed} sealed that were in clear, {Resealed} sealed again with the current master key", sealedCount, resealed);
        var notice = await AdminBootstrap.EnsureAsync(app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ThingyardDb>>(),
            app.Services.GetRequiredService<AccessKeyStore>(), settings.Get<AdminOptions>(), instance.DataDir);
        if (notice is not null) app.Logger.LogWarning("{Notice}", notice);
        await ProjectsSetup.AdoptOrphanProductsAsync(app.Services, app.Logger);
        await TopicsSetup.AddMissingDefaultsAsync(app.Services, app.Logger);
        await using (var scope = app.Services.CreateAsyncScope())
            if (await scope.ServiceProvider.GetRequiredService<ConsoleUsers>().EnsureFirstAsync(settings.Get<AdminOptions>(), instance.DataDir) is { } userNotice)
                app.Logger.LogWarning("{Notice}", userNotice);
        if (folderNotice is not null) app.Logger.LogWarning("Could not make the data folder {Path} owner-only (0700): {Reason}", instance.DataDir, folderNotice);

        app.MapConsole(); // authentication and antiforgery first: they apply to the endpoints mapped after
        app.MapRpc();
        app.MapRestApi();
        app.MapEndUsers();
        app.MapAliGenie();
        app.MapConnectivity();
        app.MapDistribution();
        app.MapRemoteConfig();
        app.MapScripts();
        app.MapHealth();
        app.MapMetrics();
        return app;
    }
}
