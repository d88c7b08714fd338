// Device and product secrets and device tokens are stored sealed with the master key: the storage model converts them
// on their way in and out, so every reader and writer (API answers, MQTT connect, registration, distribution copies,
// gateway logins) keeps handling clear values and none can forget to seal. Each master key gets its own model (the
// converters hold it), so servers with different keys can share a process.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Accounts;

namespace Thingyard.Storage;

public static class SecretSealingOptions
{
    /// <summary>Seals the secret columns with <paramref name="protector"/>.</summary>
    public static DbContextOptionsBuilder UseSecretSealing(this DbContextOptionsBuilder builder, SecretProtector protector)
    {
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new SecretSealing(protector));
        return builder.ReplaceService<IModelCacheKeyFactory, SealingModelCacheKey>();
    }

    /// <summary>The converter of the secret columns (clear in the model, "s1:..." in the database).</summary>
    public static ValueConverter<string, string> Converter(SecretProtector protector) =>
        new(clear => protector.SealValue(clear), stored => protector.OpenValue(stored));
}

/// <summary>Carries the protector from the options to the model.</summary>
public sealed class SecretSealing(SecretProtector protector) : IDbContextOptionsExtension
{
    public SecretProtector Protector { get; } = protector;
    public DbContextOptionsExtensionInfo Info => field ??= new ExtensionInfo(this);
    public void ApplyServices(IServiceCollection services) { }
    public void Validate(IDbContextOptions options) { }

    sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;
        public override string LogFragment => "SecretSealing ";
        // The key lives in the model (see SealingModelCacheKey), not in EF's internal services.
        public override int GetServiceProviderHashCode() => 0;
        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;
        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Thingyard:SecretSealing"] = "1";
    }
}

/// <summary>One cached model per master key: the default key (the context type) would hand one server's converters to another.</summary>
sealed class SealingModelCacheKey : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) => (context.GetType(), designTime, (context as ThingyardDb)?.SealingKeyId);
}
