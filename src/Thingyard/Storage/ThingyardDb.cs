// The one storage model; SQLite and PostgreSQL each get a subclass so each carries its own migrations.
using Microsoft.EntityFrameworkCore;
using Thingyard.Accounts;
using Thingyard.Registry;
using Thingyard.ThingModels;

namespace Thingyard.Storage;

public abstract class ThingyardDb(DbContextOptions options) : DbContext(options)
{
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

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Account>(e =>
        {
            e.HasIndex(x => x.Uid).IsUnique();
            e.Property(x => x.Uid).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(64);
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
            e.Property(x => x.ProductSecret).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Description).HasMaxLength(200);
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
            e.Property(x => x.DeviceSecret).HasMaxLength(64);
            e.Property(x => x.IotId).HasMaxLength(64);
            e.Property(x => x.Nickname).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.IpAddress).HasMaxLength(64);
            e.Property(x => x.FirmwareVersion).HasMaxLength(64);
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
    }
}

public sealed class SqliteThingyardDb(DbContextOptions<SqliteThingyardDb> options) : ThingyardDb(options);

public sealed class PostgresThingyardDb(DbContextOptions<PostgresThingyardDb> options) : ThingyardDb(options);
