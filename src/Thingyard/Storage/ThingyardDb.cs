// The one storage model; SQLite and PostgreSQL each get a subclass so each carries its own migrations. The entities'
// configurations live beside them (e.g. Registry/DeviceConfiguration.cs). It is an Identity user context so ASP.NET Core
// Identity keeps console users (Accounts/ConsoleUser.cs) in the same database, on both providers.
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Thingyard.Accounts;
using Thingyard.Distribution;
using Thingyard.Gateways;
using Thingyard.Lifecycle;
using Thingyard.Projects;
using Thingyard.Registry;
using Thingyard.RemoteConfig;
using Thingyard.Rules;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;
using Thingyard.ThingModels;
using Thingyard.Webhooks;
using Thingyard.Topics;

namespace Thingyard.Storage;

public abstract class ThingyardDb(DbContextOptions options) : IdentityUserContext<ConsoleUser, long>(options)
{
    readonly SecretProtector? _sealing = options.FindExtension<SecretSealing>()?.Protector;

    /// <summary>The master key sealing secret columns (null: no sealing, as at design time).</summary>
    public string? SealingKeyId => _sealing?.KeyId;

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccessKey> AccessKeys => Set<AccessKey>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<BatchRegistration> BatchRegistrations => Set<BatchRegistration>();
    public DbSet<DeviceGroup> DeviceGroups => Set<DeviceGroup>();
    public DbSet<DeviceGroupMember> DeviceGroupMembers => Set<DeviceGroupMember>();
    public DbSet<ProductTag> ProductTags => Set<ProductTag>();
    public DbSet<DeviceTag> DeviceTags => Set<DeviceTag>();
    public DbSet<ThingModelRevision> ThingModels => Set<ThingModelRevision>();
    public DbSet<PropertySample> PropertySamples => Set<PropertySample>();
    public DbSet<PropertyLatest> PropertyLatest => Set<PropertyLatest>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<ServiceRecord> ServiceCalls => Set<ServiceRecord>();
    public DbSet<DeviceShadow> Shadows => Set<DeviceShadow>();
    public DbSet<GatewayLink> GatewayLinks => Set<GatewayLink>();
    public DbSet<DistributionJob> DistributionJobs => Set<DistributionJob>();
    public DbSet<DistributionItem> DistributionItems => Set<DistributionItem>();
    public DbSet<DeviceDistribution> DeviceDistributions => Set<DeviceDistribution>();
    public DbSet<ProductDistribution> ProductDistributions => Set<ProductDistribution>();
    public DbSet<AuthorizationCode> AuthorizationCodes => Set<AuthorizationCode>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<ProductConfigFile> ProductConfigFiles => Set<ProductConfigFile>();
    public DbSet<UsedNonce> UsedNonces => Set<UsedNonce>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectGrant> ProjectGrants => Set<ProjectGrant>();
    public DbSet<Sharing.DeviceAuthorization> DeviceAuthorizations => Set<Sharing.DeviceAuthorization>();
    public DbSet<Sharing.ProductAuthorization> ProductAuthorizations => Set<Sharing.ProductAuthorization>();
    public DbSet<Sharing.DeviceTransfer> DeviceTransfers => Set<Sharing.DeviceTransfer>();
    public DbSet<Sharing.DeviceTransferItem> DeviceTransferItems => Set<Sharing.DeviceTransferItem>();
    public DbSet<ReleaseRecord> ReleaseRecords => Set<ReleaseRecord>();
    public DbSet<ActivationQuota> ActivationQuotas => Set<ActivationQuota>();
    public DbSet<ProductionBatch> ProductionBatches => Set<ProductionBatch>();
    public DbSet<ProductPanel> ProductPanels => Set<ProductPanel>();
    public DbSet<VirtualDevice> VirtualDevices => Set<VirtualDevice>();
    public DbSet<ConsumerGroup> ConsumerGroups => Set<ConsumerGroup>();
    public DbSet<SubscribeRelation> SubscribeRelations => Set<SubscribeRelation>();
    public DbSet<SubscribeRelationGroup> SubscribeRelationGroups => Set<SubscribeRelationGroup>();
    public DbSet<BacklogMessage> Backlog => Set<BacklogMessage>();
    public DbSet<BacklogSegment> BacklogSegments => Set<BacklogSegment>();
    public DbSet<Alarms.AlarmRule> AlarmRules => Set<Alarms.AlarmRule>();
    public DbSet<Alarms.Alarm> Alarms => Set<Alarms.Alarm>();
    public DbSet<Alarms.AlarmEntry> AlarmHistory => Set<Alarms.AlarmEntry>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Rule> Rules => Set<Rule>();
    public DbSet<RuleAction> RuleActions => Set<RuleAction>();
    public DbSet<Scripts.ThingScript> ThingScripts => Set<Scripts.ThingScript>();
    public DbSet<ProductTopicClass> ProductTopicClasses => Set<ProductTopicClass>();
    public DbSet<Id2.Id2Product> Id2Products => Set<Id2.Id2Product>();
    public DbSet<Id2.Id2Identity> Id2Identities => Set<Id2.Id2Identity>();
    public DbSet<Id2.Id2Batch> Id2Batches => Set<Id2.Id2Batch>();
    public DbSet<Id2.Id2Challenge> Id2Challenges => Set<Id2.Id2Challenge>();
    public DbSet<Id2.Id2Verification> Id2Verifications => Set<Id2.Id2Verification>();
    public DbSet<Thingyard.EndUsers.EndUser> EndUsers => Set<Thingyard.EndUsers.EndUser>();
    public DbSet<Thingyard.EndUsers.EndUserSession> EndUserSessions => Set<Thingyard.EndUsers.EndUserSession>();
    public DbSet<Thingyard.EndUsers.EndUserResetCode> EndUserResetCodes => Set<Thingyard.EndUsers.EndUserResetCode>();
    public DbSet<Thingyard.EndUsers.DeviceBinding> DeviceBindings => Set<Thingyard.EndUsers.DeviceBinding>();
    public DbSet<Thingyard.EndUsers.DeviceBindToken> DeviceBindTokens => Set<Thingyard.EndUsers.DeviceBindToken>();
    public DbSet<Thingyard.EndUsers.DeviceBindCode> DeviceBindCodes => Set<Thingyard.EndUsers.DeviceBindCode>();
    public DbSet<Thingyard.EndUsers.ProjectBranding> ProjectBrandings => Set<Thingyard.EndUsers.ProjectBranding>();
    public DbSet<Thingyard.EndUsers.ProprietaryApp> ProprietaryApps => Set<Thingyard.EndUsers.ProprietaryApp>();
    public DbSet<Thingyard.AliGenie.AliGenieMapping> AliGenieMappings => Set<Thingyard.AliGenie.AliGenieMapping>();

    /// <summary>Room for a sealed 64-character secret: prefix, then base64 of nonce, tag and text.</summary>
    internal const int SealedSecretLength = 160;

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b); // Identity's user tables, renamed in ConsoleUserConfiguration
        // Each entity's table, keys, indexes and column sizes: an IEntityTypeConfiguration beside the entity.
        b.ApplyConfigurationsFromAssembly(typeof(ThingyardDb).Assembly);
        // OpenIddict's applications, authorizations, scopes and tokens: the OAuth server of AliGenie account linking.
        b.UseOpenIddict();
        // Sealing depends on this context's options (the master key), so it is added here rather than in those classes.
        if (_sealing is { } protector)
        {
            var sealedText = SecretSealingOptions.Converter(protector);
            b.Entity<Product>().Property(x => x.ProductSecret).HasConversion(sealedText);
            b.Entity<Device>().Property(x => x.DeviceSecret).HasConversion(sealedText);
            b.Entity<Device>().Property(x => x.DeviceToken).HasConversion((ValueConverter)sealedText);
            b.Entity<WebhookDelivery>().Property(x => x.Token).HasConversion((ValueConverter)sealedText);
            b.Entity<Alarms.AlarmRule>().Property(x => x.WebhookToken).HasConversion((ValueConverter)sealedText);
            b.Entity<Thingyard.EndUsers.ProprietaryApp>().Property(x => x.AppSecret).HasConversion(sealedText);
            b.Entity<Thingyard.EndUsers.DeviceBindCode>().Property(x => x.Code).HasConversion(sealedText);
            b.Entity<Rules.RuleAction>().Property(x => x.Configuration).HasConversion(sealedText); // a webhook's token
        }
    }
}

public sealed class SqliteThingyardDb(DbContextOptions<SqliteThingyardDb> options) : ThingyardDb(options);

public sealed class PostgresThingyardDb(DbContextOptions<PostgresThingyardDb> options) : ThingyardDb(options);
