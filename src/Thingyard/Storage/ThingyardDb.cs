// The one storage model; SQLite and PostgreSQL each get a subclass so each carries its own migrations.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Thingyard.Accounts;
using Thingyard.Distribution;
using Thingyard.Gateways;
using Thingyard.Registry;
using Thingyard.RemoteConfig;
using Thingyard.Telemetry;
using Thingyard.ThingModels;

namespace Thingyard.Storage;

public abstract class ThingyardDb(DbContextOptions options) : DbContext(options)
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

    /// <summary>Room for a sealed 64-character secret: prefix, then base64 of nonce, tag and text.</summary>
    const int SealedSecretLength = 160;

    protected override void OnModelCreating(ModelBuilder b)
    {
        if (_sealing is { } protector)
        {
            var sealedText = SecretSealingOptions.Converter(protector);
            b.Entity<Product>().Property(x => x.ProductSecret).HasConversion(sealedText);
            b.Entity<Device>().Property(x => x.DeviceSecret).HasConversion(sealedText);
            b.Entity<Device>().Property(x => x.DeviceToken).HasConversion((ValueConverter)sealedText);
        }
        b.Entity<ProductConfigFile>(e =>
        {
            e.HasIndex(x => x.ConfigId).IsUnique();
            e.HasIndex(x => new { x.ProductId, x.Id });
            e.Property(x => x.ConfigId).HasMaxLength(32);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Account>(e =>
        {
            e.HasIndex(x => x.Uid).IsUnique();
            e.Property(x => x.Uid).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(64);
        });
        b.Entity<UsedNonce>(e =>
        {
            e.HasKey(x => x.Hash);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.HasIndex(x => x.ExpiresAtMs);
        });
        b.Entity<AccessKey>(e =>
        {
            e.Property(x => x.Id).HasMaxLength(64);
            e.HasIndex(x => x.AccountId);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Product>(e =>
        {
            e.HasIndex(x => x.ProductKey).IsUnique();
            e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
            e.Property(x => x.ProductKey).HasMaxLength(32);
            e.Property(x => x.ProductSecret).HasMaxLength(SealedSecretLength);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Description).HasMaxLength(200);
            e.Property(x => x.SourceInstanceId).HasMaxLength(64);
            e.Property(x => x.SourceUid).HasMaxLength(32);
            e.Ignore(x => x.IsDistributedCopy);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Device>(e =>
        {
            e.HasIndex(x => new { x.ProductKey, x.DeviceName }).IsUnique();
            e.HasIndex(x => x.IotId).IsUnique();
            e.HasIndex(x => new { x.ProductId, x.Id });
            e.HasIndex(x => new { x.AccountId, x.Status });
            e.HasIndex(x => x.ApplyId);
            e.Property(x => x.ProductKey).HasMaxLength(32);
            e.Property(x => x.DeviceName).HasMaxLength(64);
            e.Property(x => x.DeviceSecret).HasMaxLength(SealedSecretLength);
            e.Property(x => x.IotId).HasMaxLength(64);
            e.Property(x => x.Nickname).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.IpAddress).HasMaxLength(64);
            e.Property(x => x.FirmwareVersion).HasMaxLength(64);
            e.Property(x => x.DeviceToken).HasMaxLength(SealedSecretLength);
            e.Property(x => x.SourceInstanceId).HasMaxLength(64);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<BatchRegistration>(e =>
        {
            e.HasIndex(x => new { x.AccountId, x.Status });
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeviceGroup>(e =>
        {
            e.HasIndex(x => x.GroupId).IsUnique();
            e.HasIndex(x => new { x.AccountId, x.Name });
            e.Property(x => x.GroupId).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeviceGroupMember>(e =>
        {
            e.HasKey(x => new { x.GroupId, x.DeviceId });
            e.HasIndex(x => x.DeviceId);
            e.HasOne<DeviceGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ProductTag>(e =>
        {
            e.HasKey(x => new { x.ProductId, x.Key });
            e.Property(x => x.Key).HasMaxLength(64);
            e.Property(x => x.Value).HasMaxLength(128);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeviceTag>(e =>
        {
            e.HasKey(x => new { x.DeviceId, x.Key });
            e.Property(x => x.Key).HasMaxLength(64);
            e.Property(x => x.Value).HasMaxLength(128);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ThingModelRevision>(e =>
        {
            e.HasIndex(x => new { x.ProductId, x.FunctionBlockId, x.Version });
            e.Property(x => x.FunctionBlockId).HasMaxLength(64);
            e.Property(x => x.Version).HasMaxLength(32);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        // Telemetry tables are written in batches by raw SQL (TelemetryWriter); keep their columns plain.
        b.Entity<PropertySample>(e =>
        {
            e.ToTable("PropertySamples");
            e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
            e.Property(x => x.Identifier).HasMaxLength(64);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PropertyLatest>(e =>
        {
            e.ToTable("PropertyLatest");
            e.HasKey(x => new { x.DeviceId, x.Identifier });
            e.Property(x => x.Identifier).HasMaxLength(64);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<EventRecord>(e =>
        {
            e.ToTable("Events");
            e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
            e.HasIndex(x => new { x.DeviceId, x.EventType, x.TimeMs });
            e.Property(x => x.Identifier).HasMaxLength(64);
            e.Property(x => x.EventType).HasMaxLength(16);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ServiceRecord>(e =>
        {
            e.ToTable("ServiceCalls");
            e.HasIndex(x => new { x.DeviceId, x.Identifier, x.TimeMs });
            e.HasIndex(x => new { x.DeviceId, x.MessageId });
            e.Property(x => x.Identifier).HasMaxLength(64);
            e.Property(x => x.MessageId).HasMaxLength(64);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeviceShadow>(e =>
        {
            e.ToTable("Shadows");
            e.HasKey(x => x.DeviceId);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DistributionJob>(e =>
        {
            e.HasIndex(x => x.JobId).IsUnique();
            e.HasIndex(x => new { x.AccountId, x.Status });
            e.Property(x => x.JobId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.ProductKey).HasMaxLength(32);
            e.Property(x => x.SourceInstanceId).HasMaxLength(64);
            e.Property(x => x.TargetUid).HasMaxLength(32);
            e.Property(x => x.AuthCode).HasMaxLength(64);
            e.Ignore(x => x.Targets);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DistributionItem>(e =>
        {
            e.HasIndex(x => new { x.JobId, x.DeviceName }).IsUnique();
            e.HasIndex(x => new { x.JobId, x.State });
            e.Property(x => x.DeviceName).HasMaxLength(64);
            e.Property(x => x.TargetInstanceId).HasMaxLength(64);
            e.HasOne<DistributionJob>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeviceDistribution>(e =>
        {
            e.HasKey(x => x.DeviceId);
            e.Property(x => x.JobId).HasMaxLength(64);
            e.Property(x => x.TargetUid).HasMaxLength(32);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.DeviceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ProductDistribution>(e =>
        {
            e.HasIndex(x => new { x.ProductId, x.TargetInstanceId, x.TargetUid }).IsUnique();
            e.Property(x => x.TargetInstanceId).HasMaxLength(64);
            e.Property(x => x.TargetUid).HasMaxLength(32);
            e.Property(x => x.JobId).HasMaxLength(64);
            e.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AuthorizationCode>(e =>
        {
            e.HasIndex(x => x.Code).IsUnique();
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.ForUid).HasMaxLength(32);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Notification>(e =>
        {
            e.HasIndex(x => new { x.AccountId, x.Id });
            e.Property(x => x.Kind).HasMaxLength(32);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<GatewayLink>(e =>
        {
            e.HasKey(x => x.SubDeviceId);
            e.HasIndex(x => x.GatewayDeviceId);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.SubDeviceId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Device>().WithMany().HasForeignKey(x => x.GatewayDeviceId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

public sealed class SqliteThingyardDb(DbContextOptions<SqliteThingyardDb> options) : ThingyardDb(options);

public sealed class PostgresThingyardDb(DbContextOptions<PostgresThingyardDb> options) : ThingyardDb(options);
